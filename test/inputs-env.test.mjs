// Environment variables read by name are part of the fingerprint; a computed name is dynamic.
import test from 'ava';
import { node, project, smartcacheLines, tempDir } from './fixtures/cache/helpers.mjs';

const app = (mod) => `const { cache } = require(${mod});
let runs = 0;
function mode() { return process.env.APP_MODE ?? 'dev'; }
const f = cache(function f(x) { runs++; return mode() + ':' + x; }, { name: 'f' });
const value = f(1);
console.log('OUT ' + JSON.stringify({ value, runs, fp: f.fingerprint() }));
`;

test('a variable read by name: a changed value misses, an unrelated one hits, switching back hits', (t) => {
  const dir = project({ 'app.js': app });
  const root = tempDir();
  const run = (env) => {
    const r = node(['app.js'], { cwd: dir, env: { SMARTCACHE_DIR: root, SMARTCACHE_LOG: '1', ...env } });
    t.is(r.status, 0, r.stderr);
    return { ...r.out, lines: smartcacheLines(r.stderr) };
  };
  const dev = run({});
  t.like(dev, { value: 'dev:1', runs: 1 });
  t.like(run({ UNRELATED_VAR: 'x' }), { value: 'dev:1', runs: 0 });
  const prod = run({ APP_MODE: 'prod' });
  t.like(prod, { value: 'prod:1', runs: 1 });
  t.not(prod.fp, dev.fp, '.fingerprint() includes the value');
  t.regex(prod.lines[0], /^\[smartcache\] miss f .*APP_MODE/, 'the reason names the variable');
  t.like(run({ APP_MODE: 'prod', OTHER: 'y' }), { value: 'prod:1', runs: 0 });
  t.like(run({}), { value: 'dev:1', runs: 0 }, 'the entry made without it is still there');
});

test('track: false: environment variables are not inputs', (t) => {
  const dir = project({ 'app.js': (mod) => app(mod).replace("{ name: 'f' }", "{ name: 'f', track: false }") });
  const root = tempDir();
  t.like(node(['app.js'], { cwd: dir, env: { SMARTCACHE_DIR: root } }).out, { value: 'dev:1', runs: 1 });
  t.like(node(['app.js'], { cwd: dir, env: { SMARTCACHE_DIR: root, APP_MODE: 'prod' } }).out, { value: 'dev:1', runs: 0 });
});

test('a computed name: one warning, listed by explain as dynamic, not an input', (t) => {
  const dir = project({
    'app.js': (mod) => `const { cache } = require(${mod});
const warnings = [];
process.on('warning', (w) => warnings.push([w.name, w.code, w.message]));
const f = cache(function f(name) { return process.env[name] ?? 'none'; }, { name: 'f' });
const values = [f('A_VAR'), f('B_VAR'), f('A_VAR')];
const explained = f.explain();
setImmediate(() => console.log('OUT ' + JSON.stringify({ values, warnings, dynamic: explained.dynamic })));
`,
  });
  const r = node(['app.js'], { cwd: dir, env: { SMARTCACHE_DIR: tempDir(), A_VAR: 'a' } });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.out.values, ['a', 'none', 'a']);
  t.is(r.out.warnings.length, 1, JSON.stringify(r.out.warnings));
  const [name, code, message] = r.out.warnings[0];
  t.is(name, 'SmartCacheWarning');
  t.is(code, 'SMARTCACHE_DYNAMIC_ENV');
  t.regex(message, /^f reads process\.env by computed name/);
  t.true(r.out.dynamic.some((d) => /process\.env/.test(d) && /computed name/.test(d)), JSON.stringify(r.out.dynamic));
});

test('explain lists the variables read and the files of the latest entry', (t) => {
  const dir = project({
    'data.txt': 'd',
    'app.js': (mod) => `const { cache } = require(${mod});
const fs = require('node:fs');
const f = cache(function f() { return fs.readFileSync('data.txt', 'utf8') + (process.env.APP_MODE ?? ''); }, { name: 'f' });
f();
const names = f.explain().root.children.map((c) => c.name);
console.log('OUT ' + JSON.stringify(names));
`,
  });
  const r = node(['app.js'], { cwd: dir, env: { SMARTCACHE_DIR: tempDir() } });
  t.true(r.out.includes('(env) APP_MODE'), r.stdout);
  t.true(r.out.includes('(file) data.txt'), r.stdout);
});

