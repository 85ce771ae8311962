'use strict';
// Where the built library lives. The bench measures the compiled dist/ (what users run), found
// relative to this file so that a checkout anywhere works.
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const DIST = path.join(ROOT, 'dist');
const REGISTER = path.join(DIST, 'preload', 'register.js');

/** Path of the module exporting `cache` (index.js, or cache.js while index is not built yet). */
function apiPath() {
  for (const file of ['index.js', 'cache.js']) {
    const p = path.join(DIST, file);
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

/** `{ cache }` of the built library, or throws an Error saying what is missing. */
function loadSmartcache() {
  const p = apiPath();
  if (!p) throw new Error('dist/index.js is not built (run `npm run build`)');
  const mod = require(p);
  if (typeof mod.cache !== 'function') throw new Error(`${path.relative(ROOT, p)} exports no cache()`);
  return mod;
}

/** Path of the --require preload, or undefined when not built. */
function registerPath() {
  return fs.existsSync(REGISTER) ? REGISTER : undefined;
}

module.exports = { ROOT, DIST, apiPath, loadSmartcache, registerPath };
