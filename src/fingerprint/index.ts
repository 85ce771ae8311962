/**
 * Fingerprints: a hex digest of a function's code and of everything its code reaches, so that
 * any edit that can change its behaviour changes the digest and nothing else does.
 *
 * - Computed lazily on first request and memoized per process: a repeat is one WeakMap lookup.
 * - Values are read when first reached, and every later call checks they still read the same
 *   (./watch.ts): a module `let` set or an object edited between two calls makes the memo walk
 *   again. What a cached body changes while it runs is taken as expected once it returns
 *   (`retakeWatches`), so it never makes the same program miss on its next run.
 * - A binding read as `undefined` may be a `let`/`const` still in its temporal dead zone (the
 *   inspector cannot tell, native-notes/scopes-without-enable.md): a function called while its
 *   module is still evaluating, before a constant further down is initialized. Such a
 *   fingerprint is rebuilt on each request during the same synchronous run, and once more on
 *   the first request after it (a microtask later every module loaded synchronously has finished
 *   evaluating); then an `undefined` is taken as the binding's real value. Callers therefore
 *   ask for the fingerprint on each call (a settled one is one WeakMap lookup).
 * - A free name found nowhere (`typeof window`) counts as absent and is re-checked on each
 *   request (cheap: `name in globalThis`); if it appears, every memoized fingerprint is rebuilt.
 * - When the inspector is unavailable or answers asynchronously, fingerprints fall back to the
 *   function's own source plus a per-process random salt: every call misses, never a wrong hit.
 */
import { SmartCacheError } from '../errors';
import { diffExplanations, type DependencyNode, type Explanation } from '../explanation';
import { sha256 } from '../hash';
import { definitionFile, unwrap } from '../registry';
import { warnOnce } from '../warn';
import type * as ExplainTree from './explain-tree';
import type * as GraphLayer from './graph';
import type { Entity } from './graph';
import type * as RuntimeLayer from './runtime';
import { ANALYSIS_FORMAT, analyzeFunction, analyzeSource } from './source';
import type * as Digest from './digest';
import { collectFingerprintProof, openProofs, proofsEnabled, reuseFingerprint, writePendingProof, type PendingProof } from './proof';
import { Watch, type Changes } from './watch';

/*
 * The walk's layers (the dependency graph, the inspector, explain trees, digests) are loaded on
 * the first walk, not with this module: a fingerprint taken from a stored proof needs none of
 * them, and a disk hit should not pay for loading them (issue 11, the lean hit path). Resets
 * touch only what was loaded: nothing unloaded holds state.
 */
let graphLayer: typeof GraphLayer | undefined;
let runtimeLayer: typeof RuntimeLayer | undefined;
const graph = (): typeof GraphLayer => (graphLayer ??= require('./graph') as typeof GraphLayer);
const runtime = (): typeof RuntimeLayer => (runtimeLayer ??= require('./runtime') as typeof RuntimeLayer);
const explainTree = (): typeof ExplainTree => require('./explain-tree') as typeof ExplainTree;
const digest = (): typeof Digest => require('./digest') as typeof Digest;

export type { DependencyNode, Explanation } from '../explanation';
export { diffExplanations };
/** What the cache layer needs of the text analysis: parameter names, `this` use, the on-disk analysis cache. */
export { ANALYSIS_FORMAT, analyzeFunction, openAnalysisCache, saveAnalysisCache } from './source';
export type { FunctionAnalysis } from './source';

/**
 * The own `hash`es an explain tree may give a function or class with this source text (as
 * `Function.prototype.toString` prints it): sha256 of its kind and normalized code, the `own` of
 * graph/expand-function.ts and expand-class.ts, as strict code and as sloppy code (the walk marks
 * a sloppy ordinary function; whether one is, its text alone does not say). Pure text, nothing is
 * run; `explain --diff` finds a stored function in an edited file with them. Throws
 * ERR_FINGERPRINT when the text does not parse.
 */
export function codeHashesOf(text: string): readonly string[] {
  const analysis = analyzeSource(text);
  const own = `${analysis.kind}:${analysis.codeHash}`;
  return analysis.kind === 'function' ? [sha256(own), sha256(`${own}:sloppy`)] : [sha256(own)];
}

