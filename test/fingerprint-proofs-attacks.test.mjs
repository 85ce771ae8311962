// Persisted fingerprints under attack (issue 11 §2): programs and edits that try to make a later
// run take a stored proof's fingerprint while the code it would walk has changed. Each case runs
// the program cached, changes something between runs, and compares every value with the same
// program run with SMARTCACHE=off in the same state: any difference is a stale hit. The cases
// that held when they were written guard the future as much as those that broke it. Several
// attacks share one program (one child process per run) to keep the file fast.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { node, nodeAsync, project, repo, tempDir, writeFile } from './fixtures/cache/helpers.mjs';

const FP = JSON.stringify(path.join(repo, 'dist', 'fingerprint', 'index.js'));
const CACHE = JSON.stringify(path.join(repo, 'dist', 'index.js'));
const ESM = JSON.stringify(path.join(repo, 'dist', 'index.mjs'));
const REGISTER = path.join(repo, 'dist', 'preload', 'register.js');
const PAUSE_MS = 250;

/** Files written just before a process starts are never trusted by it: let their ctime age. */
function pause() {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, PAUSE_MS);
}

function run(dir, args, env) {
  const r = node(args, { cwd: dir, env });
  if (r.status !== 0 || r.out === undefined) throw new Error(`exit ${r.status}: ${r.stderr}`);
  return r.out;
}

/**
 * Runs `args` cached (in `cacheDir`) and uncached with `env`: the values must be the same. Returns
 * the cached run's report (values, proof counters) and the uncached values, which a later run in
 * the same state may pass as `plain` instead of running uncached again.
 */
function same(t, dir, cacheDir, args, env = {}, label = '', plain = undefined) {
  const cached = run(dir, args, { ...env, SMARTCACHE_DIR: cacheDir });
  const expected = plain ?? run(dir, args, { ...env, SMARTCACHE: 'off' }).values;
  t.deepEqual(cached.values, expected, `${label}: a cached value differs from the uncached one`);
  return { ...cached, plain: expected };
}

// ------------------------------------------------------------------------------------------------
// CommonJS: state set at load time by env, argv, files, other modules and preloads.

