// Async reads belong to the call that made them, even with calls running concurrently; nested
// cached calls pass their inputs up.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { node, project, smartcacheLines, tempDir, writeFile } from './fixtures/cache/helpers.mjs';

const concurrent = (mod) => `const { cache } = require(${mod});
const fs = require('node:fs');
const runs = { a: 0, b: 0, c: 0 };
// Counted outside the functions: a counter object they all reach would be state each one's body
// changes under the others' fingerprints (src/fingerprint/watch.ts).
process.on('sc-ran', (name) => runs[name]++);
// Each computing call waits at the gate until the others have started, so their reads interleave.
// The gate is an ignored argument: state the code reaches would be part of its fingerprint.
const computing = process.argv.slice(2).map(Number)[0] ?? 3;
let started = 0;
let release;
const allStarted = new Promise((r) => (release = r));
const gate = () => { if (++started === computing) release(); return allStarted; };
const opts = (name) => ({ name, ignore: [0] });
const a = cache(async function a(arrive) { process.emit('sc-ran', 'a'); await arrive(); return fs.promises.readFile('a.txt', 'utf8'); }, opts('a'));
const b = cache(async function b(arrive) {
  process.emit('sc-ran', 'b');
  await arrive();
  return new Promise((resolve, reject) => fs.readFile('b.txt', 'utf8', (e, d) => (e ? reject(e) : resolve(d))));
}, opts('b'));
const c = cache(async function c(arrive) {
  process.emit('sc-ran', 'c');
  await arrive();
  let text = '';
  for await (const chunk of fs.createReadStream('c.txt', 'utf8')) text += chunk;
  return text;
}, opts('c'));
Promise.all([a(gate), b(gate), c(gate)]).then((out) => console.log('OUT ' + JSON.stringify({ out, runs })));
`;

// A call's entry holds its own reads and every read that overlapped it in time (async context
// follows who started work, not who awaits it: see README "Inputs from outside the code"), so a
// changed file recomputes its reader and may recompute a call that ran beside it; never stale.
test('concurrent async calls: promise, callback and stream reads are each inputs of their own call', (t) => {
  const dir = project({ 'a.txt': 'A', 'b.txt': 'B', 'c.txt': 'C', 'app.js': concurrent });
  const env = { SMARTCACHE_DIR: tempDir(), SMARTCACHE_LOG: '1' };
  const first = node(['app.js', '3'], { cwd: dir, env });
  t.deepEqual(first.out, { out: ['A', 'B', 'C'], runs: { a: 1, b: 1, c: 1 } }, first.stderr);
  t.deepEqual(node(['app.js', '0'], { cwd: dir, env }).out.runs, { a: 0, b: 0, c: 0 });
  writeFile(dir, 'b.txt', 'B2');
  const second = node(['app.js', '1'], { cwd: dir, env });
  t.deepEqual(second.out.out, ['A', 'B2', 'C'], second.stderr);
  t.is(second.out.runs.b, 1, second.stderr);
  t.true(smartcacheLines(second.stderr).some((l) => /^\[smartcache\] miss b .*file b\.txt changed/.test(l)), second.stderr);
  t.deepEqual(node(['app.js', '0'], { cwd: dir, env }).out.runs, { a: 0, b: 0, c: 0 });
  // Two change at once: both recompute concurrently, each from its own file.
  writeFile(dir, 'a.txt', 'A2');
  writeFile(dir, 'c.txt', 'C2');
  const third = node(['app.js', '2'], { cwd: dir, env }).out;
  t.deepEqual(third.out, ['A2', 'B2', 'C2']);
  t.is(third.runs.a + third.runs.c, 2);
  t.deepEqual(node(['app.js', '0'], { cwd: dir, env }).out.runs, { a: 0, b: 0, c: 0 });
});