interface Memo {
  readonly fp: string;
  /** Modules the graph's code could not load when it was walked (graph/requires.ts): rechecked before each call. */
  readonly missingModules?: ReadonlyArray<{ readonly from: string; readonly spec: string }>;
  /** True when nothing can make it stale: the fast path returns it. */
  readonly settled: boolean;
  readonly missing: readonly string[] | undefined;
  readonly root: Entity | undefined;
  /** The synchronous run (see `epoch`) the memo was built in. */
  readonly epoch: number;
  /** Taken from a stored proof (./proof): no graph; `explain` walks when asked. */
  readonly proven?: true;
  /** The built-ins reached, as the proof stored them (the graph's when walked). */
  readonly reached?: readonly string[];
  /** Which values of the graph are one value (./sharing.ts), folded into `fp`; undefined when none. */
  readonly sharing?: string | undefined;
  /** The moment (`beginMoment`) it was built in, if any. */
  readonly moment?: number;
  /** What it read, checked again on each later call (./watch.ts); undefined when it read nothing that can change. */
  readonly watch?: Watch;
}

/**
 * A cached call asks for its function's fingerprint several times before the function runs (the
 * fingerprint, the variables and the WeakMaps it reaches, for the key). No code of the program
 * runs in between, so a walk still open to change (it read a binding while `undefined`) serves
 * them all, one snapshot for the call, instead of one walk each (three walks of zod, ~0.3 s
 * apiece). The call path begins a moment when a call starts and ends it before the function runs.
 */
let moment: number | undefined;
let moments = 0;
/** The current moment is a call made inside a cached body (./watch.ts: no watch is checked then). */
let nestedMoment = false;

/**
 * `nested`: the call is made while a cached body runs (directly, or in its async continuation).
 * Such a call keeps the fingerprints as they are: what the enclosing body changed so far is its
 * own doing (a counter bumped before recursing must not give every level of `fib` a fingerprint
 * of its own); the watches are checked again by the next call made outside any cached body.
 */
export function beginMoment(nested = false): void {
  moment = ++moments;
  nestedMoment = nested;
  momentWatches = [];
}

/**
 * The watches found holding in the current moment: the function's own, and those of the
 * functions its key took a fingerprint of (the class of `this`, a function argument). What the
 * body then changes of what they read is this call's doing (`retakeWatch`).
 */
let momentWatches: Watch[] = [];

function heldNow(w: Watch): void {
  if (moment !== undefined && !momentWatches.includes(w)) momentWatches.push(w);
}

export function endMoment(): void {
  moment = undefined;
  nestedMoment = false;
}

let memo = new WeakMap<Function, Memo>();
let fallback: string | undefined;

/**
 * Counts synchronous runs that built an unsettled fingerprint: bumped by a microtask queued
 * after such a build. A microtask changes nothing the program can observe (no timer, no I/O,
 * nothing keeps the process alive) and runs only after the current synchronous code, which
 * includes evaluating every module loaded synchronously.
 */
let epoch = 0;
let bumpQueued = false;

function bumpEpochLater(): void {
  if (bumpQueued) return;
  bumpQueued = true;
  // A promise job, not the global queueMicrotask a program's fake timers may replace (jest's do).
  void Promise.resolve().then(() => {
    epoch++;
    bumpQueued = false;
  });
}

function nameOf(fn: Function): string {
  const name = typeof fn === 'function' ? graph().nameOf(fn) : '';
  return name === '' ? '(anonymous)' : name;
}

function fallbackFingerprint(fn: Function, reason: string): Memo {
  if (fallback === undefined) {
    fallback = reason;
    warnOnce('fingerprint', `${reason}; falling back to source-only fingerprints, so every cached call misses`, undefined, 'ERR_FINGERPRINT');
  }
  let code: string;
  try {
    code = analyzeFunction(fn).codeHash;
  } catch {
    code = Function.prototype.toString.call(fn);
  }
  return { fp: sha256(`fallback\n${graph().PROCESS_SALT}\n${code}`), settled: true, missing: undefined, root: undefined, epoch };
}

