// Persisted fingerprints (issue 11 §2): a later process reuses a walk's fingerprint only while
// everything it rests on re-reads the same; every rule must fail closed (a full walk, the new
// value), never a stale hit. Child processes, real files. A short pause after writing files lets
// their ctime fall before the next process starts: a file written while (or just before) a
// process runs is never trusted by it (the rule under test in 'edited while running').
import test from 'ava';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { node, project, repo, tempDir, writeFile } from './fixtures/cache/helpers.mjs';

const FP = JSON.stringify(path.join(repo, 'dist', 'fingerprint', 'index.js'));
const PAUSE_MS = 250;

function pause() {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, PAUSE_MS);
}

/** A CommonJS app: `body` defines `f` (cached, counting `runs`); prints value, runs, proof counters. */
const app = (body, call = 'f(5)') => (mod) => `const { cache } = require(${mod});
const fpm = require(${FP});
let runs = 0;
${body}
const value = ${call};
console.log('OUT ' + JSON.stringify({ value, runs, proofs: fpm.proofCounters(), fp: f.fingerprint() }));
`;

function run(dir, cacheDir, env = {}, script = 'app.js') {
  const r = node([script], { cwd: dir, env: { SMARTCACHE_DIR: cacheDir, ...env } });
  if (r.status !== 0 || r.out === undefined) throw new Error(`exit ${r.status}: ${r.stderr}`);
  return { ...r.out, stderr: r.stderr };
}

function setup(files) {
  const dir = project(files);
  const cacheDir = tempDir();
  pause();
  return { dir, cacheDir, proofs: path.join(cacheDir, 'proofs-v6') };
}

const sha = (text) => createHash('sha256').update(text).digest('hex');

function proofFiles(folder) {
  return fs.existsSync(folder) ? fs.readdirSync(folder).filter((n) => n.endsWith('.json')) : [];
}

const HELPERS = `
const K = 3;
function h1(x) { return h2(x) + K; }
function h2(x) { return Math.max(x, 1) * 2; }
const f = cache(function f(x) { runs++; return h1(x) * 2; }, { name: 'f' });
`;

test('a second run reuses the proof: same fingerprint, a hit, no walk; explain still walks', (t) => {
  const { dir, cacheDir, proofs } = setup({ 'app.js': app(HELPERS) });
  const first = run(dir, cacheDir);
  t.like(first, { value: 26, runs: 1, proofs: { reused: 0, walked: 1 } });
  t.is(proofFiles(proofs).length, 1);
  const second = run(dir, cacheDir);
  t.like(second, { value: 26, runs: 0, proofs: { reused: 1, walked: 0 } });
  t.is(second.fp, first.fp);
  // A proven fingerprint and a full walk agree.
  writeFile(dir, 'explain.js', app(HELPERS, '(f.explain(), f(5))'));
  pause();
  const explained = run(dir, cacheDir, {}, 'explain.js');
  t.is(explained.fp, first.fp);
});

test('a file edited between runs: the proof fails, the walk sees the edit', (t) => {
  const { dir, cacheDir } = setup({ 'app.js': app(HELPERS) });
  t.like(run(dir, cacheDir), { value: 26, runs: 1 });
  writeFile(dir, 'app.js', app(HELPERS.replace('const K = 3', 'const K = 4')));
  pause();
  t.like(run(dir, cacheDir), { value: 28, runs: 1, proofs: { reused: 0, walked: 1 } });
});

test('a file edited with its mtime and size restored: content decides', (t) => {
  const { dir, cacheDir } = setup({ 'app.js': app(HELPERS) });
  const file = path.join(dir, 'app.js');
  t.like(run(dir, cacheDir), { value: 26, runs: 1 });
  t.like(run(dir, cacheDir), { value: 26, runs: 0, proofs: { reused: 1 } });
  const before = fs.statSync(file);
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('Math.max(x, 1) * 2', 'Math.max(x, 1) * 3'));
  fs.utimesSync(file, before.atimeMs / 1000, before.mtimeMs / 1000);
  t.is(fs.statSync(file).size, before.size);
  t.true(Math.abs(fs.statSync(file).mtimeMs - before.mtimeMs) < 1);
  pause();
  t.like(run(dir, cacheDir), { value: 36, runs: 1, proofs: { reused: 0 } });
});

