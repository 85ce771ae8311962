import test from 'ava';
import { createRequire } from 'node:module';
import { cacheModule, node, project, tempDir } from './fixtures/cache/helpers.mjs';

const require = createRequire(import.meta.url);
const { cache } = require(cacheModule);

for (const memory of [true, false]) {
  test(`a caller mutating a returned object does not change the next hit (memory ${memory})`, (t) => {
    let runs = 0;
    const f = cache(function rows(n) { runs++; return { n, list: [1, 2, 3], nested: { deep: ['a'] }, buf: Buffer.from([1, 2, 3]) }; }, { dir: tempDir(), memory });
    const first = f(1);
    first.list.push(4);
    first.nested.deep[0] = 'changed';
    first.buf[0] = 99;
    first.n = -1;
    const second = f(1);
    t.deepEqual(second, { n: 1, list: [1, 2, 3], nested: { deep: ['a'] }, buf: Buffer.from([1, 2, 3]) });
    second.list.length = 0;
    second.buf.fill(0);
    const third = f(1);
    t.deepEqual(third.list, [1, 2, 3]);
    t.deepEqual([...third.buf], [1, 2, 3]);
    t.not(second, third);
    t.is(runs, 1);
  });
}

test('a mutated array result on a disk hit does not leak into the memory copy', (t) => {
  const dir = project({
    'main.js': (mod) => `
const { cache } = require(${mod});
const f = cache(function list() { return [1, 2, 3]; });
const a = f(); a.push(4);
const b = f(); b.push(5);
console.log('OUT ' + JSON.stringify({ a, b, c: f() }));
`,
  });
  const env = { SMARTCACHE_DIR: tempDir() };
  node(['main.js'], { cwd: dir, env });
  const r = node(['main.js'], { cwd: dir, env });
  t.deepEqual(r.out, { a: [1, 2, 3, 4], b: [1, 2, 3, 5], c: [1, 2, 3] });
});

test('an argument mutated after a call does not produce a stale hit', (t) => {
  let runs = 0;
  const total = cache(function total(order) { runs++; return order.items.reduce((a, b) => a + b, 0); }, { dir: tempDir() });
  const order = { items: [1, 2] };
  t.is(total(order), 3);
  order.items.push(10);
  t.is(total(order), 13);
  t.is(runs, 2);
  order.items.pop();
  t.is(total(order), 3);
  t.is(runs, 2, 'back to the first state: a hit');
});

test('primitive results need no copy and stay right', (t) => {
  const f = cache(function prim(x) { return x === 1 ? 'one' : x === 2 ? 2n : null; }, { dir: tempDir() });
  t.is(f(1), 'one');
  t.is(f(1), 'one');
  t.is(f(2), 2n);
  t.is(f(2), 2n);
  t.is(f(3), null);
  t.is(f(3), null);
});

// Small plain results are copied in JavaScript from the second memory read on (src/store/snapshot.ts),
// in a loop, then (after 32 copies) by one compiled literal: 40 reads cover the decode, the loop and
// the literal. Every read must stay exactly what decoding gives and independent of what callers
// did to earlier copies.
test('small plain results: every memory hit is an exact, independent copy (the literal copy path)', (t) => {
  let runs = 0;
  const lone = '\ud800x';
  const make = () => ({
    zero: -0, nan: NaN, inf: -Infinity, big: 12345678901234567890n, u: undefined, s: lone, empty: {}, none: [],
    list: [1, 'two', null, undefined, -0, [3, { four: 4 }]], '2': 'integer-like', '1': 'first', 'a b': "quote \" and \\ and \u2028",
  });
  const f = cache(function plainResult(n) { runs++; return { ...make(), n }; }, { dir: tempDir() });
  const want = { ...make(), n: 1 };
  for (let i = 0; i < 40; i++) {
    const got = f(1);
    t.deepEqual(got, want, `read ${i + 1}`);
    t.true(Object.is(got.zero, -0) && Object.is(got.list[4], -0), `read ${i + 1}: -0 stays -0`);
    t.deepEqual(Object.keys(got), Object.keys(want), `read ${i + 1}: key order`);
    t.true('u' in got && got.list.length === 6 && 3 in got.list, `read ${i + 1}: undefined values are there`);
    t.is(Object.getPrototypeOf(got), Object.prototype);
    // What the caller does to this copy must not reach the next one.
    got.list[5][1].four = 'changed';
    got.list.push('extra');
    got.empty.x = 1;
    got.n = 2;
    delete got.s;
  }
  t.is(runs, 1);
});