const LOAD_TIME = `const { cache } = require(${CACHE});
const fpm = require(${FP});
const fs = require('node:fs');
const path = require('node:path');
const ATK = process.env.ATK === '1';

// Annex B: a sloppy-mode function declared in a block assigns the top-level binding when the
// block runs, with a closure over the block (same text, another K).
const KA = 1;
function annexB() { return KA; }
if (ATK) { const KA = 2; function annexB() { return KA; } }
const fA = cache(function fA(x) { return annexB() + x; }, { name: 'annexB' });

// A CommonJS wrapper parameter declared as a function, rewritten through the top level's arguments.
const KB = 1;
function exports() { return KB; }
const otherB = ((KB) => function exports() { return KB; })(2);
if (ATK) arguments[0] = otherB;
const fB = cache(function fB(x) { return exports() + x; }, { name: 'arguments' });

// An object mutated through an alias.
const objC = { a: 1 };
const aliasC = objC;
if (ATK) aliasC.a = 2;
function readC() { return objC.a; }
const fC = cache(function fC(x) { return readC() + x; }, { name: 'alias' });

// A let set by another function that ran before the first call.
let LD = 1;
function setLD(v) { LD = v; }
if (ATK) setLD(2);
function readD() { return LD; }
const fD = cache(function fD(x) { return readD() + x; }, { name: 'let-by-function' });

// A constant read from a file at load time (the file is edited between runs).
const FE = fs.readFileSync(path.join(__dirname, 'data.txt'), 'utf8').trim();
function readE() { return FE; }
const fE = cache(function fE(x) { return readE() + x; }, { name: 'file-at-load' });

// A constant from argv.
const AF = process.argv[2] ?? 'none';
function readF() { return AF; }
const fF = cache(function fF(x) { return readF() + x; }, { name: 'argv' });

// A getter and a Proxy at the top level.
const cfgG = { get v() { return ATK ? 2 : 1; } };
const pxG = new Proxy({}, { get: () => (ATK ? 20 : 10) });
const fG = cache(function fG(x) { return cfgG.v + pxG.any + x; }, { name: 'getter-proxy' });

// A default parameter reading a module binding.
let DH = 1;
if (ATK) DH = 2;
function withDefault(v = DH) { return v; }
const fH = cache(function fH(x) { return withDefault() + x; }, { name: 'default-param' });

// A var redeclared in a block, holding a closure with the same text.
var twiceI = function () { return JI; };
const JI = 1;
if (ATK) { var twiceI = ((JI) => function () { return JI; })(2); }
const fI = cache(function fI(x) { return twiceI() + x; }, { name: 'var-redeclared' });

// A prototype method added from another module; an enumerable member hung on a helper.
function WidgetJ() {}
require('./augment')(WidgetJ, ATK);
function scaleJ() { return scaleJ.factor === undefined ? 1 : scaleJ.factor; }
if (ATK) scaleJ.factor = 2;
const fJ = cache(function fJ(x) { const w = new WidgetJ(); return (typeof w.extra === 'function' ? w.extra() : 1) + scaleJ() + x; }, { name: 'members' });

// process.env read inside the function.
const fK = cache(function fK(x) { return (process.env.ATK_K ?? 'unset') + x; }, { name: 'env-in-body' });

// Class static fields and static blocks computed at load.
class StaticL { static v = ATK ? 2 : 1; static { this.w = ATK ? 20 : 10; } }
const fL = cache(function fL(x) { return StaticL.v + StaticL.w + x; }, { name: 'class-static' });

// A closure made by an IIFE.
const counterM = (() => { const n = ATK ? 2 : 1; return () => n; })();
const fM = cache(function fM(x) { return counterM() + x; }, { name: 'iife-closure' });

// A global defined by a --require preload (edited between runs).
function readN() { return PRE_VALUE; }
const fN = cache(function fN(x) { return readN() + x; }, { name: 'preload-global' });

// A JSON module (edited between runs).
const cfgO = require('./cfg.json');
function readO() { return cfgO.factor; }
const fO = cache(function fO(x) { return readO() + x; }, { name: 'json-module' });

// A module whose module.exports is replaced at load by another module's: its function has the
// same text at the same line, its helper is a closure there.
const { pick } = require('./lib-p');
const fP = cache(function fP(x) { return pick() + x; }, { name: 'exports-replaced' });

// A helper from a module reached through a symlink (its target is edited between runs).
const { linked } = require('./linked');
const fQ = cache(function fQ(x) { return linked() + x; }, { name: 'symlink' });

// A module reloaded after its cache entry is deleted, reading the environment at load.
require('./reload');
if (ATK) { delete require.cache[require.resolve('./reload')]; process.env.RELOAD_K = '2'; }
const { reloaded } = require('./reload');
const fR = cache(function fR(x) { return reloaded() + x; }, { name: 'require-cache-delete' });

// Two functions of one module from two evaluations of it (one before a reload, one after), each
// reading its own evaluation's constant: every function a proof places must come from the same
// script and scope as the first one placed (named so that the old evaluation's comes first).
const { early } = require('./reload2');
if (ATK) { delete require.cache[require.resolve('./reload2')]; process.env.RELOAD2_K = '2'; }
const { late } = require('./reload2');
const fR2 = cache(function fR2(x) { return early() + late() + x; }, { name: 'two-evaluations' });

// Random and clock values at load: a result must be this process's.
const RS = Math.random();
const TS = Date.now() + Math.random();
function readS() { return RS + TS; }
const fS = cache(function fS(x) { return readS() + x; }, { name: 'random-at-load' });

const values = { A: fA(0), B: fB(0), C: fC(0), D: fD(0), E: fE('!'), F: fF('!'), G: fG(0), H: fH(0), I: fI(0), J: fJ(0), K: fK('!'), L: fL(0), M: fM(0), N: fN(0), O: fO(0), P: fP(0), Q: fQ(0), R: fR(0), R2: fR2(0) };
const freshRandom = fS(0) === RS + TS;
console.log('OUT ' + JSON.stringify({ values, freshRandom, proofs: fpm.proofCounters() }));
`;

