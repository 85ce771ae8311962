/**
 * Caching of compiled code between runs (measured in native-notes/compile-cache.md).
 *
 * Node 22.1+ has it built in: `module.enableCompileCache()` covers every module of the process and
 * is turned on at register time (NODE_DISABLE_COMPILE_CACHE=1 turns it off, as Node documents).
 *
 * Older Nodes would need v8-compile-cache-lib. It was measured and is not used: around loading
 * smartcache's own modules it saved ~3 ms of CPU (6%) in isolation and nothing measurable in a whole
 * cached run, and for the user's code it is unsafe (its install() replaces
 * `Module.prototype._compile` without calling the previous one and compiles with `vm.Script`: no
 * `import()` callback, line-1 columns shifted by the wrapper).
 */
import Module = require('node:module');

type EnableCompileCache = (dir?: string) => unknown;

const builtIn = (Module as unknown as { enableCompileCache?: EnableCompileCache }).enableCompileCache;

/** At register time: the built-in cache where it exists (feature detection, not a version check). */
export function enableCompileCache(): void {
  if (typeof builtIn !== 'function') return;
  try {
    builtIn();
  } catch {
    // A cache folder we cannot use only means compiling as usual.
  }
}
