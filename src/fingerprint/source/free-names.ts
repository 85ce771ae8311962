/**
 * Turns the walk's raw name uses (scopes.ts) into the analysis's references: free names only,
 * merged per name, paths sorted and pruned, plus the reasons the set may be incomplete.
 */
import type { ParsedFunction } from './parse-function';
import { walkFunction, type BaseUse, type WalkResult } from './scopes';

export interface Reference {
  /** Free identifier, or 'this' / 'super' / 'new.target'. */
  readonly name: string;
  /** Static member paths used: CONFIG.factor -> ['factor']; utils.a.b -> ['a','b']. A path
   * stands for the whole value found there (`a.b[k]` gives ['b']); a path covered by a shorter
   * one is left out. */
  readonly paths: ReadonlyArray<ReadonlyArray<string>>;
  /** Used as a whole value somewhere (passed, spread, computed member, assigned, called directly...). */
  readonly whole: boolean;
  /**
   * Members read with a key held in a free name (`_index[key]`: `{ path: [], key: 'key' }`): the
   * member `path + value of key` when that value is a string or number, else `path` whole.
   */
  readonly keyed?: ReadonlyArray<{ readonly path: ReadonlyArray<string>; readonly key: string }>;
  /** Every use only counts with it (`n++;`): a call counter (scopes.ts `counter`). */
  readonly counter?: true;
}

export interface ReferenceSet {
  readonly references: Reference[];
  /** Free names the function's `this` is only handed to (`fn.apply(this, …)`), sorted (scopes.ts `forwards`). */
  readonly thisForwards: string[];
  readonly dynamic: string[];
  readonly requires: string[];
}

/** Names that are the global object itself: a computed member of one can reach any global. */
const GLOBAL_OBJECTS: ReadonlySet<string> = new Set(['globalThis', 'window', 'global', 'self']);

export function collectReferences(parsed: ParsedFunction): ReferenceSet {
  const walk = walkFunction(parsed.node, parsed.kind);
  const names = new Map<string, Accumulated>();
  const dynamic = new Set(walk.dynamic);
  for (const entry of walk.names) {
    if (!entry.free) continue;
    accumulate(names, entry.name, entry.use);
    if (entry.name === 'eval') dynamic.add('eval'); // direct or indirect, it runs code we cannot see
    if (GLOBAL_OBJECTS.has(entry.name)) noteGlobalObject(entry.name, entry.use, dynamic);
  }
  const requires = new Set(walk.requires);
  noteCalls(walk, dynamic, requires);
  noteSelf(walk, parsed, names, dynamic);
  const thisForwards = new Set<string>();
  for (const entry of walk.forwards) {
    // Handed to a name of the function's own (a parameter, a local): what that is, no value of
    // the walk says, so `this` counts whole.
    if (entry.free) thisForwards.add(entry.name);
    else accumulate(names, 'this', { path: undefined, computed: false });
  }
  return {
    references: [...names].sort(([a], [b]) => compare(a, b)).map(([name, acc]) => toReference(name, acc)),
    thisForwards: [...thisForwards].sort(compare),
    dynamic: [...dynamic].sort(compare),
    requires: [...requires].sort(compare),
  };
}

/** `globalThis[k]` can reach any global; `globalThis.eval` / `.Function` run code we cannot see. */
function noteGlobalObject(name: string, use: BaseUse, dynamic: Set<string>): void {
  if (use.computed) dynamic.add(`${name}[<computed>]`);
  const first = use.path?.[0];
  if (first === 'eval') dynamic.add('eval');
  if (first === 'Function') dynamic.add('new Function');
}

interface Accumulated {
  whole: boolean;
  /** Every use so far was a counting statement. */
  counter: boolean;
  readonly paths: Map<string, readonly string[]>;
  readonly keyed: Map<string, { readonly path: readonly string[]; readonly key: string }>;
}

