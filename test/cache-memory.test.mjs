import test from 'ava';
import { createRequire } from 'node:module';
import { cacheModule, tempDir } from './fixtures/cache/helpers.mjs';

const require = createRequire(import.meta.url);
const { MemoryLayer } = require('../dist/cache/memory-layer.js');
const { cache } = require(cacheModule);

const snap = (value, bytes = 16) => ({ bytes, read: () => value });
const entry = (value, fastArgs, bytes) => ({ key: 'k'.repeat(64), snapshot: snap(value, bytes), expires: undefined, computeMs: 1, promise: false, used: false, fastArgs });

test('the fast index keeps types, -0 and arities apart', (t) => {
  const layer = new MemoryLayer(100, 1 << 20);
  const cases = [[[0], 'zero'], [[-0], 'minus zero'], [['0'], 'string'], [[0n], 'bigint'], [[false], 'false'], [[null], 'null'], [[undefined], 'undefined'], [[], 'none'], [[0, 0], 'two'], [[NaN], 'nan']];
  cases.forEach(([args, value], i) => layer.set(`m${i}`, entry(value, args)));
  for (const [args, value] of cases) t.is(layer.getFast(args)?.snapshot.read(), value, String(args));
  t.is(layer.getFast([NaN])?.snapshot.read(), 'nan');
  t.is(layer.getFast([1]), undefined);
  t.is(layer.getFast([{}]), undefined);
  t.is(layer.getFast([0, 0, 0]), undefined);
});

test('eviction and delete remove entries from the fast index too', (t) => {
  const layer = new MemoryLayer(2, 1 << 20);
  layer.set('a', entry('a', [1, 'x']));
  layer.set('b', entry('b', [2, 'x']));
  layer.set('c', entry('c', [3, 'x']));
  t.is(layer.size, 2);
  const alive = [1, 2, 3].filter((n) => layer.getFast([n, 'x']) !== undefined);
  t.is(alive.length, 2);
  t.true(alive.includes(3), 'the newest stays');
  layer.delete('c');
  t.is(layer.getFast([3, 'x']), undefined);
  layer.clear();
  t.is(layer.getFast([1, 'x']) ?? layer.getFast([2, 'x']), undefined);
  t.is(layer.totalBytes, 0);
});

test('CLOCK eviction keeps recently hit entries', (t) => {
  const layer = new MemoryLayer(3, 1 << 20);
  for (const k of ['a', 'b', 'c']) layer.set(k, entry(k));
  // First eviction pass clears every bit; then hit "a" so it survives the next one.
  layer.set('d', entry('d'));
  layer.get('b');
  layer.set('e', entry('e'));
  t.truthy(layer.get('b'), 'hit since the last pass: kept');
  t.is(layer.size, 3);
});

test('byte bound: bytes are counted and oversize entries never kept', (t) => {
  const layer = new MemoryLayer(100, 100);
  layer.set('big', entry('big', undefined, 101));
  t.is(layer.size, 0);
  layer.set('a', entry('a', undefined, 60));
  layer.set('b', entry('b', undefined, 60));
  t.is(layer.size, 1);
  t.true(layer.totalBytes <= 100);
});

test('warm hits with -0 and 0 arguments are different entries end to end', (t) => {
  let runs = 0;
  const sign = cache(function sign(x) { runs++; return Object.is(x, -0) ? 'negative zero' : 'zero'; }, { dir: tempDir() });
  t.is(sign(0), 'zero');
  t.is(sign(-0), 'negative zero');
  t.is(sign(0), 'zero');
  t.is(sign(-0), 'negative zero');
  t.is(runs, 2);
});

test('memory copies are cut from the entry encoded for the store (no second encode), exactly', (t) => {
  const { Store } = require('../dist/store/index.js');
  const { snapshotOfEntry } = require('../dist/store/snapshot.js');
  const store = Store.open(tempDir());
  const values = [
    { a: 1, list: [1, 2, 3] },
    { buf: Buffer.alloc(100_000, 3), minusZero: -0, big: 2n ** 80n, when: new Date(1.5), nested: new Map([[1, new Set(['x'])]]) },
    [new Float64Array(10_000).fill(0.5)],
  ];
  for (const value of values) {
    const entry = store.encode({ fn: 'f', fingerprint: 'a', created: 1, computeMs: 1 }, [value]);
    const snapshot = snapshotOfEntry(entry, value);
    t.true(snapshot.enveloped, 'taken from the entry, not re-encoded');
    const copy = snapshot.read();
    t.deepEqual(copy, value);
    t.not(copy, value);
    t.not(snapshot.read(), copy, 'a fresh copy per read');
  }
});
