// Sibling declarations (src/fingerprint/source/siblings.ts): functions declared directly in one
// function body share that activation's scopes, so the walk describes one of them through the
// inspector and lends its scopes to the others. Each attack below makes a binding of that body
// hold a closure of *another* scope; borrowing there would read the wrong values and serve a stale
// result. Child processes, real files; every run is checked against the value the code computes.
import test from 'ava';
import { node, project, tempDir } from './fixtures/cache/helpers.mjs';

const PAUSE_MS = 250;

// Files written just before a process starts are not trusted by it (their ctime is too recent):
// pause so that the fixtures count as unchanged since the start, as a user's files do.
function pause() {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, PAUSE_MS);
}

// Counts the inspector's function descriptions (one `Runtime.getProperties` each).
const COUNT = `const inspector = require('node:inspector');
const post = inspector.Session.prototype.post;
let n = 0;
inspector.Session.prototype.post = function (method, params, ...rest) {
  if (method === 'Runtime.getProperties' && params && params.nonIndexedPropertiesOnly) n++;
  return post.call(this, method, params, ...rest);
};
globalThis.describedFunctions = () => n;
`;

/** An app caching `f(x) = <expression>` over `./lib`, printing the value, whether f ran, and the count. */
const app = (expression, before = '') => (mod) => `const { cache } = require(${mod});
const lib = require('./lib');
${before}
let runs = 0;
const f = cache(function f(x) { runs++; return ${expression}; }, { name: 'f' });
const value = f(5);
console.log('OUT ' + JSON.stringify({ value, runs, described: globalThis.describedFunctions() }));
`;

function setup(files) {
  const dir = project({ ...files, 'count.cjs': COUNT });
  pause();
  return { dir, cacheDir: tempDir() };
}

function run(dir, cacheDir, env = {}) {
  const r = node(['--require', './count.cjs', 'app.js'], { cwd: dir, env: { SMARTCACHE_DIR: cacheDir, ...env } });
  if (r.status !== 0 || r.out === undefined) throw new Error(`exit ${r.status}: ${r.stderr}`);
  return r.out;
}

// Twenty helpers in one factory body, a constant of the factory read by the deepest one.
const FACTORY = `function makeLib(k) {
  var calls = 0;
${Array.from({ length: 20 }, (_, i) => `  function h${i}(x) { return ${i === 19 ? 'x + k' : `h${i + 1}(x) + 1`}; }`).join('\n')}
  function api(x) { calls++; return h0(x); }
  return { api: api };
}
module.exports = makeLib(Number(process.env.LIB_K || '1'));
`;

test('helpers declared in one factory body are described once, and a value they read still counts', (t) => {
  const { dir, cacheDir } = setup({ 'app.js': app('lib.api(x)'), 'lib.js': FACTORY });
  const cold = run(dir, cacheDir);
  t.like(cold, { value: 5 + 1 + 19, runs: 1 });
  // f, api, then one batch at most for what no scope lends: far fewer than the 22 functions; and
  // once f has run, the two scopes whose bindings the code writes (app.js `runs`, the factory's
  // `calls`) read again, one function each (src/fingerprint/watch.ts).
  t.true(cold.described <= 6, `described ${cold.described} functions`);
  t.like(run(dir, cacheDir), { value: 25, runs: 0 });
  t.like(run(dir, cacheDir, { LIB_K: '2' }), { value: 26, runs: 1 }, 'k is read through the borrowed scopes');
});

test('two activations of one factory: each helper is read with its own activation', (t) => {
  const lib = `function makeLib(k) {
  function helper(x) { return x + k; }
  function api(x) { return helper(x); }
  return api;
}
exports.a = makeLib(Number(process.env.LIB_A || '1'));
exports.b = makeLib(Number(process.env.LIB_B || '2'));
`;
  const { dir, cacheDir } = setup({ 'app.js': app('lib.a(x) * 100 + lib.b(x)'), 'lib.js': lib });
  t.like(run(dir, cacheDir), { value: 607, runs: 1 });
  t.like(run(dir, cacheDir), { value: 607, runs: 0 });
  t.like(run(dir, cacheDir, { LIB_B: '3' }), { value: 608, runs: 1 });
  t.like(run(dir, cacheDir, { LIB_A: '4', LIB_B: '3' }), { value: 908, runs: 1 });
});

