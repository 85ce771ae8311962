// Annotated recursion goes through the cache at every level (the contract's fib(90)). A cached
// level holds ~20 frames while its body runs, so deep recursion overflowed the stack at ~340
// levels; past 64 nested bodies calls take the deep path (src/cache/call/call-path.ts `call`),
// ~1,500 levels in all on Node 20 (native-notes/deep-recursion.md).
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { node, project, tempDir } from './fixtures/cache/helpers.mjs';

const register = path.resolve('dist/preload/register.js');

function runner(t, files) {
  const dir = project(files);
  const root = tempDir();
  const run = {
    dir,
    root,
    run(args, env = {}) {
      const r = node(['--require', register, ...args], { cwd: dir, env: { SMARTCACHE_DIR: root, ...env } });
      t.is(r.status, 0, r.stderr);
      t.notRegex(r.stderr, /SmartCacheWarning|Maximum call stack/, r.stderr);
      return r.out;
    },
  };
  return { dir, run: run.run, root };
}

test('sumTo(1000) and mutual recursion 1000 deep: the right result, no stack overflow, then a hit', (t) => {
  const { run } = runner(t, {
    'app.js': `let runs = 0;
/** @cache */ function sumTo(n) { runs++; return n === 0 ? 0 : n + sumTo(n - 1); }
/** @cache */ function isEven(n) { runs++; return n === 0 ? true : isOdd(n - 1); }
/** @cache */ function isOdd(n) { runs++; return n === 0 ? false : isEven(n - 1); }
const value = [sumTo(Number(process.argv[2])), isEven(1000), isOdd(1000)];
console.log('OUT ' + JSON.stringify({ value, runs }));
`,
  });
  const first = run(['app.js', '1000']);
  t.deepEqual(first.value, [500500, true, false]);
  t.is(first.runs, 3 * 1001, 'each level runs once (isOdd(1000) reaches the odd-parity chain isEven(1000) did not)');
  t.deepEqual(run(['app.js', '1000']), { value: [500500, true, false], runs: 0 });
});

test('memoized recursion stays linear past the deep threshold: fib(1000) runs its body 1001 times', (t) => {
  const { dir, run } = runner(t, {
    'fib.js': `let runs = 0;
/** @cache */ function fib(n) { runs++; return n < 2 ? BigInt(n) : fib(n - 1) + fib(n - 2); }
const value = String(fib(Number(process.argv[2])) % 1000000007n);
console.log('OUT ' + JSON.stringify({ value, runs }));
`,
  });
  const first = run(['fib.js', '1000']);
  t.is(first.runs, 1001);
  t.deepEqual(run(['fib.js', '1000']), { value: first.value, runs: 0 });
  // An edit of the body recomputes every level, deep ones included.
  const file = path.join(dir, 'fib.js');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('BigInt(n) :', 'BigInt(n) * 2n :'));
  const edited = run(['fib.js', '1000']);
  t.is(edited.runs, 1001);
  t.not(edited.value, first.value);
});

test('deep results are not kept past the outermost call: a file changed between two calls is read again at every depth', (t) => {
  const { run } = runner(t, {
    'data.txt': 'a',
    'app.js': `const fs = require('node:fs');
/** @cache */ function down(n) { return n === 0 ? fs.readFileSync('data.txt', 'utf8') : down(n - 1); }
const values = [down(500)];
fs.writeFileSync('data.txt', 'b');
values.push(down(500), down(300), down(100));
console.log('OUT ' + JSON.stringify({ values }));
`,
  });
  t.deepEqual(run(['app.js']).values, ['a', 'b', 'b', 'b']);
});

test('a deep result is a copy: the caller mutating it does not change what an identical deep call gets', (t) => {
  const { run } = runner(t, {
    'app.js': `/** @cache */ function list(n) { if (n === 0) return [0]; const l = list(n - 1); const again = list(n - 1); l.push(n); return again.length === l.length - 1 ? l : ['shared']; }
const out = list(300);
console.log('OUT ' + JSON.stringify({ length: out.length, last: out[out.length - 1], first: out[0] }));
`,
  });
  t.deepEqual(run(['app.js']), { length: 301, last: 300, first: 0 });
});

test('SMARTCACHE_LOG=1 says one line per call at every depth: fib(90) logs 91 misses and 88 hits, then one hit', (t) => {
  const run = runner(t, {
    'fib.js': `/** @cache */ function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
console.log('OUT ' + JSON.stringify({ value: String(fib(90)) }));
`,
  });
  const lines = (r) => r.stderr.split('\n').filter((l) => l.startsWith('[smartcache] '));
  const first = node(['--require', register, 'fib.js'], { cwd: run.dir, env: { SMARTCACHE_DIR: run.root, SMARTCACHE_LOG: '1' } });
  t.is(first.status, 0, first.stderr);
  t.is(first.out.value, '2880067194370816000');
  t.is(lines(first).filter((l) => l.startsWith('[smartcache] miss fib.js#fib ')).length, 91);
  t.is(lines(first).filter((l) => l.startsWith('[smartcache] hit fib.js#fib ')).length, 88);
  t.true(lines(first).some((l) => /\(64 cached calls deep: kept in memory/.test(l)), 'the deep levels say why they are not stored');
  const second = node(['--require', register, 'fib.js'], { cwd: run.dir, env: { SMARTCACHE_DIR: run.root, SMARTCACHE_LOG: '1' } });
  t.deepEqual(lines(second).map((l) => l.split(' ').slice(0, 3).join(' ')), ['[smartcache] hit fib.js#fib']);
});

// Red team round 12: an identical deep call was served what an earlier one returned although a
// file or variable it read had changed in between (the deep path kept no record of its inputs).
test('a deep call is served again only while the files and variables it read still hold', (t) => {
  const dir = project({
    'app.js': (mod) => `const { cache } = require(${mod});
const fs = require('node:fs'), F = require('node:path').join(__dirname, 'data.txt');
const read = cache(function read(k) { return fs.readFileSync(F, 'utf8'); });
const envr = cache(function envr(k) { return process.env[k]; });
const down = cache(function downBody(n) {
  if (n > 0) return down(n - 1);
  fs.writeFileSync(F, 'v1'); const a = read('k');
  fs.writeFileSync(F, 'v2'); const b = read('k');
  process.env.DEEPV = 'one'; const c = envr('DEEPV'); process.env.DEEPV = 'two'; const d = envr('DEEPV');
  return [a, b, c, d].join('|');
});
console.log('OUT ' + JSON.stringify({ deep: down(70), shallow: down(3), after: read('k') }));
`,
  });
  const r = node(['app.js'], { cwd: dir, env: { SMARTCACHE_DIR: tempDir() } });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.out, { deep: 'v1|v2|one|two', shallow: 'v1|v2|one|two', after: 'v2' });
});