function accumulate(names: Map<string, Accumulated>, name: string, use: BaseUse): void {
  let acc = names.get(name);
  if (acc === undefined) {
    acc = { whole: false, counter: true, paths: new Map(), keyed: new Map() };
    names.set(name, acc);
  }
  if (use.counter !== true) acc.counter = false;
  if (use.key !== undefined && use.path !== undefined && !GLOBAL_OBJECTS.has(name)) {
    acc.keyed.set(`${use.path.join('\0')}\0\0${use.key}`, { path: use.path, key: use.key });
    return;
  }
  // `globalThis[k]` stays as before: its prefix (or the object itself) is used whole, and
  // noteGlobalObject lists the computed access as dynamic (any global may be reached).
  if (use.path === undefined || (use.key !== undefined && use.path.length === 0)) acc.whole = true;
  else acc.paths.set(use.path.join('\0'), use.path);
}

/** Listed as dynamic when the function hands `require` along as a value (graph/references.ts makes it a loader). */
export const REQUIRE_AS_VALUE = 'require(<as a value>)';

function noteCalls(walk: WalkResult, dynamic: Set<string>, requires: Set<string>): void {
  if (walk.requireValues.some((use) => use.free)) dynamic.add(REQUIRE_AS_VALUE);
  for (const call of walk.calls) {
    if (!call.callee.free) continue; // a local named `require` or `Function` is ordinary code
    if (call.name === 'Function') dynamic.add('new Function');
    else if (call.specifier === undefined) dynamic.add('require(<computed>)');
    else requires.add(call.specifier);
  }
}

function noteSelf(walk: WalkResult, parsed: ParsedFunction, names: Map<string, Accumulated>, dynamic: Set<string>): void {
  for (const [name, uses] of walk.self) {
    for (const use of uses) {
      accumulate(names, name, use);
      // Inside a class `this[k]` can reach any member, inherited or not.
      if (name === 'this' && use.computed && (parsed.kind === 'class' || parsed.kind === 'method')) {
        dynamic.add('this[<computed>]');
      }
    }
    if (name === 'new.target') dynamic.add('new.target');
  }
}

/** Paths sorted; a path is dropped when a shorter one already covers it (`a` covers `a.b`). */
function toReference(name: string, acc: Accumulated): Reference {
  const sorted = [...acc.paths.values()].sort(comparePaths);
  const paths: Array<readonly string[]> = [];
  for (const path of sorted) {
    const last = paths[paths.length - 1];
    if (last !== undefined && isPrefix(last, path) && !isEnvObject(name, last)) continue;
    paths.push(Object.freeze(path.slice()));
  }
  const keyed = [...acc.keyed.values()]
    .sort((a, b) => comparePaths([...a.path, a.key], [...b.path, b.key]))
    .map((k) => Object.freeze({ path: Object.freeze([...k.path]), key: k.key }));
  const counter = acc.counter ? { counter: true as const } : {};
  if (keyed.length === 0) return Object.freeze({ name, paths: Object.freeze(paths), whole: acc.whole, ...counter });
  return Object.freeze({ name, paths: Object.freeze(paths), whole: acc.whole, keyed: Object.freeze(keyed), ...counter });
}

/**
 * `process.env` (also through `globalThis.process.env`) counts by name, not by value: used whole
 * (`process.env[k]`) it is a dynamic read, so it covers none of the variables read by name beside
 * it (`process.env.MODE` must stay an input).
 */
function isEnvObject(name: string, path: readonly string[]): boolean {
  let chain = [name, ...path];
  while (chain.length > 0 && GLOBAL_OBJECTS.has(chain[0] as string)) chain = chain.slice(1);
  return chain.length === 2 && chain[0] === 'process' && chain[1] === 'env';
}

function isPrefix(prefix: readonly string[], path: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((step, i) => step === path[i]);
}

function comparePaths(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compare(a[i] ?? '', b[i] ?? '');
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** Code-unit order, the same in every locale and process. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
