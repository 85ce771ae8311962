/**
 * `cache(fn, options)`: the programmatic API. The pieces live in cache/: build.ts makes the
 * function users call and decorator.ts is `@cached`; call/ runs one cached function
 * (call/call-path.ts: memory -> disk -> team cache -> compute -> save, and nothing else);
 * accounting.ts counts in one record shape; inputs/ turns a call into key parts (arguments,
 * `this`, the envelope around a stored value); process/ holds the per-process duties (session,
 * exit, live view, log, env, stores, the team-cache tier).
 */
// First: it notes when loading began (the load is charged to the first cached call).
import { loadStarted } from './load-clock';
import { nowMs } from '../elapsed';
import type { CacheOptions } from '../options';
import { resolveOptions } from '../options';
import { buildCached, checkCacheable, type Cached } from './build';
import { callerSite, defaultName, siteIdentity } from './site';
import { addStartupCost } from './accounting';
import { noteDefinitionFile, unwrap } from '../registry';
import { compileGeneration, recordCompiledSources } from '../compiled-sources';
import { installEnvHook, installFsHooks, installProcessInputHooks } from '../tracking';
import { readEnv } from './process';

export type { Cached, CachedMethods } from './build';
export { cached } from './decorator';
export type { CachedDecorator, CachedDecoratorOptions } from './decorator';

/**
 * Caches `fn` across runs: same arguments and same code (down to everything it reaches) give the
 * stored result. Options are checked now: a bad one throws a `TypeError` naming it.
 * @example const slow = cache(function slow(n: number) { ... }, { ttl: '1h' });
 */
export function cache<F extends (...args: never[]) => unknown>(fn: F, options?: CacheOptions<Parameters<F>>): Cached<F> {
  checkCacheable(fn);
  const resolved = resolveOptions(options);
  const site = callerSite(cache);
  if (site !== undefined) noteDefinitionFile(unwrap(fn), site.path);
  const name = resolved.name ?? defaultName(fn.name, site, fn);
  const origin = site === undefined ? undefined : { file: site.path, generation: compileGeneration(site.path) };
  return buildCached(fn, resolved, { name, file: site?.file, self: { kind: 'auto' }, site: siteIdentity(site), origin }) as Cached<F>;
}

/** Where the preload found an annotated function. */
export interface AnnotationSite {
  /** Project-relative file. */
  readonly file: string;
  readonly line: number;
  /** `fib`, `Graph.shortest`, `default`... */
  readonly qualifiedName: string;
  /** The absolute file and its compile generation when the module defined the function (the build is lazy: later). */
  readonly origin?: { readonly file: string; readonly generation: number };
}

/**
 * The preload's entry: an annotated function, named `file#qualifiedName` (no line number, so
 * editing above the function keeps its entries). An argument it cannot hash runs that call
 * uncached with a warning, never an error: the preload must not break a program that works
 * without it. Not part of the public index.
 */
export function cacheAnnotated(fn: Function, options: CacheOptions, site: AnnotationSite): Function {
  checkCacheable(fn);
  const resolved = resolveOptions(options);
  const name = resolved.name ?? `${site.file}#${site.qualifiedName}`;
  return buildCached(fn, resolved, { name, file: site.file, self: { kind: 'auto' }, site: `${site.file}:${site.line}:${site.qualifiedName}`, lenient: true, ...(site.origin === undefined ? {} : { origin: site.origin }) });
}
export { openEnvelope } from './inputs';

// Loading the cache layer is part of what the first cached call costs (accounting.ts).
// Modules compiled from now on are known by the text Node compiled (the preload did this earlier).
recordCompiledSources();
// Before the program's next modules run: a package that keeps `const env = process.env` then
// holds the Proxy whose reads are recorded (tracking/env-watch.ts), and one that takes `fs`
// functions into bindings of its own (fast-glob, graceful-fs) takes the recording ones: with the
// fs hooks put in only at the first `cache()`, a package required between `require('smartcache')`
// and that call read unseen (a stale hit), and a `readFileSync` taken there made every call miss.
// SMARTCACHE=off touches nothing.
if (!readEnv().off) {
  installEnvHook();
  installProcessInputHooks();
  // Earlier FileHandles are patched at the first cache() (input-tracker.ts), not now.
  installFsHooks('load');
}
addStartupCost(nowMs() - loadStarted);