test('a file edited while the process runs: nothing is saved from that process', (t) => {
  // The app rewrites its own constant after the call: the code that ran (K = 3) is not the text
  // on disk at exit (K = 4). A proof saved then would tie the new text to the old fingerprint.
  const body = `${HELPERS}
const file = __filename;
process.on('exit', () => {});
f(5);
require('node:fs').writeFileSync(file, require('node:fs').readFileSync(file, 'utf8').replace('const K = 3', 'const K = 4'));
`;
  const { dir, cacheDir, proofs } = setup({ 'app.js': app(body) });
  t.like(run(dir, cacheDir), { value: 26, runs: 1 });
  t.deepEqual(proofFiles(proofs), []);
  pause();
  t.like(run(dir, cacheDir), { value: 28, runs: 1, proofs: { reused: 0 } });
});

test('an env-driven constant is re-read: a changed variable misses, the same one reuses', (t) => {
  const body = `
const N = Number(process.env.PROOF_N ?? '1');
function scale(x) { return x * N; }
const f = cache(function f(x) { runs++; return scale(x); }, { name: 'f' });
`;
  const { dir, cacheDir } = setup({ 'app.js': app(body) });
  t.like(run(dir, cacheDir, { PROOF_N: '2' }), { value: 10, runs: 1 });
  t.like(run(dir, cacheDir, { PROOF_N: '2' }), { value: 10, runs: 0, proofs: { reused: 1 } });
  t.like(run(dir, cacheDir, { PROOF_N: '3' }), { value: 15, runs: 1, proofs: { reused: 0 } });
});

test('a closure let changed by load-time code is re-read', (t) => {
  const body = `
let mode = 'a';
if (process.env.PROOF_MODE === 'b') mode = 'b';
function tag(x) { return mode + x; }
const f = cache(function f(x) { runs++; return tag(x); }, { name: 'f' });
`;
  const { dir, cacheDir } = setup({ 'app.js': app(body) });
  t.like(run(dir, cacheDir), { value: 'a5', runs: 1 });
  t.like(run(dir, cacheDir), { value: 'a5', runs: 0, proofs: { reused: 1 } });
  t.like(run(dir, cacheDir, { PROOF_MODE: 'b' }), { value: 'b5', runs: 1, proofs: { reused: 0 } });
});

test('a prototype method added at load time is re-read (members of reached functions)', (t) => {
  const body = `
function Box() {}
if (process.env.PROOF_PROTO) Box.prototype.get = function (x) { return x * 10; };
function make(x) { const b = new Box(); return typeof b.get === 'function' ? b.get(x) : x; }
const f = cache(function f(x) { runs++; return make(x); }, { name: 'f' });
`;
  const { dir, cacheDir } = setup({ 'app.js': app(body) });
  t.like(run(dir, cacheDir), { value: 5, runs: 1 });
  t.like(run(dir, cacheDir), { value: 5, runs: 0, proofs: { reused: 1 } });
  t.like(run(dir, cacheDir, { PROOF_PROTO: '1' }), { value: 50, runs: 1, proofs: { reused: 0 } });
});

test('a prototype method replaced at load time: never proved, always walked', (t) => {
  const body = `
function Shape() {}
Shape.prototype.area = function () { return 1; };
if (process.env.PROOF_REPLACE) Shape.prototype.area = function () { return 2; };
const f = cache(function f(x) { runs++; return new Shape().area() + x; }, { name: 'f' });
`;
  const { dir, cacheDir, proofs } = setup({ 'app.js': app(body) });
  t.like(run(dir, cacheDir), { value: 6, runs: 1 });
  t.deepEqual(proofFiles(proofs), []);
  t.like(run(dir, cacheDir, { PROOF_REPLACE: '1' }), { value: 7, runs: 1 });
});

