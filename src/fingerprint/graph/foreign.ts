/**
 * Code from Node or an npm package counts by identity (`node:internal/util#promisified`,
 * `lodash@4.17.21`), never by its source. What its closure captured still counts: a package's
 * `flow(inc, double)`, `memoize(fn)` or Node's `util.promisify(fn)` holds the user's functions in
 * closure scopes, and editing `inc` must change the fingerprint.
 *
 * The module's own scope (the package's top-level bindings) is left out: it is the package's
 * code and state, covered by its version. Which scope is the module's is decided carefully,
 * because dropping a closure scope by mistake would hide user code:
 * - an ES module's is typed `Module`;
 * - a CommonJS package module's is recognised by comparing with the scopes of a function the
 *   module exports (a top-level function has exactly the module scope, or none when the module
 *   keeps no context): same variables, same values; a bundle that exports through getters
 *   (esbuild, webpack) shows all of its module-level scopes in those getters' scopes;
 * - for Node's own modules (no registry to compare with) the outermost scope is taken as the
 *   module's only when there are at least two: a lone closure scope is kept.
 */
import type { FunctionDetails, ScopeSnapshot } from '../runtime';
import { describeFunction } from '../runtime';
import type { Entity } from './entity';
import type { ScriptInfo } from '../runtime';
import { scriptInfo } from '../runtime';
import { BUNDLED_MODULE_MARKER, globalAccessorName, heldInModuleScope, isOwnBundleFile, nodeFunctionName, packageOwn } from '../runtime';

/**
 * Identity of one of Node's functions that no public module exports (a factory's product such as
 * `util.promisify(fn)`'s wrapper): its internal script, name and position there. The position
 * pins which function of the script it is; it is the same in every process of one Node build and
 * may differ in another Node version, where a miss is the right answer anyway (the code differs).
 */
function nodeInternalId(info: ScriptInfo, details: FunctionDetails, name: string): string {
  const at = details.site === undefined ? '' : `@${details.site.line + 1}:${details.site.column + 1}`;
  return `${info.builtin ?? 'node'}#${name === '' ? '(anonymous)' : name}${at}`;
}

/**
 * Per package file: the variables of each module-level scope (null: the module keeps no context).
 * Usually one, the CommonJS wrapper's; a bundle adds its own around the code (esbuild's or
 * webpack's IIFE, webpack's per-module function).
 */
const moduleScopes = new Map<string, ReadonlyArray<Record<string, unknown>> | null | undefined>();

/** An exported function (a top-level one), or the getter a bundle exports a binding through. */
interface Candidate {
  readonly fn: Function;
  /** A bundle's export getter (`__export(exports, { P: () => P })`, webpack's `d()`): made at module level, every scope it has is the module's. */
  readonly getter: boolean;
}

/**
 * A function export that is itself a closure (`module.exports = callable(MarkdownIt)`, a wrapper
 * that calls a class without `new`) says nothing of the module scope; the class it stands for
 * (its [[Prototype]], its `prototype.constructor`) and its static members may be top-level.
 */
function behindFunction(fn: Function): Function[] {
  const out: Function[] = [];
  const proto: unknown = Object.getPrototypeOf(fn);
  if (typeof proto === 'function' && proto !== Function.prototype) out.push(proto);
  const prototype = Reflect.getOwnPropertyDescriptor(fn, 'prototype');
  const ctor: unknown = prototype !== undefined && 'value' in prototype && typeof prototype.value === 'object' && prototype.value !== null ? Reflect.getOwnPropertyDescriptor(prototype.value as object, 'constructor')?.value : undefined;
  if (typeof ctor === 'function' && ctor !== fn) out.push(ctor);
  for (const key of Object.getOwnPropertyNames(fn).slice(0, 20)) {
    const d = Object.getOwnPropertyDescriptor(fn, key);
    if (d !== undefined && 'value' in d && typeof d.value === 'function' && key !== 'prototype') out.push(d.value as Function);
  }
  return out;
}

function candidates(exports: unknown): Candidate[] {
  if (typeof exports === 'function') return [exports, ...behindFunction(exports)].map((fn) => ({ fn, getter: false }));
  if (typeof exports !== 'object' || exports === null) return [];
  const out: Candidate[] = [];
  for (const key of Object.keys(exports).slice(0, 20)) {
    const d = Object.getOwnPropertyDescriptor(exports, key);
    if (d === undefined) continue;
    if ('value' in d) {
      if (typeof d.value === 'function') out.push({ fn: d.value as Function, getter: false });
    } else if (typeof d.get === 'function') out.push({ fn: d.get, getter: true });
  }
  // Exported functions first: their scopes are known to be the module's alone.
  return [...out.filter((c) => !c.getter), ...out.filter((c) => c.getter)];
}

/** The module-level scopes of CommonJS `file`, seen through a function it exports; undefined when unknown. */
function packageModuleScopes(file: string): ReadonlyArray<Record<string, unknown>> | null | undefined {
  if (moduleScopes.has(file)) return moduleScopes.get(file);
  let found: ReadonlyArray<Record<string, unknown>> | null | undefined;
  for (const { fn, getter } of candidates(require.cache[file]?.exports)) {
    const details = describeFunction(fn);
    if (details.site === undefined || scriptInfo(details.site.scriptId).file !== file) continue;
    const own = details.scopes.filter((s) => s.type !== 'global' && s.type !== 'script');
    if (own.length === 0) found = null;
    else if (getter || own.length === 1) found = own.map((s) => s.object);
    else continue; // itself a closure: says nothing about the module scope
    break;
  }
  moduleScopes.set(file, found);
  return found;
}