// Calls one after another do not overlap: each entry holds only its own file.
test('sequential async calls keep precise inputs', (t) => {
  const dir = project({
    'a.txt': 'A',
    'b.txt': 'B',
    'app.js': (mod) => `const { cache } = require(${mod});
const fs = require('node:fs');
const runs = { a: 0, b: 0 };
process.on('sc-ran', (name) => runs[name]++);
const a = cache(async function a() { process.emit('sc-ran', 'a'); return fs.promises.readFile('a.txt', 'utf8'); }, { name: 'a' });
const b = cache(async function b() { process.emit('sc-ran', 'b'); return fs.promises.readFile('b.txt', 'utf8'); }, { name: 'b' });
(async () => { const out = [await a(), await b()]; console.log('OUT ' + JSON.stringify({ out, runs })); })();
`,
  });
  const env = { SMARTCACHE_DIR: tempDir(), SMARTCACHE_LOG: '1' };
  t.deepEqual(node(['app.js'], { cwd: dir, env }).out, { out: ['A', 'B'], runs: { a: 1, b: 1 } });
  writeFile(dir, 'b.txt', 'B2');
  t.deepEqual(node(['app.js'], { cwd: dir, env }).out, { out: ['A', 'B2'], runs: { a: 0, b: 1 } });
});

// Code outside every call (a timer set before it) reads a file whose content the call awaits.
test('a read made outside any call while a call is in progress is an input of that call', (t) => {
  const dir = project({
    'cfg.txt': 'one',
    'app.js': (mod) => `const { cache } = require(${mod});
const fs = require('node:fs');
let resolveCfg;
const cfg = new Promise((r) => (resolveCfg = r));
const f = cache(async function f() { return (await cfg).trim(); }, { name: 'f' });
const pending = f();
setTimeout(() => resolveCfg(fs.readFileSync('cfg.txt', 'utf8')), 20);
pending.then((value) => console.log('OUT ' + JSON.stringify({ value })));
`,
  });
  const env = { SMARTCACHE_DIR: tempDir(), SMARTCACHE_LOG: '1' };
  t.is(node(['app.js'], { cwd: dir, env }).out.value, 'one');
  writeFile(dir, 'cfg.txt', 'two');
  const r = node(['app.js'], { cwd: dir, env });
  t.is(r.out.value, 'two', r.stderr);
});

// What the cache itself does while a call is open (fingerprinting another function, storing a
// result, loading its own modules) is not a read of that call.
test('concurrent calls record only the program\'s reads, not the cache\'s own work', (t) => {
  const dir = project({
    'a.txt': 'A',
    'b.txt': 'B',
    'app.js': (mod) => `const { cache } = require(${mod});
const fs = require('node:fs');
const a = cache(async function a() { await new Promise((r) => setTimeout(r, 30)); return fs.promises.readFile('a.txt', 'utf8'); }, { name: 'a' });
const b = cache(async function b() { return fs.promises.readFile('b.txt', 'utf8'); }, { name: 'b' });
// c stays open until a and b have settled (a signal, not a timer: a busy machine can run c's
// timer before a's read completes).
const c = cache(async function c() { await new Promise((r) => process.once('sc-both-read', r)); return 1; }, { name: 'c' });
const pending = [a(), b(), c()];
Promise.all(pending.slice(0, 2)).then(() => process.emit('sc-both-read'));
Promise.all(pending).then(() => {
  const files = Object.fromEntries([a, b, c].map((f) => [f.name, (f.explain().inputs.files ?? []).map((i) => i.path).sort()]));
  console.log('OUT ' + JSON.stringify({ files }));
});
`,
  });
  const r = node(['app.js'], { cwd: dir, env: { SMARTCACHE_DIR: tempDir() } });
  t.is(r.status, 0, r.stderr);
  for (const paths of Object.values(r.out.files)) t.true(paths.every((p) => p === 'a.txt' || p === 'b.txt'), JSON.stringify(r.out.files));
  t.deepEqual(r.out.files.b, ['b.txt']);
  t.true(r.out.files.c.includes('a.txt') && r.out.files.c.includes('b.txt'), 'c was open during both reads');
});

