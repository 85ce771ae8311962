// Issue 11 point 1: a disk hit loads only what it needs. Each test runs a fresh child process that
// serves a call from disk and reports, at exit, the files it loaded (require.cache) and Node's
// built-in modules (process.moduleLoadList); what the hit path must not load is asserted absent.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listFiles, node, project, repo, smartcacheLines, tempDir } from './fixtures/cache/helpers.mjs';

const api = JSON.stringify(path.join(repo, 'dist', 'index.js'));
const register = path.join(repo, 'dist', 'preload', 'register.js');

// Printed at exit, after every exit task of the cache ran (stats, LRU): loaded files and built-ins.
// Written with fs.writeSync: process.stdout on a pipe would itself load \`net\` (and SMARTCACHE_LOG,
// which writes to stderr, is off in the measured runs for the same reason). smartcache's own
// modules live in two bundles (dist/runtime-preload.js and dist/runtime.js, scripts/postbuild.js) when
// the build made them: the modules of them that ran count as loaded, under their own paths.
const REPORT = `const out = (line) => require('node:fs').writeSync(1, line + '\\n');
process.on('exit', () => {
  const builtins = process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13));
  const files = Object.keys(require.cache);
  const bundles = files.filter((f) => /^runtime(-preload)?\.js$/.test(require('node:path').basename(f)) && require.cache[f].exports.loaded);
  const ran = bundles.flatMap((bundle) => require.cache[bundle].exports.loaded().map((m) => require('node:path').join(require('node:path').dirname(bundle), m)));
  out('LOADED ' + JSON.stringify({ files: [...files, ...ran], builtins }));
});
`;

const programmatic = `${REPORT}const { cache } = require(${api});
let runs = 0;
const square = cache(function square(n) { runs++; return n * n; }, { name: 'square' });
out('OUT ' + JSON.stringify({ value: square(12), runs }));
`;

const annotated = `${REPORT}let runs = 0;
/** @cache */
function fib(n) {
  runs++;
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}
out('OUT ' + JSON.stringify({ value: fib(25), runs }));
`;

/**
 * Waits until the project's files are older than any rule of persisted fingerprints asks
 * (src/fingerprint/proof/sources.ts: a file changed just before a process started is never
 * trusted by it, 2 s on file systems with whole-second times): then the storing run saves its
 * proof and the measured run is a plain disk hit, not a walk, however fast this machine is.
 */
function settle(dir) {
  const newest = Math.max(...fs.readdirSync(dir).map((name) => fs.statSync(path.join(dir, name)).ctimeMs));
  const wait = newest + 2_100 - Date.now();
  if (wait > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait);
}

function loaded(stdout) {
  const line = stdout.split('\n').find((l) => l.startsWith('LOADED '));
  return JSON.parse(line.slice(7));
}

/** Files and built-ins a disk hit must leave unloaded (their reason is in the message). */
function assertLean(t, report) {
  const files = report.files.map((f) => f.split(path.sep).join('/'));
  const has = (fragment) => files.some((f) => f.includes(fragment));
  t.false(has('/node_modules/acorn/dist/'), 'the parser (acorn) is loaded only to analyse or rewrite code');
  t.false(has('/node_modules/cbor-extract/') || has('/node_modules/detect-libc/') || has('/node_modules/node-gyp-build-optional-packages/'), "cbor-x's native addon chain is not loaded to decode");
  t.false(has('/node_modules/cbor-x/dist/node.cjs'), 'the encoder build of cbor-x is loaded on the first store only');
  t.false(has('/dist/store/codec/encode.js'), 'the codec loads its encoding half on the first store only');
  t.false(has('/dist/cache/write-worker.js'));
  t.false(has('/dist/fingerprint/source/parse-function.js'), 'the parser side of the analysis loads on the first parse only');
  t.false(has('/dist/fingerprint/source/keyed.js') || has('/dist/fingerprint/source/toplevel.js'), "the walk's text helpers load with the walk");
  t.false(has('/dist/flight/'), 'cross-process claims are taken on a miss only');
  t.false(has('/dist/cache/code-change.js'), 'a fingerprint is recorded on a miss only');
  // node:zlib is not in the list: the runtime loader checks its code cache with zlib.crc32, which
  // costs less than a checksum in JavaScript (src/runtime-loader.ts).
  for (const builtin of ['child_process', 'net', 'dgram', 'perf_hooks']) {
    t.false(report.builtins.includes(builtin), `built-in ${builtin} is not loaded by a disk hit`);
  }
}

