/**
 * What the inspector says about one value: a function's location, scopes and bound parts, an
 * object's private fields, a proxy's target and handler. Values come back as live JavaScript
 * values (through inspector.ts's bridge), never as protocol descriptions.
 */
import { localValues, post, prefetchRemoteIds, remoteIdOf, type PropertiesAnswer, type PropertyEntry, type RemoteObject } from './inspector';

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
  /**
   * Set when the scopes were borrowed, without an inspector call, from a sibling declared in this
   * project file: at its module's top level, or directly in the same function body.
   */
  readonly borrowedFrom?: string;
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
  if (fns.length > 1) prefetchRemoteIds(fns);
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
    const scopes = snapshots(values[slot.at]);
    scopes.forEach((scope, index) => owners.set(scope.object, { fn, index }));
    out.set(fn, { site: siteOf(internal), scopes, bound });
  });
  return out;
}

/**
 * Which function's description each scope snapshot came from, and where in its `[[Scopes]]`:
 * a snapshot lent to siblings (graph-builder.ts) is read again through the one function that
 * was described, once for all of them (../watch.ts).
 */
const owners = new WeakMap<object, { readonly fn: Function; readonly index: number }>();

export function scopeOwner(snapshot: object): { readonly fn: Function; readonly index: number } | undefined {
  return owners.get(snapshot);
}

/** What a binding in its temporal dead zone reads as (Node 24 shows it as a throwing accessor). */
const UNSETTLED = Symbol('unsettled');

/** A binding's value read without running anything. */
function bindingValue(object: Record<string, unknown>, name: string): unknown {
  const d = Object.getOwnPropertyDescriptor(object, name);
  return d !== undefined && 'value' in d ? d.value : UNSETTLED;
}

/**
 * Two snapshots of one scope (each inspection takes a fresh snapshot object): the same names
 * holding the same values, so reading either gives what reading the other would.
 */
export function sameBindings(a: ScopeSnapshot, b: ScopeSnapshot): boolean {
  const keys = Object.keys(a.object);
  if (keys.length !== Object.keys(b.object).length) return false;
  return keys.every((k) => Object.prototype.hasOwnProperty.call(b.object, k) && Object.is(bindingValue(a.object, k), bindingValue(b.object, k)));
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

/**
 * Names of an object's own string-keyed properties that are not array indices (the inspector's
 * `nonIndexedPropertiesOnly`): a typed array's expando properties without listing its elements.
 */
export function namedOwnKeys(object: object): string[] {
  const id = remoteIdOf(object);
  const props = post<PropertiesAnswer>('Runtime.getProperties', { objectId: id, ownProperties: true, nonIndexedPropertiesOnly: true });
  const names: string[] = [];
  for (const p of props.result) {
    const entry = p as PropertyEntry & { readonly isOwn?: boolean; readonly symbol?: unknown };
    if (entry.isOwn === true && entry.symbol === undefined && Object.prototype.hasOwnProperty.call(object, entry.name)) names.push(entry.name);
  }
  return names;
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


let checked: string | null | undefined;

/**
 * Undefined when the inspector shows scopes the way this file reads them, checked once on a
 * known closure. A V8 that changed the shape must not yield fingerprints with names silently
 * unresolved (a stale hit): the caller falls back to always missing instead.
 */
export function scopesProblem(): string | undefined {
  if (checked === undefined) {
    const probe = 'smartcache-probe';
    const closure = ((captured: string) => () => captured)(probe);
    try {
      const { site, scopes } = describeFunction(closure);
      const found = scopes.some((s) => s.type === 'closure' && s.object['captured'] === probe);
      checked = site !== undefined && found ? null : 'the inspector does not show [[Scopes]] as expected';
    } catch (error) {
      checked = `the inspector cannot describe functions (${error instanceof Error ? error.message : String(error)})`;
    }
  }
  return checked ?? undefined;
}

/** A promise's state and, once settled, its value (or reason), read without awaiting it. */
export function promiseParts(promise: object): { state: string; result: unknown } {
  const props = post<PropertiesAnswer>('Runtime.getProperties', { objectId: remoteIdOf(promise), ownProperties: true });
  const internal = props.internalProperties ?? [];
  const state = internal.find((p) => p.name === '[[PromiseState]]')?.value?.value;
  const [result] = localValues([internal.find((p) => p.name === '[[PromiseResult]]')?.value]);
  return { state: typeof state === 'string' ? state : 'unknown', result };
}
