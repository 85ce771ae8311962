// The contract as a user meets it: the package installed under its own name in a fresh project,
// used only through `require('smartcache')`, `import 'smartcache'`, `smartcache/register` and the
// `smartcache` bin. Each run is a separate process, as across real runs of a program.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { installedProject, run, write, hits, misses } from './fixtures/contract/project.mjs';

test('require and import give the same working cache(); a second run hits', (t) => {
  const dir = installedProject();
  write(dir, 'a.cjs', `
    const { cache } = require('smartcache');
    let runs = 0;
    const square = cache(function square(x) { runs++; return x * x; });
    console.log(JSON.stringify({ v: square(7), runs }));
  `);
  write(dir, 'b.mjs', `
    import { cache } from 'smartcache';
    import { createRequire } from 'node:module';
    const cjs = createRequire(import.meta.url)('smartcache');
    let runs = 0;
    const cube = cache(function cube(x) { runs++; return x ** 3; });
    console.log(JSON.stringify({ v: cube(3), runs, same: cjs.cache === cache }));
  `);
  const first = run(dir, ['a.cjs']);
  const second = run(dir, ['a.cjs']);
  t.deepEqual([first.json, second.json], [{ v: 49, runs: 1 }, { v: 49, runs: 0 }]);
  const esm1 = run(dir, ['b.mjs']);
  const esm2 = run(dir, ['b.mjs']);
  t.deepEqual([esm1.json, esm2.json], [{ v: 27, runs: 1, same: true }, { v: 27, runs: 0, same: true }]);
  // Default root: node_modules/.cache/smartcache of the nearest package.json.
  t.true(fs.existsSync(path.join(dir, 'node_modules', '.cache', 'smartcache')));
});

test('comments, blank lines and unrelated edits hit; a helper edit misses', (t) => {
  const dir = installedProject();
  const source = (extraTop, helperBody, unrelated) => `
    ${extraTop}
    const { cache } = require('smartcache');
    const CONFIG = { factor: 3, label: 'x' };
    function helper(v) { ${helperBody} }
    function unrelated() { return ${unrelated}; }
    const work = cache(function work(n) { return helper(n) * CONFIG.factor; });
    console.log(JSON.stringify({ v: work(5) }));
  `;
  write(dir, 'w.js', source('', 'return v + 1;', 1));
  t.is(misses(run(dir, ['w.js'], { SMARTCACHE_LOG: '1' })), 1);
  write(dir, 'w.js', source('// a new comment line\n\n/* and a block */', '/* why */ return v   +   1;', 2));
  const r = run(dir, ['w.js'], { SMARTCACHE_LOG: '1' });
  t.is(hits(r), 1, r.stderr);
  t.deepEqual(r.json, { v: 18 });
  write(dir, 'w.js', source('', 'return v + 2;', 2));
  const changed = run(dir, ['w.js'], { SMARTCACHE_LOG: '1' });
  t.is(misses(changed), 1, changed.stderr);
  t.deepEqual(changed.json, { v: 21 });
});

test('primitive arguments that look alike are distinct keys', (t) => {
  const dir = installedProject();
  write(dir, 'k.js', `
    const { cache } = require('smartcache');
    let runs = 0;
    const id = cache(function id(x) { runs++; return typeof x; });
    const values = [1, '1', 1n, true, null, undefined, NaN, -0, 0];
    const types = values.map((v) => id(v));
    const again = values.map((v) => id(v));
    console.log(JSON.stringify({ runs, types, again }));
  `);
  const r = run(dir, ['k.js']);
  t.is(r.json.runs, 9);
  t.deepEqual(r.json.again, r.json.types);
  t.is(run(dir, ['k.js']).json.runs, 0);
});

