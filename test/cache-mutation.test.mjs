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
