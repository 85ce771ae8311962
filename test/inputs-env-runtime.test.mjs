// Environment variables read while a call runs, by any code (a package, a computed name,
// `require('node:process')`), are recorded with the entry and checked before a hit
// (src/tracking/env-watch.ts). Variables the code names stay part of the fingerprint (inputs-env).
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { node, project, smartcacheLines, tempDir, listFiles } from './fixtures/cache/helpers.mjs';

function runner(t, files) {
  const dir = project(files);
  const root = tempDir();
  return {
    dir,
    root,
    run(env = {}, args = ['app.js']) {
      const r = node(args, { cwd: dir, env: { SMARTCACHE_DIR: root, SMARTCACHE_LOG: '1', ...env } });
      t.is(r.status, 0, r.stderr);
      return { ...r.out, lines: smartcacheLines(r.stderr) };
    },
  };
}

const pkg = {
  'node_modules/cfgpkg/package.json': '{"name":"cfgpkg","version":"1.0.0","main":"index.js"}\n',
  'node_modules/cfgpkg/index.js': "exports.apiUrl = function apiUrl() { return process.env.API_URL || 'http://default'; };\n",
};

test('a variable read inside a package: a changed value misses naming it, the same value hits, an unrelated one hits', (t) => {
  const { run } = runner(t, {
    ...pkg,
    'app.js': (mod) => `const { cache } = require(${mod});
const { apiUrl } = require('cfgpkg');
let runs = 0;
const endpoint = cache(function endpoint(p) { runs++; return apiUrl() + p; }, { name: 'endpoint' });
console.log('OUT ' + JSON.stringify({ value: endpoint('/users'), runs }));
`,
  });
  t.like(run(), { value: 'http://default/users', runs: 1 });
  t.like(run({ UNRELATED: '1' }), { value: 'http://default/users', runs: 0 });
  const prod = run({ API_URL: 'http://prod' });
  t.like(prod, { value: 'http://prod/users', runs: 1 });
  t.regex(prod.lines[0], /^\[smartcache\] miss endpoint .*environment variable API_URL changed/);
  t.like(run({ API_URL: 'http://prod' }), { value: 'http://prod/users', runs: 0 });
  t.like(run({ API_URL: '' }), { value: 'http://default/users', runs: 1 }, 'set to empty is not unset');
});

test('a computed name and require(\'node:process\').env: the variables a call read are inputs', (t) => {
  const { run } = runner(t, {
    'app.js': (mod) => `const { cache } = require(${mod});
let runs = 0;
const f = cache(function f(name) { runs++; return (process.env[name] ?? 'none') + '/' + (require('node:process').env.B_VAR ?? 'none'); }, { name: 'f' });
console.log('OUT ' + JSON.stringify({ value: f('A_VAR'), runs }));
`,
  });
  t.like(run({ A_VAR: 'a' }), { value: 'a/none', runs: 1 });
  t.like(run({ A_VAR: 'a', C_VAR: 'c' }), { value: 'a/none', runs: 0 });
  t.like(run({ A_VAR: 'x' }), { value: 'x/none', runs: 1 });
  t.like(run({ A_VAR: 'x', B_VAR: 'b' }), { value: 'x/b', runs: 1 });
});

test('a long-running process: a variable the program changes between two calls misses from memory too', (t) => {
  const { run } = runner(t, {
    ...pkg,
    'app.js': (mod) => `const { cache } = require(${mod});
const { apiUrl } = require('cfgpkg');
let runs = 0;
const endpoint = cache(function endpoint(p) { runs++; return apiUrl() + p; }, { name: 'endpoint' });
const values = [endpoint('/a')];
process.env.API_URL = 'http://other';
values.push(endpoint('/a'));
delete process.env.API_URL;
values.push(endpoint('/a'), endpoint('/a'));
console.log('OUT ' + JSON.stringify({ values, runs }));
`,
  });
  t.like(run(), { values: ['http://default/a', 'http://other/a', 'http://default/a', 'http://default/a'], runs: 3 });
});

test('Node\'s own reads are not the call\'s: a child process given the whole environment still hits when an unrelated variable changes', (t) => {
  const { run } = runner(t, {
    'app.js': (mod) => `const { cache } = require(${mod});
const cp = require('node:child_process');
let runs = 0;
const f = cache(function f() { runs++; return cp.execFileSync(process.execPath, ['-e', 'process.stdout.write("ok")']).toString(); }, { name: 'f' });
console.log('OUT ' + JSON.stringify({ value: f(), runs }));
`,
  });
  t.like(run(), { value: 'ok', runs: 1 });
  t.like(run({ SOME_SHELL_VAR: String(Date.now()) }), { value: 'ok', runs: 0 });
});

