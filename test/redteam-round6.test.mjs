// Red team, round 6: today's changes (sharing signature, `this` forwarding, one fingerprint per
// cached call, named function expressions under the preload, hidden properties in keys,
// prune/clear per project). Each test is one attack: child processes over a temp project sharing
// SMARTCACHE_DIR; every printed value is checked against what the current code computes. A stale
// hit = runs 0 with a value that differs.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { countingApp, node, pauseForProofs, project, repo, tempDir, workspaceProject } from './fixtures/cache/helpers.mjs';

const pause = () => pauseForProofs();
const app = countingApp;

function setup(body, report = 'f(5)', extra = {}) {
  const dir = project({ 'app.js': app(body, report), ...extra });
  const cacheDir = tempDir();
  pause();
  const run = (env = {}, args = ['app.js']) => {
    const r = node(args, { cwd: dir, env: { SMARTCACHE_DIR: cacheDir, ...env } });
    if (r.status !== 0 || r.out === undefined) throw new Error(`exit ${r.status}: ${r.stderr}`);
    return r.out;
  };
  run.dir = dir;
  run.cacheDir = cacheDir;
  return run;
}

/** Runs each [mode, value] in turn (each mode twice: computed or served, then served) and checks every value. */
function attack(t, body, expected, report = 'f(5)') {
  const run = setup(body, report);
  const seen = [];
  for (const [mode, value] of expected) {
    for (let i = 0; i < 2; i++) {
      const r = run({ MODE: mode });
      seen.push(r);
      t.is(r.value, value, `mode '${mode}', run ${i + 1}: served ${JSON.stringify(r)}, the code computes ${JSON.stringify(value)}`);
    }
  }
  return seen;
}

// ---------------------------------------------------------------------------------------------
// 1. Sharing signature
// ---------------------------------------------------------------------------------------------

test('sharing, proof path: two bindings holding one leaf function vs a copy of its text (a proof took leaves by text)', (t) => {
  // The walk counts `a === b` (one function met twice); a proof re-read the leaf rows `a` and `b`
  // by text hash only, and its sharing signature covered primitive and data bindings, not
  // functions: the copy passed the proof stored by the alias run (and the reverse).
  const body = `
function a(x) { return x + 1; }
const b = mode === 'copy' ? function a(x) { return x + 1; } : a;
const f = cache(function f(x) { runs++; return (a === b) + ':' + x; }, { name: 'f' });
`;
  const seen = attack(t, body, [['', 'true:5'], ['copy', 'false:5'], ['', 'true:5']]);
  t.deepEqual(seen[1].proofs, { reused: 1, walked: 0 }, 'the second run of a program reuses its proof');
});

// Was a stale hit: a typed array's identity is its view, but what is shared is its ArrayBuffer.
// Two views over one buffer see each other's writes; two views over two equal buffers do not.
// Fixed: a view notes its buffer (entity `shares`), except a Node Buffer or a view of a pool slab
// (which small Buffers share a slab depends on the process's every allocation).
test('sharing, walk: two typed arrays over one ArrayBuffer vs two buffers of equal bytes', (t) => {
  const body = `
const A = new Uint8Array(4);
const B = mode === 'copy' ? new Uint8Array(4) : new Uint8Array(A.buffer);
const f = cache(function f(x) { runs++; A[0] = x; const out = B[0]; A[0] = 0; return out; }, { name: 'f' });
`;
  attack(t, body, [['', 5], ['copy', 0], ['', 5]]);
});

test('sharing: small Buffers from Node\'s pool never make the fingerprint depend on allocation history', (t) => {
  // Two module constants made with Buffer.from share a pool slab or not depending on every
  // allocation before them (smartcache's own included, which differ between a computing and a
  // hitting run): the same program must hit on its second and third runs.
  const body = `
const A = Buffer.from('ab');
const B = Buffer.from('cd');
const V = new Uint8Array(B.buffer, B.byteOffset, 2);
const f = cache(function f(x) { runs++; return A[0] + B[0] + V[1] + x; }, { name: 'f' });
`;
  const r = attack(t, body, [['', 97 + 99 + 100 + 5]]);
  t.is(r[1].runs, 0, 'second run hits');
});

// ---------------------------------------------------------------------------------------------
// 2. `this` forwarding
// ---------------------------------------------------------------------------------------------