test('a module object mutated at load time: never proved, always walked', (t) => {
  const body = `
const cfg = require('./cfg');
if (process.env.PROOF_MUTATE) cfg.factor = 5;
function scale(x) { return x * cfg.factor; }
const f = cache(function f(x) { runs++; return scale(x); }, { name: 'f' });
`;
  const { dir, cacheDir, proofs } = setup({ 'app.js': app(body), 'cfg.js': 'exports.factor = 2;\n' });
  t.like(run(dir, cacheDir), { value: 10, runs: 1 });
  t.deepEqual(proofFiles(proofs), []);
  t.like(run(dir, cacheDir, { PROOF_MUTATE: '1' }), { value: 25, runs: 1 });
});

// Plain data bound by a module (format 3): walked again at reuse without the inspector.
test('plain data (arrays, objects, Maps, Sets, Dates) is proved and reused; each kind of change at load time misses', (t) => {
  const body = `
const NAMES = ['oak', 'pine'];
const RATES = { usd: 1, eur: 0.9, nested: { deep: [1, 2, { x: 3 }] } };
const TABLE = new Map([['a', 1], ['b', [2, 3]]]);
const TAGS = new Set(['x', 'y']);
const EPOCH = new Date(0);
const mode = process.env.PROOF_DATA;
if (mode === 'push') NAMES.push('elm');
if (mode === 'deep') RATES.nested.deep[2].x = 4;
if (mode === 'key') RATES.gbp = 0.8;
if (mode === 'order') { delete RATES.usd; RATES.usd = 1; }
if (mode === 'map') TABLE.get('b')[1] = 4;
if (mode === 'set') TAGS.add('z');
if (mode === 'date') EPOCH.setTime(1);
if (mode === 'fn') RATES.nested.deep.push(function extra() { return 1; });
if (mode === 'getter') Object.defineProperty(RATES, 'eur', { get() { return 0.9; }, enumerable: true });
function label(x) { return NAMES.join('+') + ':' + JSON.stringify(RATES) + ':' + JSON.stringify([...TABLE]) + ':' + [...TAGS].join() + ':' + EPOCH.getTime() + ':' + x; }
const f = cache(function f(x) { runs++; return label(x); }, { name: 'f' });
`;
  const { dir, cacheDir, proofs } = setup({ 'app.js': app(body) });
  const first = run(dir, cacheDir);
  t.like(first, { runs: 1, proofs: { reused: 0, walked: 1 } });
  t.is(proofFiles(proofs).length, 1, 'a graph holding plain data is proved');
  t.like(run(dir, cacheDir), { value: first.value, runs: 0, proofs: { reused: 1, walked: 0 } });
  for (const mode of ['push', 'deep', 'key', 'order', 'map', 'set', 'date', 'fn', 'getter']) {
    const changed = run(dir, cacheDir, { PROOF_DATA: mode });
    t.like(changed, { proofs: { reused: 0 } }, mode);
    t.not(changed.fp, first.fp, mode);
  }
  // One proof per function text: the last run that walked wrote it ('date'); back to the original
  // data, one walk (a hit all the same), then the proof holds again.
  t.like(run(dir, cacheDir), { value: first.value, runs: 0, proofs: { reused: 0 } });
  t.like(run(dir, cacheDir), { value: first.value, runs: 0, proofs: { reused: 1 } });
});

