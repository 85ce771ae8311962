// Red team, round 12 (real libraries as user code and as dependencies; the contract's API).
// Each test is a confirmed finding, fixed; `test.failing` marks one still open (README, Limits).
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { node, project, tempDir, projectRunner } from './fixtures/cache/helpers.mjs';

const setup = (t, files) => projectRunner(t, files);

// chalk's pattern: `Object.setPrototypeOf(chalk, createChalk.prototype)`. `f.red()` runs a method
// of the function's prototype, which no member of `f` shows: editing it was a stale hit (10 of 29
// behaviour mutants of chalk as user code), and a chalk version bump was not seen.
for (const [label, member] of [
  ['a method', "Proto.prototype.red = function (s) { return PREFIX + s; };"],
  ['a getter', "Object.defineProperty(Proto.prototype, 'red', { get() { return (s) => PREFIX + s; } });"],
]) {
  test(`a function whose prototype was swapped: an edit of ${label} on that prototype recomputes`, (t) => {
    const { run, edit } = setup(t, {
      'app.js': (mod) => `const { cache } = require(${mod});
const PREFIX = '<';
function Proto() {}
${member}
const f = () => 0;
Object.setPrototypeOf(f, Proto.prototype);
const work = cache(function work(s) { return f.red(s); });
console.log('OUT ' + JSON.stringify({ value: work('x') }));
`,
    });
    t.is(run().value, '<x');
    t.is(run().lines[0].split(' ')[1], 'hit');
    edit('app.js', "const PREFIX = '<'", "const PREFIX = '>>'");
    const r = run();
    t.is(r.value, '>>x', `stale hit: ${r.lines.join('\n')}`);
  });
}

test('a package function with a swapped prototype: a version bump of the package recomputes', (t) => {
  const { run, edit } = setup(t, {
    'node_modules/fp/package.json': '{"name":"fp","version":"1.0.0","main":"index.js"}\n',
    'node_modules/fp/index.js': `const PREFIX = '<';
function Proto() {}
Object.defineProperty(Proto.prototype, 'red', { get() { return (s) => PREFIX + s + this.level; } });
exports.make = function make(level) { const f = (...s) => s.join(' '); f.level = level; Object.setPrototypeOf(f, Proto.prototype); return f; };
`,
    'app.js': (mod) => `const { cache } = require(${mod});
const c = require('fp').make(1);
const work = cache(function work(s) { return c.red(s); });
console.log('OUT ' + JSON.stringify({ value: work('x') }));
`,
  });
  t.is(run().value, '<x1');
  edit('node_modules/fp/index.js', "const PREFIX = '<'", "const PREFIX = '>>'");
  edit('node_modules/fp/package.json', '1.0.0', '1.0.1');
  const r = run();
  t.is(r.value, '>>x1', `stale hit: ${r.lines.join('\n')}`);
  t.regex(r.lines[0], /package `fp@1\.0\.0` → `fp@1\.0\.1`/);
  t.is((r.lines[0].match(/fp@1\.0\.0/g) ?? []).length, 1, 'the reason is said once');
});

test('explain: a superclass read only in `extends` is the superclass, not a dynamic dependency', (t) => {
  const { run } = setup(t, {
    'app.js': (mod) => `const { cache } = require(${mod});
class Base { val() { return 1; } }
class Sub extends Base { v2() { return this.val() + 1; } }
const main = cache(function main(x) { return new Sub().v2() + x; });
console.log('OUT ' + JSON.stringify({ value: main(1), dynamic: main.explain().dynamic }));
`,
  });
  const r = run();
  t.is(r.value, 3);
  t.deepEqual(r.dynamic, []);
});