test('a call that copies the whole environment depends on every variable in it (documented)', (t) => {
  const { run } = runner(t, {
    'app.js': (mod) => `const { cache } = require(${mod});
let runs = 0;
const f = cache(function f() { runs++; const env = { ...process.env }; return Object.keys(env).filter((k) => k.startsWith('MY_')).sort().join(','); }, { name: 'f' });
console.log('OUT ' + JSON.stringify({ value: f(), runs }));
`,
  });
  t.like(run({ MY_A: '1' }), { value: 'MY_A', runs: 1 });
  t.like(run({ MY_A: '1' }), { value: 'MY_A', runs: 0 });
  t.like(run({ MY_A: '2' }), { value: 'MY_A', runs: 1 });
});

test('a variable the call sets before reading it is its own output, not an input', (t) => {
  const { run } = runner(t, {
    'app.js': (mod) => `const { cache } = require(${mod});
const { apiUrl } = require('cfgpkg');
let runs = 0;
const f = cache(function f() { runs++; process.env.API_URL = 'http://set-by-call'; return apiUrl(); }, { name: 'f' });
console.log('OUT ' + JSON.stringify({ value: f(), runs }));
`,
    ...pkg,
  });
  t.like(run(), { value: 'http://set-by-call', runs: 1 });
  t.like(run({ API_URL: 'http://outside' }), { value: 'http://set-by-call', runs: 0 });
});

test('reads in async continuations and in a nested cached call count for the calls open', (t) => {
  const { run } = runner(t, {
    ...pkg,
    'app.js': (mod) => `const { cache } = require(${mod});
const { apiUrl } = require('cfgpkg');
let runs = 0;
const inner = cache(async function inner() { runs++; await new Promise((r) => setTimeout(r, 1)); return apiUrl(); }, { name: 'inner' });
const outer = cache(async function outer() { runs++; await null; return 'outer:' + (await inner()); }, { name: 'outer' });
outer().then((value) => console.log('OUT ' + JSON.stringify({ value, runs })));
`,
  });
  t.like(run(), { value: 'outer:http://default', runs: 2 });
  t.like(run(), { value: 'outer:http://default', runs: 0 });
  t.like(run({ API_URL: 'http://prod' }), { value: 'outer:http://prod', runs: 2 });
});

test('process.env still behaves as Node\'s: identity, listing, coercion, delete, `in`, a child sees assignments, a program that replaces it is still tracked', (t) => {
  const { run } = runner(t, {
    ...pkg,
    'app.js': (mod) => `const { cache } = require(${mod});
const cp = require('node:child_process');
const { apiUrl } = require('cfgpkg');
const f = cache(function f() { return apiUrl(); }, { name: 'f' });
f();
const checks = {};
checks.same = process.env === process.env;
process.env.NUM = 42;
checks.coerced = process.env.NUM === '42' && typeof process.env.NUM === 'string';
checks.listed = Object.keys(process.env).includes('NUM') && JSON.parse(JSON.stringify(process.env)).NUM === '42';
checks.child = cp.execFileSync(process.execPath, ['-e', 'process.stdout.write(process.env.NUM)']).toString() === '42';
delete process.env.NUM;
checks.deleted = !('NUM' in process.env) && process.env.NUM === undefined;
process.env = { ...process.env, API_URL: 'http://replaced' };
checks.replaced = process.env.API_URL === 'http://replaced';
let runs = 0;
const g = cache(function g() { runs++; return apiUrl(); }, { name: 'g' });
const values = [g()];
process.env.API_URL = 'http://again';
values.push(g());
console.log('OUT ' + JSON.stringify({ checks, values, runs }));
`,
  });
  const r = run();
  t.deepEqual(r.checks, { same: true, coerced: true, listed: true, child: true, deleted: true, replaced: true });
  t.deepEqual(r.values, ['http://replaced', 'http://again']);
  t.is(r.runs, 2);
});

test('the value is never stored: only a hash; explain lists the variable', (t) => {
  const { dir, root, run } = runner(t, {
    ...pkg,
    'app.js': (mod) => `const { cache } = require(${mod});
const { apiUrl } = require('cfgpkg');
const endpoint = cache(function endpoint() { return apiUrl().length; }, { name: 'endpoint' });
endpoint();
console.log('OUT ' + JSON.stringify({ names: endpoint.explain().root.children.map((c) => c.name) }));
`,
  });
  const secret = 'https://user:hunter2-very-secret@example.invalid';
  const r = run({ API_URL: secret });
  t.true(r.names.includes('(env read) API_URL'), JSON.stringify(r.names));
  for (const f of listFiles(root)) t.false(fs.readFileSync(path.join(root, f)).includes('hunter2-very-secret'), f);
  void dir;
});

test('track: false: variables read by a package are not inputs', (t) => {
  const { run } = runner(t, {
    ...pkg,
    'app.js': (mod) => `const { cache } = require(${mod});
const { apiUrl } = require('cfgpkg');
let runs = 0;
const endpoint = cache(function endpoint() { runs++; return apiUrl(); }, { name: 'endpoint', track: false });
console.log('OUT ' + JSON.stringify({ value: endpoint(), runs }));
`,
  });
  t.like(run(), { value: 'http://default', runs: 1 });
  t.like(run({ API_URL: 'http://prod' }), { value: 'http://default', runs: 0 });
});

