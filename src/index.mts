// ESM entry. It re-exports the CommonJS build instead of compiling a second copy, so that code
// mixing `import` and `require` shares one registry, one memory layer and one inspector session.
import { createRequire } from 'node:module';
import type * as Api from './index.js';

const require = createRequire(import.meta.url);
const api = require('./index.js') as typeof Api;

export const cache: typeof Api.cache = api.cache;
export const cached: typeof Api.cached = api.cached;
export const SmartCacheError: typeof Api.SmartCacheError = api.SmartCacheError;
export const SmartCacheTypeError: typeof Api.SmartCacheTypeError = api.SmartCacheTypeError;
export type * from './index.js';