test('small plain results, the literal path: NaN, infinities, undefined, awkward strings and key order survive every copy', (t) => {
  // (-0, bigints and lone surrogates make the codec substitute values: such results keep decoding.)
  let runs = 0;
  const make = () => ({ nan: NaN, inf: -Infinity, u: undefined, list: [1, -2.5, undefined, [2, { three: 3 }]], '2': 'b', '1': 'a', Q: "it's \"quoted\" \\ ${x} \u2028 </script>" });
  const f = cache(function literalPath(n) { runs++; return { ...make(), n }; }, { dir: tempDir() });
  const want = { ...make(), n: 1 };
  for (let i = 0; i < 40; i++) {
    const got = f(1);
    t.deepEqual(got, want, `read ${i + 1}`);
    t.true(Number.isNaN(got.nan) && got.inf === -Infinity, `read ${i + 1}: NaN and -Infinity`);
    t.deepEqual(Object.keys(got), Object.keys(want), `read ${i + 1}: key order`);
    t.true('u' in got && 2 in got.list, `read ${i + 1}: undefined values are there`);
    got.list[3][1].three = 'changed';
    got.Q = 'changed';
  }
  t.is(runs, 1);
});

for (const [label, make, check] of [
  ['an object met twice', (n) => { const shared = { k: n }; return { pair: [shared, shared] }; }, (t, got) => t.is(got.pair[0], got.pair[1])],
  ['a null-prototype object', (n) => ({ bare: Object.assign(Object.create(null), { y: n }) }), (t, got) => t.is(Object.getPrototypeOf(got.bare), null)],
  ['a Date', (n) => ({ when: new Date(n) }), (t, got) => t.true(got.when instanceof Date && got.when.getTime() === 1)],
  ['a Map', (n) => ({ m: new Map([[n, 'one']]) }), (t, got) => t.is(got.m.get(1), 'one')],
]) {
  test(`results that are not small plain trees keep decoding exactly: ${label}`, (t) => {
    let runs = 0;
    const f = cache(function special(n) { runs++; return make(n); }, { dir: tempDir(), name: `special ${label}` });
    for (let i = 0; i < 4; i++) {
      const got = f(1);
      check(t, got);
      for (const v of Object.values(got)) if (typeof v === 'object' && v !== null && !(v instanceof Date) && !(v instanceof Map)) Object.assign(v, { changed: true });
    }
    t.is(runs, 1);
  });
}

test('small plain results in a process that allows no code from strings (--disallow-code-generation-from-strings): copies keep coming', (t) => {
  const dir = project({
    'main.js': (mod) => `const { cache } = require(${mod});
let runs = 0;
const f = cache(function f(n) { runs++; return { n, list: [n, 'x'] }; }, { name: 'f' });
const seen = [];
for (let i = 0; i < 40; i++) { const v = f(1); seen.push(JSON.stringify(v)); v.list.push('mutated'); }
console.log('OUT ' + JSON.stringify({ runs, same: seen.every((s) => s === seen[0]), first: seen[0] }));
`,
  });
  const r = node(['--disallow-code-generation-from-strings', 'main.js'], { cwd: dir, env: { SMARTCACHE_DIR: tempDir() } });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.out, { runs: 1, same: true, first: '{"n":1,"list":[1,"x"]}' });
});
