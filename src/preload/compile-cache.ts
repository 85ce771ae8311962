/**
 * Caching of compiled code between runs (measured in native-notes/compile-cache.md).
 *
 * Node 22.1+ has it built in: `module.enableCompileCache()` covers every module of the process and
 * is turned on at register time (NODE_DISABLE_COMPILE_CACHE=1 turns it off, as Node documents).
 *
 * Older Nodes use v8-compile-cache-lib, but only around loading smartcache's own heavy modules (the
 * cache layer, the parser), never for the user's code: its install() replaces
 * `Module.prototype._compile` without calling the previous one and compiles with `vm.Script`
 * (no `import()` callback, columns of line 1 shifted by the wrapper), which would change how the
 * user's modules run. Hooks at the `Module._extensions` level (pirates, ours) still compose with
 * it. DISABLE_V8_COMPILE_CACHE=1 turns it off, as the library documents.
 */
import Module from 'node:module';

type EnableCompileCache = (dir?: string) => unknown;
interface CompileCacheLib {
  install(options?: { cacheDir?: string; prefix?: string }): { uninstall(): void } | undefined;
}

const builtIn = (Module as unknown as { enableCompileCache?: EnableCompileCache }).enableCompileCache;

/** At register time: the built-in cache where it exists. */
export function enableCompileCache(): void {
  if (typeof builtIn !== 'function') return;
  try {
    builtIn();
  } catch {
    // A cache folder we cannot use only means compiling as usual.
  }
}

/** Runs `load` (a `require` of our own modules) with compiled code cached, where only the library can. */
export function withCompileCache<T>(load: () => T): T {
  if (typeof builtIn === 'function') return load();
  let handle: { uninstall(): void } | undefined;
  try {
    handle = (require('v8-compile-cache-lib') as CompileCacheLib).install({ prefix: 'smartcache' });
  } catch {
    handle = undefined;
  }
  try {
    return load();
  } finally {
    try {
      handle?.uninstall();
    } catch {
      // Failing to save the blob only means compiling again next time.
    }
  }
}
