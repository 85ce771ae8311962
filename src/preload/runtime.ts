/**
 * What rewritten files call at run time. `smartcache/register` puts it on a global symbol in the
 * application's thread (on Node 20 the ESM rewrite itself runs on the hooks thread, which cannot hand
 * objects over; a global reached by name works for both module systems and needs no import in the
 * user's file).
 *
 * Wrapping is lazy: loading a module binds each annotated name to a light stand-in, and the cache
 * layer (store, inspector, hashing: the expensive part of start-up) is loaded and the real cached
 * function built on its first call. A module full of annotated functions that a run does not call
 * costs almost nothing.
 */
import path = require('node:path');
import { compileGeneration } from '../compiled-sources';
import type { CacheOptions } from '../options';
import { findProjectRoot, projectRelative } from '../project';
import { noteDefinitionFile, registerWrapper, unwrap, WRAPPER_METHODS, type WrappedInfo } from '../registry';
import { relayWarning, warnOnce, type WarningCode } from '../warn';
import { displayPath, RUNTIME_SYMBOL } from './filter';
import type { TagOptions } from './tag-options';

/** `[line, qualifiedName, options]`, as the prologue of a rewritten file lists its sites. */
export type SiteSpec = readonly [line: number, qualifiedName: string, options: TagOptions];

/** `__sc$(fn, site)` returns the cached function; `__sc$(holder, site, key, onPrototype)` replaces a method and returns the holder. */
export type ModuleWrapper = (target: unknown, site: number, key?: string, onPrototype?: 0 | 1) => unknown;

/** `[message, code]` of a warning the hooks thread made while rewriting (see esm-load.ts). */
export type RelayedWarning = readonly [message: string, code: WarningCode];

export interface PreloadRuntime {
  module(file: string, sites: readonly SiteSpec[]): ModuleWrapper;
  relay(warnings: readonly RelayedWarning[]): void;
}

type CacheAnnotated = (fn: Function, options: CacheOptions, site: { file: string; line: number; qualifiedName: string; origin: { file: string; generation: number } }) => Function;

let cacheAnnotated: CacheAnnotated | undefined;

function loadCacheLayer(): CacheAnnotated {
  // Deferred: the cache layer (store, inspector, hashing) is the expensive part of start-up.
  cacheAnnotated ??= (require('../cache') as { cacheAnnotated: CacheAnnotated }).cacheAnnotated;
  return cacheAnnotated;
}

/** The control methods every cached function has (see cache/build.ts). */
const METHODS = WRAPPER_METHODS;

/**
 * A stand-in with `fn`'s name and length that builds the cached function on first use. It is
 * registered as a wrapper of `fn`, so fingerprints see through it (a recursive function reaching
 * its own name finds itself, a cycle) exactly as through the cache layer's own wrapper.
 */
function lazyCached(fn: Function, info: WrappedInfo, build: () => Function): Function {
  let real: Function | undefined;
  const target = (): Function => (real ??= build());
  const standIn = function (this: unknown, ...args: unknown[]): unknown {
    return new.target === undefined ? Reflect.apply(target(), this, args) : Reflect.construct(target(), args, new.target);
  };
  Object.defineProperty(standIn, 'name', { value: fn.name, configurable: true });
  Object.defineProperty(standIn, 'length', { value: fn.length, configurable: true });
  for (const method of METHODS) {
    Object.defineProperty(standIn, method, {
      configurable: true,
      writable: true,
      value: function (this: unknown, ...args: unknown[]): unknown {
        const cached = target() as unknown as Record<string, unknown>;
        const impl = cached[method];
        if (typeof impl !== 'function') return undefined;
        // `wrapped.has(x)` is asked of the function itself; `wrapped.has.call(obj, x)` of an instance.
        return Reflect.apply(impl, this === standIn ? cached : this, args);
      },
    });
  }
  registerWrapper(standIn, info);
  return standIn;
}

function wrapFunction(fn: unknown, file: string, relFile: string, spec: SiteSpec): unknown {
  const [line, qualifiedName, options] = spec;
  if (typeof fn !== 'function') {
    warnOnce(`${displayPath(file)}:${line}`, `${qualifiedName} is not a function at run time; not cached`, undefined, 'SMARTCACHE_ANNOTATION');
    return fn;
  }
  // Taken now, while the module runs: the cache layer is built at the first call, maybe after a
  // watch mode has evaluated this file again.
  const origin = { file, generation: compileGeneration(file) };
  const build = (): Function => {
    try {
      return loadCacheLayer()(fn, options, { file: relFile, line, qualifiedName, origin });
    } catch (error) {
      warnOnce(`${displayPath(file)}:${line}`, `${qualifiedName} could not be cached; it runs uncached`, error, 'SMARTCACHE_PRELOAD');
      return fn;
    }
  };
  const name = options.name ?? `${relFile}#${qualifiedName}`;
  noteDefinitionFile(unwrap(fn), file);
  return lazyCached(fn, { original: fn, name, site: { file, line, qualifiedName }, ...(options.remote === false ? { local: true } : {}) }, build);
}

function replaceMethod(holder: unknown, key: string, file: string, relFile: string, spec: SiteSpec): void {
  if ((typeof holder !== 'object' && typeof holder !== 'function') || holder === null) return;
  const descriptor = Object.getOwnPropertyDescriptor(holder, key);
  if (descriptor === undefined || typeof descriptor.value !== 'function') {
    warnOnce(`${displayPath(file)}:${spec[0]}`, `${spec[1]} is not a method at run time; not cached`, undefined, 'SMARTCACHE_ANNOTATION');
    return;
  }
  // Same attributes as before: class methods stay non-enumerable.
  Object.defineProperty(holder, key, { ...descriptor, value: wrapFunction(descriptor.value, file, relFile, spec) });
}

function relativeToProject(file: string): string {
  return projectRelative(file, findProjectRoot(path.dirname(file)));
}

function moduleWrapper(file: string, sites: readonly SiteSpec[]): ModuleWrapper {
  let relFile: string | undefined;
  // Identity is relative to the file's own project (not to the working directory), so running the
  // app from another folder keeps its entries; a file outside any project keeps its absolute path.
  const rel = (): string => (relFile ??= relativeToProject(file));
  return (target, site, key, onPrototype) => {
    const spec = sites[site];
    if (spec === undefined) return target;
    if (key === undefined) return wrapFunction(target, file, rel(), spec);
    const holder = onPrototype === 1 ? (target as { prototype?: unknown } | null)?.prototype : target;
    replaceMethod(holder, key, file, rel(), spec);
    return target;
  };
}

function relay(warnings: readonly RelayedWarning[]): void {
  // Reached by name from loaded source: anything else than the shape the hooks thread writes is ignored.
  if (!Array.isArray(warnings)) return;
  for (const item of warnings) {
    if (Array.isArray(item) && typeof item[0] === 'string' && typeof item[1] === 'string') relayWarning(item[0], item[1] as WarningCode);
  }
}

export const runtime: PreloadRuntime = { module: moduleWrapper, relay };

/** Makes the runtime reachable from rewritten code; keeps one already there (two copies of the package). */
export function installRuntime(): void {
  const key = Symbol.for(RUNTIME_SYMBOL);
  const g = globalThis as Record<symbol, unknown>;
  if (g[key] === undefined) Object.defineProperty(g, key, { value: runtime, configurable: true, writable: false, enumerable: false });
}
