import test from 'ava';
import { createRequire } from 'node:module';
import { cacheModule, node, nodeAsync, project, tempDir } from './fixtures/cache/helpers.mjs';

const require = createRequire(import.meta.url);
const { cache } = require(cacheModule);

const tick = (ms) => new Promise((r) => setTimeout(r, ms));

test('a promise-returning function gets a promise of the cached value', async (t) => {
  let runs = 0;
  const load = cache(async function load(id) { runs++; await tick(5); return { id, rows: [1, 2] }; }, { dir: tempDir() });
  const first = load(7);
  t.true(first instanceof Promise);
  t.deepEqual(await first, { id: 7, rows: [1, 2] });
  const second = load(7);
  t.true(second instanceof Promise, 'a hit is a promise too');
  t.deepEqual(await second, { id: 7, rows: [1, 2] });
  t.is(runs, 1);
});

test('concurrent identical calls share one execution', async (t) => {
  let runs = 0;
  const load = cache(async function shared(id) { runs++; await tick(30); return { id }; }, { dir: tempDir() });
  const results = await Promise.all([load(1), load(1), load(1), load(2)]);
  t.is(runs, 2, 'one execution per distinct key');
  t.deepEqual(results, [{ id: 1 }, { id: 1 }, { id: 1 }, { id: 2 }]);
  t.not(results[0], results[1], 'each caller gets its own copy');
  results[1].id = 99;
  t.deepEqual(results[2], { id: 1 });
});

test('a rejection is never stored, and joined callers see it', async (t) => {
  let runs = 0;
  const flaky = cache(async function flaky(x) {
    runs++;
    await tick(10);
    if (runs === 1) throw new Error('boom');
    return x * 2;
  }, { dir: tempDir() });
  const both = await Promise.allSettled([flaky(2), flaky(2)]);
  t.deepEqual(both.map((s) => s.status), ['rejected', 'rejected']);
  t.is(both[0].reason.message, 'boom');
  t.is(runs, 1);
  t.false(flaky.has(2));
  t.is(await flaky(2), 4, 'the next call runs again');
  t.is(runs, 2);
  t.is(await flaky(2), 4);
  t.is(runs, 2);
});

test('a sync throw is not stored', (t) => {
  let runs = 0;
  const f = cache(function throws(x) { runs++; if (runs === 1) throw new Error('first'); return x; }, { dir: tempDir() });
  t.throws(() => f(1), { message: 'first' });
  t.is(f(1), 1);
  t.is(f(1), 1);
  t.is(runs, 2);
});

test('a promise result is a promise again in the next process', (t) => {
  const dir = project({
    'main.js': (mod) => `
const { cache } = require(${mod});
let runs = 0;
// Not declared async: only the returned value says it is a promise.
const load = cache(function load(x) { runs++; return Promise.resolve({ x }); });
const p = load(1);
p.then((v) => console.log('OUT ' + JSON.stringify({ isPromise: p instanceof Promise, v, runs })));
`,
  });
  const env = { SMARTCACHE_DIR: tempDir() };
  t.deepEqual(node(['main.js'], { cwd: dir, env }).out, { isPromise: true, v: { x: 1 }, runs: 1 });
  t.deepEqual(node(['main.js'], { cwd: dir, env }).out, { isPromise: true, v: { x: 1 }, runs: 0 });
});

test('several processes computing one key at once each get a correct value', async (t) => {
  const dir = project({
    'main.js': (mod) => `
const { cache } = require(${mod});
let runs = 0;
const big = cache(async function big(n) {
  runs++;
  await new Promise((r) => setTimeout(r, 50));
  return { n, data: Array.from({ length: n }, (_, i) => i * 2) };
});
big(20000).then((v) => {
  const ok = v.data.length === 20000 && v.data.every((x, i) => x === i * 2);
  console.log('OUT ' + JSON.stringify({ ok, runs }));
});
`,
  });
  const env = { SMARTCACHE_DIR: tempDir() };
  const all = await Promise.all(Array.from({ length: 4 }, () => nodeAsync(['main.js'], { cwd: dir, env })));
  for (const r of all) {
    t.is(r.status, 0, r.stderr);
    t.true(r.out.ok);
    t.is(r.stderr, '');
  }
  const after = node(['main.js'], { cwd: dir, env });
  t.deepEqual(after.out, { ok: true, runs: 0 }, 'the entry left behind is whole');
});
