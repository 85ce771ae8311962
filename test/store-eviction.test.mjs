import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { Store } from '../dist/store/index.js';
import { META, tempRoot, keyOf, fileOf } from './fixtures/store/helpers.mjs';

function seed(store) {
  const sizes = {};
  for (const [fn, n] of [['a', 3], ['b', 2]]) {
    for (let i = 0; i < n; i++) {
      const key = keyOf(fn, i);
      sizes[key] = store.put(key, { ...META, fn, fingerprint: `fp-${fn}-${i % 2}`, created: 1000 + i }, 'x'.repeat(100 * (i + 1)));
    }
  }
  return sizes;
}

test('entries() streams every entry with its meta, size and last use', (t) => {
  const store = Store.open(tempRoot(t));
  const sizes = seed(store);
  const entries = [...store.entries()];
  t.is(entries.length, 5);
  for (const e of entries) {
    t.is(e.bytes, sizes[e.key]);
    t.is(e.file, fileOf(store.root, e.key));
    t.true(['a', 'b'].includes(e.meta.fn));
    t.true(Math.abs(e.lastUsed - Date.now()) < 60_000);
  }
  t.is(store.totalBytes(), Object.values(sizes).reduce((x, y) => x + y, 0));
  // A generator: taking one entry does not scan (or hold) the rest.
  const iterator = store.entries();
  t.false(iterator.next().done);
  iterator.return();
});

test('markUsed() moves an entry to the front of the LRU order', (t) => {
  const store = Store.open(tempRoot(t));
  seed(store);
  const old = new Date(Date.now() - 86_400_000);
  for (const e of store.entries()) fs.utimesSync(e.file, old, old);
  const before = Date.now();
  store.markUsed([keyOf('a', 1), keyOf('absent')]);
  const byAge = [...store.entries()].sort((x, y) => y.lastUsed - x.lastUsed);
  t.is(byAge[0].key, keyOf('a', 1));
  t.true(byAge[0].lastUsed >= before - 1000);
  t.true(byAge[1].lastUsed < before - 3_600_000);
});

test('deleteWhere() and clearFunction() remove exactly what they select', (t) => {
  const store = Store.open(tempRoot(t));
  const sizes = seed(store);
  const fp = store.deleteWhere((e) => e.meta.fingerprint === 'fp-a-0');
  t.deepEqual(fp, { removed: 2, bytes: sizes[keyOf('a', 0)] + sizes[keyOf('a', 2)] });
  t.deepEqual([...store.entries()].map((e) => e.key).sort(), [keyOf('a', 1), keyOf('b', 0), keyOf('b', 1)].sort());
  const cleared = store.clearFunction('b');
  t.deepEqual(cleared, { removed: 2, bytes: sizes[keyOf('b', 0)] + sizes[keyOf('b', 1)] });
  t.deepEqual([...store.entries()].map((e) => e.key), [keyOf('a', 1)]);
  t.is(store.read(keyOf('b', 0)), undefined);
  t.deepEqual(store.clearFunction('nobody'), { removed: 0, bytes: 0 });
});

test('deleteWhere() also removes temp files a killed writer left over an hour ago, not fresh ones', (t) => {
  const store = Store.open(tempRoot(t));
  seed(store);
  const dir = path.dirname(fileOf(store.root, keyOf('a', 0)));
  const stale = path.join(dir, `${keyOf('a', 0)}.123.1.abc.tmp`);
  const fresh = path.join(dir, `${keyOf('a', 0)}.124.1.def.tmp`);
  fs.writeFileSync(stale, 'partial');
  fs.writeFileSync(fresh, 'in progress');
  const old = new Date(Date.now() - 2 * 3_600_000);
  fs.utimesSync(stale, old, old);
  t.is([...store.entries()].length, 5);
  t.deepEqual(store.deleteWhere(() => false), { removed: 1, bytes: 7 });
  t.false(fs.existsSync(stale));
  t.true(fs.existsSync(fresh));
});

test('has() and delete()', (t) => {
  const store = Store.open(tempRoot(t));
  const key = keyOf('hd');
  t.false(store.has(key));
  store.put(key, META, null);
  t.true(store.has(key));
  t.true(store.delete(key));
  t.false(store.delete(key));
  t.false(store.has(key));
  t.is(store.read(key), undefined);
});

test('meta round-trips, including expires and unicode names', (t) => {
  const store = Store.open(tempRoot(t));
  const meta = { fn: 'naïve/名前', fingerprint: 'c'.repeat(64), created: 1.5, computeMs: 0.001, expires: 2_000_000_000_000 };
  store.put(keyOf('meta'), meta, 1);
  // The entry also names the key it is stored under (format v2).
  t.deepEqual(store.read(keyOf('meta')).meta, { ...meta, key: keyOf('meta') });
  t.deepEqual([...store.entries()][0].meta, { ...meta, key: keyOf('meta') });
  t.true('expires' in store.read(keyOf('meta')).meta);
  store.put(keyOf('meta2'), META, 1);
  t.false('expires' in store.read(keyOf('meta2')).meta);
  t.throws(() => store.put(keyOf('bad'), { ...META, created: Number.NaN }, 1), { instanceOf: TypeError });
});