test('plain data chosen at load time: an instance or a proxy in its place is never taken as data', (t) => {
  const body = `
class Point { constructor(x) { this.x = x; } get twice() { return this.x * 2; } }
const P = process.env.PROOF_SHAPE === 'class' ? new Point(1) : process.env.PROOF_SHAPE === 'proxy' ? new Proxy({ x: 1 }, {}) : { x: 1 };
function show(v) { return JSON.stringify(P) + (Object.getPrototypeOf(P) === Object.prototype ? '' : '!') + v; }
const f = cache(function f(x) { runs++; return show(x); }, { name: 'f' });
`;
  const { dir, cacheDir } = setup({ 'app.js': app(body) });
  t.like(run(dir, cacheDir), { value: '{"x":1}5', runs: 1 });
  t.like(run(dir, cacheDir), { value: '{"x":1}5', runs: 0, proofs: { reused: 1 } });
  t.like(run(dir, cacheDir, { PROOF_SHAPE: 'class' }), { value: '{"x":1}!5', runs: 1, proofs: { reused: 0 } });
  t.like(run(dir, cacheDir, { PROOF_SHAPE: 'proxy' }), { proofs: { reused: 0 } });
});

test('a helper that is itself cached is read through its wrapper: reused; its edit or a changed constant it reads misses', (t) => {
  // cache(): the binding holds the wrapper, which the walk counts as the function it wraps.
  const body = (k) => `
const K2 = Number(process.env.PROOF_K2 || '3');
const g = cache(function g(x) { return x * K2 + ${k}; }, { name: 'g' });
const f = cache(function f(x) { runs++; return g(x) + 1; }, { name: 'f' });
`;
  const { dir, cacheDir } = setup({ 'app.js': app(body(0)) });
  t.like(run(dir, cacheDir), { value: 16, runs: 1 });
  t.like(run(dir, cacheDir), { value: 16, runs: 0, proofs: { reused: 1, walked: 0 } });
  t.like(run(dir, cacheDir, { PROOF_K2: '4' }), { value: 21, runs: 1, proofs: { reused: 0 } });
  writeFile(dir, 'app.js', app(body(1)));
  pause();
  t.like(run(dir, cacheDir), { value: 17, runs: 1, proofs: { reused: 0 } });
});

test('under the preload, an annotated helper of another module is read through its stand-in: reused; its edit misses', (t) => {
  const register = path.join(repo, 'dist', 'preload', 'register.js');
  const lib = (k) => `'use strict';
const TABLE = ['a', 'b', 'c'];
/** @cache */
function pick(i) { return TABLE[i % TABLE.length] + ${k}; }
module.exports = { pick };
`;
  const main = `'use strict';
const fpm = require(${FP});
const { pick } = require('./lib');
let runs = 0;
/** @cache */
function f(x) { runs++; return pick(x) + '!'; }
const value = f(4);
console.log('OUT ' + JSON.stringify({ value, runs, proofs: fpm.proofCounters() }));
`;
  const { dir, cacheDir } = setup({ 'main.js': main, 'lib.js': lib(0) });
  const go = () => {
    const r = node(['--require', register, 'main.js'], { cwd: dir, env: { SMARTCACHE_DIR: cacheDir } });
    if (r.status !== 0 || r.out === undefined) throw new Error(`exit ${r.status}: ${r.stderr}`);
    return r.out;
  };
  t.like(go(), { value: 'b0!', runs: 1 });
  t.like(go(), { value: 'b0!', runs: 0, proofs: { reused: 1, walked: 0 } });
  writeFile(dir, 'lib.js', lib(1));
  pause();
  t.like(go(), { value: 'b1!', runs: 1, proofs: { reused: 0 } });
  t.like(go(), { value: 'b1!', runs: 0, proofs: { reused: 1 } });
});

test('a bumped package version recomputes', (t) => {
  const pkg = (version, factor) => ({
    'node_modules/dep/package.json': JSON.stringify({ name: 'dep', version, main: 'index.js' }),
    'node_modules/dep/index.js': `exports.scale = function scale(x) { return x * ${factor}; };\n`,
  });
  const body = `
const { scale } = require('dep');
const f = cache(function f(x) { runs++; return scale(x); }, { name: 'f' });
`;
  const { dir, cacheDir } = setup({ 'app.js': app(body), ...pkg('1.0.0', 2) });
  t.like(run(dir, cacheDir), { value: 10, runs: 1 });
  t.like(run(dir, cacheDir), { value: 10, runs: 0 });
  for (const [name, text] of Object.entries(pkg('1.1.0', 3))) writeFile(dir, name, text);
  pause();
  t.like(run(dir, cacheDir), { value: 15, runs: 1, proofs: { reused: 0 } });
});

