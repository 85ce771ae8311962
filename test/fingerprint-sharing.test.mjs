// Which values are one value (src/fingerprint/sharing.ts): content alone cannot tell `B = A` from
// `B = [...A]`, nor two closures over one counter from two counters. Each test runs a temp project
// in child processes sharing SMARTCACHE_DIR; a stale hit is a run that computed nothing (runs 0)
// and printed another value than the code computes. The other half: sharing must never cost a
// hit (same program, same fingerprint, whatever ran first; proofs still reused).
import test from 'ava';
import { countingApp, node, pauseForProofs, project, tempDir } from './fixtures/cache/helpers.mjs';

const pause = () => pauseForProofs();
const app = countingApp;

function setup(body, report) {
  const dir = project({ 'app.js': app(body, report) });
  const cacheDir = tempDir();
  pause();
  return (env = {}) => {
    const r = node(['app.js'], { cwd: dir, env: { SMARTCACHE_DIR: cacheDir, ...env } });
    if (r.status !== 0 || r.out === undefined) throw new Error(`exit ${r.status}: ${r.stderr}`);
    return r.out;
  };
}

/** Runs each [mode, value] in turn (each mode twice: computed, then served) and checks every value. */
function attack(t, body, expected, report = 'f(5)') {
  const run = setup(body, report);
  for (const [mode, value] of expected) {
    for (let i = 0; i < 2; i++) {
      const r = run({ MODE: mode });
      t.is(r.value, value, `mode '${mode}', run ${i + 1}: served ${JSON.stringify(r)}, the code computes ${JSON.stringify(value)}`);
    }
  }
}

test('closure values: a factory given one array twice vs two equal arrays (no proof: the walk decides)', (t) => {
  const body = `
function make(a, b) { return function same(x) { return (a === b) + ':' + x; }; }
const A = [1, 2];
const same = make(A, mode === 'copy' ? [1, 2] : A);
const f = cache(function f(x) { runs++; return same(x); }, { name: 'f' });
`;
  attack(t, body, [['', 'true:5'], ['copy', 'false:5'], ['', 'true:5']]);
});

test('functions: two closures over one counter vs two counters', (t) => {
  const body = `
function counter() { let n = 0; return () => ++n; }
const a = counter();
const b = mode === 'two' ? counter() : a;
const f = cache(function f(x) { runs++; return [a(), b(), x].join(); }, { name: 'f' });
`;
  attack(t, body, [['', '1,2,5'], ['two', '1,1,5'], ['', '1,2,5']]);
});

test('a unique symbol as a Map key: the same symbol vs another of its description', (t) => {
  const body = `
const KIND = Symbol('kind');
const TABLE = new Map([[mode === 'other' ? Symbol('kind') : KIND, 'known']]);
function kind(x) { return (TABLE.get(KIND) || 'unknown') + x; }
const f = cache(function f(x) { runs++; return kind(x); }, { name: 'f' });
`;
  attack(t, body, [['', 'known5'], ['other', 'unknown5'], ['', 'known5']]);
});

test('nested sharing inside one data value: an object listed twice vs two equal objects', (t) => {
  const body = `
const item = { n: 1 };
const LIST = mode === 'copy' ? [item, { n: 1 }] : [item, item];
function bump(x) { const copy = LIST; copy[0].n += x; return copy[1].n; }
const f = cache(function f(x) { runs++; const before = LIST[0].n; const out = bump(x); LIST[0].n = before; return out; }, { name: 'f' });
`;
  attack(t, body, [['', 6], ['copy', 1], ['', 6]]);
});

test('no needless miss: a program whose helpers and data are reached several ways hits its second run, and its proof is reused', (t) => {
  // Bindings used whole (a proof re-reads whole bindings; member paths make it walk).
  const body = `
const SHARED = { rate: 2 };
const TABLE = [SHARED, SHARED];
const TAG = Symbol('tag');
const TAGGED = new Map([[TAG, 1], ['again', TAG]]);
function total(table, tagged, tag) { return table[0].rate + table.length + tagged.get(tag) + (tagged.get('again') === tag ? 1 : 0); }
function helper(x) { return x * total(TABLE, TAGGED, TAG); }
function left(x) { return helper(x) + 1; }
function right(x) { return helper(x) + 2; }
const f = cache(function f(x) { runs++; return left(x) + right(x); }, { name: 'f' });
`;
  const run = setup(body, 'f(5)');
  const first = run();
  t.deepEqual([first.value, first.runs], [63, 1]);
  const second = run();
  t.deepEqual([second.value, second.runs], [63, 0], `second run: ${JSON.stringify(second)}`);
  const third = run();
  t.deepEqual([third.value, third.runs], [63, 0], `third run: ${JSON.stringify(third)}`);
  t.deepEqual(third.proofs, { reused: 1, walked: 0 }, `the proof saved by a walk with shared values is reused: ${JSON.stringify(third)}`);
});

test('no needless miss: the fingerprint of a function with shared values does not depend on what was fingerprinted first', (t) => {
  const dir = project({
    'app.js': (mod) => `const { cache } = require(${mod});
const A = [1, 2];
const PAIR = { a: A, b: A };
function sum(p) { return p.a[0] + p.b[1]; }
const f = cache(function f(x) { return sum(PAIR) + x; }, { name: 'f' });
const g = cache(function g(x) { return PAIR.a === PAIR.b ? x : -x; }, { name: 'g' });
const value = process.env.ORDER === 'gf' ? [g(1), f(1)].join() : [f(1), g(1)].join();
console.log('OUT ' + JSON.stringify({ value }));
`,
  });
  const cacheDir = tempDir();
  pause();
  const run = (order) => {
    const r = node(['app.js'], { cwd: dir, env: { SMARTCACHE_DIR: cacheDir, SMARTCACHE_LOG: '1', ORDER: order } });
    t.is(r.status, 0, r.stderr);
    return { value: r.out.value, hits: r.stderr.split('\n').filter((l) => l.startsWith('[smartcache] hit ')).length };
  };
  t.deepEqual(run('fg'), { value: '4,1', hits: 0 });
  t.deepEqual(run('gf'), { value: '1,4', hits: 2 });
  t.deepEqual(run('fg'), { value: '4,1', hits: 2 });
});

test('explain shows the sharing, and its root fingerprint is the function\'s', (t) => {
  const dir = project({
    'app.js': (mod) => `const { cache } = require(${mod});
const A = [1];
const B = A;
const f = cache(function f(x) { return A.length + B.length + x; }, { name: 'f' });
const tree = f.explain();
console.log('OUT ' + JSON.stringify({ fp: f.fingerprint(), root: tree.root.fingerprint, names: tree.root.children.map((c) => c.name) }));
`,
  });
  const r = node(['app.js'], { cwd: dir, env: { SMARTCACHE_DIR: tempDir() } });
  t.is(r.status, 0, r.stderr);
  t.is(r.out.root, r.out.fp);
  t.true(r.out.names.includes('(shared values)'), JSON.stringify(r.out));
});