function sameScope(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && Object.is(a[k], b[k]));
}

/**
 * The scopes of one of Node's functions made by a factory at run time (`util.promisify(fn)`):
 * every closure scope but the module's. Node compiles each of its modules as an anonymous
 * wrapper function, so the module scope is the outermost closure and the only one V8 shows
 * without a function name (`Closure`, where a factory's reads `Closure (promisify)`;
 * native-notes/node-internals.md). An unnamed outermost closure is therefore dropped, whatever
 * else is there: it holds Node's own state (`process`, bindings, primordials), never the
 * program's. A named one is kept: it holds what the program handed the factory.
 */
function nodeClosureScopes(own: readonly ScopeSnapshot[]): ScopeSnapshot[] {
  const outer = own[own.length - 1];
  if (outer !== undefined && outer.type === 'closure' && outer.name === '') return own.slice(0, -1);
  return [...own];
}

/**
 * A function of smartcache's own bundle: the closures inside its module's body (what a factory
 * like `cached(options)` was handed), as for a separate module, whose module scope counts with
 * smartcache's version. Bundled, each module's body is one more closure inside the bundle's own
 * scope; the marker binding finds it. A function outside every module body is the bundle's
 * plumbing (its require table), whose closure holds only smartcache's modules.
 */
function bundledClosureScopes(own: readonly ScopeSnapshot[]): ScopeSnapshot[] {
  const body = own.findIndex((s) => Object.prototype.hasOwnProperty.call(s.object, BUNDLED_MODULE_MARKER));
  return body >= 0 ? own.slice(0, body) : [];
}

/** The scopes of a foreign function that belong to its closure, not to its module. */
export function closureScopes(info: ScriptInfo, details: FunctionDetails): ScopeSnapshot[] {
  const own = details.scopes.filter((s) => s.type !== 'global' && s.type !== 'script' && s.type !== 'module');
  if (details.scopes.some((s) => s.type === 'module') || own.length === 0) return own;
  if (info.origin === 'node') return nodeClosureScopes(own);
  if (info.origin === 'package' && isOwnBundleFile(info.file)) return bundledClosureScopes(own);
  if (info.origin === 'package' && info.file !== undefined && require.cache[info.file] !== undefined) {
    const moduleLevel = packageModuleScopes(info.file);
    if (moduleLevel === null) return own;
    if (moduleLevel !== undefined) {
      // From the outside in, every scope that is one of the module's (a bundle's IIFE around the
      // wrapper's): a bundle of 100 functions walked through them made ~10,000 nodes whose
      // fingerprint changed from run to run (immer, fast-xml-parser). A factory's closure
      // (`withRetry(parse)`), inside them, is kept.
      let end = own.length;
      while (end > 0 && moduleLevel.some((m) => sameScope((own[end - 1] as ScopeSnapshot).object, m))) end--;
      return own.slice(0, end);
    }
  }
  return own.length >= 2 ? own.slice(0, -1) : own;
}

/**
 * Turns `e` (whose `name` is the function's) into the identity of Node's or a package's
 * function; `capture` adds the values of each closure scope.
 */
export function foreignEdges(
  e: Entity,
  info: ScriptInfo,
  details: FunctionDetails,
  capture: (scope: ScopeSnapshot) => void,
  registered: (label: string, fn: Function, holder: object) => void = () => undefined,
): void {
  if (info.origin === 'node') {
    const exported = e.fn === undefined ? undefined : (nodeFunctionName(e.fn) ?? globalAccessorName(e.fn));
    e.kind = 'builtin';
    e.edges.length = 0;
    e.dynamic = undefined;
    e.unsettled = undefined;
    if (exported !== undefined) {
      // A function a public module exports (or a global accessor of Node's) was made when Node
      // loaded that module: whatever its closure holds is Node's own state. Its public name is
      // its identity.
      e.own = `builtin:${exported}`;
      e.name = exported;
      return;
    }
    const id = nodeInternalId(info, details, e.name);
    e.own = `builtin:${id}`;
    e.name = id;
    for (const scope of closureScopes(info, details)) capture(scope);
    return;
  } else {
    e.kind = 'package';
    e.own = packageOwn(info.pkg ?? '');
    e.name = info.pkg ?? '';
  }
  e.edges.length = 0;
  e.dynamic = undefined;
  e.unsettled = undefined;
  for (const scope of closureScopes(info, details)) capture(scope);
  // An ES module package's own tables, which its exported functions fill with the program's
  // (`registerHelper(name, fn)`): the program's code, walked (runtime/package-members.ts).
  const moduleScope = details.scopes.find((s) => s.type === 'module');
  if (moduleScope !== undefined && info.file !== undefined) {
    for (const { path, fn, holder } of heldInModuleScope(info.file, moduleScope.object)) registered(`(registered) ${path.join('.')}`, fn, holder);
  }
}