test('a built-in patched at load time fails the proof', (t) => {
  const body = `
if (process.env.PROOF_PATCH) Math.max = function max(a, b) { return a + b; };
function big(x) { return Math.max(x, 100); }
const f = cache(function f(x) { runs++; return big(x); }, { name: 'f' });
`;
  const { dir, cacheDir } = setup({ 'app.js': app(body) });
  t.like(run(dir, cacheDir), { value: 100, runs: 1 });
  t.like(run(dir, cacheDir), { value: 100, runs: 0, proofs: { reused: 1 } });
  t.like(run(dir, cacheDir, { PROOF_PATCH: '1' }), { value: 105, runs: 1, proofs: { reused: 0 } });
});

test('a helper reassigned at load time is re-read, never taken from text', (t) => {
  const body = `
let pick = function pick(x) { return x + 1; };
if (process.env.PROOF_SWAP) pick = function pick(x) { return x + 2; };
const f = cache(function f(x) { runs++; return pick(x); }, { name: 'f' });
`;
  const { dir, cacheDir } = setup({ 'app.js': app(body) });
  t.like(run(dir, cacheDir), { value: 6, runs: 1 });
  t.like(run(dir, cacheDir), { value: 6, runs: 0, proofs: { reused: 1 } });
  t.like(run(dir, cacheDir, { PROOF_SWAP: '1' }), { value: 7, runs: 1, proofs: { reused: 0 } });
});

test('a file naming eval is never proved', (t) => {
  const body = `
function viaEval(x) { return eval('x + 1'); }
const f = cache(function f(x) { runs++; return viaEval(x); }, { name: 'f' });
`;
  const { dir, cacheDir, proofs } = setup({ 'app.js': app(body) });
  t.like(run(dir, cacheDir), { value: 6, runs: 1 });
  t.deepEqual(proofFiles(proofs), []);
});

test('an ES module: proved and reused, and an edit fails the proof', (t) => {
  const esm = (k) => (mod) => `import { cache } from ${JSON.stringify(path.join(repo, 'dist', 'index.mjs'))};
import { createRequire } from 'node:module';
const fpm = createRequire(import.meta.url)(${FP});
void mod;
let runs = 0;
const K = ${k};
function h1(x) { return h2(x) + K; }
export function h2(x) { return x * 2; }
const f = cache(function f(x) { runs++; return h1(x); }, { name: 'f' });
const value = f(5);
console.log('OUT ' + JSON.stringify({ value, runs, proofs: fpm.proofCounters() }));
`.replace('void mod;', `void ${mod};`);
  const { dir, cacheDir } = setup({ 'app.mjs': esm(3) });
  t.like(run(dir, cacheDir, {}, 'app.mjs'), { value: 13, runs: 1 });
  t.like(run(dir, cacheDir, {}, 'app.mjs'), { value: 13, runs: 0, proofs: { reused: 1, walked: 0 } });
  writeFile(dir, 'app.mjs', esm(4));
  pause();
  t.like(run(dir, cacheDir, {}, 'app.mjs'), { value: 14, runs: 1, proofs: { reused: 0 } });
});