const LOAD_FILES = {
  'app.js': LOAD_TIME,
  'data.txt': 'one\n',
  'augment.js': 'module.exports = (C, on) => { if (on) C.prototype.extra = function () { return 2; }; };\n',
  'pre.js': 'globalThis.PRE_VALUE = 1;\n',
  'cfg.json': '{ "factor": 1 }\n',
  'lib-p.js': `const IK = 1; const useIK = () => IK;
const inner = function inner() { return IK; };
exports.pick = function pick() { return inner(); };
if (process.env.ATK === '1') module.exports = require('./lib-p2');
`,
  'lib-p2.js': `const IK = 1; const useIK = () => IK;
const inner = ((IK) => function inner() { return IK; })(2);
exports.pick = function pick() { return inner(); };
`,
  'target.js': 'const LK = 1;\nexports.linked = function linked() { return LK; };\n',
  'reload.js': "const RK = Number(process.env.RELOAD_K ?? '1');\nexports.reloaded = function reloaded() { return RK; };\n",
  'reload2.js': "const RK = Number(process.env.RELOAD2_K ?? '1');\nexports.early = function early() { return RK; };\nexports.late = function late() { return RK * 10; };\n",
};

test('CommonJS load-time state: every attack reads the same as an uncached run', (t) => {
  const dir = project(LOAD_FILES);
  fs.symlinkSync(path.join(dir, 'target.js'), path.join(dir, 'linked.js'));
  const cacheDir = tempDir();
  const args = ['--require', './pre.js', 'app.js'];
  pause();
  const first = same(t, dir, cacheDir, args, {}, 'first run');
  t.true(first.freshRandom);
  // The values hold no random number (that one is checked inside the process): one uncached run per state.
  const second = same(t, dir, cacheDir, args, {}, 'unchanged', first.plain);
  // The proofs are in play: most functions take their fingerprint from one.
  t.true(second.proofs.reused >= 8, JSON.stringify(second.proofs));
  t.true(second.freshRandom);
  // Change everything at once: env, argv, files, the preload, the JSON module, the link's target.
  writeFile(dir, 'data.txt', 'two\n');
  writeFile(dir, 'pre.js', 'globalThis.PRE_VALUE = 2;\n');
  writeFile(dir, 'cfg.json', '{ "factor": 2 }\n');
  writeFile(dir, 'target.js', 'const LK = 2;\nexports.linked = function linked() { return LK; };\n');
  pause();
  const changed = ['--require', './pre.js', 'app.js', 'argv'];
  const env = { ATK: '1', ATK_K: 'set' };
  const third = same(t, dir, cacheDir, changed, env, 'changed');
  t.true(third.freshRandom);
  // Proofs now saved from the changed state: reused there, and never in the first state again.
  same(t, dir, cacheDir, changed, env, 'changed, again', third.plain);
  const back = same(t, dir, cacheDir, ['--require', './pre.js', 'app.js', 'argv'], {}, 'env back');
  t.true(back.freshRandom);
});

// ------------------------------------------------------------------------------------------------
// One function text in several files.

const TWIN = (helper) => `const { cache } = require(${CACHE});
const K = 1;
${helper}
function make(K) { return function () { return K; }; } const useK = () => K;
const f = cache(function f(x) { return h() + x; }, { name: 'shared' });
console.log('OUT ' + JSON.stringify({ values: { f: f(0) } }));
`;

test('a copy of a file holding the root at the same line: its proof is not the copy\'s', (t) => {
  // app.js's h is a top-level function; copy.js's h has the same text but closes over make's K.
  const dir = project({ 'app.js': TWIN('const h = function () { return K; };'), 'copy.js': TWIN('const h = make(2);') });
  const cacheDir = tempDir();
  pause();
  same(t, dir, cacheDir, ['copy.js'], {}, 'copy, first');
  const original = same(t, dir, cacheDir, ['app.js'], {}, 'original');
  same(t, dir, cacheDir, ['app.js'], {}, 'original, again', original.plain);
  same(t, dir, cacheDir, ['copy.js'], {}, 'copy, after the original saved its proof');
});

