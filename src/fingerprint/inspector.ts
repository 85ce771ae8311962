/**
 * The one in-process `node:inspector` session the fingerprint walk uses to see what JavaScript
 * cannot: a function's `[[FunctionLocation]]` and `[[Scopes]]`, a bound function's parts, a
 * proxy's target and handler, an instance's private fields.
 *
 * Facts this file relies on (measured on Node 20.20, scripts in native-notes/):
 * - `Runtime.getProperties` returns `[[Scopes]]` and `[[FunctionLocation]]` with neither
 *   `Runtime.enable` nor `Debugger.enable` (native-notes/scopes-without-enable.md). Both stay off:
 *   `Runtime.enable` makes every console call slower, `Debugger.enable` slows code built at run time.
 * - `Runtime.callFunctionOn` on a `[[Scopes]]` list runs with `this` = an array of
 *   `{ description, object }`, where `object` is the materialized scope (null prototype, one data
 *   property per context-allocated variable) or the global object. One call brings every scope
 *   of a function back into JavaScript (native-notes/inspector-cost.md).
 * - An in-process `Session.post` answers synchronously, but Node does not document it. Every call
 *   asserts it; the first late answer switches the session off for good and the caller falls back.
 *
 * Values go in and out through a "bridge" object whose remote id is taken once: to hand a value
 * to the inspector we put it on the bridge and ask for `this.v`; to get one back a remote
 * function stores it on the bridge. The bridge is emptied after every use so it retains nothing.
 */
import type { Session as InspectorSession } from 'node:inspector';

export interface RemoteObject {
  readonly type: string;
  readonly subtype?: string;
  readonly className?: string;
  readonly value?: unknown;
  readonly unserializableValue?: string;
  readonly description?: string;
  readonly objectId?: string;
}

interface PropertyEntry {
  readonly name: string;
  readonly value?: RemoteObject;
}

interface PropertiesAnswer {
  readonly result: readonly PropertyEntry[];
  readonly internalProperties?: readonly PropertyEntry[];
  readonly privateProperties?: readonly PropertyEntry[];
}

interface CallAnswer {
  readonly result: RemoteObject;
  readonly exceptionDetails?: { readonly text: string };
}

interface CallArgument {
  readonly value?: unknown;
  readonly unserializableValue?: string;
  readonly objectId?: string;
}

/** Where V8 compiled a function: script id and 0-based line/column of its start. */
export interface FunctionSite {
  readonly scriptId: string;
  readonly line: number;
  readonly column: number;
}

export type ScopeType = 'local' | 'closure' | 'block' | 'catch' | 'with' | 'script' | 'module' | 'eval' | 'global' | 'other';

/** One entry of `[[Scopes]]`, innermost first; `object` is a snapshot taken at inspection time. */
export interface ScopeSnapshot {
  readonly type: ScopeType;
  /** The closure's function name when V8 gives one: `Closure (times)` -> 'times'. */
  readonly name: string;
  readonly object: Record<string, unknown>;
}

export interface BoundParts {
  readonly target: Function;
  readonly thisArg: unknown;
  readonly args: readonly unknown[];
}

export interface FunctionDetails {
  readonly site: FunctionSite | undefined;
  readonly scopes: readonly ScopeSnapshot[];
  readonly bound: BoundParts | undefined;
}

/** Thrown when the session cannot answer (unavailable, or it answered late once). */
export class InspectorUnavailable extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'InspectorUnavailable';
  }
}

const GROUP = 'smartcache';
const BRIDGE_GROUP = 'smartcache-bridge';
const BRIDGE_SLOT = Symbol.for('smartcache.inspector.bridge');
const GET_V = 'function () { return this.v; }';
const SET_V_FROM_ARGS = 'function () { this.v = Array.prototype.slice.call(arguments); }';

type PostFn = (method: string, params: object, callback: (error: Error | null, result?: object) => void) => void;

let session: InspectorSession | undefined;
let bridgeId: string | undefined;
const bridge: { v: unknown } = { v: undefined };
let broken: string | undefined;
let groupDirty = false;
let posts = 0;