/** One function that cannot be fingerprinted safely: a salted fingerprint (never a hit), warned once. */
function alwaysMiss(fn: Function, reason: string): Memo {
  warnOnce(nameOf(fn), `${reason}; it always misses`, undefined, 'ERR_FINGERPRINT');
  const salt = graph().PROCESS_SALT;
  const fp = sha256(`always-miss\n${salt}\n${Function.prototype.toString.call(fn)}`);
  const root: Entity = { kind: 'function', name: nameOf(fn), own: `always-miss:${salt}`, edges: [], fp, dynamic: [`${reason}; it always misses`] };
  return { fp, settled: true, missing: undefined, root, epoch };
}

/**
 * Entities that read a maybe-uninitialized binding stay volatile, and the next request expands
 * them again in place (GraphBuilder.refresh); when this build already comes after the run that
 * first saw them unsettled (`settle`), they are kept as final.
 */
function handleVolatile(created: readonly Entity[], requested: boolean): void {
  // A pending promise is not a binding in its temporal dead zone: it will settle later.
  const settle = requested && !created.some((e) => e.waiting === true);
  if (!settle) return;
  for (const e of created) {
    if (e.volatile !== true) continue;
    e.volatile = false;
    e.unsettled = false;
  }
}

function build(fn: Function, settle: boolean, before?: Watch): Memo {
  if (fallback !== undefined) return fallbackFingerprint(fn, fallback);
  const { inspectorProblem, InspectorUnavailable, releaseObjects, scopesProblem } = runtime();
  const { GraphBuilder, GraphTooLarge, resetGraph } = graph();
  const problem = inspectorProblem() ?? scopesProblem();
  if (problem !== undefined) return fallbackFingerprint(fn, problem);
  const builder = new GraphBuilder();
  try {
    const root = builder.functionEntity(fn);
    builder.drain();
    // What was derived from an earlier build of this root may be out of date (./watch.ts).
    reached.delete(root);
    weakReached.delete(root);
    const changed = invalidations.get(root);
    if (changed !== undefined) {
      invalidations.delete(root);
      builder.invalidate(root, changed);
    }
    builder.refresh(root);
    let { fp, sharing } = digest().rootFingerprint(root);
    // Entities built by earlier walks hold what was read then: any that no longer reads the same
    // is expanded again now (one pass: nothing of the program runs during a walk).
    let watch = Watch.ofGraph(root, before);
    const stale = watch.changes(new Set(builder.created));
    if (stale !== undefined) {
      builder.invalidate(root, stale.entities);
      builder.refresh(root);
      ({ fp, sharing } = digest().rootFingerprint(root));
      watch = Watch.ofGraph(root, before);
    }
    handleVolatile(builder.created, settle);
    if (root.volatile === true) bumpEpochLater();
    const missing = root.missingGlobals !== undefined && root.missingGlobals.length > 0 ? [...root.missingGlobals] : undefined;
    const missingModules = modulesMissing(root);
    const kept = watched(watch);
    // Read just now: the rest of this call needs no second look.
    if (kept !== undefined) {
      kept.checkedIn = moment;
      heldNow(kept);
    }
    return {
      fp,
      settled: root.volatile !== true && missing === undefined && missingModules === undefined,
      missing,
      root,
      epoch,
      sharing,
      ...(missingModules === undefined ? {} : { missingModules }),
      ...(moment === undefined ? {} : { moment }),
      ...(kept === undefined ? {} : { watch: kept }),
    };
  } catch (error) {
    if (error instanceof InspectorUnavailable) return fallbackFingerprint(fn, error.reason);
    // Half-built entities must not serve later requests.
    resetGraph();
    if (error instanceof GraphTooLarge) return alwaysMiss(fn, error.message);
    throw new SmartCacheError('ERR_FINGERPRINT', `cannot fingerprint ${nameOf(fn)}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
      functionName: nameOf(fn),
    });
  } finally {
    try {
      releaseObjects();
    } catch {
      // The next walk releases the group again; a failure here only costs memory.
    }
  }
}

function watched(w: Watch): Watch | undefined {
  return w.size === 0 ? undefined : w;
}

/**
 * What a call found changed under a memo's root (./watch.ts), for the walk that follows to
 * expand again in place (GraphBuilder.invalidate) instead of starting over: what did not change
 * keeps the reading its fingerprint holds.
 */
const invalidations = new WeakMap<Entity, Changes>();

/** What `checkWatch` found holding, for `retakeWatch` (opaque to the cache layer). */
export interface HeldWatches {
  /** The graph's expansion count when the body began. */
  readonly since: number;
}

const heldWatch = new WeakMap<HeldWatches, readonly Watch[]>();

/**
 * A cached function's body is about to run, outside any other: its own watch is checked first
 * (and those its key's fingerprints were checked against in this moment), so that what the rest
 * of the program changed before is told apart from what the body changes (`retakeWatch`).
 */
export function checkWatch(fn: Function): HeldWatches {
  const token: HeldWatches = { since: graphLayer === undefined ? 0 : graphLayer.expansionClock() };
  const m = memo.get(fn);
  if (m !== undefined) watchHolds(m);
  heldWatch.set(token, momentWatches);
  return token;
}

/**
 * The synchronous part of that body has run (returned, thrown, or given its promise): what it
 * changed of what its own function reads is its own doing (a memo table it grew, a counter), not
 * an input of its later calls, so its watch takes what it reads now as expected (./watch.ts).
 * Only its own: another function's fingerprint never counted what this body changed, and must
 * see it at its next call. Not the readings of entities expanded during the body (the body may
 * have changed them back since), and not what an async body changes after its first await (other
 * code may have run meanwhile).
 */
export function retakeWatch(held: HeldWatches): void {
  for (const w of heldWatch.get(held) ?? []) if (!w.broken) w.retake(held.since);
}

/**
 * True when what `m` read still reads the same; checked once per call (moment). When it does
 * not, the memo is walked again (`lookup`).
 */
function watchHolds(m: Memo): boolean {
  const w = m.watch;
  if (w === undefined) return true;
  if (w.broken) return false;
  if (moment !== undefined && (nestedMoment || w.checkedIn === moment)) {
    heldNow(w);
    return true;
  }
  const changes = w.changes();
  if (changes === undefined) {
    w.checkedIn = moment;
    heldNow(w);
    return true;
  }
  if (m.root !== undefined) invalidations.set(m.root, changes.entities);
  return false;
}

/** Every module the graph below `root` could not load, once each. */
function modulesMissing(root: Entity): ReadonlyArray<{ readonly from: string; readonly spec: string }> | undefined {
  const out: Array<{ readonly from: string; readonly spec: string }> = [];
  const seen = new Set<Entity>();
  const stack: Entity[] = [root];
  for (let e = stack.pop(); e !== undefined; e = stack.pop()) {
    if (seen.has(e)) continue;
    seen.add(e);
    if (e.missingModules !== undefined) out.push(...e.missingModules);
    for (const edge of e.edges) stack.push(edge.target);
  }
  return out.length === 0 ? undefined : out;
}

function stillValid(m: Memo): boolean {
  if (!watchHolds(m)) return false;
  if (m.root === undefined) return true;
  if (m.root.volatile === true) return moment !== undefined && m.moment === moment;
  if (m.missingModules !== undefined && graph().missingModuleAppeared(m.missingModules)) {
    // A module the code could not load is there now: Node loads it at the next `require`.
    memo = new WeakMap();
    graphLayer?.resetGraph();
    return false;
  }
  if (m.missing === undefined) return true;
  const g = globalThis as Record<string, unknown>;
  if (m.missing.every((name) => !(name in g))) return true;
  // A global the code needs appeared: anything memoized may have counted it as absent.
  memo = new WeakMap();
  graphLayer?.resetGraph();
  return false;
}

/**
 * The proof of each function's first settled walk, written at exit (`saveFingerprintProofs`);
 * null when that walk allowed none. The first: the next run of the same program reads, at its
 * first call, what this one read at its first (later walks read what the program changed since).
 * Kept only once the cache layer opened proofs; holds the functions alive, as the cache wrappers
 * around them do anyway.
 */
const walked = new Map<Function, PendingProof | null>();

const counters = { reused: 0, walked: 0 };

/** Tests and benchmarks: first fingerprints taken from proofs, and full walks, in this process. */
export function proofCounters(): { readonly reused: number; readonly walked: number } {
  return { ...counters };
}

/** A stored proof's fingerprint, on the first request in this process (./proof/check.ts). */
function fromProof(target: Function): Memo | undefined {
  if (fallback !== undefined) return undefined;
  // The file the function was cached in ties it to the proof's first module (a twin of its text
  // in another file is another function); a function not cached in one known file walks.
  const file = definitionFile(target);
  if (file === undefined) return undefined;
  const reused = reuseFingerprint(target, ANALYSIS_FORMAT, file);
  if (reused === undefined) return undefined;
  counters.reused++;
  const watch = watched(reused.watch);
  return { fp: reused.fp, settled: true, missing: undefined, root: undefined, epoch, proven: true, reached: reused.reached, ...(watch === undefined ? {} : { watch }) };
}

function lookup(fn: Function): Memo {
  if (typeof fn !== 'function') {
    throw new SmartCacheError('ERR_UNSUPPORTED_FUNCTION', `smartcache: expected a function, got ${fn === null ? 'null' : typeof fn}`);
  }
  const m = memo.get(fn);
  if (m !== undefined && stillValid(m)) return m;
  const target = unwrap(fn);
  const proven = m === undefined ? fromProof(target) : undefined;
  if (proven !== undefined) {
    // Its proof is the one the program's first call reads: a later walk (after the program
    // changed a value it reads) must not replace it.
    if (proofsEnabled()) walked.set(target, null);
    memo.set(fn, proven);
    if (target !== fn) memo.set(target, proven);
    return proven;
  }
  // Unsettled in an earlier synchronous run: the modules have finished evaluating since.
  const settle = m !== undefined && m.root?.volatile === true && m.epoch < epoch;
  // What the last watch took as this function's own doing stays so (./watch.ts `retake`).
  const next = build(target, settle, m?.watch);
  memo.set(fn, next);
  if (target !== fn) memo.set(target, next);
  if (next.root !== undefined && next.settled && proofsEnabled() && !walked.has(target)) walked.set(target, pendingProof(target, next, next.root));
  counters.walked++;
  return next;
}

/** A proven memo has no graph: `explain` and the like walk in full once, and keep that. */
function walkedLookup(fn: Function): Memo {
  const m = lookup(fn);
  if (m.proven !== true) return m;
  const target = unwrap(fn);
  const next = build(target, false);
  memo.set(fn, next);
  if (target !== fn) memo.set(target, next);
  return next;
}

/**
 * Proofs: read from and written to `dir` (the cache root's `proofs-v6/`) from now on. The cache
 * layer opens them only in the user's own root, as the analysis cache.
 */
export function openFingerprintProofs(dir: string): void {
  openProofs(dir);
}

function pendingProof(fn: Function, m: Memo, root: Entity): PendingProof | null {
  // Only a function cached in one known file can ever reuse a proof (fromProof).
  const file = definitionFile(fn);
  if (file === undefined) return null;
  try {
    return collectFingerprintProof(fn, root, m.fp, reachedOf(root), file) ?? null;
  } catch {
    // Only a proof lost: the next run walks.
    return null;
  }
}

/** Writes the proofs of this process's walks that allow one (at exit; never throws). */
export function saveFingerprintProofs(): void {
  for (const pending of walked.values()) {
    if (pending === null) continue;
    try {
      writePendingProof(pending, ANALYSIS_FORMAT);
    } catch {
      // Only a proof lost: the next run walks.
    }
  }
  walked.clear();
}

/** Hex fingerprint of `fn` (or of what a cache wrapper wraps); lazily computed, memoized. */
export function fingerprint(fn: Function): string {
  const m = memo.get(fn);
  if (m !== undefined && m.settled && (m.watch === undefined || watchHolds(m))) return m.fp;
  return lookup(fn).fp;
}

/**
 * The sharing signature is part of the root's fingerprint but of no node's: shown as a child of
 * its own, so that the tree's fingerprint is `fingerprint(fn)` and `explain --diff` can name it.
 */
function withSharing(tree: Explanation, m: Memo): Explanation {
  if (m.sharing === undefined) return tree;
  const node: DependencyNode = { kind: 'value', name: '(shared values)', hash: m.sharing, fingerprint: m.sharing, preview: 'which values are one value', children: [] };
  return { ...tree, root: { ...tree.root, fingerprint: m.fp, children: [...tree.root.children, node] } };
}

/** The dependency tree behind `fingerprint(fn)`, with the dynamic dependencies listed. */
export function explain(fn: Function): Explanation {
  const m = walkedLookup(fn);
  const name = nameOf(unwrap(fn));
  if (m.root === undefined) {
    const root: DependencyNode = { kind: 'function', name, hash: m.fp, fingerprint: m.fp, children: [] };
    return { root, dynamic: [fallback ?? 'inspector unavailable'] };
  }
  try {
    return withSharing(explainTree().explainEntity(m.root, name), m);
  } finally {
    // Locations looked up for display took remote ids too.
    try {
      runtime().releaseObjects();
    } catch {
      // Only memory: the next walk releases the group again.
    }
  }
}

const reached = new WeakMap<Entity, readonly string[]>();

/**
 * Names of the built-ins `fn`'s code reaches (`process.env.HOME`, `Math.random`), sorted: what
 * it may read from outside its code. Walked once per fingerprint.
 */
export function reachedBuiltins(fn: Function): readonly string[] {
  const m = lookup(fn);
  if (m.root === undefined) return m.reached ?? [];
  return reachedOf(m.root);
}

const weakReached = new WeakMap<Entity, ReadonlyArray<WeakMap<object, unknown> | WeakSet<object>>>();

/**
 * The WeakMaps and WeakSets `fn`'s code reaches, in the graph's depth-first order (the same in
 * every run of the same code): what they hold for the call's objects is part of its key. A
 * proven fingerprint has none (proofs refuse graphs with opaque values).
 */
export function reachedWeakCollections(fn: Function): ReadonlyArray<WeakMap<object, unknown> | WeakSet<object>> {
  const m = lookup(fn);
  if (m.root === undefined) return [];
  let found = weakReached.get(m.root);
  if (found !== undefined) return found;
  const list: Array<WeakMap<object, unknown> | WeakSet<object>> = [];
  const seen = new Set<Entity>();
  const visit = (e: Entity): void => {
    if (seen.has(e)) return;
    seen.add(e);
    if (e.weak !== undefined) list.push(e.weak);
    for (const edge of e.edges) visit(edge.target);
  };
  visit(m.root);
  found = list;
  weakReached.set(m.root, found);
  return found;
}

/**
 * Among the reached names when the code reaches local time or the default locale where no hook
 * of tracking/locale-watch.ts can see it: a native function no built-in name covers (a bound
 * `Intl` formatter's `format` or a Collator's `compare`, taken before the call), `Date` under
 * another name (`const NativeDate = Date`) or as a superclass. Each call then records the time
 * zone and the locale (cache/input-tracker.ts).
 */
export const LOCAL_TIME_UNSEEN = '(local time or locale, unseen)';

/**
 * Built-ins that read local time or the default locale, named as the walk names them: when the
 * code holds one as a value (`const getH = Date.prototype.getHours; getH.call(d)`, named
 * `Date.prototype.getHours.call`; an uncurried `call.bind(…)`), it calls the original, which no
 * hook replaces.
 */
const LOCAL_TIME_BUILTIN =
  /^(Date\.prototype\.(get(FullYear|Year|Month|Date|Day|Hours|Minutes|Seconds|TimezoneOffset)|set(FullYear|Year|Month|Date|Hours|Minutes|Seconds|Milliseconds)|to(String|DateString|TimeString|Locale\w*))|Date\.parse|Intl\.\w+\.prototype\.\w+|String\.prototype\.(localeCompare|toLocale\w+)|\w+\.prototype\.toLocaleString)(\.(call|apply|bind))?$/;

function hidesLocalTime(from: Entity, label: string, to: Entity): boolean {
  if (to.kind !== 'builtin') return false;
  if (to.name.startsWith('native ') || LOCAL_TIME_BUILTIN.test(to.name)) return true;
  if (to.name !== 'Date') return false;
  // `class LocalDate extends Date`; `const NativeDate = Date` read by a function. Not `Date`
  // named in code (the stand-in sees `new Date(y, m)`), nor held as data (`{ createdAt: Date }`).
  return label === 'extends' || ((from.kind === 'function' || from.kind === 'class') && label !== 'Date');
}

function reachedOf(root: Entity): readonly string[] {
  let names = reached.get(root);
  if (names !== undefined) return names;
  const found = new Set<string>();
  const seen = new Set<Entity>();
  const stack: Entity[] = [root];
  for (let e = stack.pop(); e !== undefined; e = stack.pop()) {
    if (seen.has(e)) continue;
    seen.add(e);
    if (e.kind === 'builtin') found.add(e.name);
    for (const edge of e.edges) {
      if (hidesLocalTime(e, edge.label, edge.target)) found.add(LOCAL_TIME_UNSEEN);
      stack.push(edge.target);
    }
  }
  names = [...found].sort();
  reached.set(root, names);
  return names;
}

/** Tests and benchmarks: forget every memoized fingerprint and entity. */
export function resetFingerprints(): void {
  memo = new WeakMap();
  walked.clear();
  graphLayer?.resetGraph();
}

export interface FingerprintSettings {
  /**
   * How code in node_modules counts: `'version'` by `name@version` without reading it, `'source'`
   * walked like project code.
   * @default 'version'
   */
  readonly packages?: 'version' | 'source';
}

/** Changes how fingerprints are computed; every memoized fingerprint is recomputed. */
export function configureFingerprints(settings: FingerprintSettings): void {
  const { forgetScripts, resetModules, setPackagePolicy } = runtime();
  if (settings.packages !== undefined) setPackagePolicy(settings.packages);
  resetModules();
  forgetScripts();
  resetFingerprints();
}

/**
 * The `#private` fields of an object, for argument and `this` keys (the key layer cannot read
 * them). Runs outside any walk, so it frees its remote objects at once: keys are taken on every
 * call, and nothing hashed may stay referenced by the inspector. Without a working inspector the
 * state is unknowable: a per-process salt makes such keys always miss, never collide.
 */
export function readPrivateState(object: object): ReadonlyArray<readonly [string, unknown]> {
  const { InspectorUnavailable, privateFields, releaseObjects } = runtime();
  try {
    return privateFields(object);
  } catch (error) {
    if (error instanceof InspectorUnavailable) return [['#<unreadable>', graph().PROCESS_SALT]];
    throw error;
  } finally {
    try {
      releaseObjects();
    } catch {
      // Only memory: the next walk releases the group again.
    }
  }
}

const proxyParts = new WeakMap<object, { readonly handler: unknown; readonly target: unknown }>();

/**
 * The handler and target of a Proxy, for argument keys: a proxy is hashed through its traps (what
 * the function sees of the keys it lists), and a `get` trap may answer for keys it never lists
 * (defaults, a fallback table), and a target's `#private` fields show through no trap, so both
 * count too. Without a working inspector a per-process salt makes the key always miss, never
 * collide.
 */
export function readProxy(proxy: object): { readonly handler: unknown; readonly target: unknown } {
  // A proxy's handler and target are fixed when it is made (revoking it makes every trap throw,
  // which the key reports): asked of the inspector once per proxy, not on every call.
  const known = proxyParts.get(proxy);
  if (known !== undefined) return known;
  const rt = runtime();
  try {
    const parts = rt.proxyParts(proxy);
    const read = { handler: parts.handler, target: parts.target };
    proxyParts.set(proxy, read);
    return read;
  } catch (error) {
    if (error instanceof rt.InspectorUnavailable) return { handler: `#<unreadable>${graph().PROCESS_SALT}`, target: undefined };
    throw error;
  } finally {
    try {
      rt.releaseObjects();
    } catch {
      // Only memory: the next walk releases the group again.
    }
  }
}

/**
 * A typed array's own non-index property names, for argument keys (the key layer cannot list
 * them without listing every element). Undefined without a working inspector: the key layer then
 * lists the keys itself (slow for huge arrays, never wrong). Frees its remote objects at once.
 */
export function readNamedKeys(object: object): readonly string[] | undefined {
  const { InspectorUnavailable, namedOwnKeys, releaseObjects } = runtime();
  try {
    return namedOwnKeys(object);
  } catch (error) {
    if (error instanceof InspectorUnavailable) return undefined;
    throw error;
  } finally {
    try {
      releaseObjects();
    } catch {
      // Only memory: the next walk releases the group again.
    }
  }
}
