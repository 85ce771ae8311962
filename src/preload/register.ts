// `node --require smartcache/register app.js`: caches every annotated function of the app.
// All logic lives in install.ts; this entry only installs.
import { installPreload } from './install';

installPreload('require');
