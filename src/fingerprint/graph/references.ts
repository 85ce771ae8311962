/**
 * Resolves the names a function's code uses (from ../source/analyze.ts, never from `[[Scopes]]`, which
 * over- and under-reports) to live values, innermost scope first: closure, block, module or
 * script scopes through the inspector, then the global object read directly.
 */
import type { FunctionAnalysis, Reference } from '../source';
import { builtinName, GLOBAL_OBJECT_NAMES, isBuiltinGlobal, isNodesOwn, isPackageMade } from '../runtime';
import { types } from 'node:util';
import { isRequireFunction, loaderByAnotherName } from './loaders';
import { addDynamic, addEdge, isObjectLike, leaf, nameOf, ownData, PROCESS_SALT, type Entity } from './entity';
import type { Builder } from './builder';
import type { FunctionDetails, ScopeSnapshot } from '../runtime';
import { isNamespace, scriptInfo } from '../runtime';
import { followPath, pathLabel } from './member-path';
import { foreignEdges } from './foreign';
import { programProcessData } from './process-members';
import { originOf } from './origin';
import { namesMember } from '../runtime';
import { requireEdges } from './requires';
import { keyIsConstant, namesWrittenIn, REQUIRE_AS_VALUE } from '../source';
import path = require('node:path');
import { findProjectRoot, projectRelative } from '../../project';

const NOT_NAMES = new Set(['this', 'super', 'new.target']);

type Binding = { readonly found: true; readonly value: unknown; readonly scope: object } | { readonly found: false };

function findBinding(scopes: readonly ScopeSnapshot[], name: string): Binding {
  for (const scope of scopes) {
    if (scope.type === 'global') break;
    // A `with` object's names are dynamic by nature (analyze reports 'with'); its object is
    // the value of the `with` expression, which the code references anyway.
    if (scope.type === 'with') continue;
    if (Object.prototype.hasOwnProperty.call(scope.object, name)) return { found: true, value: readBinding(scope.object, name), scope: scope.object };
  }
  return { found: false };
}

/**
 * A `let`/`const`/`class` binding still in its temporal dead zone reads as `undefined` through a
 * scope object on Node 20 (V8 11.3), but throws `ReferenceError: Cannot access 'X' from debugger`
 * on Node 24 (V8 13.6). Both mean "not initialized yet": the value is treated as `undefined`, which
 * the walk already handles (an undefined binding is re-read until the program's first
 * synchronous run is over, then kept).
 */
function readBinding(object: Record<string, unknown>, name: string): unknown {
  try {
    return object[name];
  } catch (error) {
    if (error instanceof ReferenceError) return undefined;
    throw error;
  }
}

let ModuleClass: Function | undefined;