/** Why the session cannot be used, or undefined while it can (opens it on first use). */
export function inspectorProblem(): string | undefined {
  if (broken !== undefined) return broken;
  try {
    open();
  } catch (error) {
    if (error instanceof InspectorUnavailable) return error.reason;
    throw error;
  }
  return broken;
}

/** Number of `Session.post` calls so far (bench and native-notes read it). */
export function inspectorCalls(): number {
  return posts;
}

function fail(reason: string): never {
  broken ??= reason;
  throw new InspectorUnavailable(broken);
}

function open(): InspectorSession {
  if (broken !== undefined) fail(broken);
  if (session !== undefined) return session;
  let inspector: typeof import('node:inspector');
  try {
    // Required lazily: a Node built without the inspector throws here, and most processes that
    // load smartcache never fingerprint anything.
    inspector = require('node:inspector') as typeof import('node:inspector');
    const s = new inspector.Session();
    s.connect();
    session = s;
  } catch (error) {
    fail(`node:inspector is not available (${error instanceof Error ? error.message : String(error)})`);
  }
  bridgeId = takeBridgeId();
  return session;
}

/** The remote id of `bridge`, through a global slot that exists only during this one call. */
function takeBridgeId(): string {
  const g = globalThis as unknown as Record<symbol, unknown>;
  Object.defineProperty(g, BRIDGE_SLOT, { value: bridge, configurable: true, enumerable: false, writable: false });
  try {
    const answer = post<CallAnswer>('Runtime.evaluate', {
      expression: "globalThis[Symbol.for('smartcache.inspector.bridge')]",
      objectGroup: BRIDGE_GROUP,
      silent: true,
    });
    const id = answer.result.objectId;
    if (id === undefined) fail('the inspector did not return the bridge object');
    return id;
  } finally {
    delete g[BRIDGE_SLOT];
  }
}

/**
 * One protocol call, answered synchronously or not at all: the callback must have run by the
 * time `post` returns (true for in-process sessions on Node 20-24, not a documented promise).
 */
function post<T>(method: string, params: object): T {
  const s = session;
  if (s === undefined || broken !== undefined) fail(broken ?? 'inspector session is not open');
  let answered = false;
  let failure: Error | null = null;
  let result: object | undefined;
  posts++;
  (s.post as unknown as PostFn)(method, params, (error, res) => {
    answered = true;
    failure = error;
    result = res;
  });
  if (!answered) fail(`inspector answered ${method} asynchronously`);
  if (failure !== null) throw failure;
  return result as T;
}

function toArgument(remote: RemoteObject | undefined): CallArgument {
  if (remote === undefined || remote.type === 'undefined') return {};
  if (remote.objectId !== undefined) return { objectId: remote.objectId };
  if (remote.unserializableValue !== undefined) return { unserializableValue: remote.unserializableValue };
  return { value: remote.value };
}

/** Remote ids taken during the current walk (valid until `releaseObjects`). */
const remoteIds = new Map<object, string>();

/**
 * Takes the remote ids of many objects in two calls instead of one call each: the walk knows
 * which functions it will inspect next (native-notes/inspector-cost.md has the numbers).
 */
export function prefetchRemoteIds(values: readonly object[]): void {
  const wanted = values.filter((v) => !remoteIds.has(v));
  if (wanted.length < 2) return;
  open();
  bridge.v = wanted;
  try {
    const answer = post<CallAnswer>('Runtime.callFunctionOn', { objectId: bridgeId, functionDeclaration: GET_V, objectGroup: GROUP });
    groupDirty = true;
    const arrayId = answer.result.objectId;
    if (arrayId === undefined) return;
    const props = post<PropertiesAnswer>('Runtime.getProperties', { objectId: arrayId, ownProperties: true });
    for (const p of props.result) {
      const i = Number(p.name);
      const value = wanted[i];
      if (Number.isInteger(i) && value !== undefined && p.value?.objectId !== undefined) remoteIds.set(value, p.value.objectId);
    }
  } finally {
    bridge.v = undefined;
  }
}