// The runs are counted outside the functions (a counter they read would be a value they reach,
// and the outer body bumping it before calling the inner function would change what that reads).
const nested = (mod) => `const { cache } = require(${mod});
const fs = require('node:fs');
const runs = { inner: 0, outer: 0 };
process.on('sc-ran', (name) => runs[name]++);
const inner = cache(async function inner() { process.emit('sc-ran', 'inner'); return (await fs.promises.readFile('data.txt', 'utf8')).trim(); }, { name: 'inner' });
const outer = cache(async function outer(tag) { process.emit('sc-ran', 'outer'); return tag + ':' + (await inner()); }, { name: 'outer' });
const mode = process.argv[2];
(mode === 'inner' ? inner() : outer('x')).then((value) => console.log('OUT ' + JSON.stringify({ value, runs })));
`;

test('nested cached calls: a read inside the inner call is an input of the outer one too', (t) => {
  const dir = project({ 'data.txt': 'one', 'app.js': nested });
  const env = { SMARTCACHE_DIR: tempDir() };
  t.deepEqual(node(['app.js', 'outer'], { cwd: dir, env }).out, { value: 'x:one', runs: { inner: 1, outer: 1 } });
  t.deepEqual(node(['app.js', 'outer'], { cwd: dir, env }).out, { value: 'x:one', runs: { inner: 0, outer: 0 } });
  writeFile(dir, 'data.txt', 'two');
  t.deepEqual(node(['app.js', 'outer'], { cwd: dir, env }).out, { value: 'x:two', runs: { inner: 1, outer: 1 } });
});

test('nested cached calls: an inner hit passes its recorded files to the outer call being computed', (t) => {
  const dir = project({ 'data.txt': 'one', 'app.js': nested });
  const env = { SMARTCACHE_DIR: tempDir() };
  // The inner entry exists first; the outer call then hits it instead of reading the file itself.
  t.deepEqual(node(['app.js', 'inner'], { cwd: dir, env }).out, { value: 'one', runs: { inner: 1, outer: 0 } });
  t.deepEqual(node(['app.js', 'outer'], { cwd: dir, env }).out, { value: 'x:one', runs: { inner: 0, outer: 1 } });
  writeFile(dir, 'data.txt', 'two');
  const r = node(['app.js', 'outer'], { cwd: dir, env: { ...env, SMARTCACHE_LOG: '1' } });
  t.deepEqual(r.out, { value: 'x:two', runs: { inner: 1, outer: 1 } }, r.stderr);
  t.true(smartcacheLines(r.stderr).some((l) => /^\[smartcache\] miss outer .*file data\.txt changed/.test(l)), r.stderr);
});

test('the cache\'s own files and clock are not inputs of an enclosing call', (t) => {
  const dir = project({
    'data.txt': 'd',
    'app.js': (mod) => `const { cache } = require(${mod});
const fs = require('node:fs');
const warnings = [];
process.on('warning', (w) => warnings.push(w.code));
const inner = cache(function inner(n) { return fs.readFileSync('data.txt', 'utf8') + n; }, { name: 'inner', ttl: '1h' });
const outer = cache(function outer() { return [inner(1), inner(2), inner(1)].join(); }, { name: 'outer' });
const value = outer();
const explained = outer.explain();
setImmediate(() => console.log('OUT ' + JSON.stringify({ value, warnings, files: explained.inputs.files.map((f) => f.path) })));
`,
  });
  const r = node(['app.js'], { cwd: dir, env: { SMARTCACHE_DIR: path.join(dir, 'cache-root') } });
  t.deepEqual(r.out, { value: 'd1,d2,d1', warnings: [], files: ['data.txt'] }, r.stderr);
  t.true(fs.existsSync(path.join(dir, 'cache-root')));
});