function isModuleRecord(value: unknown): value is { exports: unknown } {
  ModuleClass ??= require('node:module') as Function;
  if (typeof value !== 'object' || value === null || types.isProxy(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === (ModuleClass as { prototype?: unknown }).prototype;
}

/** Edges for each member path of `base` (`CONFIG.factor`), labelled by `label(depth)`. */
export function pathEdges(
  b: Builder,
  e: Entity,
  base: unknown,
  paths: ReadonlyArray<ReadonlyArray<string>>,
  label: (path: readonly string[], depth: number) => string,
): void {
  const seen = new Set<string>();
  const add = (name: string, target: () => Entity, via: readonly object[]): void => {
    if (seen.has(name)) return;
    seen.add(name);
    addEdge(e, name, target(), via);
  };
  for (const path of paths) {
    const end = followPath(base, path);
    const name = label(path, end.depth);
    switch (end.kind) {
      case 'value':
        add(name, () => b.entityOf(end.value, end.holder), end.via);
        break;
      case 'whole':
        add(name, () => b.entityOf(end.value), end.via);
        break;
      case 'accessor':
        if (end.get !== undefined) add(`${name} (get)`, () => b.functionEntity(end.get as Function, end.holder), end.via);
        if (end.set !== undefined) add(`${name} (set)`, () => b.functionEntity(end.set as Function, end.holder), end.via);
        break;
      case 'missing':
        add(name, () => b.primitive(undefined), end.via);
        break;
      case 'unsettled':
        e.unsettled = true;
        add(name, () => leaf('dynamic', name, 'unsettled'), end.via);
        break;
    }
  }
}

/** `module.exports.x` counts as member `x` of the module; `module.id` and such by identity. */
function moduleRecordEdges(b: Builder, e: Entity, label: string, record: { exports: unknown }, ref: Reference): void {
  // `module.require(…)`, `module.constructor._load(…)`: loads what the text does not say.
  const loader = ref.paths.find((p) => p[0] === 'require' || p[0] === 'constructor');
  if (loader !== undefined) addEdge(e, `${label}.${loader.join('.')}`, loaderByAnotherName(`${label}.${loader[0] ?? ''}`));
  if (ref.whole || ref.paths.length === 0) {
    // Handed along whole (`require.main === module`, a logger given `module`): what it exports.
    // (A helper that loads through it, `Module._load('./x', module)`, is not seen: README.)
    addEdge(e, `${label}.exports`, b.entityOf(record.exports));
    return;
  }
  const exportPaths: string[][] = [];
  for (const p of ref.paths) {
    if (p[0] === 'exports') {
      if (p.length === 1) addEdge(e, `${label}.exports`, b.entityOf(record.exports));
      else exportPaths.push(p.slice(1));
    } else if (p[0] !== 'require' && p[0] !== 'constructor') addEdge(e, `${label}.${p.join('.')}`, b.builtin(`module.${p.join('.')}`));
  }
  if (exportPaths.length > 0) valueEdges(b, e, `${label}.exports`, record.exports, { name: label, paths: exportPaths, whole: false });
}

/**
 * What `process.argv` holds for a function that reads it (`process.argv[2]`, `.slice(2)`,
 * `.includes('--fast')`): the arguments by value, so another command line recomputes. The script
 * (`argv[1]`) counts relative to its project, as file inputs do, so a clone elsewhere still hits;
 * Node's own path (`argv[0]`) is left out unless read by index (`process.argv[0]`, by identity).
 */
function argvAsInput(): string[] {
  const [, script, ...rest] = process.argv;
  // The script's own project, not the working directory's: reading process.cwd() here would make
  // the working directory an input of the call (tracking/cwd-patch.ts).
  return [script === undefined ? '' : projectRelative(script, findProjectRoot(path.dirname(script))), ...rest];
}

/**
 * `process` handed along whole (`settings(process)`): what the program put on it
 * (`process.appConfig`) may be read there, so it counts by value; Node's own members by identity.
 */
function processDataEdges(b: Builder, e: Entity, label: string, proc: object): void {
  const paths = Object.keys(proc).filter((key) => programProcessData(proc, [key])).map((key) => [key]);
  if (paths.length > 0) pathEdges(b, e, proc, paths, (q, depth) => pathLabel(label, q, depth));
}

/** `process` counts by identity, but what its `env` holds is data: a captured `proc.env.MODE` counts by value, as it did before `process` had a name. */
function processEdge(b: Builder, e: Entity, label: string, value: object, p: readonly string[]): void {
  if ((p[0] === 'env' && p.length > 1) || programMember(value, p) || programProcessData(value, p)) pathEdges(b, e, value, [p], (q, depth) => pathLabel(label, q, depth));
  else if (p[0] === 'argv' && p[1] !== '0') addEdge(e, `${label}.argv`, b.entityOf(argvAsInput()));
  else addEdge(e, `${label}.${p.join('.')}`, b.builtin(`process.${p.join('.')}`));
}

/**
 * A member of a built-in object that holds a program's function (`path.basename = mine`, a
 * wrapper hung on `fs`): walked as code, not named after the member (an edit of it was a stale
 * hit). Read through data properties only (followPath); anything else keeps the built-in name.
 */
function programMember(holder: object, path: readonly string[]): boolean {
  const end = followPath(holder, path);
  if (end.kind === 'value') return typeof end.value === 'function' && !isNodesOwn(end.value);
  // An accessor the program put there (`Object.defineProperty(path, 'join', { get })`).
  if (end.kind === 'accessor') return [end.get, end.set].some((f) => f !== undefined && !isNodesOwn(f));
  return false;
}

/**
 * The shortest prefix of `path` on a package's exports that reaches a function the program put
 * there (a data property or an accessor), or undefined when the path stays the package's.
 */
function programPrefix(exports: object, path: readonly string[], file: string): readonly string[] | undefined {
  for (let depth = 1; depth <= path.length; depth++) {
    const prefix = path.slice(0, depth);
    const end = followPath(exports, prefix);
    if (end.kind === 'accessor') return [end.get, end.set].some((f) => f !== undefined && !isPackageMade(f, file)) ? prefix : undefined;
    if (end.kind !== 'value') return undefined;
    if (typeof end.value === 'function' && !isPackageMade(end.value, file)) return prefix;
    if (!isObjectLike(end.value)) return undefined;
  }
  return undefined;
}

/**
 * What a built-in global holds now, without running a program's getter: a data property's value,
 * or Node's own value behind its accessor globals (Node 20 defines `process` and `Buffer` so).
 */
function builtinGlobalValue(name: string, d: PropertyDescriptor): unknown {
  if ('value' in d) return d.value;
  if (name === 'process' && d.get !== undefined && isNodesOwn(d.get)) return process;
  if (name === 'Buffer' && d.get !== undefined && isNodesOwn(d.get)) return Buffer;
  return undefined;
}

/** Edges for one resolved name: the whole value, or only the member paths the code reads. */
export function valueEdges(b: Builder, e: Entity, label: string, value: unknown, ref: Reference): void {
  if (isModuleRecord(value)) {
    moduleRecordEdges(b, e, label, value, ref);
    return;
  }
  if (ref.whole || ref.paths.length === 0 || !isObjectLike(value)) {
    addEdge(e, label, b.entityOf(value));
    // Passed along whole, `process` counts by identity; what the code reads of it by name beside
    // that use (`proc.env.MODE`, `proc.argv`) is still data.
    if (ref.whole && isObjectLike(value) && builtinName(value) === 'process') {
      for (const p of ref.paths) if ((p[0] === 'env' && p.length > 1) || (p[0] === 'argv' && p[1] !== '0')) processEdge(b, e, label, value, p);
      processDataEdges(b, e, label, value);
    }
    return;
  }
  const named = builtinName(value);
  if (named !== undefined) {
    for (const p of ref.paths) {
      if (named === 'process') processEdge(b, e, label, value, p);
      else if (programMember(value, p)) pathEdges(b, e, value, [p], (q, depth) => pathLabel(label, q, depth));
      else addEdge(e, `${label}.${p.join('.')}`, b.builtin(`${named}.${p.join('.')}`));
    }
    return;
  }
  const namespace = isNamespace(value);
  const info = namespace ? undefined : b.moduleInfo(value);
  if (info?.kind === 'package') {
    addEdge(e, label, b.entityOf(value));
    // What the program hung on the package (`_.mixin({ double })`, `lib.helpers.up = fn`) is
    // the program's code, read where the code reads it.
    const held = ref.paths.map((p) => programPrefix(value, p, info.file)).filter((p) => p !== undefined);
    if (held.length > 0) pathEdges(b, e, value, held, (p, depth) => pathLabel(label, p, depth));
    return;
  }
  // A JSON module counts like a module: only the members read (`data.factor`) when all reads
  // are static, its whole content otherwise.
  if (info !== undefined || namespace) {
    addEdge(e, label, b.moduleView(value, ref.paths, info));
    return;
  }
  pathEdges(b, e, value, ref.paths, (p, depth) => pathLabel(label, p, depth));
}

export function globalDescriptor(name: string): PropertyDescriptor | undefined {
  for (let o: object | null = globalThis; o !== null; o = Object.getPrototypeOf(o) as object | null) {
    const d = Object.getOwnPropertyDescriptor(o, name);
    if (d !== undefined) return d;
  }
  return undefined;
}

/** A name no scope binds: the global object decides (built-ins by identity, the rest by value). */
function globalEdges(b: Builder, e: Entity, label: string, ref: Reference): void {
  const { name } = ref;
  const d = globalDescriptor(name);
  if (GLOBAL_OBJECT_NAMES.has(name) && d !== undefined && 'value' in d && d.value === globalThis) {
    if (ref.whole) {
      addEdge(e, label, b.builtin('globalThis'));
      addDynamic(e, `\`${label}\` is used as a whole (any global may matter)`);
    }
    for (const p of ref.paths) {
      const [head, ...rest] = p;
      if (head === undefined) continue;
      const sub: Reference = { name: head, paths: rest.length > 0 ? [rest] : [], whole: rest.length === 0 };
      globalEdges(b, e, `${label}.${head}`, sub);
    }
    return;
  }
  if (d === undefined) {
    (e.missingGlobals ??= []).push(name);
    addDynamic(e, `\`${name}\` is not defined anywhere (a global created later is checked on each call)`);
    addEdge(e, label, leaf('dynamic', name, 'undefined-global'));
    return;
  }
  const current = builtinGlobalValue(name, d);
  // A built-in global the program replaced with its own function (`globalThis.setTimeout = mine`)
  // is the program's global: read by value below, not named.
  if (isBuiltinGlobal(name) && !(typeof current === 'function' && !isNodesOwn(current))) {
    if (ref.whole || ref.paths.length === 0) {
      addEdge(e, label, b.builtin(name));
      if (name === 'process' && ref.whole && isObjectLike(current)) processDataEdges(b, e, label, current);
    }
    for (const p of ref.paths) {
      if (name === 'process' && p[0] === 'argv' && p[1] !== '0') addEdge(e, `${label}.argv`, b.entityOf(argvAsInput()));
      // A member the program replaced (`Buffer.from = mine`, `process.nextTick = mine`) is code.
      else if (!ref.whole && isObjectLike(current) && (programMember(current, p) || (name === 'process' && programProcessData(current, p)))) pathEdges(b, e, current, [p], (q, depth) => pathLabel(label, q, depth));
      // Used whole (passed along), a built-in counts by identity and its members add nothing,
      // except the variables read by name: they are inputs whatever else the code does.
      else if (!ref.whole || (name === 'process' && p[0] === 'env' && p.length > 1)) addEdge(e, `${label}.${p.join('.')}`, b.builtin(`${name}.${p.join('.')}`));
    }
    return;
  }
  // A global of the program's own can be set again between two calls (../watch.ts).
  (e.watchedGlobals ??= []).includes(name) || e.watchedGlobals.push(name);
  if ('value' in d) {
    valueEdges(b, e, label, d.value, ref);
    return;
  }
  if (d.get !== undefined) addEdge(e, `${label} (get)`, b.functionEntity(d.get, globalThis));
}

/**
 * The global object of the function's own realm when that is not this one: a function made by
 * `vm.runInNewContext` / `vm.Script#runInContext` resolves its free names against its context's
 * global, which the inspector lists as the last scope of its `[[Scopes]]`.
 */
function foreignGlobal(scopes: readonly ScopeSnapshot[]): object | undefined {
  for (const scope of scopes) if (scope.type === 'global') return scope.object === globalThis ? undefined : scope.object;
  return undefined;
}

function realmDescriptor(realm: object, name: string): PropertyDescriptor | undefined {
  for (let o: object | null = realm; o !== null; o = Object.getPrototypeOf(o) as object | null) {
    const d = Object.getOwnPropertyDescriptor(o, name);
    if (d !== undefined) return d;
  }
  return undefined;
}

/**
 * A name no scope binds, in a function of another realm (a `vm` context): that realm's global
 * decides, never this one's (where `K` of `vm.runInNewContext(code, { K })` is not defined, and
 * `Math` is another object). Every value found there is followed by value, built-ins included:
 * a context's own built-ins are native functions (counted by name and arity), while a sandbox
 * may hand in anything under a built-in's name. Only descriptors are read, so no getter of the
 * sandbox runs; an accessor counts as its getter. A name the realm does not define cannot be
 * watched from here (a global created there later would go unseen): it is dynamic and never
 * constant, salted per process so it never hits another run.
 */
function realmGlobalEdges(b: Builder, e: Entity, realm: object, label: string, ref: Reference): void {
  const { name } = ref;
  const d = realmDescriptor(realm, name);
  if (GLOBAL_OBJECT_NAMES.has(name) && d !== undefined && 'value' in d && d.value === realm) {
    if (ref.whole) {
      addEdge(e, label, leaf('dynamic', label, `foreign-global-object ${PROCESS_SALT}`));
      addDynamic(e, `\`${label}\` (the global object of a vm context) is used as a whole (any global may matter)`);
    }
    for (const p of ref.paths) {
      const [head, ...rest] = p;
      if (head === undefined) continue;
      realmGlobalEdges(b, e, realm, `${label}.${head}`, { name: head, paths: rest.length > 0 ? [rest] : [], whole: rest.length === 0 });
    }
    return;
  }
  if (d === undefined) {
    addDynamic(e, `\`${name}\` is not defined in the function's own realm (a vm context), so it is dynamic: a result that depends on it is never reused by another run`);
    addEdge(e, label, leaf('dynamic', name, `undefined-foreign-global ${PROCESS_SALT}`));
    return;
  }
  if ('value' in d) {
    valueEdges(b, e, label, d.value, ref);
    return;
  }
  if (d.get !== undefined) addEdge(e, `${label} (get)`, b.functionEntity(d.get, realm));
}

/** Every variable in reach, for code that calls `eval` (V8 keeps them all alive for it). */
function evalEdges(b: Builder, e: Entity, scopes: readonly ScopeSnapshot[], already: ReadonlySet<string>, watch: BindingWatcher): void {
  const seen = new Set(already);
  for (const scope of scopes) {
    if (scope.type === 'global') break;
    for (const key of Object.keys(scope.object)) {
      // `arguments` of an enclosing function is call-time input, and for the CommonJS wrapper
      // its `callee` would be the whole module: not a dependency of this function's code.
      if (seen.has(key) || key === 'arguments') continue;
      seen.add(key);
      const value = scope.object[key];
      watch(scope.object, key, value);
      if (key === 'require' && isRequireFunction(value)) addEdge(e, key, b.builtin('require'));
      // The CommonJS wrapper's `module`, seen because `eval` could read any binding: what it
      // exports, as before (`eval` is dynamic already; not a loader handed along).
      else if (key === 'module' && isModuleRecord(value)) addEdge(e, `${key}.exports`, b.entityOf(value.exports));
      else valueEdges(b, e, key, value, { name: key, paths: [], whole: true });
    }
  }
}

/** Edges for `this.x` / `super.x` when the code is reached as a member of `holder`. */
function receiverEdges(b: Builder, e: Entity, refs: readonly Reference[], holder: object | undefined): void {
  if (holder === undefined) return;
  for (const ref of refs) {
    if (ref.name !== 'this' && ref.name !== 'super') continue;
    const base: unknown = ref.name === 'this' ? holder : Object.getPrototypeOf(holder);
    if (ref.whole) addEdge(e, ref.name, b.entityOf(base));
    else pathEdges(b, e, base, ref.paths, (p, depth) => pathLabel(ref.name, p, depth));
  }
}

/**
 * Resolves `analysis.references` of `fn` into edges of `e`. Returns false when `fn` turned out
 * to be Node's or a package's code (then `e` is that identity and nothing else applies).
 */
/** The value of `key` on `o` or its prototypes, read from descriptors (no getter runs); undefined past a proxy or an accessor. */
function inheritedData(o: object, key: string): unknown {
  for (let p: object | null = o; p !== null; p = Object.getPrototypeOf(p) as object | null) {
    if (types.isProxy(p)) return undefined;
    const d = Object.getOwnPropertyDescriptor(p, key);
    if (d !== undefined) return 'value' in d ? d.value : undefined;
  }
  return undefined;
}

/** A function whose `apply` and `call` are JavaScript's own: `f.apply(this, …)` hands `this` to `f` and to nothing else. */
function takesThisPlainly(value: unknown): value is Function {
  return typeof value === 'function' && !types.isProxy(value) && inheritedData(value, 'apply') === Function.prototype.apply && inheritedData(value, 'call') === Function.prototype.call;
}

/**
 * `this` handed on (`fn.apply(this, arguments)`, analysis `thisForwards`), reached as a member of
 * `holder`: it matters as much as `fn` uses its own `this`, so `fn` counts as a member of `holder`
 * too (its own reads of `this` become edges; a function that reads none adds nothing new). That
 * holds only while `fn` is the function the walk read: its file's text must never write the name
 * (`file`: where the function was compiled; a binding it closes over is declared there). When it
 * may be written, or `fn` is not a plain function here (another `apply`, a proxy, a name the
 * scopes do not bind), the holder counts whole, as for any other use of `this`.
 */
function forwardEdges(b: Builder, e: Entity, names: readonly string[], reads: ReadonlyMap<string, unknown>, holder: object | undefined, file: string | undefined): void {
  if (holder === undefined) return;
  const written = names.length === 0 || file === undefined ? undefined : namesWrittenIn(file);
  for (const name of names) {
    const value = reads.get(name);
    if (written !== undefined && !written.has(name) && reads.has(name) && takesThisPlainly(value)) addEdge(e, `${name} (this)`, b.functionEntity(value, holder));
    else addEdge(e, 'this', b.entityOf(holder));
  }
}

/**
 * Patched built-in members this code names (`arr.sum()` on an argument: see ../runtime/patches.ts). The
 * text is the source itself, not the normalized form, which a start-up served by the analysis
 * cache would have to parse for.
 */
export function patchEdges(b: Builder, e: Entity, fn: Function): void {
  const patches = b.patches();
  if (patches.length === 0) return;
  const code = Function.prototype.toString.call(fn);
  for (const patch of patches) if (namesMember(code, patch)) addEdge(e, `(patched) ${patch.label}`, b.entityOf(patch.value));
}

/** `key` can never change after the walk reads it (keyed.ts); false when unknown. */
function constantKey(fn: Function, details: FunctionDetails, file: string | undefined, key: string): boolean {
  if (file === undefined || details.site === undefined) return false;
  return keyIsConstant(file, details.site.line, details.site.column, Function.prototype.toString.call(fn), key);
}

/** The value of a key name (`key` in `_index[key]`), as this walk reads it. */
function keyValue(b: Builder, e: Entity, scopes: readonly ScopeSnapshot[], name: string): unknown {
  const binding = findBinding(scopes, name);
  if (binding.found) return b.earlierBinding(e, name)?.value ?? binding.value;
  const d = globalDescriptor(name);
  return d !== undefined && 'value' in d ? d.value : undefined;
}

function isPrefixPath(prefix: readonly string[], path: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((step, i) => step === path[i]);
}

/**
 * `ref` with its keyed members (`_index[key]`) turned into paths: `key` holding 'addDays' makes
 * the member `addDays` the dependency, not the whole `_index` (compiled re-export getters, one
 * per export, all read the same module object). The key's own value counts too (it is a
 * reference of the function like any other), and `valueOf` gives a value only for a key nothing
 * can reassign (keyed.ts), so this is exact. Any other key leaves the object (or the path before
 * the key) used whole.
 */
export function withKeys(ref: Reference, valueOf: (key: string) => unknown): Reference {
  if (ref.keyed === undefined || ref.keyed.length === 0) return ref;
  let whole = ref.whole;
  const all: Array<readonly string[]> = [...ref.paths];
  for (const k of ref.keyed) {
    const v = valueOf(k.key);
    if (typeof v === 'string' || typeof v === 'number') all.push([...k.path, String(v)]);
    else if (k.path.length === 0) whole = true;
    else all.push(k.path);
  }
  all.sort((a, c) => a.length - c.length);
  const paths: Array<readonly string[]> = [];
  for (const p of all) if (!paths.some((q) => isPrefixPath(q, p))) paths.push(p);
  return { name: ref.name, paths, whole };
}

let perfNow: unknown;

/** Date.now, performance.now, process.hrtime(.bigint), by identity. */
function isClock(value: unknown): boolean {
  if (typeof value !== 'function') return false;
  if (value === Date.now || value === process.hrtime || value === process.hrtime.bigint) return true;
  perfNow ??= (require('node:perf_hooks') as typeof import('node:perf_hooks')).performance.now;
  return value === perfNow;
}

/**
 * The captured variables that are timing state (clock-state.ts): when the function overwrites
 * one with a call that really resolves, here and now, to one of the clocks, every captured
 * variable it writes itself; otherwise none.
 */
function timingState(analysis: FunctionAnalysis, scopes: readonly ScopeSnapshot[]): ReadonlySet<string> {
  if (analysis.clockWrites.length === 0) return NO_NAMES;
  if (!analysis.clockWrites.some((w) => callsClock(w.callee, scopes))) return NO_NAMES;
  return new Set([...analysis.stateWrites, ...analysis.clockWrites.map((w) => w.target)]);
}

const NO_NAMES: ReadonlySet<string> = new Set();

function callsClock(callee: readonly string[], scopes: readonly ScopeSnapshot[]): boolean {
  const [head, ...rest] = callee;
  if (head === undefined) return false;
  const binding = findBinding(scopes, head);
  let base: unknown;
  if (binding.found) base = binding.value;
  else {
    const d = globalDescriptor(head);
    if (d === undefined || !('value' in d)) return false;
    base = d.value;
  }
  const end = followPath(base, rest);
  return end.kind === 'value' && isClock(end.value);
}

/**
 * istanbul's per-file counter function, `cov_<hash>`: after its first call (at the top of the
 * instrumented file) it is `function () { return actualCoverage; }`, before it a function that
 * registers the file in `__coverage__`. Its value is the run's coverage so far.
 */
function isCoverageCounter(name: string, value: unknown): boolean {
  if (typeof value !== 'function' || !/^cov_[0-9a-z]+$/.test(name)) return false;
  const text = Function.prototype.toString.call(value);
  return /^function\s*\(\)\s*\{\s*return\s+actualCoverage;?\s*\}$/.test(text) || (text.includes('__coverage__') && text.includes('actualCoverage'));
}

/** True when resolving the code's names needs its scopes (the inspector). */
export function needsScopes(analysis: FunctionAnalysis): boolean {
  return analysis.references.some((r) => !NOT_NAMES.has(r.name)) || analysis.dynamic.includes('eval') || analysis.requires.length > 0;
}

/** `ref` (read whole) is the name of a class in `cls`'s superclass chain, which is walked as its 'extends' edge. */
function namesSuperclass(cls: Function, ref: Reference): boolean {
  if (!ref.whole || ref.paths.length > 0) return false;
  for (let c: unknown = Object.getPrototypeOf(cls); typeof c === 'function' && c !== Function.prototype && !types.isProxy(c); c = Object.getPrototypeOf(c)) {
    const d = Object.getOwnPropertyDescriptor(c, 'name');
    if (d !== undefined && 'value' in d && d.value === ref.name) return true;
  }
  return false;
}

export function resolveReferences(b: Builder, e: Entity, fn: Function, analysis: FunctionAnalysis, holder: object | undefined, isClass: boolean): boolean {
  for (const reason of analysis.dynamic) addDynamic(e, reason);
  const names = analysis.references.filter((r) => !NOT_NAMES.has(r.name));
  const usesEval = analysis.dynamic.includes('eval');
  if (!needsScopes(analysis)) {
    if (!isClass) receiverEdges(b, e, analysis.references, holder);
    return true;
  }
  let details = b.details(fn);
  // Borrowed scopes (a sibling's) must explain every name; if one is found nowhere, the
  // inspector decides after all.
  if (details.borrowedFrom !== undefined && !names.every((r) => findBinding(details.scopes, r.name).found || globalDescriptor(r.name) !== undefined)) {
    details = b.describeNow(fn);
  }
  e.site = details.site;
  const info = originOf(b, fn, details);
  if (info !== undefined && (info.origin === 'node' || info.origin === 'package')) {
    foreignEdges(
      e,
      info,
      details,
      (scope) => {
        for (const key of Object.keys(scope.object)) valueEdges(b, e, key, scope.object[key], { name: key, paths: [], whole: true });
      },
      (label, held, holder) => addEdge(e, label, b.functionEntity(held), [holder]),
    );
    return false;
  }
  const realm = foreignGlobal(details.scopes);
  const reads = new Map<string, unknown>();
  const timing = timingState(analysis, details.scopes);
  const file = info?.file ?? (details.site === undefined ? undefined : scriptInfo(details.site.scriptId).file);
  const watch = bindingWatcher(e, file);
  for (const ref of names) {
    const binding = findBinding(details.scopes, ref.name);
    if (!binding.found) {
      // `class Sub extends Base`: V8 keeps no binding a class reads only in its heritage (it is
      // read once, when the class is made); the superclass itself is walked ('extends' edge).
      if (isClass && analysis.superClass && globalDescriptor(ref.name) === undefined && namesSuperclass(fn, ref)) continue;
      if (realm === undefined) globalEdges(b, e, ref.name, ref);
      else realmGlobalEdges(b, e, realm, ref.name, ref);
      continue;
    }
    // Expanded again because some binding was unsettled: the others keep their first reading
    // (one snapshot per process, graph.ts).
    const earlier = b.earlierBinding(e, ref.name);
    const value = earlier !== undefined ? earlier.value : binding.value;
    reads.set(ref.name, value);
    if (timing.has(ref.name)) {
      addEdge(e, ref.name, leaf('value', ref.name, 'clock-time', '(timing state)'));
      continue;
    }
    // What a later call must find is what the binding holds now, even where the fingerprint
    // keeps an earlier reading (a change a cached body made since is its own).
    // A call counter or a run log (`runs++;`, `stats.calls++;`, `log.push(x);`): the code only
    // counts with it or records into it, so what it holds cannot change what the code computes
    // (checked here: a number, or one of JavaScript's own collections or a plain object without
    // accessors). Not counted, not checked between calls: the program resets it, and cached
    // bodies of other functions bump it, without any call computing anything else.
    // Coverage instrumentation (istanbul: jest --coverage, nyc, vitest's istanbul provider)
    // counts each statement run with `cov_x().s[3]++`: counters, never read by the code.
    if (isCoverageCounter(ref.name, value)) {
      addEdge(e, ref.name, leaf('value', ref.name, COUNTED, '(coverage counters)'));
      continue;
    }
    if (ref.counter === true && onlyCounted(value)) {
      addEdge(e, ref.name, leaf('value', ref.name, COUNTED, '(counted or recorded into, never read)'));
      continue;
    }
    watch(binding.scope, ref.name, binding.value);
    // `var undefined;` (lodash, minified UMD bundles, `(function (undefined) {…})()`) is no `let`
    // in its temporal dead zone: it holds undefined for good, and re-reading it on every request
    // of the first run would re-walk the whole library each time.
    if (value === undefined && ref.name !== 'undefined') e.unsettled = true;
    if (ref.name === 'require' && isRequireFunction(value)) {
      // `require.call(null, './x')`, `.apply`, `.bind`: the module loaded is not in the text.
      // `load(require, p)`, `.map(require)`: handed along, it loads what the text does not say.
      const handed = analysis.dynamic.includes(REQUIRE_AS_VALUE);
      const indirect = ref.paths.find((p) => p[0] === 'call' || p[0] === 'apply' || p[0] === 'bind');
      addEdge(e, 'require', handed || indirect !== undefined ? loaderByAnotherName(handed ? 'require (handed along)' : `require.${indirect?.[0] ?? 'call'}`) : b.builtin('require'));
    }
    else valueEdges(b, e, ref.name, value, withKeys(ref, (key) => (constantKey(fn, details, info?.file, key) ? keyValue(b, e, details.scopes, key) : undefined)));
  }
  // Kept for a later expansion in place: of an unsettled entity, or of one whose watched
  // bindings changed (the others keep the reading the fingerprint holds, ../watch.ts).
  if (e.unsettled === true || e.watchedBindings !== undefined) b.keepBindings(e, reads);
  if (!isClass) receiverEdges(b, e, analysis.references, holder);
  if (!isClass) forwardEdges(b, e, analysis.thisForwards, reads, holder, file);
  if (usesEval) evalEdges(b, e, details.scopes, new Set(names.map((r) => r.name)), watch);
  // A function that uses nothing of its module's scope has no closure scope to learn its file
  // from (originOf gives up); its script id still names the file its specifiers resolve against.
  if (analysis.requires.length > 0) requireEdges(b, e, analysis.requires, file);
  return true;
}

/**
 * Notes on `e` each binding read that may hold another value at a later call: one its file's
 * text writes somewhere (an assignment, `++`, an import's live binding), or any binding of a
 * file that proves nothing (eval, with, unparsable, edited since it loaded). A binding nothing
 * writes keeps the value the walk read for good.
 */
/** The `own` of a binding only counted with or recorded into (also the proofs' mark, ../proof). */
export const COUNTED = 'counted';

/**
 * A value a statement can count with or record into without running code of the program: a
 * primitive, an array, Map or Set of JavaScript's own prototypes, or a plain object whose own
 * properties are all data (no setter runs on `stats.calls++`).
 */
export function onlyCounted(value: unknown): boolean {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return typeof value !== 'symbol';
  if (typeof value === 'function' || types.isProxy(value)) return false;
  const proto = Object.getPrototypeOf(value) as object | null;
  if (Array.isArray(value)) return proto === Array.prototype;
  if (types.isMap(value)) return proto === Map.prototype;
  if (types.isSet(value)) return proto === Set.prototype;
  if (proto !== Object.prototype && proto !== null) return false;
  return Reflect.ownKeys(value).every((k) => {
    const d = Reflect.getOwnPropertyDescriptor(value, k);
    return d !== undefined && 'value' in d;
  });
}

type BindingWatcher = (scope: object, name: string, value: unknown) => void;

function bindingWatcher(e: Entity, file: string | undefined): BindingWatcher {
  const written = file === undefined ? undefined : namesWrittenIn(file);
  return (scope, name, value) => {
    if (written !== undefined && !written.has(name)) return;
    const list = (e.watchedBindings ??= []);
    let reads = list.find((r) => r.scope === scope);
    if (reads === undefined) list.push((reads = { scope, names: [], values: [] }));
    // Expanded again (an unsettled binding): the latest reading is the one to compare with.
    const at = reads.names.indexOf(name);
    if (at >= 0) reads.values[at] = value;
    else {
      reads.names.push(name);
      reads.values.push(value);
    }
  };
}
