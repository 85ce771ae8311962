// `node --require smartcache/register app.js`: caches every annotated function of the app.
// All logic lives in install.ts; this entry only installs.
import { installPreload } from './install';

// The marker is compiled here, before any of the program's code (registry.ts, notePreloadMarker).
installPreload('require', function smartcachePreloadMarker() {});
