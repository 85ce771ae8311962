/**
 * Builds the dependency graph from live values: one memoized entity per function (per `this`
 * holder when its code uses `this`), per object, per built-in name. Entities are created empty
 * and expanded from a work queue, so deep chains never recurse on the JavaScript stack.
 *
 * Memoization is per process and by identity: a value is read the first time any fingerprint
 * reaches it, and that reading serves every later fingerprint until a call finds it changed
 * (../watch.ts): then that entity alone is expanded again in place (`invalidate`). A binding
 * read as `undefined` may be a `let`/`const` still in its
 * temporal dead zone; such entities are marked `unsettled`, and index.ts rebuilds them until the
 * synchronous run that read them has ended. A rebuild expands only those entities again, in
 * place (`refresh`), and only re-reads the bindings that were `undefined`: everything else keeps
 * its first reading. (Forgetting and re-reading the whole volatile part of the graph made a
 * memo table that had grown since, such as lodash's `memoizeCapped` cache, change the
 * fingerprint between two calls of one function: issue 13.)
 */
import { analyzeFunction, type FunctionAnalysis } from '../source';
import { builtinName, heldByPackage, isPackageMade, packageOwn, type HeldFunction } from '../runtime';
import { addDynamic, addEdge, encodePrimitive, isUniqueSymbol, keyLabel, leaf, nameOf, PROCESS_SALT, previewPrimitive, sha256, type Entity } from './entity';
import type { Builder } from './builder';
import { expandFunction } from './expand-function';
import { describeFunction, describeFunctions, sameBindings, type FunctionDetails, type ScopeSnapshot } from '../runtime';
import { prefetchRemoteIds } from '../runtime';
import { moduleOf, isNamespace, type ModuleInfo } from '../runtime';
import { builtinPatches, type Patch } from '../runtime';
import { isTopLevelFunction, siblingBody } from '../source';
import { needsScopes } from './references';
import { isOtherLoader, loaderByAnotherName } from './loaders';
import { expandObject, expandModule, moduleView } from './expand-value';
import { machineAnswer, machineFunctionOf } from '../../tracking';
import { bypassesRecording, patchOriginal, standInTarget, unwrap, wrappedInfo, wrapperExtraKeys } from '../../registry';
import { warnOnce } from '../../warn';
import { findProjectRoot } from '../../project';
import fs = require('node:fs');
import path = require('node:path');
import { types } from 'node:util';

/**
 * A walk that reaches more than this many entities is reaching program state (a server, a
 * database client), not code and constants: it stops, and the function always misses.
 */
export const MAX_ENTITIES = 200_000;

/** How `explain` lists `process.env` read by computed name (or used whole). */
export const ENV_DYNAMIC = 'read by computed name or used whole: which environment variables matter cannot be known, so none of them is an input';

export class GraphTooLarge extends Error {
  constructor() {
    super(`the code reaches more than ${MAX_ENTITIES} values (program state rather than code and constants)`);
    this.name = 'GraphTooLarge';
  }
}

/** How each entity is expanded, kept so that an unsettled one can be expanded again in place. */
let expanders = new WeakMap<Entity, (b: GraphBuilder) => void>();
/** The bindings an unsettled function read, by name: a re-expansion keeps the defined ones. */
let bindingReads = new WeakMap<Entity, Map<string, unknown>>();

let plainFunctions = new WeakMap<Function, Entity>();
let heldFunctions = new WeakMap<Function, WeakMap<object, Entity>>();
let objects = new WeakMap<object, Entity>();
let wrappersWithMembers = new WeakMap<Function, Entity>();
/** A package whose exported tables hold the program's functions, per list of them. */
let packagesHolding = new WeakMap<readonly HeldFunction[], Entity>();
let views = new WeakMap<object, Map<string, Entity>>();
const builtins = new Map<string, Entity>();

/** Drops every memoized entity (a missing global appeared, or tests). */
/** Counts entity expansions (creations and expansions in place), for `Entity.expandedAt`. */
let expansions = 0;

/** The expansion count now: entities expanded after this moment have `expandedAt` above it. */
export function expansionClock(): number {
  return expansions;
}

export function resetGraph(): void {
  expanders = new WeakMap();
  bindingReads = new WeakMap();
  plainFunctions = new WeakMap();
  heldFunctions = new WeakMap();
  objects = new WeakMap();
  wrappersWithMembers = new WeakMap();
  packagesHolding = new WeakMap();
  views = new WeakMap();
}

