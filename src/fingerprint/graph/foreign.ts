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
 *   keeps no context): same variables, same values;
 * - for Node's own modules (no registry to compare with) the outermost scope is taken as the
 *   module's only when there are at least two: a lone closure scope is kept.
 */
import type { FunctionDetails, ScopeSnapshot } from '../runtime';
import { describeFunction } from '../runtime';
import type { Entity } from './entity';
import type { ScriptInfo } from '../runtime';
import { scriptInfo } from '../runtime';

/** Per package file: the module scope's variables (null: the module keeps no context). */
const moduleScopes = new Map<string, Record<string, unknown> | null | undefined>();

function candidates(exports: unknown): Function[] {
  if (typeof exports === 'function') return [exports];
  if (typeof exports !== 'object' || exports === null) return [];
  const out: Function[] = [];
  for (const key of Object.keys(exports).slice(0, 20)) {
    const d = Object.getOwnPropertyDescriptor(exports, key);
    if (d !== undefined && 'value' in d && typeof d.value === 'function') out.push(d.value as Function);
  }
  return out;
}

/** The module scope of CommonJS `file`, seen through a function it exports; undefined when unknown. */
function packageModuleScope(file: string): Record<string, unknown> | null | undefined {
  if (moduleScopes.has(file)) return moduleScopes.get(file);
  let found: Record<string, unknown> | null | undefined;
  for (const fn of candidates(require.cache[file]?.exports)) {
    const details = describeFunction(fn);
    if (details.site === undefined || scriptInfo(details.site.scriptId).file !== file) continue;
    const own = details.scopes.filter((s) => s.type !== 'global' && s.type !== 'script');
    if (own.length === 0) found = null;
    else if (own.length === 1) found = (own[0] as ScopeSnapshot).object;
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

/** The scopes of a foreign function that belong to its closure, not to its module. */
export function closureScopes(info: ScriptInfo, details: FunctionDetails): ScopeSnapshot[] {
  const own = details.scopes.filter((s) => s.type !== 'global' && s.type !== 'script' && s.type !== 'module');
  if (details.scopes.some((s) => s.type === 'module') || own.length === 0) return own;
  const outer = own[own.length - 1] as ScopeSnapshot;
  if (info.origin === 'package' && info.file !== undefined && require.cache[info.file] !== undefined) {
    const moduleScope = packageModuleScope(info.file);
    if (moduleScope === null) return own;
    if (moduleScope !== undefined) return sameScope(outer.object, moduleScope) ? own.slice(0, -1) : own;
  }
  return own.length >= 2 ? own.slice(0, -1) : own;
}

/**
 * Turns `e` (whose `name` is the function's) into the identity of Node's or a package's
 * function; `capture` adds the values of each closure scope.
 */
export function foreignEdges(e: Entity, info: ScriptInfo, details: FunctionDetails, capture: (scope: ScopeSnapshot) => void): void {
  if (info.origin === 'node') {
    const id = `${info.builtin ?? 'node'}#${e.name}`;
    e.kind = 'builtin';
    e.own = `builtin:${id}`;
    e.name = id;
  } else {
    e.kind = 'package';
    e.own = `package:${info.pkg ?? ''}`;
    e.name = info.pkg ?? '';
  }
  e.edges.length = 0;
  e.dynamic = undefined;
  e.unsettled = undefined;
  for (const scope of closureScopes(info, details)) capture(scope);
}