// Was a stale hit: `fn.apply(this, arguments)` took `fn` as a member of the holder, with the value
// `fn` held when the walk read it. A method that assigns `fn` itself before handing `this` on
// (`fn = second; return fn.apply(this, arguments)`) handed `this` to a function the walk reached
// only as a plain value (`second`, no holder): its `this.limit` was in no edge, so an edit of
// `obj.limit` hit. Fixed: a name its file's text ever writes is no forward target; `this` counts
// whole (src/fingerprint/source/written.ts). The second test: another function writes it.
test('this forwarding: a method that reassigns fn before fn.apply(this) hands obj to a function reached without it', (t) => {
  const body = `
let fn = function first() { return 0; };
function second() { return this.limit; }
const obj = { limit: mode === 'b' ? 2 : 1, m() { fn = second; return fn.apply(this, arguments); } };
const f = cache(function f(x) { runs++; return obj.m() + x; }, { name: 'f' });
`;
  attack(t, body, [['', 6], ['b', 7], ['', 6]]);
});

test('this forwarding: another function reassigns fn before the method hands this on', (t) => {
  const body = `
let fn = function first() { return 0; };
function second() { return this.limit; }
function useSecond() { fn = second; }
const obj = { limit: mode === 'b' ? 2 : 1, m() { return fn.apply(this, arguments); } };
const f = cache(function f(x) { runs++; useSecond(); return obj.m() + x; }, { name: 'f' });
`;
  attack(t, body, [['', 6], ['b', 7], ['', 6]]);
});

// ---------------------------------------------------------------------------------------------
// 4. Named function expressions under the preload
// ---------------------------------------------------------------------------------------------

/** A temp project where `smartcache` resolves to this checkout (for `--require smartcache/register`). */
function preloadProject(files) {
  const dir = project(files);
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  fs.symlinkSync(repo, path.join(dir, 'node_modules', 'smartcache'), 'dir');
  return dir;
}

test('preload: blanking the inner name of `let fib = function fib` changes what a program that reassigns fib computes', (t) => {
  // The inner name of a named function expression is immutable: `orig(5)` recursed into itself
  // even after `fib = other`. With the name blanked, the recursion reads the outer `let`, which
  // the program reassigned: orig(5) gave 200 under the preload, 5 without it.
  const dir = preloadProject({
    'app.js': `/** @cache */
let fib = function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); };
const orig = fib;
fib = function other(n) { return 100; };
console.log('OUT ' + JSON.stringify({ value: orig(5), name: orig.name }));
`,
  });
  const plain = node(['app.js'], { cwd: dir });
  t.deepEqual(plain.out, { value: 5, name: 'fib' });
  const r = node(['--require', 'smartcache/register', 'app.js'], { cwd: dir, env: { SMARTCACHE_DIR: tempDir() } });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.out, plain.out, 'the preload must not change what the program computes');
});

// ---------------------------------------------------------------------------------------------
// 5. Hidden properties in keys
// ---------------------------------------------------------------------------------------------

/** Runs `app.js` once per mode over one cache root; returns each run's report. */
function keyRuns(body, modes) {
  const run = setup(body, 'f(o)');
  return modes.map((mode) => run({ MODE: mode }));
}

test('keys: a plain object\'s non-enumerable property keyed by a registered symbol is part of its key', (t) => {
  // Today's fix put non-enumerable string-keyed properties in a plain object's key; a hidden
  // property keyed by `Symbol.for('limit')` (nameable in any process) was still left out: the two
  // objects shared one entry and the second run was served 1:3 where the code computes 1:4.
  const body = `
const K = Symbol.for('limit');
const f = cache(function f(o) { runs++; return o.a + ':' + o[K]; }, { name: 'f' });
const o = { a: 1 };
Object.defineProperty(o, K, { value: mode === 'b' ? 4 : 3 });
`;
  const [first, second, third] = keyRuns(body, ['', 'b', '']);
  t.deepEqual([first.value, first.runs], ['1:3', 1]);
  t.deepEqual([second.value, second.runs], ['1:4', 1], 'another hidden value is another key');
  t.deepEqual([third.value, third.runs], ['1:3', 0], 'and the first key still hits');
});

// Left failing: the same gap on arrays. An array's enumerable named properties are in its key
// (HoleyArray extras), its non-enumerable ones are not: `Object.defineProperty(arr, 'limit', …)`
// with 3, then 4, shares one entry. Listing them needs Object.getOwnPropertyNames, which lists
// every index (O(length)); a fix has to find named keys without that (as mayHaveNamedKeys does).
test.failing('keys: an array\'s non-enumerable named property is part of its key', (t) => {
  const body = `
const f = cache(function f(a) { runs++; return a.length + ':' + a.limit; }, { name: 'f' });
const o = [1, 2];
Object.defineProperty(o, 'limit', { value: mode === 'b' ? 4 : 3 });
`;
  const [first, second] = keyRuns(body, ['', 'b']);
  t.deepEqual([first.value, first.runs], ['2:3', 1]);
  t.deepEqual([second.value, second.runs], ['2:4', 1], 'another hidden value is another key');
});