test('smartcache explain lists the files the latest stored entry read and the variables read', async (t) => {
  const { cli } = await import('./fixtures/cli/helpers.mjs');
  const dir = project({
    'data.txt': 'd',
    'app.js': `const fs = require('node:fs');
/** @cache */
function load(p) { return fs.readFileSync(p, 'utf8') + (process.env.APP_MODE ?? '') + fs.existsSync('flag'); }
if (process.env.RUN === '1') console.log(load('data.txt'));
`,
  });
  const root = tempDir();
  const preload = new URL('../dist/preload/register.js', import.meta.url).pathname;
  const ran = node(['--require', preload, 'app.js'], { cwd: dir, env: { SMARTCACHE_DIR: root, RUN: '1' } });
  t.is(ran.status, 0, ran.stderr);
  const r = await cli(['explain', 'app.js', '--dir', root], { cwd: dir });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /\(env\) APP_MODE/);
  t.regex(r.stdout, /inputs read by the latest entry:\n\s+file data\.txt\n\s+exists flag \(false\)/);
});

// `const { API_URL } = process.env` is a read by name (the common config idiom): it must be an
// input like `process.env.API_URL`, never a silent dynamic read whose changes hit stale entries.
test('destructured process.env (renamed, defaulted, in a helper, from node:process): changed values miss', (t) => {
  const dir = project({
    'helper.js': () => `exports.base = function base() { const { API_BASE: b = 'none' } = process.env; return b; };\n`,
    'app.js': (mod) => `const { cache } = require(${mod});
const { base } = require('./helper');
let runs = 0;
const f = cache(function f(x) { runs++; const { API_URL, API_MODE = 'dev' } = process.env; return [x, API_URL, API_MODE, base()].join(':'); }, { name: 'f' });
const warnings = [];
process.on('warning', (w) => warnings.push(w.code));
const value = f(1);
setImmediate(() => console.log('OUT ' + JSON.stringify({ value, runs, warnings })));
`,
  });
  const root = tempDir();
  const run = (env) => {
    const r = node(['app.js'], { cwd: dir, env: { SMARTCACHE_DIR: root, ...env } });
    t.is(r.status, 0, r.stderr);
    return r.out;
  };
  t.like(run({ API_URL: 'a' }), { value: '1:a:dev:none', runs: 1, warnings: [] });
  t.like(run({ API_URL: 'a', UNRELATED_VAR: 'x' }), { value: '1:a:dev:none', runs: 0 });
  t.like(run({ API_URL: 'b' }), { value: '1:b:dev:none', runs: 1 });
  t.like(run({ API_URL: 'b', API_MODE: 'prod' }), { value: '1:b:prod:none', runs: 1 });
  t.like(run({ API_URL: 'b', API_MODE: 'prod', API_BASE: 'x' }), { value: '1:b:prod:x', runs: 1 });
  t.like(run({ API_URL: 'a' }), { value: '1:a:dev:none', runs: 0 });
});

test('destructured process.env in an ES module (process imported from node:process)', (t) => {
  const dir = project({
    'app.mjs': (mod) => `import { createRequire } from 'node:module';
const { cache } = createRequire(import.meta.url)(${mod});
import process from 'node:process';
let runs = 0;
const f = cache(function f(x) { runs++; const { API_URL } = process.env; return x + ':' + API_URL; }, { name: 'f' });
console.log('OUT ' + JSON.stringify({ value: f(1), runs }));
`,
  });
  const root = tempDir();
  const run = (env) => node(['app.mjs'], { cwd: dir, env: { SMARTCACHE_DIR: root, ...env } }).out;
  t.like(run({ API_URL: 'a' }), { value: '1:a', runs: 1 });
  t.like(run({ API_URL: 'b' }), { value: '1:b', runs: 1 });
  t.like(run({ API_URL: 'a' }), { value: '1:a', runs: 0 });
});