test('the same root text in two loaded files, and a helper moved to another file', (t) => {
  const mod = (k, helper) => `const { cache } = require(${CACHE});
const K = ${k};
${helper}
exports.f = cache(function f(x) { return h() + x; });
`;
  const main = (files) => `const fpm = require(${FP});
const values = {};
for (const name of ${JSON.stringify(files)}) values[name] = require('./' + name).f(0);
console.log('OUT ' + JSON.stringify({ values, proofs: fpm.proofCounters() }));
`;
  const dir = project({
    'a.js': mod(1, 'function h() { return K; }'),
    'b.js': mod(2, 'function h() { return K; }'),
    'main.js': main(['a.js', 'b.js']),
  });
  const cacheDir = tempDir();
  pause();
  const twins = same(t, dir, cacheDir, ['main.js'], {}, 'two twins');
  same(t, dir, cacheDir, ['main.js'], {}, 'two twins, again', twins.plain);
  // b.js's helper moves to its own module, whose K differs; the root text stays.
  writeFile(dir, 'b.js', mod(2, "const { h } = require('./moved');"));
  writeFile(dir, 'moved.js', 'const K = 3;\nexports.h = function h() { return K; };\n');
  pause();
  const moved = same(t, dir, cacheDir, ['main.js'], {}, 'helper moved');
  same(t, dir, cacheDir, ['main.js'], {}, 'helper moved, again', moved.plain);
  // A file renamed: its function is another one (its name and definition file changed).
  fs.renameSync(path.join(dir, 'a.js'), path.join(dir, 'renamed.js'));
  writeFile(dir, 'main.js', main(['renamed.js', 'b.js']));
  pause();
  same(t, dir, cacheDir, ['main.js'], {}, 'renamed');
});

test('a helper module whose functions close over nothing but globals: reused, and an edit there is seen', (t) => {
  // The rules tying a function to its file must not refuse modules with no scope of their own.
  const app = `const { cache } = require(${CACHE});
const fpm = require(${FP});
const { leaf } = require('./leaf');
const f = cache(function f(x) { return leaf(x) * 2; }, { name: 'f' });
console.log('OUT ' + JSON.stringify({ values: { f: f(5) }, proofs: fpm.proofCounters() }));
`;
  const dir = project({ 'app.js': app, 'leaf.js': "'use strict';\nexports.leaf = function leaf(x) { return Math.max(x, 1) + 1; };\n" });
  const cacheDir = tempDir();
  pause();
  const first = same(t, dir, cacheDir, ['app.js'], {}, 'first');
  t.like(same(t, dir, cacheDir, ['app.js'], {}, 'unchanged', first.plain), { proofs: { reused: 1 } });
  writeFile(dir, 'leaf.js', "'use strict';\nexports.leaf = function leaf(x) { return Math.max(x, 1) + 2; };\n");
  pause();
  t.like(same(t, dir, cacheDir, ['app.js'], {}, 'edited'), { values: { f: 14 }, proofs: { reused: 0 } });
});

test('functions that read nothing are taken by their text: edits, swaps at load, twins, arrows', (t) => {
  // leaves.js holds only functions that read nothing outside themselves: its file is not in the
  // proof, so only the text hash of each function sees an edit. The attacks replace them at load
  // time by other text, by the same text from a factory (harmless: it reads nothing), and try a
  // form whose text does not decide what it does: an arrow reading the CommonJS wrapper's
  // `arguments` (its own file name).
  const app = `const { cache } = require(${CACHE});
const fpm = require(${FP});
const { leaf, where } = require('./leaves');
const fLeaf = cache(function fLeaf(x) { return leaf(x) * 2; }, { name: 'leaf' });
const fWhere = cache(function fWhere(x) { return require('node:path').basename(where()) + x; }, { name: 'arrow' });
const values = { leaf: fLeaf(5), where: fWhere('!') };
console.log('OUT ' + JSON.stringify({ values, proofs: fpm.proofCounters() }));
`;
  const leaves = (k) => `exports.leaf = function leaf(x) { return x + ${k}; };
if (process.env.ATK === 'swap') exports.leaf = function leaf(x) { return x * 100; };
if (process.env.ATK === 'twin') exports.leaf = require('./twin').leaf;
exports.where = process.env.ATK === 'twin' ? require('./twin').where : () => arguments[3];
`;
  const twin = `const K = 7;
function make() { return function leaf(x) { return x + 1; }; }
exports.leaf = make();
exports.where = () => arguments[3];
`;
  const dir = project({ 'app.js': app, 'leaves.js': leaves(1), 'twin.js': twin });
  const cacheDir = tempDir();
  pause();
  const first = same(t, dir, cacheDir, ['app.js'], {}, 'first');
  const second = same(t, dir, cacheDir, ['app.js'], {}, 'unchanged', first.plain);
  t.true(second.proofs.reused >= 1, JSON.stringify(second.proofs));
  for (const atk of ['swap', 'twin', 'swap']) same(t, dir, cacheDir, ['app.js'], { ATK: atk }, atk);
  same(t, dir, cacheDir, ['app.js'], {}, 'back', first.plain);
  writeFile(dir, 'leaves.js', leaves(2));
  pause();
  const edited = same(t, dir, cacheDir, ['app.js'], {}, 'edited');
  t.is(edited.values.leaf, 14);
  same(t, dir, cacheDir, ['app.js'], { ATK: 'twin' }, 'edited, twin');
});