test('a binding assigned a closure of another activation is never lent scopes', (t) => {
  // a's `helper` binding ends up holding b's helper, whose `k` is LIB_B: borrowing a's scopes for
  // it would read a's k (1) and miss a change of LIB_B.
  const lib = `function makeLib(k) {
  function helper(x) { return x + k; }
  function api(x) { return helper(x); }
  api.own = function () { return helper; };
  api.swap = function (other) { helper = other; };
  return api;
}
const a = makeLib(1);
const b = makeLib(Number(process.env.LIB_B || '2'));
a.swap(b.own());
exports.a = a;
`;
  const { dir, cacheDir } = setup({ 'app.js': app('lib.a(x)'), 'lib.js': lib });
  t.like(run(dir, cacheDir), { value: 7, runs: 1 });
  t.like(run(dir, cacheDir), { value: 7, runs: 0 });
  t.like(run(dir, cacheDir, { LIB_B: '5' }), { value: 10, runs: 1 });
});

test('a binding written by eval is never lent scopes', (t) => {
  const lib = `function makeLib(k) {
  function helper(x) { return x + k; }
  function api(x) { return helper(x); }
  // Not members of api: the walk does not reach them (a reached eval would make every call miss).
  return { api: api, own: function () { return helper; }, swap: function (other) { var h = other; eval('hel' + 'per = h'); } };
}
const a = makeLib(1);
const b = makeLib(Number(process.env.LIB_B || '2'));
a.swap(b.own());
exports.a = a.api;
`;
  const { dir, cacheDir } = setup({ 'app.js': app('lib.a(x)'), 'lib.js': lib });
  t.like(run(dir, cacheDir), { value: 7, runs: 1 });
  t.like(run(dir, cacheDir), { value: 7, runs: 0 });
  t.like(run(dir, cacheDir, { LIB_B: '5' }), { value: 10, runs: 1 });
});

test('functions declared in blocks (sloppy Annex B) are never lent scopes, even by each other', (t) => {
  // \`first\` sits in a block without a scope of its own (its first scope is the body's), \`helper\`
  // in one whose \`j\` it reads: lending it the body's scopes would read the body's j (0) and miss
  // a change of LIB_K.
  const lib = `function makeLib(k) {
  var j = 0;
  if (k > -2) { function first(x) { return helper(x) + j; } }
  if (k > -1) { let j = k * 10; function helper(x) { return x + j; } }
  return { api: first };
}
module.exports = makeLib(Number(process.env.LIB_K || '1'));
`;
  const { dir, cacheDir } = setup({ 'app.js': app('lib.api(x)'), 'lib.js': lib });
  t.like(run(dir, cacheDir), { value: 15, runs: 1 });
  t.like(run(dir, cacheDir), { value: 15, runs: 0 });
  t.like(run(dir, cacheDir, { LIB_K: '2' }), { value: 25, runs: 1 });
});

test('a binding written through `arguments` (a parameter of the same name) is never lent scopes', (t) => {
  // Sloppy code writes a parameter through its function's mapped `arguments` without naming it:
  // a's \`helper\` ends up holding b's helper, whose k is LIB_K.
  const lib = `function makeLib(helper, k) {
  var args = arguments;
  function helper(x) { return x + k; }
  function api(x) { return helper(x); }
  api.own = function () { return helper; };
  api.set = function (f) { args[0] = f; };
  return api;
}
const a = makeLib(null, 1);
const b = makeLib(null, Number(process.env.LIB_K || '2'));
a.set(b.own());
exports.a = a;
`;
  const { dir, cacheDir } = setup({ 'app.js': app('lib.a(x)'), 'lib.js': lib });
  t.like(run(dir, cacheDir), { value: 7, runs: 1 });
  t.like(run(dir, cacheDir), { value: 7, runs: 0 });
  t.like(run(dir, cacheDir, { LIB_K: '3' }), { value: 8, runs: 1 });
});