test('variables read by name stay inputs when the same code also reads process.env by computed name or uses process whole', (t) => {
  const dir = project({
    'app.js': (mod) => `const { cache } = require(${mod});
const seen = (p) => typeof p;
const f = cache(function f(name) { return [process.env.APP_MODE, process.env[name]]; }, { name: 'f' });
const g = cache(function g() { return [seen(process), process.env.APP_MODE]; }, { name: 'g' });
const h = cache(function h(name) { return [globalThis.process.env.APP_MODE, globalThis.process.env[name]]; }, { name: 'h' });
console.log('OUT ' + JSON.stringify([f('OTHER'), g(), h('OTHER')]));
`,
  });
  const root = tempDir();
  const run = (mode) => {
    const r = node(['--no-warnings', 'app.js'], { cwd: dir, env: { SMARTCACHE_DIR: root, APP_MODE: mode, OTHER: 'o' } });
    t.is(r.status, 0, r.stderr);
    return r.out;
  };
  t.deepEqual(run('dev'), [['dev', 'o'], ['object', 'dev'], ['dev', 'o']]);
  t.deepEqual(run('prod'), [['prod', 'o'], ['object', 'prod'], ['prod', 'o']], 'APP_MODE changed: every function recomputes');
});

test('process imported from node:process and passed along whole: the variables and argv it reads by name stay inputs', (t) => {
  const dir = project({
    'app.mjs': (mod) => `import { cache } from ${mod};
import process from 'node:process';
const seen = (p) => typeof p;
const f = cache(function f() { return [seen(process), process.env.APP_MODE, process.argv[2]]; }, { name: 'f' });
console.log('OUT ' + JSON.stringify(f()));
`,
  });
  const root = tempDir();
  const run = (mode, arg) => {
    const r = node(['--no-warnings', 'app.mjs', arg], { cwd: dir, env: { SMARTCACHE_DIR: root, APP_MODE: mode } });
    t.is(r.status, 0, r.stderr);
    return r.out;
  };
  t.deepEqual(run('dev', 'a'), ['object', 'dev', 'a']);
  t.deepEqual(run('prod', 'a'), ['object', 'prod', 'a']);
  t.deepEqual(run('prod', 'b'), ['object', 'prod', 'b']);
});

test('variables read by a function or an instance handed to the call (argument or this) are inputs too, unless track is false', (t) => {
  const dir = project({
    'app.js': (mod) => `const { cache } = require(${mod});
class Config { constructor(n) { this.n = n; } mode() { return process.env.APP_MODE + ':' + this.n; } }
const modeOf = () => process.env.APP_MODE;
const viaInstance = cache(function viaInstance(c) { return c.mode(); }, { name: 'viaInstance' });
const viaFunction = cache(function viaFunction(fn) { return fn(); }, { name: 'viaFunction' });
const viaThis = cache(function viaThis() { return this.mode(); }, { name: 'viaThis' });
const untracked = cache(function untracked(fn) { return fn(); }, { name: 'untracked', track: false });
const holder = new Config(2);
holder.m = viaThis;
console.log('OUT ' + JSON.stringify([viaInstance(new Config(1)), viaFunction(modeOf), holder.m(), untracked(modeOf)]));
`,
  });
  const root = tempDir();
  const run = (mode) => {
    const r = node(['app.js'], { cwd: dir, env: { SMARTCACHE_DIR: root, APP_MODE: mode } });
    t.is(r.status, 0, r.stderr);
    return r.out;
  };
  t.deepEqual(run('dev'), ['dev:1', 'dev', 'dev:2', 'dev']);
  t.deepEqual(run('prod'), ['prod:1', 'prod', 'prod:2', 'dev'], 'track: false keeps the entry made with dev');
  t.deepEqual(run('dev'), ['dev:1', 'dev', 'dev:2', 'dev'], 'switching back hits the entries made with dev');
});

test('a name written as a template without expressions (process.env[`APP_MODE`]) is read by name: no warning, a changed value misses', (t) => {
  const dir = project({ 'app.js': (mod) => app(mod).replace('process.env.APP_MODE', 'process.env[`APP_MODE`]') });
  const root = tempDir();
  const run = (env) => {
    const r = node(['app.js'], { cwd: dir, env: { SMARTCACHE_DIR: root, ...env } });
    t.is(r.status, 0, r.stderr);
    t.notRegex(r.stderr, /SMARTCACHE_DYNAMIC_ENV|dynamic/, 'not a computed read');
    return r.out;
  };
  t.like(run({}), { value: 'dev:1', runs: 1 });
  t.like(run({ APP_MODE: 'prod' }), { value: 'prod:1', runs: 1 });
  t.like(run({ APP_MODE: 'prod', UNRELATED_VAR: 'x' }), { value: 'prod:1', runs: 0 });
});
