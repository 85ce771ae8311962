// `node --import smartcache/register app.mjs`: the ESM entry, also for CommonJS apps (whose files
// still go through the require hook). It reuses the CommonJS build so both entries share one state.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
(require('./install.js') as typeof import('./install.js')).installPreload('import', function smartcachePreloadMarker() {});