test('a programmatic disk hit in a new process loads no encoder, parser, native addon or perf_hooks', (t) => {
  const dir = project({ 'main.js': programmatic });
  settle(dir);
  const env = { SMARTCACHE_DIR: tempDir() };
  const first = node(['main.js'], { cwd: dir, env });
  t.is(first.status, 0, first.stderr);
  t.deepEqual(first.out, { value: 144, runs: 1 });
  const hit = node(['main.js'], { cwd: dir, env });
  t.is(hit.status, 0, hit.stderr);
  t.deepEqual(hit.out, { value: 144, runs: 0 }, 'served from disk');
  assertLean(t, loaded(hit.stdout));
  // The checks can fail: the miss that stored the entry did load the encoder.
  const files = loaded(first.stdout).files.join('\n');
  t.true(files.includes(`${path.sep}store${path.sep}codec${path.sep}encode.js`), 'the storing run loaded the encoder');
  t.true(files.includes(`${path.sep}flight${path.sep}`), 'the storing run took a claim');
  t.true(files.includes(`${path.sep}cache${path.sep}code-change.js`), 'the storing run recorded the fingerprint');
  t.true(files.includes(`${path.sep}source${path.sep}parse-function.js`), 'the storing run parsed');
});

test('an annotated function served from disk under --require loads none of them either', (t) => {
  const dir = project({ 'fib.js': annotated });
  settle(dir);
  const env = { SMARTCACHE_DIR: tempDir() };
  const first = node(['--require', register, 'fib.js'], { cwd: dir, env });
  t.is(first.status, 0, first.stderr);
  t.deepEqual(first.out, { value: 75025, runs: 26 });
  const hit = node(['--require', register, 'fib.js'], { cwd: dir, env });
  t.is(hit.status, 0, hit.stderr);
  t.deepEqual(hit.out, { value: 75025, runs: 0 }, 'served from disk');
  assertLean(t, loaded(hit.stdout));
});

test('annotated functions loaded but not called never load the cache layer; the first call does', (t) => {
  // The preload and the cache layer are two bundles (scripts/postbuild.js): a process that calls
  // nothing cached must not read, compile or deserialize the cache layer's code.
  const uncalled = `${REPORT}/** @cache */
function double(n) { return n * 2; }
/** @cache */
function triple(n) { return n * 3; }
out('OUT ' + JSON.stringify({ call: process.argv[2] === 'call' ? double(21) : null, triple: typeof triple }));
`;
  const dir = project({ 'app.js': uncalled });
  const env = { SMARTCACHE_DIR: tempDir() };
  const cacheLayer = (report) => report.files.filter((f) => /[\\/]dist[\\/](runtime\.js|cache[\\/]|store[\\/]|fingerprint[\\/]|index\.js)/.test(f));
  for (let run = 0; run < 2; run++) {
    const quiet = node(['--require', register, 'app.js'], { cwd: dir, env });
    t.is(quiet.status, 0, quiet.stderr);
    t.deepEqual(quiet.out, { call: null, triple: 'function' });
    const report = loaded(quiet.stdout);
    t.true(report.files.some((f) => f.endsWith(`${path.sep}preload${path.sep}install.js`)), 'the preload ran');
    t.deepEqual(cacheLayer(report), [], 'nothing of the cache layer was loaded');
  }
  const called = node(['--require', register, 'app.js', 'call'], { cwd: dir, env });
  t.is(called.status, 0, called.stderr);
  t.deepEqual(called.out, { call: 42, triple: 'function' });
  t.true(cacheLayer(loaded(called.stdout)).some((f) => f.endsWith(`${path.sep}dist${path.sep}runtime.js`)), 'a call loads the cache layer');
});

// A function whose text never says \`this\` or \`super\` cannot read them: its first call decides
// that from the text, without the analysis cache (src/cache/inputs/self-mode.ts); one that does
// say \`this\` still has its analysis restored from the cache (and \`this\` keyed).
test('a disk hit of a function that never says this reads no analysis; one that does restores it', (t) => {
  const counter = JSON.stringify(path.join(repo, 'dist', 'fingerprint', 'source', 'analysis-cache.js'));
  const script = `const { cache } = require(${api});
const { analysisCacheHits } = require(${counter});
// One counter per function: a module-level \`let\` a function reads is part of its fingerprint.
let plainRuns = 0;
let thisRuns = 0;
const plain = cache(function plain(n) { plainRuns++; return n * 3; }, { name: 'plain' });
const withThis = cache(function withThis(n) { thisRuns++; return n * (this && this.k || 1); }, { name: 'withThis' });
const a = plain(4);
const afterPlain = analysisCacheHits();
const b = withThis.call({ k: 2 }, 4);
const c = withThis.call({ k: 5 }, 4);
console.log('OUT ' + JSON.stringify({ a, b, c, runs: plainRuns + thisRuns, afterPlain, afterThis: analysisCacheHits() }));
`;
  const dir = project({ 'main.js': script });
  settle(dir);
  const env = { SMARTCACHE_DIR: tempDir() };
  const first = node(['main.js'], { cwd: dir, env });
  t.is(first.status, 0, first.stderr);
  t.deepEqual({ ...first.out, afterPlain: 0, afterThis: 0 }, { a: 12, b: 8, c: 20, runs: 3, afterPlain: 0, afterThis: 0 });
  const hit = node(['main.js'], { cwd: dir, env });
  t.is(hit.status, 0, hit.stderr);
  t.is(hit.out.runs, 0, 'all three calls served from disk, `this` keyed apart');
  t.deepEqual([hit.out.a, hit.out.b, hit.out.c], [12, 8, 20]);
  t.is(hit.out.afterPlain, 0, 'no analysis restored for a function that never says this');
  t.true(hit.out.afterThis >= 1, 'the function that says this had its analysis restored');
});

