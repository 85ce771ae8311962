// The module `module.register()` loads on the hooks thread (Node 20, and later Nodes without
// `module.registerHooks`). It only adapts the asynchronous hook signature; see esm-load.ts.
import { createRequire } from 'node:module';
import type { LoadResult } from './esm-load.js';

const require = createRequire(import.meta.url);
const { rewriteLoaded, relayWarningsThroughSource } = require('./esm-load.js') as typeof import('./esm-load.js');

// This thread's stderr reaches the terminal only if the application lives long enough.
relayWarningsThroughSource();

type NextLoad = (url: string, context: object) => Promise<LoadResult>;

export async function load(url: string, context: object, nextLoad: NextLoad): Promise<LoadResult> {
  return rewriteLoaded(url, await nextLoad(url, context));
}
