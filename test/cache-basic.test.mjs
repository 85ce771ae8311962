import test from 'ava';
import { createRequire } from 'node:module';
import { cacheModule, node, project, tempDir } from './fixtures/cache/helpers.mjs';
import { parseWarnings } from './fixtures/warnings.mjs';

const require = createRequire(import.meta.url);
const { cache } = require(cacheModule);

const slowScript = (mod) => `
const { cache } = require(${mod});
let runs = 0;
const slow = cache(function slow(a, b) { runs++; return { sum: a + b, list: [a, b], at: 'x' }; });
const first = slow(1, 2);
const again = slow(1, 2);
const other = slow(2, 3);
console.log('OUT ' + JSON.stringify({ first, again, other, runs, name: slow.name, length: slow.length }));
`;

test('a result computed in one process is a hit in the next', (t) => {
  const dir = project({ 'main.js': slowScript });
  const env = { SMARTCACHE_DIR: tempDir() };
  const one = node(['main.js'], { cwd: dir, env });
  t.is(one.status, 0, one.stderr);
  t.deepEqual(one.out.first, { sum: 3, list: [1, 2], at: 'x' });
  t.deepEqual(one.out.again, one.out.first);
  t.is(one.out.runs, 2, 'two distinct argument lists computed once each');
  const two = node(['main.js'], { cwd: dir, env });
  t.is(two.status, 0, two.stderr);
  t.is(two.out.runs, 0, 'second process computes nothing');
  t.deepEqual(two.out, { ...one.out, runs: 0 });
  t.is(two.stderr, '');
});

test('the wrapper keeps name and length', (t) => {
  const wrapped = cache(function threeArgs(a, b, c) { return a + b + c; }, { dir: tempDir() });
  t.is(wrapped.name, 'threeArgs');
  t.is(wrapped.length, 3);
  t.is(wrapped(1, 2, 3), 6);
});

test('distinct primitive types are distinct keys', (t) => {
  let runs = 0;
  const f = cache(function typed(x) { runs++; return typeof x; }, { dir: tempDir() });
  const inputs = [1, '1', 1n, true, null, undefined, NaN, -0, 0];
  for (const x of inputs) f(x);
  t.is(runs, inputs.length);
  for (const x of inputs) t.is(f(x), typeof x);
  t.is(runs, inputs.length);
});

test('control methods: has, delete, refresh, clear, fingerprint, explain', (t) => {
  let runs = 0;
  const f = cache(function square(n) { runs++; return n * n; }, { dir: tempDir() });
  t.false(f.has(3));
  t.is(runs, 0, 'has() never computes');
  t.is(f(3), 9);
  t.true(f.has(3));
  t.false(f.has(4));
  t.true(f.delete(3));
  t.false(f.has(3));
  t.false(f.delete(3));
  t.is(f(3), 9);
  t.is(runs, 2);
  t.is(f.refresh(3), 9);
  t.is(runs, 3, 'refresh recomputes');
  t.is(f(3), 9);
  t.is(runs, 3, 'and overwrites: the next call hits');
  f(5);
  f.clear();
  t.false(f.has(3));
  t.false(f.has(5));
  t.regex(f.fingerprint(), /^[0-9a-f]{16,}$/);
  const tree = f.explain();
  t.is(typeof tree.root.fingerprint, 'string');
  t.true(Array.isArray(tree.dynamic));
});

test('bad options throw a TypeError naming the option, at wrap time', (t) => {
  const id = (x) => x;
  for (const [options, option] of [
    [{ ttl: 'soon' }, 'ttl'],
    [{ memory: 'yes' }, 'memory'],
    [{ ignore: [-1] }, 'ignore'],
    [{ ignore: ['nope'] }, 'ignore'],
    [{ key: 3 }, 'key'],
    [{ strict: 'yes' }, 'strict'],
    [{ colour: 'red' }, 'colour'],
  ]) {
    const error = t.throws(() => cache(id, options), { instanceOf: TypeError }, option);
    t.is(error.option, option);
    t.is(error.code, 'ERR_INVALID_OPTION');
    t.true(error.message.includes(option));
  }
  for (const notAFunction of [42, null, 'f', {}]) {
    const error = t.throws(() => cache(notAFunction), { instanceOf: TypeError });
    t.is(error.code, 'ERR_UNSUPPORTED_FUNCTION', 'the README: non-functions cannot be cached');
    t.is(error.name, 'SmartCacheError');
  }
});

test('generators and classes are refused at wrap time', (t) => {
  for (const fn of [function* gen() { yield 1; }, async function* agen() { yield 1; }, class Point {}]) {
    const error = t.throws(() => cache(fn));
    t.is(error.code, 'ERR_UNSUPPORTED_FUNCTION');
    t.is(error.name, 'SmartCacheError');
  }
});

test('an unhashable argument throws ERR_UNHASHABLE_ARGUMENT naming its path', (t) => {
  const f = cache(function takes(a, b) { return 1; }, { dir: tempDir() });
  const error = t.throws(() => f(1, { conn: new WeakMap() }));
  t.is(error.code, 'ERR_UNHASHABLE_ARGUMENT');
  t.regex(error.path, /args\[1\]\.conn/);
  const ignored = cache(function takes(a, conn) { return a; }, { dir: tempDir(), ignore: ['conn'] });
  t.is(ignored(2, new WeakMap()), 2, 'fine once ignored');
});

test('an unserializable result is returned uncached with one warning', (t) => {
  const dir = project({
    'main.js': (mod) => `
const { cache } = require(${mod});
let runs = 0;
const make = cache(function make(n) { runs++; return { n, get: () => n }; });
const a = make(1); const b = make(1);
console.log('OUT ' + JSON.stringify({ runs, a: a.get(), b: b.get() }));
`,
  });
  const r = node(['main.js'], { cwd: dir, env: { SMARTCACHE_DIR: tempDir() } });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.out, { runs: 2, a: 1, b: 1 });
  const warnings = parseWarnings(r.stderr);
  t.is(warnings.length, 1, r.stderr);
  t.regex(warnings[0].message, /make.*stored/);
  t.is(warnings[0].code, 'ERR_UNSERIALIZABLE_RESULT');
});