// ------------------------------------------------------------------------------------------------
// ES modules.

test('ES modules: live bindings, circular imports, top-level await, dynamic import, imported helpers', (t) => {
  const app = `import { cache } from ${ESM};
import { createRequire } from 'node:module';
import { live, setLive, helper } from './m.mjs';
import { fromCycle } from './cycle-a.mjs';
const fpm = createRequire(import.meta.url)(${FP});
const ATK = process.env.ATK === '1';
if (ATK) setLive(2);
const fLive = cache(function fLive(x) { return live + x; }, { name: 'live' });
const fHelper = cache(function fHelper(x) { return helper(x); }, { name: 'imported-helper' });
const fCycle = cache(function fCycle(x) { return fromCycle() + x; }, { name: 'cycle' });
const TLA = await Promise.resolve(ATK ? 2 : 1);
function readTLA() { return TLA; }
const fTLA = cache(function fTLA(x) { return readTLA() + x; }, { name: 'tla' });
const { dyn } = await import(ATK ? './d2.mjs' : './d1.mjs');
const fDyn = cache(function fDyn(x) { return dyn() + x; }, { name: 'dynamic-import' });
const values = { live: fLive(0), helper: fHelper(1), cycle: fCycle(0), tla: fTLA(0), dyn: fDyn(0) };
console.log('OUT ' + JSON.stringify({ values, proofs: fpm.proofCounters() }));
`;
  const dir = project({
    'app.mjs': app,
    'm.mjs': `export let live = 1;
export function setLive(v) { live = v; }
const K = Number(process.env.M_K ?? '1');
function inner(x) { return x * K; }
export function helper(x) { return inner(x) + 1; }
`,
    'cycle-a.mjs': "import { b } from './cycle-b.mjs';\nexport function fromCycle() { return b(); }\nexport const A = process.env.ATK === '1' ? 2 : 1;\n",
    'cycle-b.mjs': "import { A } from './cycle-a.mjs';\nexport function b() { return A; }\n",
    'd1.mjs': 'const D = 1;\nexport function dyn() { return D; }\n',
    'd2.mjs': 'const D = 2;\nexport function dyn() { return D; }\n',
  });
  const cacheDir = tempDir();
  pause();
  const first = same(t, dir, cacheDir, ['app.mjs'], {}, 'first');
  const second = same(t, dir, cacheDir, ['app.mjs'], {}, 'unchanged', first.plain);
  t.true(second.proofs.reused >= 3, JSON.stringify(second.proofs));
  const changed = same(t, dir, cacheDir, ['app.mjs'], { ATK: '1', M_K: '3' }, 'changed');
  same(t, dir, cacheDir, ['app.mjs'], { ATK: '1', M_K: '3' }, 'changed, again', changed.plain);
  same(t, dir, cacheDir, ['app.mjs'], {}, 'back', first.plain);
});

test('an ES module export swapped at load for a twin from a dynamically imported file', (t) => {
  // m2.mjs holds pick's text at pick's line, but its inner is a closure over another IK.
  const dir = project({
    'app.mjs': `import { cache } from ${ESM};
import { createRequire } from 'node:module';
import { pick } from './m.mjs';
const fpm = createRequire(import.meta.url)(${FP});
const f = cache(function f(x) { return pick() + x; }, { name: 'f' });
console.log('OUT ' + JSON.stringify({ values: { f: f(0) }, proofs: fpm.proofCounters() }));
`,
    'm.mjs': `const IK = 1; const useIK = () => IK;
const inner = function inner() { return IK; };
export let pick = function pick() { return inner(); };
if (process.env.ATK === '1') pick = (await import('./m2.mjs')).pick;
`,
    'm2.mjs': `const IK = 1; const useIK = () => IK;
const inner = ((IK) => function inner() { return IK; })(2);
export let pick = function pick() { return inner(); };
`,
  });
  const cacheDir = tempDir();
  pause();
  const first = same(t, dir, cacheDir, ['app.mjs'], {}, 'first');
  t.like(same(t, dir, cacheDir, ['app.mjs'], {}, 'unchanged', first.plain), { proofs: { reused: 1 } });
  const swapped = same(t, dir, cacheDir, ['app.mjs'], { ATK: '1' }, 'swapped');
  same(t, dir, cacheDir, ['app.mjs'], { ATK: '1' }, 'swapped, again', swapped.plain);
});