// A user function handed to a package and kept in the package's own state (Handlebars helpers,
// a plugin registry): the package counts by name and version, and its state is not walked.
test.failing('a user helper registered into a package\'s module state: an edit of it recomputes', (t) => {
  const { run, edit } = setup(t, {
    'node_modules/reg/package.json': '{"name":"reg","version":"1.0.0","main":"index.js"}\n',
    'node_modules/reg/index.js': `const helpers = {};
exports.register = (n, f) => { helpers[n] = f; };
exports.run = (n, x) => helpers[n](x);
`,
    'app.js': (mod) => `const { cache } = require(${mod});
const reg = require('reg');
reg.register('up', (x) => x.toUpperCase());
const work = cache(function work(s) { return reg.run('up', s); });
console.log('OUT ' + JSON.stringify({ value: work('abc') }));
`,
  });
  t.is(run().value, 'ABC');
  edit('app.js', 'toUpperCase', 'toLowerCase');
  t.is(run().value, 'abc');
});

// An uncaught SmartCacheError (a bad option, an unhashable argument) made Node print the source
// line it was thrown from: the whole minified bundle, ~190 KB, with the message at the very end.
test('an uncaught SmartCacheError prints a readable report, not the bundle', (t) => {
  const dir = project({
    'app.js': (mod) => `const { cache } = require(${mod});
cache(function f(a) { return a; }, { ttl: 'soon' });
`,
  });
  const r = node(['app.js'], { cwd: dir, env: { SMARTCACHE_DIR: tempDir() } });
  t.not(r.status, 0);
  t.regex(r.stderr, /ERR_INVALID_OPTION|ttl/);
  t.true(r.stderr.length < 8000, `stderr is ${r.stderr.length} bytes`);
  t.true(r.stderr.split('\n').every((line) => line.length < 1000), 'a line of stderr is longer than 1,000 characters');
});

// A package bundled by webpack or esbuild exports through getters, so no exported function shows
// its module scope: the bundle's closure was walked whole (100 functions: ~10,000 nodes, a
// fingerprint that changed from run to run: fast-xml-parser and immer never hit).
test('a package bundled with getter exports: its internals count with its version, and the next run hits', (t) => {
  let body = '(()=>{"use strict";\nvar t={d:(e,n)=>{for(var i in n)t.o(n,i)&&!t.o(e,i)&&Object.defineProperty(e,i,{enumerable:!0,get:n[i]})},o:(t,e)=>Object.prototype.hasOwnProperty.call(t,e)},e={};t.d(e,{P:()=>P});\n';
  for (let i = 0; i < 100; i++) body += `function f${i}(x){ return x<=0?0:f${(i * 7 + 3) % 100}(x-1)+${i}; }\n`;
  body += 'class P { parse(x){ return f0(x); } }\nmodule.exports=e;})();\n';
  const { run, edit } = setup(t, {
    'node_modules/bundled/package.json': '{"name":"bundled","version":"1.0.0","main":"index.js"}\n',
    'node_modules/bundled/index.js': body,
    'app.js': (mod) => `const { cache } = require(${mod});
const { P } = require('bundled');
const work = cache(function work(n) { return new P().parse(n); });
let nodes = 0;
const count = (n) => { nodes++; for (const c of n.children) count(c); };
const value = work(5);
count(work.explain().root);
console.log('OUT ' + JSON.stringify({ value, nodes }));
`,
  });
  const f = (i, x) => (x <= 0 ? 0 : f((i * 7 + 3) % 100, x - 1) + i);
  const first = run();
  t.is(first.value, f(0, 5));
  t.true(first.nodes < 20, `${first.nodes} nodes`);
  const second = run();
  t.is(second.lines[0].split(' ')[1], 'hit', second.lines.join('\n'));
  edit('node_modules/bundled/package.json', '1.0.0', '1.0.1');
  t.regex(run().lines[0], /^\[smartcache\] miss .*bundled@1\.0\.0` → `bundled@1\.0\.1/);
});