test('corrupt and hostile proof files: a full walk, the right value, no crash', (t) => {
  const { dir, cacheDir, proofs } = setup({ 'app.js': app(HELPERS) });
  t.like(run(dir, cacheDir), { value: 26, runs: 1 });
  const [name] = proofFiles(proofs);
  t.truthy(name);
  const file = path.join(proofs, name);
  const good = fs.readFileSync(file, 'utf8');
  const [stamp, , body] = good.split('\n');
  const damaged = [
    'garbage',
    good.slice(0, good.length - 7),
    `${stamp}\n${'0'.repeat(64)}\n${body}`,
    // A well-checksummed body of the wrong shape.
    `${stamp}\n${sha('{"fp":1}')}\n{"fp":1}`,
    `${stamp}\n${sha('[]')}\n[]`,
    `${stamp}\n${sha(body.replace('"files":[', '"files":[7,'))}\n${body.replace('"files":[', '"files":[7,')}`,
  ];
  // Edit the code so that a wrongly trusted proof would be a stale hit (K = 3 -> 4: 26 -> 28).
  writeFile(dir, 'app.js', app(HELPERS.replace('const K = 3', 'const K = 4')));
  pause();
  for (const text of damaged) {
    fs.writeFileSync(file, text);
    const r = run(dir, cacheDir);
    t.is(r.value, 28);
    t.is(r.proofs.reused, 0);
  }
  // A link in place of the proof, to a valid proof elsewhere: never followed.
  fs.rmSync(file);
  const outside = path.join(tempDir(), 'planted.json');
  fs.writeFileSync(outside, good);
  fs.symlinkSync(outside, file);
  const linked = run(dir, cacheDir);
  t.is(linked.value, 28);
  t.is(linked.proofs.reused, 0);
});

test('functions of other CommonJS modules: proved, re-read, an edit or a load-time swap there fails the proof', (t) => {
  const lib = (k) => `const K = ${k};
function inc(x) { return x + K; }
function twice(x) { return inc(inc(x)); }
exports.twice = twice;
if (process.env.PROOF_SWAP) exports.twice = function twice(x) { return x * 100; };
`;
  const body = `
const { twice } = require('./lib');
const f = cache(function f(x) { runs++; return twice(x); }, { name: 'f' });
`;
  const { dir, cacheDir } = setup({ 'app.js': app(body), 'lib.js': lib(1) });
  t.like(run(dir, cacheDir), { value: 7, runs: 1 });
  t.like(run(dir, cacheDir), { value: 7, runs: 0, proofs: { reused: 1, walked: 0 } });
  t.like(run(dir, cacheDir, { PROOF_SWAP: '1' }), { value: 500, runs: 1, proofs: { reused: 0 } });
  writeFile(dir, 'lib.js', lib(2));
  pause();
  t.like(run(dir, cacheDir), { value: 9, runs: 1, proofs: { reused: 0 } });
});

test('a function made by a factory in another module is not taken as top-level code', (t) => {
  const body = `
const { add } = require('./lib');
const f = cache(function f(x) { runs++; return add(x); }, { name: 'f' });
`;
  const lib = `function make(k) { return function add(x) { return x + k; }; }
exports.add = make(Number(process.env.PROOF_K ?? '1'));
`;
  const { dir, cacheDir, proofs } = setup({ 'app.js': app(body), 'lib.js': lib });
  t.like(run(dir, cacheDir), { value: 6, runs: 1 });
  t.deepEqual(proofFiles(proofs), []);
  t.like(run(dir, cacheDir, { PROOF_K: '2' }), { value: 7, runs: 1 });
});

// Issue 11 §3: an ES module entry's functions are tied to their files without Debugger.enable.
const COUNT_DEBUGGER = `const inspector = require('node:inspector');
const post = inspector.Session.prototype.post;
let n = 0;
inspector.Session.prototype.post = function (method, ...rest) { if (method === 'Debugger.enable') n++; return post.call(this, method, ...rest); };
process.on('exit', () => process.stdout.write('OUT ' + JSON.stringify({ debuggerEnables: n }) + '\\n'));
`;