test('a file rewritten after it was compiled: the text Node compiled decides, not the file', (t) => {
  // The app rewrites lib.js (same bytes) after loading it and before the call. smartcache loaded
  // first, so it recorded the text Node compiled: scopes are still lent, from that text.
  const touch = "require('node:fs').writeFileSync(require.resolve('./lib'), require('node:fs').readFileSync(require.resolve('./lib')));";
  const { dir, cacheDir } = setup({ 'app.js': app('lib.api(x)', touch), 'lib.js': FACTORY });
  const out = run(dir, cacheDir);
  t.like(out, { value: 25, runs: 1 });
  // As above: the walk's four at most, then the two written scopes read again after the body.
  t.true(out.described <= 6, `described ${out.described} functions`);
});

test('a module compiled before smartcache loaded, its file written since: no scopes are lent (its text may not be what runs)', (t) => {
  // lib.js is required before smartcache: the compiled text was not recorded, and the file on
  // disk (touched after the process started) is not known to hold it.
  const early = `const lib = require('./lib');
require('node:fs').writeFileSync(require.resolve('./lib'), require('node:fs').readFileSync(require.resolve('./lib')));
`;
  const body = (mod) => `${early}const { cache } = require(${mod});
let runs = 0;
const f = cache(function f(x) { runs++; return lib.api(x); }, { name: 'f' });
const value = f(5);
console.log('OUT ' + JSON.stringify({ value, runs, described: globalThis.describedFunctions() }));
`;
  const { dir, cacheDir } = setup({ 'app.js': body, 'lib.js': FACTORY });
  const out = run(dir, cacheDir);
  t.like(out, { value: 25, runs: 1 });
  t.true(out.described >= 22, `described ${out.described} functions`);
});

test('a module compiled twice with different texts (edited, then reloaded): neither text lends scopes', (t) => {
  // The first instance, which the cached function holds, was compiled from a text that assigns
  // `helper` (a's binding ends up holding b's helper); the file is then edited (same lines, same
  // function texts, no assignment) and reloaded. Facts from the second text would lend a's
  // scopes to b's helper (k of a: a change of LIB_B unseen).
  const first = `function makeLib(k) {
  function helper(x) { return x + k; }
  function api(x) { return helper(x); }
  api.own = function () { return helper; };
  if (k === 1) helper = globalThis.__other; return api;
}
const b = makeLib(Number(process.env.LIB_B || '2'));
globalThis.__other = b.own();
exports.a = makeLib(1);
`;
  const second = first.replace('if (k === 1) helper = globalThis.__other; ', '');
  const body = (mod) => `const { cache } = require(${mod});
const fs = require('node:fs');
const file = require('node:path').join(__dirname, 'lib.js');
fs.writeFileSync(file, ${JSON.stringify(first)});
const lib = require('./lib');
fs.writeFileSync(file, ${JSON.stringify(second)});
delete require.cache[file];
require('./lib');
let runs = 0;
const f = cache(function f(x) { runs++; return lib.a(x); }, { name: 'f' });
const value = f(5);
console.log('OUT ' + JSON.stringify({ value, runs, described: globalThis.describedFunctions() }));
`;
  const { dir, cacheDir } = setup({ 'app.js': body, 'lib.js': first });
  t.like(run(dir, cacheDir), { value: 7, runs: 1 });
  t.like(run(dir, cacheDir), { value: 7, runs: 0 });
  t.like(run(dir, cacheDir, { LIB_B: '5' }), { value: 10, runs: 1 });
});