/** The remote id of a local object, in the per-walk object group. */
function remoteIdOf(value: object): string {
  const known = remoteIds.get(value);
  if (known !== undefined) return known;
  open();
  bridge.v = value;
  try {
    const answer = post<CallAnswer>('Runtime.callFunctionOn', { objectId: bridgeId, functionDeclaration: GET_V, objectGroup: GROUP });
    groupDirty = true;
    const id = answer.result.objectId;
    if (id === undefined) throw new Error('inspector returned no object id');
    return id;
  } finally {
    bridge.v = undefined;
  }
}

/** Brings remote values back into JavaScript, in order. */
function localValues(remotes: ReadonlyArray<RemoteObject | undefined>): unknown[] {
  if (remotes.length === 0) return [];
  try {
    post<CallAnswer>('Runtime.callFunctionOn', {
      objectId: bridgeId,
      functionDeclaration: SET_V_FROM_ARGS,
      arguments: remotes.map(toArgument),
      objectGroup: GROUP,
    });
    const values = bridge.v;
    return Array.isArray(values) ? values : [];
  } finally {
    bridge.v = undefined;
  }
}

function scopeType(description: string): ScopeType {
  const head = description.split(' (')[0] ?? description;
  switch (head) {
    case 'Local':
      return 'local';
    case 'Closure':
      return 'closure';
    case 'Block':
      return 'block';
    case 'Catch':
      return 'catch';
    case 'With Block':
      return 'with';
    case 'Script':
      return 'script';
    case 'Module':
      return 'module';
    case 'Eval':
      return 'eval';
    case 'Global':
      return 'global';
    default:
      return 'other';
  }
}

function scopeName(description: string): string {
  const open = description.indexOf(' (');
  return open < 0 || !description.endsWith(')') ? '' : description.slice(open + 2, -1);
}

function snapshots(raw: unknown): ScopeSnapshot[] {
  if (!Array.isArray(raw)) return [];
  const out: ScopeSnapshot[] = [];
  // The list has a null prototype (no iterator): index it.
  const list = raw as unknown[];
  for (let i = 0; i < list.length; i++) {
    const entry = list[i];
    if (typeof entry !== 'object' || entry === null) continue;
    const { description, object } = entry as { description?: unknown; object?: unknown };
    if (typeof description !== 'string' || typeof object !== 'object' || object === null) continue;
    out.push({ type: scopeType(description), name: scopeName(description), object: object as Record<string, unknown> });
  }
  return out;
}

function siteOf(internal: readonly PropertyEntry[]): FunctionSite | undefined {
  const location = internal.find((p) => p.name === '[[FunctionLocation]]')?.value?.value;
  if (typeof location !== 'object' || location === null) return undefined;
  const { scriptId, lineNumber, columnNumber } = location as { scriptId?: unknown; lineNumber?: unknown; columnNumber?: unknown };
  if (typeof scriptId !== 'string' || typeof lineNumber !== 'number' || typeof columnNumber !== 'number') return undefined;
  return { scriptId, line: lineNumber, column: columnNumber };
}

function boundRemotes(internal: readonly PropertyEntry[]): Array<RemoteObject | undefined> | undefined {
  const target = internal.find((p) => p.name === '[[TargetFunction]]')?.value;
  if (target === undefined) return undefined;
  return [target, internal.find((p) => p.name === '[[BoundThis]]')?.value, internal.find((p) => p.name === '[[BoundArgs]]')?.value];
}

function boundOf(values: readonly unknown[]): BoundParts | undefined {
  const [t, self, list] = values;
  if (typeof t !== 'function') return undefined;
  // The arguments list comes back as a remote array: copy it by index.
  const args = Array.isArray(list) ? Array.from({ length: list.length }, (_, i) => (list as unknown[])[i]) : [];
  return { target: t, thisArg: self, args };
}

