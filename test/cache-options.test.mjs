import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { cacheModule, listFiles, node, project, tempDir, writeFile } from './fixtures/cache/helpers.mjs';

const require = createRequire(import.meta.url);
const { cache } = require(cacheModule);

/** A function whose runs are counted, cached with `options`. */
function counted(options, body = (...args) => args.join(',')) {
  const counter = { runs: 0 };
  const fn = cache(function counted(...args) {
    counter.runs++;
    return body(...args);
  }, { dir: tempDir(), ...options });
  return { fn, counter };
}

test('name: two wrappers with one name share entries, different names do not', (t) => {
  const dir = tempDir();
  let runs = 0;
  const body = function same(x) { runs++; return x * 2; };
  // strict: entries written in line (see 'version salts the key' below).
  const a = cache(body, { dir, name: 'shared', strict: true });
  const b = cache(body, { dir, name: 'shared', strict: true });
  const c = cache(body, { dir, name: 'other', strict: true });
  a(4);
  t.is(b(4), 8);
  t.is(runs, 1, 'same name, same code: shared entry');
  c(4);
  t.is(runs, 2, 'another name is another identity');
});

test('default names tell two functions of one name in different files apart', (t) => {
  const dir = project({
    'a.js': (mod) => `const { cache } = require(${mod}); module.exports = cache(function slow(x) { return 'a' + x; });`,
    'b.js': (mod) => `const { cache } = require(${mod}); module.exports = cache(function slow(x) { return 'a' + x; });`,
    'main.js': `const a = require('./a'); const b = require('./b'); let out = [a(1), b(1)]; console.log('OUT ' + JSON.stringify(out));`,
  });
  const env = { SMARTCACHE_DIR: tempDir(), SMARTCACHE_LOG: '1' };
  const r = node(['main.js'], { cwd: dir, env });
  t.is(r.status, 0, r.stderr);
  const misses = r.stderr.split('\n').filter((l) => l.startsWith('[smartcache] miss '));
  t.is(misses.length, 2, 'same code and arguments, but two identities');
  t.regex(misses[0], /^\[smartcache\] miss a\.js#slow /);
  t.regex(misses[1], /^\[smartcache\] miss b\.js#slow /);
});

test('dir: entries go under the given root', (t) => {
  const root = tempDir();
  const f = cache(function inDir(x) { return x + 1; }, { dir: root });
  f(1);
  t.true(listFiles(root).length > 0);
});

test('ignore by name and by position', (t) => {
  let runs = 0;
  const byName = cache(function fetchUser(id, log) { runs++; return `user${id}`; }, { dir: tempDir(), ignore: ['log'] });
  byName(1, 'verbose');
  t.is(byName(1, 'quiet'), 'user1');
  t.is(runs, 1);
  byName(2, 'quiet');
  t.is(runs, 2, 'other arguments still count');
  runs = 0;
  const byPosition = cache(function pick(a, b, c) { runs++; return a + c; }, { dir: tempDir(), ignore: [1] });
  byPosition(1, { any: 'thing' }, 2);
  t.is(byPosition(1, [1, 2, 3], 2), 3);
  t.is(runs, 1);
});

// Red team round 12: `ignore: ['rest']` left out only the first rest argument, and an ignored
// argument at the end still counted by being passed at all (`.has(1)` false after `load(1, log)`).
test('ignore: a rest parameter leaves out every argument it gathers', (t) => {
  let runs = 0;
  const f = cache(function f(a, ...rest) { runs++; return a; }, { dir: tempDir(), ignore: ['rest'] });
  f(1, 'x', 'z');
  f(1, 'x', 'w');
  f(1);
  t.is(f(1, 'q', 'r', 's'), 1);
  t.is(runs, 1);
  f(2, 'x');
  t.is(runs, 2, 'the arguments before it still count');
  runs = 0;
  const g = cache(function g(a, ...more) { runs++; return a; }, { dir: tempDir(), ignore: ['...more'] });
  g(1, 2);
  g(1, 3);
  t.is(runs, 1, "'...more' names the rest parameter too");
  // Red team round 14: named with its dots, only the first gathered argument was left out.
  g(1, 4, 5, 6);
  g(1);
  t.is(runs, 1, "'...more' leaves out every argument it gathers");
});

test('ignore: an ignored argument at the end counts the same passed or not', (t) => {
  let runs = 0;
  const load = cache(function load(id, log) { runs++; return { id }; }, { dir: tempDir(), ignore: ['log'] });
  load(1, console);
  t.true(load.has(1));
  t.true(load.has(1, console));
  t.deepEqual(load(1), { id: 1 });
  t.is(runs, 1);
  runs = 0;
  const mid = cache(function mid(a, b, c) { runs++; return [a, c]; }, { dir: tempDir(), ignore: [1] });
  mid(1, 'x', 3);
  mid(1, undefined, 3);
  t.is(runs, 1, 'an ignored slot in the middle keeps its place');
  mid(1, 'x');
  mid(1);
  t.is(runs, 2, 'f(1) and f(1, x) share a key; f(1, x, 3) is another');
});

test('key: a custom key replaces the argument list', (t) => {
  const { fn, counter } = counted({ key: (req) => req.url }, (req) => req.url.length);
  fn({ url: '/a', at: 1 });
  t.is(fn({ url: '/a', at: 2 }), 2);
  t.is(counter.runs, 1);
  fn({ url: '/bb', at: 2 });
  t.is(counter.runs, 2);
});

test('dependsOn: a file edited between runs is a miss, the same content a hit', (t) => {
  const dir = project({
    'config.json': '{"factor":2}',
    'main.js': (mod) => `
const fs = require('fs');
const { cache } = require(${mod});
let runs = 0;
const scaled = cache(function scaled(x) { runs++; return x * JSON.parse(fs.readFileSync('config.json', 'utf8')).factor; },
  { dependsOn: () => fs.readFileSync('config.json', 'utf8') });
console.log('OUT ' + JSON.stringify({ value: scaled(10), runs }));
`,
  });
  const env = { SMARTCACHE_DIR: tempDir() };
  t.deepEqual(node(['main.js'], { cwd: dir, env }).out, { value: 20, runs: 1 });
  t.deepEqual(node(['main.js'], { cwd: dir, env }).out, { value: 20, runs: 0 });
  writeFile(dir, 'config.json', '{"factor":3}');
  t.deepEqual(node(['main.js'], { cwd: dir, env }).out, { value: 30, runs: 1 }, 'edited: recomputed');
  t.deepEqual(node(['main.js'], { cwd: dir, env }).out, { value: 30, runs: 0 });
});

test('dependsOn is read on every call, in-process too', (t) => {
  let state = 'a';
  const { fn, counter } = counted({ dependsOn: () => state });
  fn(1);
  fn(1);
  t.is(counter.runs, 1);
  state = 'b';
  fn(1);
  t.is(counter.runs, 2);
});

test('ttl: an expired entry is a miss, across processes and in memory', async (t) => {
  // The ttl in force is the one the code declares now: the first runs declare an hour (however
  // slow this machine, the second run is within it), the last one 3 s, once the entry is older.
  const dir = project({
    'main.js': (mod) => `
const { cache } = require(${mod});
let runs = 0;
const now = cache(function now(x) { runs++; return x; }, { ttl: Number(process.env.TTL_MS) });
now(1); now(1);
console.log('OUT ' + JSON.stringify({ runs }));
`,
  });
  const env = { SMARTCACHE_DIR: tempDir(), SMARTCACHE_LOG: '1', TTL_MS: '3600000' };
  t.deepEqual(node(['main.js'], { cwd: dir, env }).out, { runs: 1 });
  const stored = Date.now(); // the entry was created before this instant
  t.deepEqual(node(['main.js'], { cwd: dir, env }).out, { runs: 0 }, 'still fresh');
  await new Promise((r) => setTimeout(r, Math.max(0, stored + 3100 - Date.now())));
  const late = node(['main.js'], { cwd: dir, env: { ...env, TTL_MS: '3000' } });
  t.deepEqual(late.out, { runs: 1 }, 'expired on disk');
  t.regex(late.stderr, /\[smartcache\] miss main\.js#now \S+ .*\(expired(; first call: .*)?\)/);

  const { fn, counter } = counted({ ttl: '1s' });
  fn(1);
  fn(1);
  t.is(counter.runs, 1);
  await new Promise((r) => setTimeout(r, 1100));
  fn(1);
  t.is(counter.runs, 2, 'expired in memory');
  t.false(fn.has(2));
});

// `strict: true` below writes entries in line. Otherwise, once this process has spent 25 ms in
// synchronous writes (early, on a busy machine), entries are written by a background thread, and a
// second wrapper's disk read, or an rmSync of the root, would race that write.
test('version salts the key', (t) => {
  const dir = tempDir();
  let runs = 0;
  const body = function versioned(x) { runs++; return x; };
  cache(body, { dir, name: 'v', version: 1, strict: true })(1);
  cache(body, { dir, name: 'v', version: 1, strict: true })(1);
  t.is(runs, 1);
  cache(body, { dir, name: 'v', version: 2, strict: true })(1);
  t.is(runs, 2);
  cache(body, { dir, name: 'v', version: '1', strict: true })(1);
  t.is(runs, 2, "version 1 and '1' are the same salt (versions are strings)");
});

test('memory: off reads the disk each call, still one computation', (t) => {
  const root = tempDir();
  const { fn, counter } = counted({ memory: false, dir: root });
  const a = fn(1, 2);
  const b = fn(1, 2);
  t.is(a, b);
  t.is(counter.runs, 1);
  // With memory off a removed entry is seen at once.
  fs.rmSync(root, { recursive: true, force: true });
  fn(1, 2);
  t.is(counter.runs, 2);
});

test('memory: on serves hits after the disk entry is gone', (t) => {
  const root = tempDir();
  const { fn, counter } = counted({ dir: root, strict: true });
  fn(1, 2);
  fs.rmSync(root, { recursive: true, force: true });
  fn(1, 2);
  t.is(counter.runs, 1, 'served from memory');
});

test('memory bounds: maxEntries and maxBytes evict', (t) => {
  const root = tempDir();
  const { fn, counter } = counted({ dir: root, memory: { maxEntries: 2 }, strict: true });
  fn(1);
  fn(2);
  fn(3);
  fs.rmSync(root, { recursive: true, force: true });
  fn(3);
  t.is(counter.runs, 3, 'the newest stayed');
  fn(1);
  t.is(counter.runs, 4, 'the oldest was evicted');

  const root2 = tempDir();
  const big = counted({ dir: root2, memory: { maxBytes: 1000 }, strict: true }, (n) => 'x'.repeat(n));
  big.fn(2000);
  big.fn(10);
  fs.rmSync(root2, { recursive: true, force: true });
  big.fn(10);
  t.is(big.counter.runs, 2, 'small result kept');
  big.fn(2000);
  t.is(big.counter.runs, 3, 'result larger than maxBytes never kept in memory');
});

test('strict: a cache failure throws instead of warning', (t) => {
  const file = path.join(tempDir(), 'plain-file');
  fs.writeFileSync(file, 'not a folder');
  const lax = cache(function lax(x) { return x; }, { dir: path.join(file, 'cache') });
  t.is(lax(1), 1);
  const strict = cache(function strict(x) { return x; }, { dir: path.join(file, 'cache'), strict: true });
  const error = t.throws(() => strict(1));
  t.is(error.name, 'SmartCacheError');
  t.is(error.code, 'ERR_STORE_IO');
  const unserializable = cache(function fnResult() { return () => 1; }, { dir: tempDir(), strict: true });
  t.is(t.throws(() => unserializable()).code, 'ERR_UNSERIALIZABLE_RESULT');
});

test('an unhashable dependsOn, key or this says what to do about that input, not about arguments', (t) => {
  const { fn } = counted({ dependsOn: async () => 'v1' });
  const error = t.throws(() => fn(1), { code: 'ERR_UNHASHABLE_ARGUMENT' });
  t.regex(error.message, /dependsOn\(\)/);
  t.regex(error.message, /dependsOn is called synchronously .* must return plain data/);
  t.notRegex(error.message, /`ignore`/);
  const keyed = counted({ key: () => new WeakMap() }).fn;
  t.regex(t.throws(() => keyed(1), { code: 'ERR_UNHASHABLE_ARGUMENT' }).message, /Return plain data from the `key` function/);
  const arg = counted({}).fn;
  t.regex(t.throws(() => arg(new WeakMap()), { code: 'ERR_UNHASHABLE_ARGUMENT' }).message, /Leave it out of the key \(`ignore`\)/);
});
