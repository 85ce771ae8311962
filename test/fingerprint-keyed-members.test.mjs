// Compiled re-exports (Babel's and TypeScript's CommonJS output) read every export through one
// getter per name: `get: function () { return _index[key]; }`. The member read is `key`'s value,
// so only that member of `_index` counts: an unused export added to the re-exported module hits,
// an edit of the re-exported function misses. Cross-run, in child processes.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { installedProject, run, write, hits, misses } from './fixtures/contract/project.mjs';

const INDEX = `"use strict";
var _add = require("./add.cjs");
Object.keys(_add).forEach(function (key) {
  if (key === "default" || key === "__esModule") return;
  Object.defineProperty(exports, key, { enumerable: true, get: function () { return _add[key]; } });
});
`;
const ADD = (body) => `"use strict";\nexports.add = add;\nfunction add(a, b) { return ${body}; }\n`;

test('a getter re-export counts the one member its key names', (t) => {
  const dir = installedProject();
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'lib'));
  write(dir, 'lib/index.cjs', INDEX);
  write(dir, 'lib/add.cjs', ADD('a + b'));
  write(dir, 'app.js', `
    const { cache } = require('smartcache');
    const lib = require('./lib/index.cjs');
    const f = cache(function f(x) { return lib.add(x, 1); }, { name: 'f' });
    console.log(JSON.stringify(f(2)));
  `);
  t.is(run(dir, ['app.js']).json, 3);
  write(dir, 'lib/add.cjs', `${ADD('a + b')}exports.unused = function unused() { return 0; };\n`);
  const unusedExport = run(dir, ['app.js'], { SMARTCACHE_LOG: '1' });
  t.is(hits(unusedExport), 1, unusedExport.stderr);
  write(dir, 'lib/add.cjs', `${ADD('a + b + 10')}exports.unused = function unused() { return 0; };\n`);
  const edited = run(dir, ['app.js'], { SMARTCACHE_LOG: '1' });
  t.is(edited.json, 13, edited.stderr);
  t.is(misses(edited), 1, edited.stderr);
});

test('a key chosen at run time (a loop variable) still uses the whole object', (t) => {
  const dir = installedProject();
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const source = (extra) => `
    const { cache } = require('smartcache');
    const table = { a: 1, b: 2${extra} };
    const f = cache(function f(keys) { let s = 0; for (const k of keys) s += table[k] ?? 0; return s; }, { name: 'f' });
    console.log(JSON.stringify(f(['a', 'c'])));
  `;
  write(dir, 'app.js', source(''));
  t.is(run(dir, ['app.js']).json, 1);
  write(dir, 'app.js', source(', c: 5'));
  const r = run(dir, ['app.js'], { SMARTCACHE_LOG: '1' });
  t.is(r.json, 6, r.stderr);
  t.is(misses(r), 1, r.stderr);
});

test('a key variable the program reassigns is not a constant: the whole object counts', (t) => {
  const dir = installedProject();
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  // `current` is 'a' when the fingerprint reads it, but the call sets it to its argument first:
  // counting only TABLE.a would serve a stale TABLE.b.
  const source = (b) => `
    const { cache } = require('smartcache');
    const TABLE = { a: 1, b: ${b} };
    let current = 'a';
    function choose(k) { current = k; }
    function read() { return TABLE[current]; }
    const f = cache(function f(k) { choose(k); return read(); }, { name: 'f' });
    console.log(JSON.stringify(f('b')));
  `;
  write(dir, 'app.js', source(2));
  t.is(run(dir, ['app.js']).json, 2);
  write(dir, 'app.js', source(5));
  const r = run(dir, ['app.js'], { SMARTCACHE_LOG: '1' });
  t.is(r.json, 5, r.stderr);
  t.is(misses(r), 1, r.stderr);
});