let projectRoot: string | undefined | null = null;
let projectMark = '<project>';

/**
 * The project's name in the mark that stands for its folder: two workspace packages running the
 * same script (`path.resolve(__dirname, '..')` in `packages/alpha` and `packages/beta`, one shared
 * cache root) held `<project>` alike and shared one entry, each served the other's result. Copies
 * of one package (a clone, a moved folder) keep one name and share entries.
 */
function markOf(root: string): string {
  try {
    const json = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { name?: unknown };
    return typeof json.name === 'string' && json.name !== '' ? `<project ${json.name}>` : '<project>';
  } catch {
    return '<project>';
  }
}

export function relativize(text: string): string {
  if (projectRoot === null) {
    projectRoot = findProjectRoot();
    projectMark = projectRoot === undefined ? '<project>' : markOf(projectRoot);
  }
  const root = projectRoot;
  if (root === undefined || text.length < root.length || !text.startsWith(root)) return text;
  const rest = text.slice(root.length);
  if (rest !== '' && !rest.startsWith(path.sep)) return text;
  return `${projectMark}${rest.split(path.sep).join('/')}`;
}

function usesThis(analysis: FunctionAnalysis): boolean {
  return analysis.thisForwards.length > 0 || analysis.references.some((r) => r.name === 'this' || r.name === 'super');
}

