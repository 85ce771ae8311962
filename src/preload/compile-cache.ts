/**
 * Caching of compiled code between runs (placeholder; decided by native-notes/compile-cache.md).
 */
import Module from 'node:module';

type EnableCompileCache = (dir?: string) => unknown;

export function enableCompileCache(): void {
  const builtIn = (Module as unknown as { enableCompileCache?: EnableCompileCache }).enableCompileCache;
  if (typeof builtIn === 'function') builtIn();
}
