/**
 * The text Node compiled for each CommonJS file, as `Module.prototype._compile` received it.
 * A require hook (a transpiler, an instrumenter, the preload's own rewriting) may compile other
 * text than the file on disk; what the walk proves from a file's text (fingerprint/source/
 * siblings.ts) must be proved from the text that runs. Recording keeps a reference to a string V8
 * holds anyway (it prints functions from it): no copy, one map entry per module.
 *
 * Installed by the preload before any user module, and by the cache layer when it loads (modules
 * compiled before that are unknown: callers fall back to the file on disk, if it is unchanged).
 */
import Module = require('node:module');
import { types } from 'node:util';
import { registerPatch } from './registry';

/** File -> the text compiled for it, or AMBIGUOUS once two different texts were. */
const compiled = new Map<string, string | typeof AMBIGUOUS>();
/**
 * A file compiled twice with different texts (edited, then reloaded after `delete
 * require.cache[…]`): functions of either instance may be alive, so neither text speaks for them.
 */
const AMBIGUOUS = Symbol('smartcache.compiledSources.ambiguous');
// Hidden from fingerprints like every `smartcache.` slot (registry.ts isHiddenKey).
const SLOT = Symbol.for('smartcache.compiledSources');
/**
 * Functions a package module exported when it finished loading (its exports, their members, and
 * the members of its exported classes' prototypes), before any program code could add its own:
 * those are the package's (fingerprint/runtime/package-members.ts asks, to tell a program's
 * mixin from the package's own functions without reading files or asking the inspector).
 */
const packageMade = new WeakSet<Function>();
const MADE_SLOT = Symbol.for('smartcache.packageMade');
const NODE_MODULES = `${require('node:path').sep}node_modules${require('node:path').sep}`;
/** Members looked at per object: lodash's `_` has ~300. */
const NOTE_LIMIT = 2000;

/** The plain objects and arrays among an export's members: the tables a registry keeps (`Handlebars.helpers`). */
function isTable(value: unknown): value is object {
  if (typeof value !== 'object' || value === null || types.isProxy(value)) return false;
  if (Array.isArray(value)) return true;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Objects whose members were noted: noted once, at the load of the first module that exported
 * them. A module loaded later that re-exports one (`module.exports = require('lodash')` in a
 * wrapper package) must not note what the program has hung on it since (`_.mixin`).
 */
const notedHolders = new WeakSet<object>();

function noteMembers(holder: object, depth: number): void {
  if (notedHolders.has(holder)) return;
  notedHolders.add(holder);
  let n = 0;
  for (const key of Object.keys(holder)) {
    if (++n > NOTE_LIMIT) return;
    const d = Reflect.getOwnPropertyDescriptor(holder, key);
    if (d === undefined || !('value' in d)) continue;
    const value: unknown = d.value;
    if (typeof value === 'function') packageMade.add(value as Function);
    else if (depth > 0 && isTable(value)) noteMembers(value, depth - 1);
    else if (depth > 0 && types.isMap(value) && !notedHolders.has(value)) {
      notedHolders.add(value);
      for (const v of (value as Map<unknown, unknown>).values()) if (typeof v === 'function') packageMade.add(v as Function);
    }
  }
}

function notePackageExports(module: unknown): void {
  try {
    const exports: unknown = (module as { exports?: unknown } | null)?.exports;
    if ((typeof exports !== 'object' && typeof exports !== 'function') || exports === null || types.isProxy(exports)) return;
    if (notedHolders.has(exports)) return;
    if (typeof exports === 'function') {
      packageMade.add(exports);
      const proto = Reflect.getOwnPropertyDescriptor(exports, 'prototype')?.value as unknown;
      if (typeof proto === 'object' && proto !== null && !types.isProxy(proto)) noteMembers(proto, 0);
    }
    noteMembers(exports, 1);
  } catch {
    // Only a shortcut: an export that cannot be read is judged the slow way.
  }
}

/** True when `fn` was among a package module's exports when that module finished loading. */
export function exportedAtLoad(fn: Function): boolean {
  const shared = (globalThis as Record<symbol, unknown>)[MADE_SLOT];
  return shared instanceof WeakSet && shared.has(fn);
}

/** File -> how many times it was compiled (a module evaluated again: a watch mode's reload). */
const counts = new Map<string, number>();
const COUNT_SLOT = Symbol.for('smartcache.compileCounts');

type Compile = (this: unknown, content: unknown, filename: unknown, ...rest: unknown[]) => unknown;

/** Wraps `Module.prototype._compile` once per process (the map is shared through a global slot). */
export function recordCompiledSources(): void {
  const g = globalThis as Record<symbol, unknown>;
  if (g[SLOT] !== undefined) return;
  const proto = (Module as unknown as { prototype: { _compile?: Compile } }).prototype;
  const original = proto._compile;
  if (typeof original !== 'function') return;
  Object.defineProperty(g, SLOT, { value: compiled, configurable: false, enumerable: false, writable: false });
  Object.defineProperty(g, COUNT_SLOT, { value: counts, configurable: false, enumerable: false, writable: false });
  Object.defineProperty(g, MADE_SLOT, { value: packageMade, configurable: false, enumerable: false, writable: false });
  const patched = function compile(this: unknown, content: unknown, filename: unknown, ...rest: unknown[]): unknown {
    if (typeof content === 'string' && typeof filename === 'string') {
      const before = compiled.get(filename);
      compiled.set(filename, before === undefined || before === content ? content : AMBIGUOUS);
      counts.set(filename, (counts.get(filename) ?? 0) + 1);
    }
    const result = Reflect.apply(original, this, [content, filename, ...rest]);
    if (typeof filename === 'string' && filename.includes(NODE_MODULES)) notePackageExports(this);
    return result;
  };
  // A fingerprint reaching Node's loader (a module object, `module.constructor`) counts this as
  // the built-in it stands for, never as code closing over every module's text.
  registerPatch(patched, original);
  proto._compile = patched;
}

export type Compiled = { readonly text: string } | { readonly ambiguous: true };

/**
 * What the recorder knows of `file`: the one text compiled for it in this process, ambiguous when
 * it was compiled with two different texts, or undefined when it never saw it.
 */
export function compiledSource(file: string): Compiled | undefined {
  const shared = (globalThis as Record<symbol, unknown>)[SLOT];
  if (!(shared instanceof Map)) return undefined;
  const text: unknown = shared.get(file);
  if (text === undefined) return undefined;
  return typeof text === 'string' ? { text } : { ambiguous: true };
}

/**
 * How many times `file` was compiled in this process so far (0: never seen). A module that runs
 * again after its file changed (mocha --watch drops it from require.cache) is a later generation
 * of the same definitions, not a second live function beside them.
 */
export function compileGeneration(file: string): number {
  const shared = (globalThis as Record<symbol, unknown>)[COUNT_SLOT];
  if (!(shared instanceof Map)) return 0;
  const n: unknown = shared.get(file);
  return typeof n === 'number' ? n : 0;
}
