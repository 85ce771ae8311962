// ESM entry. It re-exports the CommonJS build instead of compiling a second copy, so that code
// mixing `import` and `require` shares one registry, one memory layer and one inspector session.
import { createRequire } from 'node:module';
import type * as Api from './index.js';

const require = createRequire(import.meta.url);
const api = load();

/**
 * The CommonJS build beside this file. Missing when smartcache's own files were bundled into the
 * program (esbuild, webpack): one clear line then, as dist/runtime-loader.js says it for CommonJS.
 */
function load(): typeof Api {
  try {
    return require('./index.js') as typeof Api;
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'MODULE_NOT_FOUND' || !String((error as Error).message).includes("'./index.js'")) throw error;
    throw Object.assign(
      new Error(
        `smartcache cannot find its CommonJS build (index.js beside ${import.meta.url}): it looks bundled into your program. ` +
          'Keep smartcache external to the bundle (esbuild --external:smartcache or --packages=external, webpack externals, ncc -e smartcache) and install it beside the bundle.',
      ),
      { name: 'SmartCacheError', code: 'ERR_NOT_INSTALLED' },
    );
  }
}

export const cache: typeof Api.cache = api.cache;
export const cached: typeof Api.cached = api.cached;
export const SmartCacheError: typeof Api.SmartCacheError = api.SmartCacheError;
export const SmartCacheTypeError: typeof Api.SmartCacheTypeError = api.SmartCacheTypeError;
export type * from './index.js';