function analysisOf(fn: Function): FunctionAnalysis | Error {
  try {
    return analyzeFunction(fn);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * A file or working-directory reader held from before smartcache patched it: what a call reads
 * through it is not recorded, so no stored entry could be checked against it. It counts as always
 * changed (never a wrong hit), and says how to make it count normally.
 */
function unrecordedReader(name: string): Entity {
  const why = `${name} was taken before smartcache patched it (load smartcache first, or use the preload): what it reads is not recorded, so every call of a cached function reaching it misses`;
  const e = leaf('dynamic', name, `unrecorded-reader:${PROCESS_SALT}`);
  addDynamic(e, why);
  warnOnce('smartcache', why, undefined, 'ERR_FINGERPRINT');
  return e;
}

/** A function whose source cannot be analyzed counts as always changed: never a wrong hit. */
function unanalyzable(e: Entity, fn: Function, error: Error): void {
  e.own = `unanalyzable:${PROCESS_SALT}`;
  e.name = nameOf(fn) || '(anonymous)';
  addDynamic(e, `source cannot be analyzed (${error.message}); every call misses`);
}

/** How the walk names a member of `node:os`. */
const OS_PREFIX = 'node:os.';

export class GraphBuilder implements Builder {
  private readonly queue: Entity[] = [];
  private wantIds: Function[] = [];
  private readonly described = new Map<Function, FunctionDetails>();
  /** CommonJS file -> the scopes of its top-level functions (module scope, then global). */
  private readonly moduleScopes = new Map<string, readonly ScopeSnapshot[]>();
  /** Scopes of function activations, each with the file and body start of its function (./origin.ts). */
  private readonly siblingScopes: Array<{ readonly file: string; readonly body: number; readonly scopes: readonly ScopeSnapshot[] }> = [];
  private modulesChecked = false;
  private patchList: readonly Patch[] | undefined;
  readonly created: Entity[] = [];

  /**
   * `plainData`: the builder of a proof's check (../proof/data.ts), given values it already read as
   * plain data: objects are taken by content without asking whether one is a built-in by name
   * (building that map costs a few ms per process, and a proof row never holds one: the walk
   * that wrote it saw a value). Its entities are its own, never the process's memo, so a later
   * walk still names such a built-in as it always does.
   */
  constructor(private readonly plainData = false) {}

  private readonly ownObjects = new WeakMap<object, Entity>();

  entityOf(value: unknown, holder?: object): Entity {
    if (typeof value === 'function') return this.functionEntity(value, holder);
    // smartcache's Proxy in `process.env` (tracking/env-watch.ts) stands for the object behind it.
    if (typeof value === 'object' && value !== null) return this.objectEntity(standInTarget(value) ?? value);
    return this.primitive(value);
  }

  primitive(value: unknown): Entity {
    const shown = typeof value === 'string' ? relativize(value) : value;
    const e = leaf('value', typeof value, encodePrimitive(value, relativize), previewPrimitive(shown));
    if (isUniqueSymbol(value)) e.identity = value;
    return e;
  }

  builtin(name: string): Entity {
    let e = builtins.get(name);
    if (e === undefined) {
      e = leaf('builtin', name, `builtin:${name}`);
      // `process.env.NAME` is an input by name (src/inputs/env.ts); `process.env[k]` or the whole
      // object cannot say which variables matter.
      if (name === 'process.env') addDynamic(e, ENV_DYNAMIC);
      builtins.set(name, e);
    }
    return e;
  }

  /**
   * A function of `node:os` that describes the machine counts with its answer here: the hook
   * that records it during a call (tracking/machine-inputs.ts) is not in a binding taken before
   * smartcache loaded (`const { hostname } = require('node:os')` above `require('smartcache')`).
   */
  private machineBuiltin(name: string, machine: string): Entity {
    const answer = machineAnswer(machine);
    const key = `${name}\u0000${answer ?? ''}`;
    let e = builtins.get(key);
    if (e === undefined) {
      e = leaf('builtin', name, answer === undefined ? `builtin:${name}` : `builtin:${name}:${sha256(answer)}`);
      builtins.set(key, e);
    }
    return e;
  }

  relativize(text: string): string {
    return relativize(text);
  }

  details(fn: Function): FunctionDetails {
    let found = this.described.get(fn) ?? this.fromModule(fn) ?? this.fromSibling(fn);
    if (found === undefined) {
      // The queued functions no known scope binds will need the inspector too. The first time,
      // `fn` is described alone (its siblings may then borrow its scopes and need no call at
      // all) and only their remote ids are taken in one batch; after that they are described
      // together with `fn`: one call brings every scope list back instead of one call each.
      const others = this.wantIds.filter((f) => f !== fn && !this.described.has(f) && this.moduleOfBinding(f) === undefined && this.activationBinding(f) === undefined);
      this.wantIds = [];
      if (this.described.size === 0) {
        prefetchRemoteIds(others);
        found = describeFunctions([fn]).get(fn) as FunctionDetails;
      } else {
        const batch = describeFunctions([fn, ...others]);
        for (const [f, d] of batch) if (f !== fn) this.described.set(f, d);
        found = batch.get(fn) as FunctionDetails;
      }
    }
    this.described.set(fn, found);
    return found;
  }

  describeNow(fn: Function): FunctionDetails {
    const found = describeFunction(fn);
    this.described.set(fn, found);
    return found;
  }

  patches(): readonly Patch[] {
    // Once per walk: a module loaded since the last walk may have patched a built-in.
    this.patchList ??= builtinPatches();
    return this.patchList;
  }

  noteModuleScopes(file: string, scopes: readonly ScopeSnapshot[]): void {
    if (!this.moduleScopes.has(file)) this.moduleScopes.set(file, scopes);
  }

  noteSiblingScopes(file: string, body: number, scopes: readonly ScopeSnapshot[]): void {
    // Each description snapshots the scope afresh: one activation, described through several of
    // its functions (lodash's API functions, which no closure reads), is kept once, or every
    // lookup would scan a copy per function.
    const first = scopes[0] as ScopeSnapshot;
    const known = this.siblingScopes.some((s) => s.file === file && s.body === body && (s.scopes[0] === first || sameBindings(s.scopes[0] as ScopeSnapshot, first)));
    if (!known) this.siblingScopes.push({ file, body, scopes });
  }

  /** The known activation whose first scope binds `fn` under its own name, if any. */
  private activationBinding(fn: Function): { readonly file: string; readonly body: number; readonly scopes: readonly ScopeSnapshot[] } | undefined {
    if (this.siblingScopes.length === 0) return undefined;
    const name = nameOf(fn);
    if (name === '') return undefined;
    for (const known of this.siblingScopes) {
      const object = (known.scopes[0] as ScopeSnapshot).object;
      if (Object.prototype.hasOwnProperty.call(object, name) && object[name] === fn) return known;
    }
    return undefined;
  }

  /**
   * A function declared directly in the body of a function one of whose activations is known
   * (a sibling was described): it shares that activation's scopes when the file's text proves
   * the binding can only hold the closure that activation hoisted (../source/siblings.ts).
   */
  private fromSibling(fn: Function): FunctionDetails | undefined {
    const known = this.activationBinding(fn);
    if (known === undefined || siblingBody(known.file, nameOf(fn), Function.prototype.toString.call(fn)) !== known.body) return undefined;
    return { site: undefined, scopes: known.scopes, bound: undefined, borrowedFrom: known.file };
  }

  /** The file whose module scope binds `fn` under its own name, if any is known. */
  private moduleOfBinding(fn: Function): string | undefined {
    const name = nameOf(fn);
    if (name === '') return undefined;
    for (const [file, scopes] of this.moduleScopes) {
      const object = (scopes[0] as ScopeSnapshot).object;
      if (Object.prototype.hasOwnProperty.call(object, name) && object[name] === fn) return file;
    }
    return undefined;
  }

  /**
   * A top-level function of a CommonJS module whose scopes are known (../source/toplevel.ts says when):
   * it shares them, so the inspector is not asked (most of a fingerprint's cost).
   */
  private fromModule(fn: Function): FunctionDetails | undefined {
    const file = this.moduleOfBinding(fn);
    if (file === undefined || !isTopLevelFunction(file, nameOf(fn), Function.prototype.toString.call(fn))) return undefined;
    return { site: undefined, scopes: this.moduleScopes.get(file) as readonly ScopeSnapshot[], bound: undefined, borrowedFrom: file };
  }

  moduleInfo(value: object): ModuleInfo | undefined {
    const fresh = !this.modulesChecked;
    this.modulesChecked = true;
    return moduleOf(value, fresh);
  }

  functionEntity(input: Function, holder?: object): Entity {
    // A proxy of a function is walked as a proxy (target and handler), never called or read.
    if (types.isProxy(input)) return this.objectEntity(input);
    const fn = unwrap(input);
    if (fn !== input && wrapperExtraKeys(input).length > 0) return this.wrapperEntity(input, fn, holder);
    const memo = plainFunctions.get(fn);
    if (memo !== undefined && !this.needsHolder(memo, holder)) return memo;
    // A module loader under another name than `require` (`const r = require`, `module.require`,
    // `createRequire(…)`): which modules it loads is not in the code's text. Before `named`:
    // `module.require` is a named built-in.
    if (isOtherLoader(fn)) return loaderByAnotherName(nameOf(fn));
    const named = builtinName(fn);
    // Checked by value, named or not: Node names `fs.promises.readFile` only once `fs/promises`
    // itself was loaded, and `const { promises: { readFile } } = require('fs')` loads only the
    // internal module behind the getter, so the original would count as Node's code (no warning).
    if (bypassesRecording(fn)) return unrecordedReader(named ?? nameOf(fn));
    const machine = machineFunctionOf(patchOriginal(fn) ?? fn);
    if (machine !== undefined) return this.machineBuiltin(named ?? `${OS_PREFIX}${machine}`, machine);
    if (named !== undefined) return this.builtin(named);
    const mod = this.moduleInfo(fn);
    // A member of a package's exports may be a function the program hung there (`_.mixin`): that is code.
    if (mod?.kind === 'package' && mod.pkg !== undefined && (require.cache[mod.file]?.exports === fn || isPackageMade(fn, mod.file))) return this.packageLeaf(mod.pkg, mod.file);
    // ../source/analyze.ts recognizes native code itself (kind 'native'), from the same memoized text.
    const analyzed = analysisOf(fn);
    const analysis = !(analyzed instanceof Error) && analyzed.kind === 'native' ? undefined : analyzed;
    const readsThis = analysis !== undefined && !(analysis instanceof Error) && usesThis(analysis);
    const held = holder !== undefined && readsThis;
    if (held) {
      const byHolder = heldFunctions.get(fn);
      const e = byHolder?.get(holder);
      if (e !== undefined) return e;
    }
    const e: Entity = { kind: 'function', name: nameOf(fn), own: '', edges: [], fn, usesThis: readsThis };
    if (held) {
      let byHolder = heldFunctions.get(fn);
      if (byHolder === undefined) heldFunctions.set(fn, (byHolder = new WeakMap()));
      byHolder.set(holder, e);
    } else {
      plainFunctions.set(fn, e);
    }
    if (analysis !== undefined && !(analysis instanceof Error) && needsScopes(analysis)) this.wantIds.push(fn);
    this.enqueue(e, (b) => {
      if (analysis instanceof Error) unanalyzable(e, fn, analysis);
      else expandFunction(b, e, fn, held ? holder : undefined, analysis);
    });
    return e;
  }

  /**
   * A cache wrapper user code hung members on (`g = cache(fn); g.factor = 3`): the function it
   * wraps, plus those members, which code holding the wrapper reads and the wrapped function
   * alone does not show.
   */
  private wrapperEntity(wrapper: Function, fn: Function, holder: object | undefined): Entity {
    const memo = wrappersWithMembers.get(wrapper);
    if (memo !== undefined) return memo;
    const e: Entity = { kind: 'function', name: nameOf(fn), own: 'cached-wrapper', edges: [] };
    wrappersWithMembers.set(wrapper, e);
    addEdge(e, 'wraps', this.functionEntity(fn, holder));
    this.enqueue(e, (b) => {
      for (const key of wrapperExtraKeys(wrapper)) {
        let owner: Function | undefined = wrapper;
        while (owner !== undefined && !Object.prototype.hasOwnProperty.call(owner, key)) owner = wrappedInfo(owner)?.original;
        const d = owner === undefined ? undefined : Reflect.getOwnPropertyDescriptor(owner, key);
        if (d === undefined) continue;
        const label = `.${keyLabel(key)}`;
        if ('value' in d) addEdge(e, label, b.entityOf(d.value, wrapper), key);
        else {
          if (d.get !== undefined) addEdge(e, `${label} (get)`, b.functionEntity(d.get, wrapper), key);
          if (d.set !== undefined) addEdge(e, `${label} (set)`, b.functionEntity(d.set, wrapper), key);
        }
      }
    });
    return e;
  }

  /** A memoized plain entity serves any holder unless its code uses `this`. */
  private needsHolder(memo: Entity, holder: object | undefined): boolean {
    if (holder === undefined || memo.fn === undefined) return false;
    if (memo.usesThis === undefined) {
      const analysis = analysisOf(memo.fn);
      memo.usesThis = !(analysis instanceof Error) && usesThis(analysis);
    }
    return memo.usesThis;
  }

  /**
   * A package by name and version; with the file whose exports were reached, also the program's
   * functions registered in that module's exported tables (`Handlebars.helpers`): the program's
   * code, whose edit must recompute (runtime/package-members.ts).
   */
  packageLeaf(pkg: string, file?: string): Entity {
    const exports: unknown = file === undefined ? undefined : require.cache[file]?.exports;
    const held = file !== undefined && (typeof exports === 'object' || typeof exports === 'function') && exports !== null ? heldByPackage(exports, file) : [];
    if (held.length === 0) return this.builtinLike('package', pkg, packageOwn(pkg));
    let e = packagesHolding.get(held);
    if (e === undefined) {
      const entity: Entity = leaf('package', pkg, packageOwn(pkg));
      e = entity;
      packagesHolding.set(held, entity);
      this.enqueue(entity, (b) => {
        // Without a holder: what such a function reads of `this` is the package's instance
        // (a `moment.fn` plugin's `this.quarter()`), code counted by the package's version.
        for (const { path, fn, holder } of held) addEdge(entity, `(registered) ${path.map(keyLabel).join('.')}`, b.functionEntity(fn), [holder]);
      });
    }
    return e;
  }

  private builtinLike(kind: 'package', name: string, own: string): Entity {
    const key = `${kind}\u0000${name}`;
    let e = builtins.get(key);
    if (e === undefined) {
      e = leaf(kind, name, own);
      builtins.set(key, e);
    }
    return e;
  }

  objectEntity(value: object): Entity {
    const memos = this.plainData ? this.ownObjects : objects;
    const memo = memos.get(value);
    if (memo !== undefined) return memo;
    const named = this.plainData ? undefined : builtinName(value);
    if (named !== undefined) return this.builtin(named);
    const mod = isNamespace(value) ? undefined : this.moduleInfo(value);
    if (mod?.kind === 'package' && mod.pkg !== undefined) return this.packageLeaf(mod.pkg, mod.file);
    const e: Entity = { kind: 'value', name: '', own: '', edges: [], identity: value };
    memos.set(value, e);
    this.enqueue(e, (b) => {
      if (isNamespace(value) || mod !== undefined) expandModule(b, e, value, mod);
      else expandObject(b, e, value);
    });
    return e;
  }

  moduleView(value: object, paths: ReadonlyArray<ReadonlyArray<string>>, info: ModuleInfo | undefined): Entity {
    const key = paths.map((p) => p.join('.')).sort().join('\u0000');
    let byPaths = views.get(value);
    if (byPaths === undefined) views.set(value, (byPaths = new Map()));
    const memo = byPaths.get(key);
    if (memo !== undefined) return memo;
    const e: Entity = { kind: 'module', name: '', own: '', edges: [], identity: value };
    byPaths.set(key, e);
    this.enqueue(e, (b) => moduleView(b, e, value, paths, info));
    return e;
  }

  earlierBinding(e: Entity, name: string): { readonly value: unknown } | undefined {
    const reads = bindingReads.get(e);
    if (reads === undefined || !reads.has(name)) return undefined;
    const value = reads.get(name);
    return value === undefined ? undefined : { value };
  }

  keepBindings(e: Entity, reads: Map<string, unknown>): void {
    bindingReads.set(e, reads);
  }

  /**
   * Brings the part of the graph under `root` built by earlier walks up to date: every entity
   * that was volatile loses its fingerprint (walk.ts computes it again), and every one that read
   * an unsettled binding is expanded again in place, with its defined bindings as first read.
   * Entities whose fingerprint is settled are not entered: nothing under them is volatile.
   */
  refresh(root: Entity): void {
    const seen = new Set<Entity>();
    const stack: Entity[] = [root];
    while (stack.length > 0) {
      const x = stack.pop() as Entity;
      if (seen.has(x)) continue;
      seen.add(x);
      if (x.fp !== undefined) {
        if (x.volatile !== true) continue;
        x.fp = undefined;
        x.volatile = undefined;
        this.created.push(x);
        if (x.unsettled === true) this.expandAgain(x);
      }
      for (const edge of x.edges) stack.push(edge.target);
    }
  }

  /**
   * What a call found changed since `root`'s fingerprint was taken (../watch.ts): each entity in
   * `changed` is expanded again in place, its changed bindings read anew (`names`) while the
   * others keep the reading the fingerprint holds (what a cached body changed since stays its
   * own); every fingerprint under `root` is computed again.
   */
  invalidate(root: Entity, changed: ReadonlyMap<Entity, readonly string[]>): void {
    const seen = new Set<Entity>();
    const stack: Entity[] = [root];
    for (let x = stack.pop(); x !== undefined; x = stack.pop()) {
      if (seen.has(x)) continue;
      seen.add(x);
      x.fp = undefined;
      x.volatile = undefined;
      for (const edge of x.edges) stack.push(edge.target);
    }
    for (const [e, names] of changed) {
      const reads = bindingReads.get(e);
      if (reads !== undefined) for (const name of names) reads.delete(name);
      if (!expanders.has(e)) continue;
      this.created.push(e);
      this.expandAgain(e);
    }
  }

  /** Expands `e` again in place: what it read before is dropped, its generation counted. */
  private expandAgain(e: Entity): void {
    const expand = expanders.get(e);
    if (expand === undefined) return;
    e.own = '';
    e.edges = [];
    e.preview = undefined;
    e.dynamic = undefined;
    e.unsettled = undefined;
    e.waiting = undefined;
    e.missingGlobals = undefined;
    e.missingModules = undefined;
    e.watchedBindings = undefined;
    e.watchedGlobals = undefined;
    e.reads = undefined;
    e.privateTargets = undefined;
    e.generation = (e.generation ?? 0) + 1;
    e.expandedAt = ++expansions;
    expand(this);
    this.drain();
  }

  private enqueue(e: Entity, expand: (b: GraphBuilder) => void): void {
    e.expandedAt = ++expansions;
    e.pending = () => expand(this);
    expanders.set(e, expand);
    this.queue.push(e);
    this.created.push(e);
    if (this.created.length > MAX_ENTITIES) throw new GraphTooLarge();
  }

  /** Expands every queued entity (expansion may queue more). */
  drain(): void {
    // Breadth-first: the wider the frontier, the more remote ids one prefetch takes.
    for (let i = 0; i < this.queue.length; i++) {
      const e = this.queue[i] as Entity;
      const expand = e.pending;
      e.pending = undefined;
      if (expand !== undefined) expand();
    }
    this.queue.length = 0;
  }
}