/**
 * Location, scopes (innermost first) and bound parts of many functions: one `getProperties`
 * each, then a single call that brings every `[[Scopes]]` list (and bound parts) back at once.
 */
export function describeFunctions(fns: readonly Function[]): Map<Function, FunctionDetails> {
  prefetchRemoteIds(fns);
  const internals = fns.map((fn) => {
    const props = post<PropertiesAnswer>('Runtime.getProperties', { objectId: remoteIdOf(fn), ownProperties: true, nonIndexedPropertiesOnly: true });
    return props.internalProperties ?? [];
  });
  const remotes: Array<RemoteObject | undefined> = [];
  const slots = internals.map((internal) => {
    const scopes = internal.find((p) => p.name === '[[Scopes]]')?.value;
    const at = remotes.length;
    remotes.push(scopes);
    const bound = boundRemotes(internal);
    if (bound !== undefined) remotes.push(...bound);
    return { at, bound: bound !== undefined };
  });
  const values = localValues(remotes);
  const out = new Map<Function, FunctionDetails>();
  fns.forEach((fn, i) => {
    const internal = internals[i] ?? [];
    const slot = slots[i] as { at: number; bound: boolean };
    const bound = slot.bound ? boundOf(values.slice(slot.at + 1, slot.at + 4)) : undefined;
    out.set(fn, { site: siteOf(internal), scopes: snapshots(values[slot.at]), bound });
  });
  return out;
}

/** Location, scopes (innermost first) and bound parts of one function. */
export function describeFunction(fn: Function): FunctionDetails {
  return describeFunctions([fn]).get(fn) as FunctionDetails;
}

/** Only the location (for `explain` of functions the walk did not need to inspect). */
export function functionSite(fn: Function): FunctionSite | undefined {
  const id = remoteIdOf(fn);
  const props = post<PropertiesAnswer>('Runtime.getProperties', { objectId: id, ownProperties: true });
  return siteOf(props.internalProperties ?? []);
}

/** `#name` -> value of an object's private fields (invisible to JavaScript itself). */
export function privateFields(object: object): Array<[string, unknown]> {
  const id = remoteIdOf(object);
  const props = post<PropertiesAnswer>('Runtime.getProperties', { objectId: id, ownProperties: true, accessorPropertiesOnly: false });
  const entries = (props.privateProperties ?? []).filter((p) => p.value !== undefined);
  const values = localValues(entries.map((p) => p.value));
  return entries.map((p, i) => [p.name, values[i]]);
}

/** A proxy's target and handler, read without running any trap. */
export function proxyParts(proxy: object): { target: unknown; handler: unknown } {
  const id = remoteIdOf(proxy);
  const props = post<PropertiesAnswer>('Runtime.getProperties', { objectId: id, ownProperties: true });
  const internal = props.internalProperties ?? [];
  const [target, handler] = localValues([
    internal.find((p) => p.name === '[[Target]]')?.value,
    internal.find((p) => p.name === '[[Handler]]')?.value,
  ]);
  return { target, handler };
}

/**
 * Every script V8 knows, id -> url, from a brief `Debugger.enable` + `Debugger.disable`: the
 * only complete source (ES modules are in no registry). It costs 2-35 ms on Node 20
 * (native-notes/script-urls.md), so callers use it as the last resort.
 */
export function allScriptUrls(): Map<string, string> {
  const s = open();
  const urls = new Map<string, string>();
  const listener = (message: { params: { scriptId: string; url: string } }): void => {
    urls.set(message.params.scriptId, message.params.url);
  };
  s.on('Debugger.scriptParsed', listener);
  try {
    post('Debugger.enable', {});
  } finally {
    try {
      post('Debugger.disable', {});
    } finally {
      s.off('Debugger.scriptParsed', listener);
    }
  }
  return urls;
}

/** Frees every remote object the last walk created (the bridge stays). */
export function releaseObjects(): void {
  remoteIds.clear();
  if (!groupDirty || session === undefined || broken !== undefined) return;
  groupDirty = false;
  post('Runtime.releaseObjectGroup', { objectGroup: GROUP });
}
