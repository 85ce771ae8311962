/**
 * The one in-process `node:inspector` session the fingerprint walk uses to see what JavaScript
 * cannot (describe.ts asks it for a function's `[[FunctionLocation]]` and `[[Scopes]]`, a bound
 * function's parts, a proxy's target and handler, an instance's private fields).
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

export interface PropertyEntry {
  readonly name: string;
  readonly value?: RemoteObject;
}

export interface PropertiesAnswer {
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

/** Thrown when the session cannot answer (unavailable, or it answered late once). */
export class InspectorUnavailable extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'InspectorUnavailable';
  }
}

export const GROUP = 'smartcache';
const BRIDGE_GROUP = 'smartcache-bridge';
const BRIDGE_SLOT = Symbol.for('smartcache.inspector.bridge');
const GET_V = 'function () { return this.v; }';
// A plain loop: `Array.prototype.slice` could be user code by now.
const SET_V_FROM_ARGS = 'function () { var a = []; for (var i = 0; i < arguments.length; i++) a[i] = arguments[i]; this.v = a; }';

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
  try {
    bridgeId = takeBridgeId();
  } catch (error) {
    if (error instanceof InspectorUnavailable) throw error;
    fail(`cannot reach the inspector bridge (${error instanceof Error ? error.message : String(error)})`);
  }
  return session;
}

/** The remote id of `bridge`, through a global slot that exists only during this one call. */
function takeBridgeId(): string {
  // `Runtime.evaluate` runs in Node's main context. When smartcache itself was loaded inside a vm
  // context (jest's module registry), `globalThis` is that context's global, which the
  // evaluation cannot see: `vm.runInThisContext` always answers with the main context's global.
  const g = (require('node:vm') as typeof import('node:vm')).runInThisContext('globalThis') as Record<symbol, unknown>;
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
export function post<T>(method: string, params: object): T {
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
  const arrayId = bridgeRemoteId(wanted);
  if (arrayId === undefined) return;
  const props = post<PropertiesAnswer>('Runtime.getProperties', { objectId: arrayId, ownProperties: true });
  for (const p of props.result) {
    const i = Number(p.name);
    const value = wanted[i];
    if (Number.isInteger(i) && value !== undefined && p.value?.objectId !== undefined) remoteIds.set(value, p.value.objectId);
  }
}

/** Hands `value` to the inspector through the bridge object: its remote id in `GROUP`. */
function bridgeRemoteId(value: unknown): string | undefined {
  open();
  bridge.v = value;
  try {
    const answer = post<CallAnswer>('Runtime.callFunctionOn', { objectId: bridgeId, functionDeclaration: GET_V, objectGroup: GROUP });
    groupDirty = true;
    return answer.result.objectId;
  } finally {
    bridge.v = undefined;
  }
}

/** The remote id of a local object, in the per-walk object group (`GROUP`). */
export function remoteIdOf(value: object): string {
  const known = remoteIds.get(value);
  if (known !== undefined) return known;
  const id = bridgeRemoteId(value);
  if (id === undefined) throw new Error('inspector returned no object id');
  // Valid until the group is released, like the prefetched ids (releaseObjects clears both).
  remoteIds.set(value, id);
  return id;
}

/** Brings remote values back into JavaScript, in order. */
export function localValues(remotes: ReadonlyArray<RemoteObject | undefined>): unknown[] {
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