test('a call that lists the environment: a variable added or removed recomputes, not only a changed value', (t) => {
  const { run } = runner(t, {
    'app.js': (mod) => `const { cache } = require(${mod});
let runs = 0;
const f = cache(function f() { runs++; return Object.keys(process.env).filter((k) => k.startsWith('MYAPP_')).sort().join(','); }, { name: 'f' });
console.log('OUT ' + JSON.stringify({ value: f(), runs }));
`,
  });
  t.like(run({ MYAPP_A: '1' }), { value: 'MYAPP_A', runs: 1 });
  t.like(run({ MYAPP_A: '1' }), { value: 'MYAPP_A', runs: 0 });
  t.like(run({ MYAPP_A: '1', MYAPP_B: '2' }), { value: 'MYAPP_A,MYAPP_B', runs: 1 });
  t.like(run({ MYAPP_B: '2' }), { value: 'MYAPP_B', runs: 1 });
});

// Red team round 12 (this session's own change): the first version made `process.env` an
// accessor (sinon.replace threw, a stub put in place by defineProperty escaped tracking), recorded
// the value of the current object for a read made through a kept alias, skipped every read made
// inside Node's code (os.tmpdir() reads TMPDIR), and broke structuredClone(process.env).
test('process.env stays a data property a test double can replace; a stub put there is tracked', (t) => {
  const { run } = runner(t, {
    'app.js': (mod) => `const { cache } = require(${mod});
const d = Object.getOwnPropertyDescriptor(process, 'env');
const isData = 'value' in d && d.writable === true && d.get === undefined;
let runs = 0;
const f = cache(function readMode(k) { runs++; return 'mode=' + process.env['MO' + k]; }, { name: 'f' });
const saved = process.env;
Object.defineProperty(process, 'env', { value: { MODE: process.argv[2] }, writable: true, configurable: true, enumerable: true });
const value = f('DE');
Object.defineProperty(process, 'env', { value: saved, writable: true, configurable: true, enumerable: true });
console.log('OUT ' + JSON.stringify({ isData, value, runs }));
`,
  });
  t.like(run({}, ['app.js', 'a']), { isData: true, value: 'mode=a', runs: 1 });
  t.like(run({}, ['app.js', 'a']), { value: 'mode=a', runs: 0 });
  t.like(run({}, ['app.js', 'b']), { value: 'mode=b', runs: 1 });
});

test('a package that kept `const env = process.env` before the program replaced process.env: its reads are checked where they were made', (t) => {
  // cache() alone: the Proxy is in place once smartcache is loaded, before the package is.
  const { run } = runner(t, {
    'node_modules/cfg/package.json': '{"name":"cfg","version":"1.0.0","main":"index.js"}\n',
    'node_modules/cfg/index.js': 'const env = process.env; exports.get = (k) => env[k];\n',
    'app.js': (mod) => `const { cache } = require(${mod});
const cfg = require('cfg');
process.env = { SMARTCACHE_DIR: process.env.SMARTCACHE_DIR, SMARTCACHE_LOG: process.env.SMARTCACHE_LOG, REGION: 'test-default' };
let runs = 0;
const f = cache(function region(k) { runs++; return 'region=' + cfg.get('REGION'); }, { name: 'region' });
console.log('OUT ' + JSON.stringify({ value: f(1), runs }));
`,
  });
  t.like(run({ REGION: 'eu' }), { value: 'region=eu', runs: 1 });
  t.like(run({ REGION: 'eu' }), { value: 'region=eu', runs: 0 });
  t.like(run({ REGION: 'us' }), { value: 'region=us', runs: 1 });
});

test('a variable one of Node\'s functions reads for the call (os.tmpdir() reads TMPDIR) is an input', (t) => {
  const { dir, run } = runner(t, {
    'app.js': (mod) => `const { cache } = require(${mod});
const os = require('node:os'); const path = require('node:path');
let runs = 0;
const scratch = cache(function scratchPath(name) { runs++; return path.join(os.tmpdir(), name); }, { name: 'scratch' });
console.log('OUT ' + JSON.stringify({ value: scratch('job.lock'), runs }));
`,
  });
  const a = path.join(dir, 'aaa');
  const b = path.join(dir, 'bbb');
  t.like(run({ TMPDIR: a }), { value: path.join(a, 'job.lock'), runs: 1 });
  t.like(run({ TMPDIR: a }), { runs: 0 });
  t.like(run({ TMPDIR: b }), { value: path.join(b, 'job.lock'), runs: 1 });
});

test('structuredClone(process.env) still works under the preload', (t) => {
  const dir = project({ 'app.js': "const c = structuredClone(process.env); console.log('OUT ' + JSON.stringify({ same: c.HOME === process.env.HOME, plain: Object.getPrototypeOf(c) === Object.prototype }));\n" });
  const r = node(['--require', path.resolve('dist/preload/register.js'), 'app.js'], { cwd: dir, env: { SMARTCACHE_DIR: tempDir(), HOME: '/home/x' } });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.out, { same: true, plain: true });
});