test('errors are SmartCacheError with stable codes; bad options are TypeErrors too', (t) => {
  const dir = installedProject();
  write(dir, 'e.mjs', `
    import { cache, SmartCacheError } from 'smartcache';
    const out = {};
    const f = cache(function f(a, b) { return 1; });
    try { f(1, { conn: new WeakMap() }); } catch (e) {
      out.unhashable = { is: e instanceof SmartCacheError, code: e.code, names: /args\\[1\\]\\.conn/.test(e.message) };
    }
    try { cache(function g() {}, { ttl: 'soon' }); } catch (e) {
      out.option = { is: e instanceof SmartCacheError, type: e instanceof TypeError, code: e.code, names: /ttl/.test(e.message) };
    }
    const ignored = cache(function h(a, log) { return a; }, { ignore: ['log'] });
    out.ignored = ignored(2, new WeakMap());
    console.log(JSON.stringify(out));
  `);
  const r = run(dir, ['e.mjs']);
  t.deepEqual(r.json, {
    unhashable: { is: true, code: 'ERR_UNHASHABLE_ARGUMENT', names: true },
    option: { is: true, type: true, code: 'ERR_INVALID_OPTION', names: true },
    ignored: 2,
  });
});

test('SMARTCACHE=off runs everything and writes nothing; SMARTCACHE_DIR moves the root', (t) => {
  const dir = installedProject();
  write(dir, 'o.js', `
    const { cache } = require('smartcache');
    let runs = 0;
    const f = cache(function f(x) { runs++; return x; });
    f(1); f(1);
    console.log(JSON.stringify({ runs }));
  `);
  t.deepEqual(run(dir, ['o.js'], { SMARTCACHE: 'off' }).json, { runs: 2 });
  t.false(fs.existsSync(path.join(dir, 'node_modules', '.cache', 'smartcache')));
  const root = path.join(dir, 'elsewhere');
  run(dir, ['o.js'], { SMARTCACHE_DIR: root });
  t.true(fs.readdirSync(root).length > 0);
  const mode = fs.statSync(root).mode & 0o777;
  t.is(mode, 0o700);
});

test('the preload caches annotated functions with --require and --import, recursion included', (t) => {
  const dir = installedProject();
  // Bodies are counted through a built-in (process.emit): a module-level counter that the
  // functions touched would itself be part of their fingerprints (read at the first call).
  const fib = `
    let bodies = 0;
    process.on('body', () => bodies++);
    /** @cache */
    function fib(n) { process.emit('body'); return n < 2 ? n : fib(n - 1) + fib(n - 2); }
    function slow(n) {
      'use cache';
      process.emit('body');
      return n * 2;
    }
    const v = fib(90);
    console.log(JSON.stringify({ v: String(v), d: slow(21), bodies }));
  `;
  write(dir, 'fib.cjs', fib);
  write(dir, 'fib.mjs', fib);
  const first = run(dir, ['--require', 'smartcache/register', 'fib.cjs']);
  t.deepEqual(first.json, { v: '2880067194370816000', d: 42, bodies: 92 }, first.stderr);
  t.is(run(dir, ['--require', 'smartcache/register', 'fib.cjs']).json.bodies, 0);
  const esm = run(dir, ['--import', 'smartcache/register', 'fib.mjs']);
  t.is(esm.json.bodies, 92, esm.stderr);
  t.is(run(dir, ['--import', 'smartcache/register', 'fib.mjs']).json.bodies, 0);
  const viaEnv = run(dir, ['fib.cjs'], { NODE_OPTIONS: '--require smartcache/register' });
  t.is(viaEnv.json.bodies, 0, viaEnv.stderr);
});

test('the smartcache bin answers --help and fails cleanly on bad input', (t) => {
  const dir = installedProject();
  const bin = path.join(dir, 'node_modules', 'smartcache', 'dist', 'cli', 'main.js');
  const help = spawnSync(process.execPath, [bin, '--help'], { cwd: dir, encoding: 'utf8' });
  t.is(help.status, 0);
  for (const cmd of ['ls', 'explain', 'clear', 'prune', 'stats']) t.true(help.stdout.includes(cmd), cmd);
  const bad = spawnSync(process.execPath, [bin, 'prune', '--max-size', 'lots', '--dir', dir], { cwd: dir, encoding: 'utf8' });
  t.not(bad.status, 0);
  t.is(bad.stderr.trim().split('\n').length, 1, bad.stderr);
});