// ------------------------------------------------------------------------------------------------
// The preload, edits while a process runs, concurrent writers.

test('annotated functions (the preload) reuse proofs, and an edit between runs is seen', (t) => {
  const app = (k) => `const fpm = require(${FP});
const K = ${k};
function scale(x) { return x * K; }
/** @cache */
function total(x) { return scale(x) + 1; }
console.log('OUT ' + JSON.stringify({ values: { total: total(5) }, proofs: fpm.proofCounters() }));
`;
  const dir = project({ 'app.js': app(2) });
  const cacheDir = tempDir();
  const args = ['--require', REGISTER, 'app.js'];
  pause();
  const first = same(t, dir, cacheDir, args, {}, 'first');
  const second = same(t, dir, cacheDir, args, {}, 'unchanged', first.plain);
  t.is(second.proofs.reused, 1);
  writeFile(dir, 'app.js', app(3));
  pause();
  const edited = same(t, dir, cacheDir, args, {}, 'edited');
  t.is(edited.proofs.reused, 0);
});

test('a module edited after it loaded, before the first call: this run keeps the loaded code, the next sees the edit', (t) => {
  const app = `const { cache } = require(${CACHE});
const fpm = require(${FP});
const fs = require('node:fs');
const { h } = require('./lib');
if (process.env.EDIT === '1') fs.writeFileSync(require.resolve('./lib'), 'const K = 2;\\nexports.h = function h() { return K; };\\n');
const f = cache(function f(x) { return h() + x; }, { name: 'f' });
console.log('OUT ' + JSON.stringify({ values: { f: f(0) }, proofs: fpm.proofCounters() }));
`;
  const lib = 'const K = 1;\nexports.h = function h() { return K; };\n';
  const dir = project({ 'app.js': app, 'lib.js': lib });
  const cacheDir = tempDir();
  pause();
  run(dir, ['app.js'], { SMARTCACHE_DIR: cacheDir });
  t.like(run(dir, ['app.js'], { SMARTCACHE_DIR: cacheDir }), { values: { f: 1 }, proofs: { reused: 1 } });
  // The file changes after it loaded: what runs is K = 1, and no proof may tie the new text to it.
  t.like(run(dir, ['app.js'], { SMARTCACHE_DIR: cacheDir, EDIT: '1' }), { values: { f: 1 }, proofs: { reused: 0 } });
  pause();
  t.like(run(dir, ['app.js'], { SMARTCACHE_DIR: cacheDir }), { values: { f: 2 } });
  t.like(run(dir, ['app.js'], { SMARTCACHE_DIR: cacheDir }), { values: { f: 2 } });
});

test('two processes racing on one proof with different environments: each gets its own value', async (t) => {
  const app = `const { cache } = require(${CACHE});
const N = Number(process.env.RACE_N);
function scale(x) { return x * N; }
const f = cache(function f(x) { return scale(x); }, { name: 'f' });
console.log('OUT ' + JSON.stringify({ value: f(5) }));
`;
  const dir = project({ 'app.js': app });
  const cacheDir = tempDir();
  pause();
  for (let round = 0; round < 3; round++) {
    const [a, b] = await Promise.all([
      nodeAsync(['app.js'], { cwd: dir, env: { SMARTCACHE_DIR: cacheDir, RACE_N: '2' } }),
      nodeAsync(['app.js'], { cwd: dir, env: { SMARTCACHE_DIR: cacheDir, RACE_N: '3' } }),
    ]);
    t.is(a.status, 0, a.stderr);
    t.is(b.status, 0, b.stderr);
    t.is(a.out.value, 10);
    t.is(b.out.value, 15);
  }
});
