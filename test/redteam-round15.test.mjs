// Red-team round 15: confirmed findings, each fixed. Child processes run the program as a user
// would, with SMARTCACHE_LOG=1; a stale hit shows as a value plain Node would not print.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { cleanEnv, REPO, tempDir } from './fixtures/cli/helpers.mjs';

const INDEX = JSON.stringify(path.join(REPO, 'dist', 'index.js'));

function project(t, files) {
  const dir = tempDir('smartcache-rt15-');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"rt15","private":true}\n');
  write(dir, files);
  return dir;
}

function write(dir, files) {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
}

function run(dir, args, env = {}) {
  const r = spawnSync(process.execPath, args, { cwd: dir, env: cleanEnv({ SMARTCACHE_DIR: path.join(dir, 'cache'), SMARTCACHE_LOG: '1', ...env }), encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}`);
  return { out: r.stdout.trim().split('\n'), log: r.stderr.split('\n').filter((l) => l.startsWith('[smartcache] ')) };
}

// Keys: an instance of the program's subclass of a built-in counted only the built-in's content.
test('a #private field of a subclass of Map, Error or Date is part of the key', (t) => {
  const app = (fallback) => `const { cache } = require(${INDEX});
class DefaultMap extends Map {
  #fallback;
  constructor(fallback, entries) { super(entries); this.#fallback = fallback; }
  get(k) { return this.has(k) ? super.get(k) : this.#fallback; }
}
const total = cache(function total(prices, items) { return items.reduce((s, i) => s + prices.get(i), 0); });
console.log(total(new DefaultMap(${fallback}, [['apple', 2]]), ['apple', 'pear']));
class HttpError extends Error { #status; constructor(s) { super('failed'); this.#status = s; } get status() { return this.#status; } }
const label = cache(function label(err) { return err.message + ' ' + err.status; });
console.log(label(new HttpError(404)), label(new HttpError(500)));
class Stamp extends Date { #zone; constructor(ms, zone) { super(ms); this.#zone = zone; } get zone() { return this.#zone; } }
const where = cache(function where(d) { return d.zone; });
console.log(where(new Stamp(0, 'UTC')), where(new Stamp(0, 'CET')));
`;
  const dir = project(t, { 'app.js': app(10) });
  t.deepEqual(run(dir, ['app.js']).out, ['12', 'failed 404 failed 500', 'UTC CET']);
  write(dir, { 'app.js': app(99) });
  t.deepEqual(run(dir, ['app.js']).out, ['101', 'failed 404 failed 500', 'UTC CET']);
  // Unchanged: every call hits.
  t.true(run(dir, ['app.js']).log.every((l) => l.startsWith('[smartcache] hit ')));
});

test("an Error argument's non-enumerable own properties are part of the key", (t) => {
  const dir = project(t, {
    'app.js': `const { cache } = require(${INDEX});
class HttpError extends Error {
  constructor(status) { super('request failed'); Object.defineProperty(this, 'status', { value: status, enumerable: false }); }
}
const describe = cache(function describe(err) { return err.message + ' (HTTP ' + err.status + ')'; });
const plain = (code) => Object.defineProperty(new Error('boom'), 'code', { value: code, enumerable: false });
const coded = cache(function coded(err) { return err.code; });
console.log(describe(new HttpError(404)), describe(new HttpError(500)), coded(plain('E1')), coded(plain('E2')));
`,
  });
  t.deepEqual(run(dir, ['app.js']).out, ['request failed (HTTP 404) request failed (HTTP 500) E1 E2']);
  const again = run(dir, ['app.js']);
  t.deepEqual(again.out, ['request failed (HTTP 404) request failed (HTTP 500) E1 E2']);
  t.true(again.log.every((l) => l.startsWith('[smartcache] hit ')), again.log.join('\n'));
});

// A "defaults" Proxy: its get trap answers for keys it never lists, so hashing what it lists
// missed the constant the trap falls back to.
test("a Proxy argument counts with its handler: an edit of what its get trap falls back to recomputes", (t) => {
  const app = (color) => `const { cache } = require(${INDEX});
const DEFAULTS = { color: '${color}' };
const withDefaults = (o) => new Proxy(o, { get: (t, k) => (k in t ? t[k] : DEFAULTS[k]) });
const render = cache(function render(opts) { return 'color=' + opts.color; });
const home = cache(function home(env) { return typeof env.PATH; });
console.log(render(withDefaults({})), render(withDefaults({ color: 'green' })), home(process.env));
`;
  const dir = project(t, { 'app.js': app('red') });
  t.deepEqual(run(dir, ['app.js']).out, ['color=red color=green string']);
  const again = run(dir, ['app.js']);
  t.true(again.log.every((l) => l.startsWith('[smartcache] hit ')), again.log.join('\n'));
  write(dir, { 'app.js': app('blue') });
  const edited = run(dir, ['app.js']);
  t.deepEqual(edited.out, ['color=blue color=green string']);
  t.true(edited.log.some((l) => l.startsWith('[smartcache] miss app.js#render ')), edited.log.join('\n'));
  // process.env handed whole is hashed as the environment (smartcache's own Proxy): still a hit.
  t.true(edited.log.some((l) => l.startsWith('[smartcache] hit app.js#home ')), edited.log.join('\n'));
});

// Packages: a package.json that names no version is a subpath's entry (`@apollo/client/core`),
// not the package; as `fmtlib/core@0.0.0` an upgrade of fmtlib was a stale hit.
test('an upgrade of a package whose code sits under an unversioned sub-package.json recomputes', (t) => {
  const lib = (version, prefix) => ({
    'node_modules/fmtlib/package.json': `{"name":"fmtlib","version":"${version}","main":"core/core.cjs"}\n`,
    'node_modules/fmtlib/core/package.json': '{"name":"fmtlib/core","main":"core.cjs"}\n',
    'node_modules/fmtlib/core/core.cjs': `exports.fmt = (x) => '${prefix}:' + x;\n`,
  });
  const dir = project(t, {
    ...lib('1.0.0', 'v1'),
    'app.js': "const { fmt } = require('fmtlib');\n/** @cache */\nfunction show(x) { return fmt(x); }\nconsole.log(show(1));\n",
  });
  const REG = path.join(REPO, 'dist', 'preload', 'register.js');
  t.deepEqual(run(dir, ['--require', REG, 'app.js']).out, ['v1:1']);
  write(dir, lib('2.0.0', 'v2'));
  const upgraded = run(dir, ['--require', REG, 'app.js']);
  t.deepEqual(upgraded.out, ['v2:1']);
  t.true(upgraded.log.some((l) => /miss app\.js#show .*fmtlib@1\.0\.0.*fmtlib@2\.0\.0/.test(l)), upgraded.log.join('\n'));
});

// pnpm installs a `file:../mylib` dependency as hard links to the user's own files under
// node_modules/.pnpm/mylib@file+..+mylib: it counted as mylib@1.0.0, and an edit was a stale hit.
test("pnpm's copy of a local folder dependency is the user's code: an edit recomputes", (t) => {
  const dir = project(t, {
    'mylib/package.json': '{"name":"mylib","version":"1.0.0","main":"index.js"}\n',
    'mylib/index.js': 'exports.rate = (x) => x * 2;\n',
    'app/package.json': '{"name":"app","private":true,"dependencies":{"mylib":"file:../mylib"}}\n',
    'app/app.js': "const { rate } = require('mylib');\n/** @cache */\nfunction price(x) { return rate(x); }\nconsole.log(price(10));\n",
  });
  const store = path.join(dir, 'app', 'node_modules', '.pnpm', 'mylib@file+..+mylib', 'node_modules', 'mylib');
  fs.mkdirSync(store, { recursive: true });
  for (const f of ['package.json', 'index.js']) fs.linkSync(path.join(dir, 'mylib', f), path.join(store, f));
  fs.symlinkSync(path.join('.pnpm', 'mylib@file+..+mylib', 'node_modules', 'mylib'), path.join(dir, 'app', 'node_modules', 'mylib'));
  const REG = path.join(REPO, 'dist', 'preload', 'register.js');
  const app = path.join(dir, 'app');
  t.deepEqual(run(app, ['--require', REG, 'app.js']).out, ['20']);
  // Edited in place, as an editor that keeps the inode does (the hard link sees it).
  fs.writeFileSync(path.join(dir, 'mylib', 'index.js'), 'exports.rate = (x) => x * 3;\n');
  const edited = run(app, ['--require', REG, 'app.js']);
  t.deepEqual(edited.out, ['30']);
  t.true(edited.log.some((l) => /miss app\.js#price .*helper `rate`/.test(l)), edited.log.join('\n'));
});

// A dual build writes dist/package.json = {"type":"commonjs"}: taken as the project, the files a
// call read were recorded by absolute path, and a copy of the project checked the original's.
test('a type-only package.json in a build folder is not the project: a copied project checks its own files', (t) => {
  const dir = project(t, {
    'dist/package.json': '{"type":"commonjs"}\n',
    'data/rates.json': '{"rate":2}\n',
    'dist/app.js': `const fs = require('node:fs');
const path = require('node:path');
const { cache } = require(${INDEX});
const rate = cache(function rate(x) { return x * JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'data', 'rates.json'), 'utf8')).rate; });
console.log(rate(10));
`,
  });
  const root = path.join(dir, 'shared-cache');
  const first = run(dir, ['dist/app.js'], { SMARTCACHE_DIR: root });
  t.deepEqual(first.out, ['20']);
  t.true(first.log.some((l) => l.startsWith('[smartcache] miss dist/app.js#rate ')), first.log.join('\n'));
  const copy = path.join(dir, 'copy');
  fs.mkdirSync(copy);
  for (const f of ['package.json', 'dist/package.json', 'dist/app.js', 'data/rates.json']) write(copy, { [f]: fs.readFileSync(path.join(dir, f), 'utf8') });
  write(copy, { 'data/rates.json': '{"rate":5}\n' });
  const copied = run(copy, ['dist/app.js'], { SMARTCACHE_DIR: root });
  t.deepEqual(copied.out, ['50']);
  t.true(copied.log.some((l) => /miss dist\/app\.js#rate .*file data\/rates\.json changed/.test(l)), copied.log.join('\n'));
});

test('a project whose only package.json sets type is still the project (default cache root beside it)', (t) => {
  const dir = project(t, { 'app.mjs': `import { cache } from ${JSON.stringify(new URL(`file://${path.join(REPO, 'dist', 'index.mjs')}`).href)};\nconst f = cache(function f(x) { return x + 1; });\nconsole.log(f(1));\n` });
  fs.writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}\n');
  const r = spawnSync(process.execPath, ['app.mjs'], { cwd: dir, env: cleanEnv({ SMARTCACHE_LOG: '1' }), encoding: 'utf8' });
  t.is(r.status, 0, r.stderr);
  t.regex(r.stderr, /miss app\.mjs#f /);
  t.true(fs.existsSync(path.join(dir, 'node_modules', '.cache', 'smartcache')));
});

// A server's other task moved the working directory while a cached async call awaited: its
// relative read resolved in the other folder, and the entry said "started in x, read y/conf.txt",
// served to every later run from x, whose own x/conf.txt was no input.
test("a call during which other code changed the working directory stores an entry that never hits", (t) => {
  const dir = project(t, {
    'x/conf.txt': 'X\n',
    'y/conf.txt': 'Y\n',
    'app.js': `const fs = require('node:fs');
const { cache } = require(${INDEX});
const loadConf = cache(async function loadConf(p) {
  await new Promise((resolve) => setImmediate(resolve));
  return fs.readFileSync(p, 'utf8').trim();
});
process.chdir(__dirname + '/x');
const pending = loadConf('conf.txt');
// The call is suspended at its await: other code moves the working directory now.
if (process.argv[2] === 'race') process.chdir(__dirname + '/y');
pending.then((v) => console.log(v));
`,
  });
  const raced = run(dir, ['app.js', 'race']);
  t.deepEqual(raced.out, ['Y']);
  const calm = run(dir, ['app.js']);
  t.deepEqual(calm.out, ['X']);
  t.true(calm.log.some((l) => /miss app\.js#loadConf .*working directory/.test(l)), calm.log.join('\n'));
  // Without the race the entry is checkable again: a hit, then an edit of x/conf.txt recomputes.
  t.true(run(dir, ['app.js']).log.some((l) => l.startsWith('[smartcache] hit app.js#loadConf ')));
  fs.writeFileSync(path.join(dir, 'x', 'conf.txt'), 'X2\n');
  t.deepEqual(run(dir, ['app.js']).out, ['X2']);
});

// One cache root for a monorepo, the same script in two workspace packages, each run from its
// package (`npm run build --workspaces`): `path.resolve(__dirname, '..')` counted as `<project>`
// in both, and beta was served alpha's result.
test('the same script in two workspace packages sharing a root: each gets its own result', (t) => {
  const script = `const path = require('node:path');
const { cache } = require(${INDEX});
const pkgDir = path.resolve(__dirname, '..');
const bundleName = cache(function bundleName(ext) { return path.basename(pkgDir) + ext; });
console.log(bundleName('.js'));
`;
  const dir = project(t, {
    'packages/alpha/package.json': '{"name":"alpha","version":"1.0.0"}\n',
    'packages/alpha/scripts/build.js': script,
    'packages/beta/package.json': '{"name":"beta","version":"1.0.0"}\n',
    'packages/beta/scripts/build.js': script,
  });
  const root = path.join(dir, 'shared');
  t.deepEqual(run(path.join(dir, 'packages', 'alpha'), ['scripts/build.js'], { SMARTCACHE_DIR: root }).out, ['alpha.js']);
  t.deepEqual(run(path.join(dir, 'packages', 'beta'), ['scripts/build.js'], { SMARTCACHE_DIR: root }).out, ['beta.js']);
  // Each hits its own entry on the next run.
  const again = run(path.join(dir, 'packages', 'alpha'), ['scripts/build.js'], { SMARTCACHE_DIR: root });
  t.deepEqual(again.out, ['alpha.js']);
  t.true(again.log.some((l) => l.startsWith('[smartcache] hit ')), again.log.join('\n'));
});

// Under --preserve-symlinks Node names a workspace package by its link under node_modules: its
// annotations were skipped as a package's, silently.
test('--preserve-symlinks: an annotated function of a linked workspace package is cached', (t) => {
  const dir = project(t, {
    'packages/utils/package.json': '{"name":"@acme/utils","version":"1.0.0","main":"index.js"}\n',
    'packages/utils/index.js': '/** @cache */\nfunction withTax(x) { return x * 1.2; }\nexports.withTax = withTax;\n',
    'app.js': "const { withTax } = require('@acme/utils');\nconsole.log(withTax(10));\n",
  });
  fs.mkdirSync(path.join(dir, 'node_modules', '@acme'), { recursive: true });
  fs.symlinkSync(path.join(dir, 'packages', 'utils'), path.join(dir, 'node_modules', '@acme', 'utils'));
  const REG = path.join(REPO, 'dist', 'preload', 'register.js');
  const first = run(dir, ['--preserve-symlinks', '--require', REG, 'app.js']);
  t.deepEqual(first.out, ['12']);
  t.true(first.log.some((l) => /miss \S*index\.js#withTax /.test(l)), first.log.join('\n'));
  const second = run(dir, ['--preserve-symlinks', '--require', REG, 'app.js']);
  t.true(second.log.some((l) => /hit \S*index\.js#withTax /.test(l)), second.log.join('\n'));
  // An edit of the linked package's code recomputes.
  fs.writeFileSync(path.join(dir, 'packages', 'utils', 'index.js'), '/** @cache */\nfunction withTax(x) { return x * 1.5; }\nexports.withTax = withTax;\n');
  t.deepEqual(run(dir, ['--preserve-symlinks', '--require', REG, 'app.js']).out, ['15']);
});

// Bundlers inline node_modules by default: smartcache's runtime and worker files, loaded by path,
// stay behind. It failed with `Cannot find module '<dist>/runtime.js'`; now one clear line.
test('smartcache bundled into the program fails at load with one clear error (ERR_NOT_INSTALLED)', async (t) => {
  const esbuild = (await import('esbuild')).default ?? (await import('esbuild'));
  const dir = project(t, {
    'src/app.js': "const { cache } = require('smartcache');\nconst slow = cache(function slow(n) { return n * 2; });\nconsole.log(slow(21));\n",
    'src/app.mjs': "import { cache } from 'smartcache';\nconst slow = cache(function slow(n) { return n * 2; });\nconsole.log(slow(21));\n",
  });
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(REPO, path.join(dir, 'node_modules', 'smartcache'));
  for (const [entry, format, out] of [['src/app.js', 'cjs', 'dist/app.js'], ['src/app.mjs', 'esm', 'dist/app.mjs']]) {
    esbuild.buildSync({ entryPoints: [path.join(dir, entry)], bundle: true, platform: 'node', format, outfile: path.join(dir, out), logLevel: 'silent' });
    const r = spawnSync(process.execPath, [out], { cwd: dir, env: cleanEnv({ SMARTCACHE_DIR: path.join(dir, 'cache') }), encoding: 'utf8' });
    t.not(r.status, 0, format);
    t.regex(r.stderr, /SmartCacheError.*smartcache cannot find its (runtime|CommonJS build).*bundled into your program.*Keep smartcache external/, format);
    t.regex(r.stderr, /code: 'ERR_NOT_INSTALLED'/, format);
  }
  // Kept external, the same bundle works.
  esbuild.buildSync({ entryPoints: [path.join(dir, 'src/app.js')], bundle: true, platform: 'node', packages: 'external', outfile: path.join(dir, 'dist/ext.js'), logLevel: 'silent' });
  t.deepEqual(run(dir, ['dist/ext.js']).out, ['42']);
});

// Two workspace packages each with an index.js caching `load`: both are `index.js#load` relative
// to their package, and `explain packages/b/index.js` listed a's function too.
test("explain <file> lists only that file's functions when another package's file has the same relative name", (t) => {
  const lib = (tag) => `const { cache } = require(${INDEX});\nexports.load = cache(function load(x) { return '${tag}:' + x; });\n`;
  const dir = project(t, {
    'packages/a/package.json': '{"name":"a","version":"1.0.0"}\n',
    'packages/a/index.js': lib('a'),
    'packages/b/package.json': '{"name":"b","version":"1.0.0"}\n',
    'packages/b/index.js': lib('b'),
    'app.js': "console.log(require('./packages/a/index.js').load(1), require('./packages/b/index.js').load(1));\n",
  });
  t.deepEqual(run(dir, ['app.js']).out, ['a:1 b:1']);
  const CLI = path.join(REPO, 'dist', 'cli', 'main.js');
  const r = spawnSync(process.execPath, [CLI, 'explain', 'packages/b/index.js', '--dir', path.join(dir, 'cache')], { cwd: dir, env: cleanEnv(), encoding: 'utf8' });
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /packages\/b\/index\.js:2/);
  t.notRegex(r.stdout, /packages\/a\/index\.js/);
});

// Second pass over this round's key changes.
test('an Array subclass counts its #private fields and non-enumerable own state', (t) => {
  const app = (shuffle) => `const { cache } = require(${INDEX});
class Playlist extends Array {
  #shuffle;
  constructor(shuffle, ...songs) { super(...songs); this.#shuffle = shuffle; }
  get shuffle() { return this.#shuffle; }
}
const describe = cache(function describe(list) { return list.length + ' songs, shuffle=' + list.shuffle; });
class Limited extends Array { constructor(limit, ...xs) { super(...xs); Object.defineProperty(this, 'limit', { value: limit }); } }
const cap = cache(function cap(list) { return list.limit; });
console.log(describe(new Playlist(${shuffle}, 'a', 'b')), cap(new Limited(1, 'x')), cap(new Limited(2, 'x')));
`;
  const dir = project(t, { 'app.js': app(false) });
  t.deepEqual(run(dir, ['app.js']).out, ['2 songs, shuffle=false 1 2']);
  write(dir, { 'app.js': app(true) });
  t.deepEqual(run(dir, ['app.js']).out, ['2 songs, shuffle=true 1 2']);
  t.true(run(dir, ['app.js']).log.every((l) => l.startsWith('[smartcache] hit ')));
});

test("a Proxy's handler holding a WeakMap, and an Error holding a live object, still key (by type there)", (t) => {
  const dir = project(t, {
    'app.js': `const { cache } = require(${INDEX});
const { EventEmitter } = require('node:events');
class DeepView { constructor() { this.children = new WeakMap(); } get(t, k) { return t[k]; } }
const view = (o) => new Proxy(o, new DeepView());
const dsn = cache(function dsn(cfg) { return 'pg://' + cfg.host; });
class HttpError extends Error {
  constructor(code, response) { super('Response code ' + code); this.code = 'E' + code; Object.defineProperty(this, 'response', { value: response }); }
}
const message = cache(function message(err) { return err.code + ': ' + err.message; });
console.log(dsn(view({ host: 'db' })), message(new HttpError(404, new EventEmitter())), message(new HttpError(500, new EventEmitter())));
`,
  });
  t.deepEqual(run(dir, ['app.js']).out, ['pg://db E404: Response code 404 E500: Response code 500']);
  const again = run(dir, ['app.js']);
  t.true(again.log.every((l) => l.startsWith('[smartcache] hit ')), again.log.join('\n'));
});

test("a Proxy of a class instance counts the target's #private state", (t) => {
  const app = (balance) => `const { cache } = require(${INDEX});
class Account { #balance; constructor(b) { this.#balance = b; } get balance() { return this.#balance; } }
const traced = (o) => new Proxy(o, { get(t, k) { const v = Reflect.get(t, k, t); return v; } });
const report = cache(function report(acct) { return 'balance ' + acct.balance; });
console.log(report(traced(new Account(${balance}))));
`;
  const dir = project(t, { 'app.js': app(100) });
  t.deepEqual(run(dir, ['app.js']).out, ['balance 100']);
  write(dir, { 'app.js': app(250) });
  t.deepEqual(run(dir, ['app.js']).out, ['balance 250']);
});

test("Node's own coded errors (ERR_OUT_OF_RANGE, ERR_INVALID_ARG_TYPE) are arguments like any Error", (t) => {
  const dir = project(t, {
    'app.js': `const { cache } = require(${INDEX});
const describe = cache(function describe(err) { return err.code + ' ' + err.name; });
const caught = (f) => { try { f(); } catch (e) { return e; } };
console.log(describe(caught(() => Buffer.alloc(-1))), describe(caught(() => Buffer.from(5))));
`,
  });
  t.deepEqual(run(dir, ['app.js']).out, ['ERR_OUT_OF_RANGE RangeError ERR_INVALID_ARG_TYPE TypeError']);
  t.true(run(dir, ['app.js']).log.every((l) => l.startsWith('[smartcache] hit ')));
});

// graceful-fs (under fs-extra) replaces process.cwd with a wrapper that memoizes the first answer
// of the function it found (smartcache's hook): no later read reached the hook, and a cached
// `path.resolve('build', name)` run from another folder was served the first folder's path.
test('process.cwd wrapped by a memoizing wrapper (graceful-fs) is still recorded', (t) => {
  const dir = project(t, {
    'app.js': `const path = require('node:path');
// What graceful-fs does at load.
const found = process.cwd; let memo = null;
process.cwd = function () { if (!memo) memo = found.call(process); return memo; };
process.cwd();
const chdir = process.chdir; process.chdir = function (d) { memo = null; chdir.call(process, d); };
/** @cache */
function outPath(name) { return path.resolve('build', name); }
console.log(outPath('x.txt'));
`,
    'sub/.keep': '',
  });
  const REG = path.join(REPO, 'dist', 'preload', 'register.js');
  const env = { SMARTCACHE_DIR: path.join(dir, 'cache') };
  t.deepEqual(run(dir, ['--require', REG, 'app.js'], env).out, [path.join(dir, 'build', 'x.txt')]);
  const sub = run(path.join(dir, 'sub'), ['--require', REG, path.join(dir, 'app.js')], env);
  t.deepEqual(sub.out, [path.join(dir, 'sub', 'build', 'x.txt')]);
  t.true(sub.log.some((l) => /miss app\.js#outPath .*working directory changed/.test(l)), sub.log.join('\n'));
});

// Round 16: a keep-alive agent's pooled socket (its ephemeral localPort) was fingerprinted, and
// reading Node's deprecated getters printed DEP0066 (fatal under --throw-deprecation on Node 20).
test('a cached call through a keep-alive agent hits on its second run, and the walk calls no deprecated getter', (t) => {
  const dir = project(t, {
    'app.js': `const http = require('node:http');
const { cache } = require(${INDEX});
const agent = new http.Agent({ keepAlive: true });
const server = http.createServer((req, res) => res.end(JSON.stringify({ EUR: 1, path: req.url })));
// The same address every run, as a real API's is (the test picked a free port).
const port = Number(process.env.API_PORT);
server.listen(port, '127.0.0.1', async () => {
  const get = (p) => new Promise((resolve, reject) => http.get({ host: '127.0.0.1', port, path: p, agent }, (res) => { let b = ''; res.on('data', (d) => (b += d)); res.on('end', () => resolve(b)); }).on('error', reject));
  await get('/login');
  const rates = cache(async function rates(p) { return JSON.parse(await get(p)); });
  const [a] = await Promise.all([rates('/rates'), get('/ping')]);
  console.log(a.EUR);
  agent.destroy();
  server.close();
});
`,
  });
  const free = spawnSync(process.execPath, ['-e', "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })"], { encoding: 'utf8' });
  const env = { API_PORT: free.stdout.trim() };
  const first = run(dir, ['--throw-deprecation', 'app.js'], env);
  t.deepEqual(first.out, ['1']);
  const second = run(dir, ['--throw-deprecation', 'app.js'], env);
  t.true(second.log.some((l) => l.startsWith('[smartcache] hit app.js#rates ')), second.log.join('\n'));
});

// An ES-module-only package (`exports` with only an `import` condition) imported in a cached call:
// `require` cannot resolve it, and every run missed; through a project module, an upgrade was stale.
test('an import-only package reached through import() counts as the package', (t) => {
  const pkg = (v) => ({
    'node_modules/esmpkg/package.json': `{"name":"esmpkg","version":"${v}.0.0","type":"module","exports":{".":{"import":"./index.js"}}}\n`,
    'node_modules/esmpkg/index.js': `export const v = ${v};\n`,
  });
  const dir = project(t, {
    ...pkg(1),
    'lib.mjs': "import { v } from 'esmpkg';\nexport const plus = (x) => x + v;\n",
    'app.mjs': `import { cache } from ${JSON.stringify(new URL(`file://${path.join(REPO, 'dist', 'index.mjs')}`).href)};
const direct = cache(async function direct(x) { const { v } = await import('esmpkg'); return x + v; });
const through = cache(async function through(x) { const { plus } = await import('./lib.mjs'); return plus(x); });
console.log(await direct(10), await through(10));
`,
  });
  t.deepEqual(run(dir, ['app.mjs']).out, ['11 11']);
  const again = run(dir, ['app.mjs']);
  t.true(again.log.every((l) => l.startsWith('[smartcache] hit ')), again.log.join('\n'));
  write(dir, pkg(2));
  t.deepEqual(run(dir, ['app.mjs']).out, ['12 12']);
});

// Without the preload the fs hooks went in at the first cache() call: a package required between
// require('smartcache') and that call (fast-glob) took the unhooked functions.
test("without the preload, a package required after smartcache but before the first cache() has its reads recorded", (t) => {
  const dir = project(t, {
    'node_modules/lister/package.json': '{"name":"lister","version":"1.0.0","main":"index.js"}\n',
    'node_modules/lister/index.js': "const { readdirSync } = require('node:fs');\nexports.list = (d) => readdirSync(d).sort().join(',');\n",
    'posts/a.md': 'A\n',
    'app.js': `const { cache } = require(${INDEX});
const { list } = require('lister');
const { readFileSync } = require('node:fs');
const listPosts = cache(function listPosts() { return list('posts'); });
const readPost = cache(function readPost(p) { return readFileSync(p, 'utf8').trim(); });
console.log(listPosts(), readPost('posts/a.md'));
`,
  });
  t.deepEqual(run(dir, ['app.js']).out, ['a.md A']);
  const again = run(dir, ['app.js']);
  t.true(again.log.every((l) => l.startsWith('[smartcache] hit ')), again.log.join('\n'));
  write(dir, { 'posts/b.md': 'B\n' });
  const added = run(dir, ['app.js']);
  t.deepEqual(added.out, ['a.md,b.md A']);
  t.true(added.log.some((l) => /miss app\.js#listPosts .*listing of posts changed/.test(l)), added.log.join('\n'));
});

// Node's ES module loader reads WATCH_REPORT_DEPENDENCIES for itself when a call imports a module.
test("Node's module loader's own environment reads are not a call's inputs", (t) => {
  const dir = project(t, {
    'plugin.mjs': 'export const price = (x) => x * 2;\n',
    'app.mjs': `import { cache } from ${JSON.stringify(new URL(`file://${path.join(REPO, 'dist', 'index.mjs')}`).href)};
const compute = cache(async function compute(x) { const p = await import('./plugin.mjs'); return p.price(x); });
console.log(await compute(2));
`,
  });
  t.deepEqual(run(dir, ['app.mjs']).out, ['4']);
  const watched = run(dir, ['app.mjs'], { WATCH_REPORT_DEPENDENCIES: '1' });
  t.true(watched.log.some((l) => l.startsWith('[smartcache] hit app.mjs#compute ')), watched.log.join('\n'));
});

// The optional local override: an unresolvable require made every call miss; its absence is what
// the code ran with, and creating the file must recompute.
test('an optional require of a file that is not there hits, and creating the file recomputes', (t) => {
  const dir = project(t, {
    'app.js': `/** @cache */
function settings() {
  let local = {};
  try { local = require('./config.local.json'); } catch {}
  return JSON.stringify({ rate: 2, ...local });
}
console.log(settings());
`,
  });
  const REG = path.join(REPO, 'dist', 'preload', 'register.js');
  t.deepEqual(run(dir, ['--require', REG, 'app.js']).out, ['{"rate":2}']);
  const again = run(dir, ['--require', REG, 'app.js']);
  t.true(again.log.some((l) => l.startsWith('[smartcache] hit app.js#settings ')), again.log.join('\n'));
  write(dir, { 'config.local.json': '{"rate":5}\n' });
  const created = run(dir, ['--require', REG, 'app.js']);
  t.deepEqual(created.out, ['{"rate":5}']);
  write(dir, { 'config.local.json': '{"rate":7}\n' });
  t.deepEqual(run(dir, ['--require', REG, 'app.js']).out, ['{"rate":7}']);
});

// require.resolve / import.meta.resolve of a literal decide what the code does (is the optional
// package installed? is there a local override?) and were no input: installing it was a stale hit.
test('require.resolve and import.meta.resolve of a literal count: installing the package recomputes', (t) => {
  const dir = project(t, {
    'app.js': `/** @cache */
function detect() {
  const found = [];
  try { require.resolve('fancy-formatter'); found.push('fancy'); } catch {}
  try { require.resolve('./theme.local'); found.push('theme'); } catch {}
  return found.join(',') || 'none';
}
console.log(detect());
`,
    'app.mjs': "/** @cache */\nfunction detectEsm() { try { import.meta.resolve('fancy-formatter'); return 'fancy'; } catch { return 'none'; } }\nconsole.log(detectEsm());\n",
  });
  const REG = path.join(REPO, 'dist', 'preload', 'register.js');
  t.deepEqual(run(dir, ['--require', REG, 'app.js']).out, ['none']);
  t.deepEqual(run(dir, ['--import', REG, 'app.mjs']).out, ['none']);
  t.true(run(dir, ['--require', REG, 'app.js']).log.some((l) => l.startsWith('[smartcache] hit app.js#detect ')));
  write(dir, {
    'node_modules/fancy-formatter/package.json': '{"name":"fancy-formatter","version":"1.0.0","main":"index.js","exports":{".":{"import":"./index.js","require":"./index.js"}}}\n',
    'node_modules/fancy-formatter/index.js': 'module.exports = 1;\n',
    'theme.local.js': 'module.exports = {};\n',
  });
  t.deepEqual(run(dir, ['--require', REG, 'app.js']).out, ['fancy,theme']);
  t.deepEqual(run(dir, ['--import', REG, 'app.mjs']).out, ['fancy']);
});

// axios keeps `utils.asap = queueMicrotask.bind(globalThis)`: the walk went into the global
// object as the bound `this`, and any per-run global (here a start time) made every run miss.
test('a built-in bound to globalThis counts as the built-in: a per-run global does not make every run miss', (t) => {
  const dir = project(t, {
    'node_modules/minihttp/package.json': '{"name":"minihttp","version":"1.0.0","type":"module","exports":"./index.js"}\n',
    'node_modules/minihttp/index.js': `const utils = { asap: queueMicrotask.bind(globalThis) };
function transform(data) { utils.asap(() => {}); return data; }
class Client { constructor() { this.defaults = { transformRequest: [transform] }; } get(x) { return Promise.resolve(this.defaults.transformRequest[0](x)); } }
const client = new Client();
client.get = client.get.bind(client);
export default client;
`,
    'app.mjs': "import http from 'minihttp';\nglobalThis.startedAt = Date.now();\n/** @cache */\nasync function getRates(p) { return await http.get(p); }\nconsole.log(await getRates('/rates'));\n",
  });
  const REG = path.join(REPO, 'dist', 'preload', 'register.js');
  t.deepEqual(run(dir, ['--import', REG, 'app.mjs']).out, ['/rates']);
  const again = run(dir, ['--import', REG, 'app.mjs']);
  t.true(again.log.some((l) => l.startsWith('[smartcache] hit app.mjs#getRates ')), again.log.join('\n'));
});

// A folder of ES modules inside a CommonJS project (`tools/package.json` = {"type":"module"}):
// the module format follows Node's rule, the nearest package.json, even one that only sets type
// (which is not taken as the project for names and paths). On Node 20 the ESM hooks were never
// started for such an entry: nothing was cached, silently.
test('an ES module entry in a folder whose package.json only sets type is cached (--import and --require)', (t) => {
  const dir = project(t, {
    'tools/package.json': '{"type":"module"}\n',
    'tools/report.js': "/** @cache */\nexport function slow(n) { return n * 2; }\nconsole.log(slow(21));\n",
  });
  const REG = path.join(REPO, 'dist', 'preload', 'register.js');
  for (const flag of ['--import', '--require']) {
    const env = { SMARTCACHE_DIR: path.join(dir, `cache${flag}`) };
    const first = run(dir, [flag, REG, 'tools/report.js'], env);
    t.deepEqual(first.out, ['42']);
    t.true(first.log.some((l) => /miss tools\/report\.js#slow /.test(l)), `${flag}: ${first.log.join('\n')}`);
    t.true(run(dir, [flag, REG, 'tools/report.js'], env).log.some((l) => /hit tools\/report\.js#slow /.test(l)), flag);
  }
});

// Second pass over round 16.
test("import() of the user's own ES-module-only workspace package counts its files", (t) => {
  const dir = project(t, {
    'packages/utils/package.json': '{"name":"@me/utils","version":"1.0.0","type":"module","exports":{".":{"import":"./index.js"}}}\n',
    'packages/utils/index.js': 'export function rate() { return 2; }\n',
    'app.js': `const { cache } = require(${INDEX});
const price = cache(async function price(n) { const { rate } = await import('@me/utils'); return n * rate(); });
import('@me/utils').then(() => price(10)).then((v) => console.log(v));
`,
  });
  fs.mkdirSync(path.join(dir, 'node_modules', '@me'), { recursive: true });
  fs.symlinkSync(path.join(dir, 'packages', 'utils'), path.join(dir, 'node_modules', '@me', 'utils'));
  t.deepEqual(run(dir, ['app.js']).out, ['20']);
  t.true(run(dir, ['app.js']).log.some((l) => l.startsWith('[smartcache] hit app.js#price ')));
  write(dir, { 'packages/utils/index.js': 'export function rate() { return 3; }\n' });
  t.deepEqual(run(dir, ['app.js']).out, ['30']);
});

test('an optional file that appears while the program runs is loaded by the next call', (t) => {
  const dir = project(t, {
    'app.js': `const fs = require('node:fs');
const { cache } = require(${INDEX});
const greet = cache(function greet(name) {
  let cfg = { greeting: 'hello' };
  try { cfg = require('./config.local.json'); } catch {}
  return cfg.greeting + ' ' + name;
});
console.log(greet('bob'));
fs.writeFileSync(__dirname + '/config.local.json', '{"greeting":"hi"}');
console.log(greet('bob'));
`,
  });
  t.deepEqual(run(dir, ['app.js']).out, ['hello bob', 'hi bob']);
});

test('a process.cwd stub a test put in place stays in place across cached calls', (t) => {
  const dir = project(t, {
    'app.js': `const path = require('node:path');
const { cache } = require(${INDEX});
const where = cache(function where(f) { return path.resolve(f); });
const fake = function () { return '/fake/project'; };
process.cwd = fake;
console.log(where('a.txt'), process.cwd === fake);
`,
  });
  t.deepEqual(run(dir, ['app.js']).out, ['/fake/project/a.txt true']);
});

test('Object.prototype.hasOwnProperty bound to globalThis reads the global object: adding the global recomputes', (t) => {
  const app = (line) => `const { cache } = require(${INDEX});
${line}
const hasGlobal = Object.prototype.hasOwnProperty.bind(globalThis);
const mode = cache(function mode(x) { return hasGlobal('APP_FLAG') ? 'flag' : 'noflag'; });
console.log(mode(1));
`;
  const dir = project(t, { 'app.js': app('') });
  t.deepEqual(run(dir, ['app.js']).out, ['noflag']);
  write(dir, { 'app.js': app('globalThis.APP_FLAG = 1;') });
  t.deepEqual(run(dir, ['app.js']).out, ['flag']);
});

// Third pass.
test('an optional require inside a module the cached function loads lazily is checked again before the next call', (t) => {
  const dir = project(t, {
    'lib.js': "exports.get = function get() { try { return require('./local.json').v; } catch { return 'default'; } };\n",
    'app.js': `const fs = require('node:fs');
const { cache } = require(${INDEX});
const settings = cache(function settings() { return require('./lib').get(); });
console.log(settings());
fs.writeFileSync(__dirname + '/local.json', '{"v":"LOCAL"}');
console.log(settings());
`,
  });
  t.deepEqual(run(dir, ['app.js']).out, ['default', 'LOCAL']);
});

test('Node 20 and 24: an ES module entry named as a folder or without its extension is cached', (t) => {
  const dir = project(t, {
    'server.js': "/** @cache */\nexport function slow(n) { return n * 2; }\nconsole.log(slow(21));\n",
  });
  fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"esmapp","type":"module","main":"server.js"}\n');
  const REG = path.join(REPO, 'dist', 'preload', 'register.js');
  for (const entry of ['.', 'server']) {
    const env = { SMARTCACHE_DIR: path.join(dir, `cache-${entry === '.' ? 'dot' : entry}`) };
    t.deepEqual(run(dir, ['--import', REG, entry], env).out, ['42']);
    t.true(run(dir, ['--import', REG, entry], env).log.some((l) => /hit server\.js#slow /.test(l)), entry);
  }
});

test("a subpath of the user's own ES-module-only workspace package counts by its file", (t) => {
  const dir = project(t, {
    'packages/utils/package.json': '{"name":"@me/utils","version":"1.0.0","type":"module","exports":{".":{"import":"./index.js"},"./rates":{"import":"./rates.js"}}}\n',
    'packages/utils/index.js': "export { rate } from './rates.js';\n",
    'packages/utils/rates.js': 'export const rate = () => 2;\n',
    'report.mjs': "import { rate } from '@me/utils/rates';\nexport const total = (n) => n * rate();\n",
    'app.js': `const { cache } = require(${INDEX});
const sub = cache(async function sub(n) { const { rate } = await import('@me/utils/rates'); return n * rate(); });
const viaFile = cache(async function viaFile(n) { const { total } = await import('./report.mjs'); return total(n); });
Promise.all([sub(10), viaFile(10)]).then((v) => console.log(v.join(' ')));
`,
  });
  fs.mkdirSync(path.join(dir, 'node_modules', '@me'), { recursive: true });
  fs.symlinkSync(path.join(dir, 'packages', 'utils'), path.join(dir, 'node_modules', '@me', 'utils'));
  t.deepEqual(run(dir, ['app.js']).out, ['20 20']);
  const again = run(dir, ['app.js']);
  t.true(again.log.every((l) => l.startsWith('[smartcache] hit ')), again.log.join('\n'));
  write(dir, { 'packages/utils/rates.js': 'export const rate = () => 3;\n' });
  t.deepEqual(run(dir, ['app.js']).out, ['30 30']);
});

test("'NAME' in globalThis reads that global: adding it recomputes, a built-in feature test hits", (t) => {
  const app = (line) => `const { cache } = require(${INDEX});
${line}
const mode = cache(function mode(x) { return ('APP_FLAG' in globalThis ? 'flag' : 'noflag') + ('fetch' in globalThis ? '+fetch' : ''); });
const tests = cache(function tests(x) { return [Reflect.has(globalThis, 'APP_FLAG'), Object.hasOwn(globalThis, 'APP_FLAG'), Object.prototype.hasOwnProperty.call(globalThis, 'APP_FLAG'), globalThis.hasOwnProperty('APP_FLAG')].join(); });
console.log(mode(1), tests(1));
`;
  const dir = project(t, { 'app.js': app('') });
  t.deepEqual(run(dir, ['app.js']).out, ['noflag+fetch false,false,false,false']);
  t.true(run(dir, ['app.js']).log.every((l) => l.startsWith('[smartcache] hit ')));
  write(dir, { 'app.js': app('globalThis.APP_FLAG = 1;') });
  t.deepEqual(run(dir, ['app.js']).out, ['flag+fetch true,true,true,true']);
});