// ---------------------------------------------------------------------------------------------
// 6. prune per project
// ---------------------------------------------------------------------------------------------

const CLI = path.join(repo, 'dist', 'cli', 'main.js');


/** Runs `file` in `dir`; its OUT report (throws when the process failed). */
function runIn(dir, env, file) {
  const r = node([file], { cwd: dir, env });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.out;
}

test('prune: two packages of one workspace run from the workspace root (one cwd) keep their current entries', (t) => {
  // Both cache `index.js#build` (names are relative to each file's own project), but a record's
  // `project` is the project of the process's working directory: run from the workspace root
  // (`node packages/a/index.js`, as npm scripts and CI often do), both records name the root, so
  // prune judged them one function with two versions and evicted the one that ran first.
  // Fixed: prune groups a name's records by the source file they say the function is in
  // (project + the tree's root location), so each package's newest version stays current.
  const dir = workspaceProject();
  const env = { SMARTCACHE_DIR: tempDir() };
  const runApp = (file) => runIn(dir, env, file);
  t.like(runApp('packages/a/index.js'), { value: 'A1', runs: 1 });
  t.like(runApp('packages/b/index.js'), { value: 'B11', runs: 1 });
  const pruned = node([CLI, 'prune'], { cwd: dir, env });
  t.is(pruned.status, 0, pruned.stderr);
  t.like(runApp('packages/a/index.js'), { value: 'A1', runs: 0 }, `package a's unchanged function lost its entry: ${pruned.stdout}`);
  t.like(runApp('packages/b/index.js'), { value: 'B11', runs: 0 });
});

test('prune: a named function moved to another file (the old file deleted): the version before the move is stale', (t) => {
  // The other side of grouping records by their source file: a record whose file is gone joins
  // the newest record's group, so the old version is an older one, not another current function.
  const dir = project({
    'a.js': (mod) => `const { cache } = require(${mod});
let runs = 0;
const report = cache(function report(x) { runs++; return 'old' + x; }, { name: 'report' });
console.log('OUT ' + JSON.stringify({ value: report(1), runs }));
`,
  });
  const env = { SMARTCACHE_DIR: tempDir() };
  const runApp = (file) => runIn(dir, env, file);
  t.like(runApp('a.js'), { value: 'old1', runs: 1 });
  fs.writeFileSync(path.join(dir, 'b.js'), fs.readFileSync(path.join(dir, 'a.js'), 'utf8').replace("'old' + x", "'new' + x"));
  fs.rmSync(path.join(dir, 'a.js'));
  t.like(runApp('b.js'), { value: 'new1', runs: 1 });
  const pruned = node([CLI, 'prune'], { cwd: dir, env });
  t.is(pruned.status, 0, pruned.stderr);
  t.regex(pruned.stdout, /removed 1 entr/, pruned.stdout);
  t.like(runApp('b.js'), { value: 'new1', runs: 0 });
});

test('this forwarding: an imported live binding reassigned by its own module before the method hands this on', (t) => {
  // The importing file never writes `fn` (it cannot), but the exporting module can: an imported
  // name counts as written (src/fingerprint/source/written.ts), and `this` counts whole.
  const index = JSON.stringify(pathToFileURL(path.join(repo, 'dist', 'index.mjs')).href);
  const dir = project({
    'x.mjs': `export let fn = function first() { return 0; };
function second() { return this.limit; }
export function useSecond() { fn = second; }
`,
    'app.mjs': `import { cache } from ${index};
import { fn, useSecond } from './x.mjs';
let runs = 0;
const obj = { limit: process.env.MODE === 'b' ? 2 : 1, m() { return fn.apply(this, arguments); } };
const f = cache(function f(x) { runs++; useSecond(); return obj.m() + x; }, { name: 'f' });
console.log('OUT ' + JSON.stringify({ value: f(5), runs }));
`,
  });
  const cacheDir = tempDir();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
  for (const [mode, value] of [['', 6], ['b', 7], ['', 6]]) {
    const r = node(['app.mjs'], { cwd: dir, env: { SMARTCACHE_DIR: cacheDir, MODE: mode } });
    t.is(r.status, 0, r.stderr);
    t.is(r.out.value, value, `mode '${mode}': served ${JSON.stringify(r.out)}`);
  }
});