test('a frozen result (immer-style) is stored: the next run hits and gets it frozen', (t) => {
  const { run } = setup(t, {
    'app.js': (mod) => `const { cache } = require(${mod});
const deepFreeze = (o) => { for (const v of Object.values(o)) if (typeof v === 'object' && v !== null) deepFreeze(v); return Object.freeze(o); };
let runs = 0;
const state = cache(function state(n) { runs++; return deepFreeze({ todos: [{ id: n, done: false }] }); });
const s = state(1);
console.log('OUT ' + JSON.stringify({ runs, frozen: [Object.isFrozen(s), Object.isFrozen(s.todos), Object.isFrozen(s.todos[0])] }));
`,
  });
  const first = run();
  t.like(first, { runs: 1, frozen: [true, true, true] });
  t.false(first.stderr.includes('ERR_UNSERIALIZABLE_RESULT'), first.stderr);
  t.like(run(), { runs: 0, frozen: [true, true, true] });
});

// A relative SMARTCACHE_DIR was resolved at each function's first call: a program that changed
// its working directory in between wrote a second store there, and its later functions missed.
test('a relative SMARTCACHE_DIR stays where it was when the program changes its working directory', (t) => {
  const dir = project({
    'sub/.keep': '',
    'app.js': (mod) => `const { cache } = require(${mod});
let runs = 0;
const a = cache(function a(x) { runs++; return x; });
const b = cache(function b(x) { runs++; return x * 2; });
a(1);
process.chdir('sub');
b(1);
console.log('OUT ' + JSON.stringify({ runs }));
`,
  });
  const env = { SMARTCACHE_DIR: 'rel-cache' };
  t.deepEqual(node(['app.js'], { cwd: dir, env }).out, { runs: 2 });
  t.deepEqual(node(['app.js'], { cwd: dir, env }).out, { runs: 0 });
  t.true(fs.existsSync(path.join(dir, 'rel-cache')));
  t.false(fs.existsSync(path.join(dir, 'sub', 'rel-cache')), 'a second store in the new working directory');
});

// This session's own first fix dropped every unnamed closure of a bundled package function, which
// hid a user function held by an anonymous factory's closure (an IIFE-made `withRetry(parse)`).
// The module-level scopes are now those the bundle's export getters show.
test('a user function held by an anonymous factory in a bundle with getter exports: an edit of it recomputes', (t) => {
  const { run, edit } = setup(t, {
    'node_modules/eslib/package.json': '{"name":"eslib","version":"1.0.0","main":"index.js"}\n',
    'node_modules/eslib/index.js': `"use strict";
var __defProp = Object.defineProperty;
var __export = (target, all) => { for (var name in all) __defProp(target, name, { get: all[name], enumerable: true }); };
var lib_exports = {};
__export(lib_exports, { withRetry: () => withRetry, pipe: () => pipe });
module.exports = lib_exports;
var withRetry = (() => { const defaults = { retries: 2 };
  return (fn, opts = defaults) => (...args) => { let last; for (let i = 0; i <= opts.retries; i++) { try { return fn(...args); } catch (e) { last = e; } } throw last; }; })();
var pipe = (function () { return function (f, g) { return function (x) { return g(f(x)); }; }; })();
`,
    'app.js': (mod) => `const { cache } = require(${mod});
const { withRetry, pipe } = require('eslib');
function parse(s) { return s.split(',').map(Number); }
const safeParse = withRetry(parse);
const total = pipe((xs) => xs.length, (n) => n + 100);
const load = cache(function load(s) { const xs = safeParse(s); return [xs, total(xs)]; });
console.log('OUT ' + JSON.stringify({ value: load('1,2,3') }));
`,
  });
  t.deepEqual(run().value, [[1, 2, 3], 103]);
  t.is(run().lines[0].split(' ')[1], 'hit');
  edit('app.js', 'map(Number)', 'map((x) => Number(x) * 10)');
  t.deepEqual(run().value, [[10, 20, 30], 103]);
  edit('app.js', 'n + 100', 'n + 200');
  t.deepEqual(run().value, [[10, 20, 30], 203]);
});