test('the memory layer keeps a key from its second disk read (a key read once costs no copy)', (t) => {
  // The entry file is removed after the second call: only the memory layer can serve the third.
  const script = `const fs = require('node:fs');
const path = require('node:path');
const { cache } = require(${api});
let runs = 0;
const f = cache(function f(n) { runs++; return { n, list: [n, n + 1] }; }, { name: 'f' });
const a = f(1);
a.list.push('mutated');
const b = f(1);
b.list.push('mutated');
if (process.argv[2] === 'remove') {
  const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]);
  for (const file of walk(path.join(process.env.SMARTCACHE_DIR, 'smartcache-v2', 'entries'))) fs.unlinkSync(file);
}
const c = f(1);
console.log('OUT ' + JSON.stringify({ runs, a, b, c }));
`;
  const dir = project({ 'main.js': script });
  const env = { SMARTCACHE_DIR: tempDir(), SMARTCACHE_LOG: '1' };
  const first = node(['main.js'], { cwd: dir, env });
  t.is(first.status, 0, first.stderr);
  t.is(first.out.runs, 1);
  const second = node(['main.js', 'remove'], { cwd: dir, env });
  t.is(second.status, 0, second.stderr);
  t.is(second.out.runs, 0, `every call was served without computing: ${second.stderr}`);
  t.deepEqual(second.out.c, { n: 1, list: [1, 2] }, 'the kept copy is independent of the values handed out');
  t.deepEqual(smartcacheLines(second.stderr).map((l) => l.split(' ')[1]), ['hit', 'hit', 'hit']);
});

test('a hit marks an entry used only when its last mark is older than the LRU grain', (t) => {
  const dir = project({ 'main.js': programmatic });
  const root = tempDir();
  const env = { SMARTCACHE_DIR: root };
  t.is(node(['main.js'], { cwd: dir, env }).status, 0);
  const entry = listFiles(root).map((f) => path.join(root, f)).find((f) => /entries/.test(f) && /[0-9a-f]{64}$/.test(f));
  t.truthy(entry, listFiles(root).join('\n'));
  // Freshly written: a hit does not touch it (no utimes at exit).
  const recent = new Date(Date.now() - 60_000);
  fs.utimesSync(entry, recent, recent);
  t.is(node(['main.js'], { cwd: dir, env }).status, 0);
  t.is(Math.round(fs.statSync(entry).mtimeMs), recent.getTime(), 'not touched');
  // Last marked two days ago: the hit marks it used.
  const old = new Date(Date.now() - 2 * 86_400_000);
  fs.utimesSync(entry, old, old);
  t.is(node(['main.js'], { cwd: dir, env }).status, 0);
  t.true(fs.statSync(entry).mtimeMs > recent.getTime(), 'an entry unused for days is marked used by a hit');
});

test('--import on a CommonJS entry starts no module-hooks thread; an ES module entry gets the hooks', async (t) => {
  const hooks = `process.on('exit', () => {
  const list = process.moduleLoadList.join(' ');
  process.stdout.write('OUT ' + JSON.stringify({ hooksThread: /esm\\/hooks/.test(list) && /internal\\/worker/.test(list) }) + '\\n');
});
`;
  const dir = project({ 'main.js': hooks, 'main.mjs': `import './main.js';\n` });
  const mjs = path.join(repo, 'dist', 'preload', 'register.mjs');
  const cjs = node(['--import', mjs, 'main.js'], { cwd: dir, env: { SMARTCACHE_DIR: tempDir() } });
  t.is(cjs.status, 0, cjs.stderr);
  t.false(cjs.out.hooksThread, 'a CommonJS entry: no hooks thread');
  // Where Node has in-thread hooks (22.15+) no thread is ever started; on Node 20 an ESM entry needs one.
  const esm = node(['--import', mjs, 'main.mjs'], { cwd: dir, env: { SMARTCACHE_DIR: tempDir() } });
  t.is(esm.status, 0, esm.stderr);
  const inThread = esm.stdout.includes('"hooksThread":false') && typeof (await import('node:module')).registerHooks === 'function';
  t.true(esm.out.hooksThread || inThread, esm.stdout);
});
