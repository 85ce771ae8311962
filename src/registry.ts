/**
 * Links each cached wrapper to the function it wraps. The fingerprint walk unwraps through it, so
 * a recursive annotated function (whose own name now holds the wrapper) is seen as a cycle to
 * itself rather than as an opaque native-looking wrapper, and `explain` shows the real code.
 */
export interface WrappedInfo {
  readonly original: Function;
  readonly name: string;
  /** Where the preload found the annotation (absolute file, 1-based line, JSDoc namepath); set on its stand-ins. */
  readonly site?: { readonly file: string; readonly line: number; readonly qualifiedName: string };
  /** `remote: false`: its results must not leave the machine (`smartcache pull` fetches nothing for it). */
  readonly local?: boolean;
}

const wrappers = new WeakMap<Function, WrappedInfo>();

/**
 * A function compiled in the preload's entry file, kept only when that preload is the process's
 * only one: every script with a smaller script id was then compiled by Node before any of the
 * program's code (fingerprint/graph/origin.ts uses it to know Node's own functions without the
 * Debugger).
 */
let preloadMarker: Function | undefined;

export function notePreloadMarker(fn: Function): void {
  preloadMarker ??= fn;
}

export function preloadMarkerFunction(): Function | undefined {
  return preloadMarker;
}

export function registerWrapper(wrapper: Function, info: WrappedInfo): void {
  wrappers.set(wrapper, info);
  if (listeners.size > 0) notifyListeners(wrapper, info);
}

export function wrappedInfo(fn: Function): WrappedInfo | undefined {
  return wrappers.get(fn);
}

/** The control methods every cached function has (cache/build.ts, preload/runtime.ts). */
export const WRAPPER_METHODS = ['clear', 'fingerprint', 'explain', 'has', 'delete', 'refresh'] as const;

const NOT_EXTRA: ReadonlySet<string | symbol> = new Set<string | symbol>(['length', 'name', 'prototype', 'arguments', 'caller', ...WRAPPER_METHODS]);

/**
 * Members user code hung on cache wrappers between `wrapper` and the function it wraps
 * (`g = cache(fn); g.factor = 3`): enumerable own keys other than a function's standard ones and
 * the control methods. The walk counts them (the wrapped function alone does not show them).
 */
export function wrapperExtraKeys(wrapper: Function): Array<string | symbol> {
  const out: Array<string | symbol> = [];
  for (let current = wrapper, info = wrappers.get(current); info !== undefined; current = info.original, info = wrappers.get(current)) {
    for (const key of Reflect.ownKeys(current)) {
      if (NOT_EXTRA.has(key)) continue;
      const d = Reflect.getOwnPropertyDescriptor(current, key);
      if (d !== undefined && d.enumerable === true && !out.includes(key)) out.push(key);
    }
  }
  return out;
}

/** The original function behind any number of cache wrappers. */
export function unwrap(fn: Function): Function {
  let current = fn;
  for (let info = wrappers.get(current); info !== undefined; info = wrappers.get(current)) current = info.original;
  return current;
}

/**
 * Where each cached function was handed to smartcache: the absolute file of the `cache()` call,
 * or of the annotation the preload found. A persisted fingerprint (fingerprint/proof) names the
 * file its root was read from; it holds only for a function handed over in that same file, never
 * for a twin of its text in a copy, another checkout or a renamed file. '' when two files did.
 */
const definitionFiles = new WeakMap<Function, string>();

export function noteDefinitionFile(fn: Function, file: string): void {
  const known = definitionFiles.get(fn);
  definitionFiles.set(fn, known === undefined || known === file ? file : '');
}

/** The absolute file `fn` was cached in, when exactly one file did. */
export function definitionFile(fn: Function): string | undefined {
  const file = definitionFiles.get(fn);
  return file === '' ? undefined : file;
}

/**
 * smartcache's own patches of built-ins (`node:fs.readFileSync`, `Math.random`...) that record
 * what a call reads: the fingerprint must count them as the built-in they stand for, whichever
 * of the two a program holds.
 */
const patchedToOriginal = new WeakMap<Function, Function>();
const originalToPatched = new WeakMap<Function, Function>();

/** Originals whose patch records a call's inputs (files, the working directory), not only warns. */
const recordingOriginals = new WeakSet<Function>();

/** `records`: the patch records inputs (fs, `process.cwd`); a clock patch only warns. */
export function registerPatch(patched: Function, original: Function, records = false): void {
  patchedToOriginal.set(patched, original);
  originalToPatched.set(original, patched);
  if (records) recordingOriginals.add(original);
}

/**
 * True for a built-in whose reads smartcache records through a patch, held here as the original
 * (taken before smartcache patched it: `const { readFileSync } = require('fs')` ahead of
 * `require('smartcache')`): what a call reads through it is never recorded.
 */
export function bypassesRecording(fn: Function): boolean {
  return recordingOriginals.has(fn);
}

/** The built-in a smartcache patch stands for, if `fn` is one. */
export function patchOriginal(fn: Function): Function | undefined {
  return patchedToOriginal.get(fn);
}

/** The other side of a patch: the original of a patch, or the patch of an original. */
export function patchCounterpart(fn: Function): Function | undefined {
  return patchedToOriginal.get(fn) ?? originalToPatched.get(fn);
}

/**
 * Proxies smartcache put where Node had an object (`process.env`, tracking/env-watch.ts): the
 * fingerprint reads the object behind them, as it did before, never the Proxy's traps.
 */
const standIns = new WeakMap<object, object>();

export function registerStandIn(proxy: object, target: object): void {
  standIns.set(proxy, target);
}

/** The object one of smartcache's Proxies stands for, else undefined. */
export function standInTarget(value: unknown): object | undefined {
  return typeof value === 'object' && value !== null ? standIns.get(value) : undefined;
}

/**
 * Symbol keys Node adds to objects for async context bookkeeping once smartcache's
 * AsyncLocalStorage is in use (Node 20: `async_id_symbol`, `trigger_async_id_symbol` on every
 * promise, `kResourceStore` on the resource running a tracked call). Not content: fingerprints skip
 * them, or a module-level promise would fingerprint differently before and after the first call.
 */
const hiddenKeys = new Set<symbol>();

export function registerHiddenKey(key: symbol): void {
  hiddenKeys.add(key);
}

/**
 * Also smartcache's own global slots (`Symbol.for('smartcache.…')`: the preload's runtime, the live
 * registry, the compiled sources): a global object walked by value (lodash's `root`) must not
 * change when smartcache installs one, which happens at different moments from run to run.
 */
export function isHiddenKey(key: string | symbol): boolean {
  return typeof key === 'symbol' && (hiddenKeys.has(key) || Symbol.keyFor(key)?.startsWith('smartcache.') === true);
}

/**
 * Observers of wrapper creation. `smartcache explain` loads a file in a child process and needs
 * the wrappers that loading created (the WeakMap above cannot be enumerated, on purpose: it must
 * not keep wrappers alive in the user's process). Nothing listens outside that child.
 */
export type WrapperListener = (wrapper: Function, info: WrappedInfo) => void;
const listeners = new Set<WrapperListener>();

/** Calls `listener` for every wrapper registered from now on; returns the unsubscribe function. */
export function onWrapperRegistered(listener: WrapperListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function notifyListeners(wrapper: Function, info: WrappedInfo): void {
  for (const listener of listeners) listener(wrapper, info);
}