test('ES modules: a cold walk maps its modules without Debugger.enable; a twin file falls back to it, still right', (t) => {
  const esm = (k, twin) => `import { cache } from ${JSON.stringify(path.join(repo, 'dist', 'index.mjs'))};
import { helper } from './lib.mjs';
${twin ? "import './twin.mjs';" : ''}
const f = cache(function f(x) { return helper(x) + ${k}; }, { name: 'f' });
console.log('OUT ' + JSON.stringify({ value: f(5) }));
`;
  const lib = 'const K = 2;\nexport function helper(x) { return x * K; }\n';
  const { dir, cacheDir } = setup({ 'app.mjs': esm(1, false), 'lib.mjs': lib, 'twin.mjs': lib, 'count.cjs': COUNT_DEBUGGER });
  const cold = node(['--require', './count.cjs', 'app.mjs'], { cwd: dir, env: { SMARTCACHE_DIR: cacheDir } });
  t.is(cold.status, 0, cold.stderr);
  t.regex(cold.stdout, /OUT \{"value":11\}/);
  t.like(cold.out, { debuggerEnables: 0 });
  // Two files hold the helper's text at its line: ambiguous, so the Debugger decides.
  writeFile(dir, 'app.mjs', esm(1, true));
  pause();
  const twin = node(['--require', './count.cjs', 'app.mjs'], { cwd: dir, env: { SMARTCACHE_DIR: tempDir() } });
  t.is(twin.status, 0, twin.stderr);
  t.regex(twin.stdout, /OUT \{"value":11\}/);
  t.like(twin.out, { debuggerEnables: 1 });
  // An edit of the helper's module is seen (a proof or a walk, never a stale hit).
  writeFile(dir, 'lib.mjs', lib.replace('K = 2', 'K = 3'));
  pause();
  const edited = node(['app.mjs'], { cwd: dir, env: { SMARTCACHE_DIR: cacheDir } });
  t.regex(edited.stdout, /OUT \{"value":16\}/);
});

test('CommonJS: a function of the entry script (exports nothing) is tied to its file without Debugger.enable; a twin falls back to it, still right', (t) => {
  // The entry's `module.exports` is empty, so no export leads to its script id: its text does.
  const main = (k, twin) => `const { cache } = require(${JSON.stringify(path.join(repo, 'dist', 'index.js'))});
const { helper } = require('./lib.js');
${twin ? "require('./twin.js');" : ''}
const state = { k: ${k} };
const f = cache(function f(x) { return helper(x) + state.k; }, { name: 'f' });
console.log('OUT ' + JSON.stringify({ value: f(5) }));
`;
  const lib = 'const K = 2;\nexports.helper = function helper(x) { return x * K; };\n';
  const { dir, cacheDir } = setup({ 'app.js': main(1, false), 'lib.js': lib, 'count.cjs': COUNT_DEBUGGER });
  const cold = node(['--require', './count.cjs', 'app.js'], { cwd: dir, env: { SMARTCACHE_DIR: cacheDir } });
  t.is(cold.status, 0, cold.stderr);
  t.regex(cold.stdout, /OUT \{"value":11\}/);
  t.like(cold.out, { debuggerEnables: 0 });
  // A second file holds the entry's function text at its line: ambiguous, so the Debugger decides.
  writeFile(dir, 'twin.js', main(1, false).replace("console.log('OUT ' + JSON.stringify({ value: f(5) }));", ''));
  writeFile(dir, 'app.js', main(1, true));
  pause();
  const twin = node(['--require', './count.cjs', 'app.js'], { cwd: dir, env: { SMARTCACHE_DIR: tempDir() } });
  t.is(twin.status, 0, twin.stderr);
  t.regex(twin.stdout, /OUT \{"value":11\}/);
  t.like(twin.out, { debuggerEnables: 1 });
  // Edits are seen through the walk (the state object keeps every run a walk, never a proof).
  writeFile(dir, 'app.js', main(4, false));
  pause();
  const edited = node(['app.js'], { cwd: dir, env: { SMARTCACHE_DIR: cacheDir } });
  t.regex(edited.stdout, /OUT \{"value":14\}/);
  writeFile(dir, 'lib.js', lib.replace('K = 2', 'K = 3'));
  pause();
  const helperEdited = node(['app.js'], { cwd: dir, env: { SMARTCACHE_DIR: cacheDir } });
  t.regex(helperEdited.stdout, /OUT \{"value":19\}/);
});
