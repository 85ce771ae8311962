// Node's own JavaScript functions count by identity, wherever the program captured them from,
// and nothing of Node's state behind them is walked (issue 13: `require('util').types.isTypedArray`
// made a first call take 51 s and miss on every later run). Cross-run, in child processes.
import test from 'ava';
import { projectsRemovedAfter, run, write, hits, misses } from './fixtures/contract/project.mjs';

const project = projectsRemovedAfter(test);

test('a Node function held in a variable: named node:util.types.isTypedArray, walked no further, hits on the next run', (t) => {
  const dir = project();
  write(dir, 'app.js', `
    const { cache } = require('smartcache');
    const isTA = require('node:util').types.isTypedArray;
    const f = cache(function f(x) { return isTA(x) ? 'typed' : typeof x; }, { name: 'f' });
    const out = f('abc');
    const node = f.explain().root.children.find((c) => c.name === 'isTA');
    console.log(JSON.stringify({ out, hash: node && node.hash, kind: node && node.kind, below: node && node.children.length }));
  `);
  // run() gives a child 60 s; the old walk of Node's module tree took 9-51 s and then missed.
  const first = run(dir, ['app.js'], { SMARTCACHE_LOG: '1' });
  t.deepEqual(first.json, { out: 'string', hash: 'node:util.types.isTypedArray', kind: 'builtin', below: 0 });
  const second = run(dir, ['app.js'], { SMARTCACHE_LOG: '1' });
  t.is(hits(second), 1, second.stderr);
  t.is(misses(second), 0, second.stderr);
  // Every line of the log is short: no reason line listing Node's internals.
  t.true(second.stderr.split('\n').every((l) => l.length < 400), second.stderr.slice(0, 400));
});

test('the same Node function captured through an object, a closure and a package-style table has one name', (t) => {
  const dir = project();
  write(dir, 'app.js', `
    const { cache } = require('smartcache');
    const util = require('node:util');
    const table = { check: util.types.isTypedArray };
    const make = (fn) => (x) => fn(x);
    const viaClosure = make(util.types.isTypedArray);
    const a = cache(function a(x) { return table.check(x); }, { name: 'a' });
    const b = cache(function b(x) { return viaClosure(x); }, { name: 'b' });
    a(1); b(1);
    const names = [];
    const walk = (n) => { if (n.kind === 'builtin') names.push(n.hash); n.children.forEach(walk); };
    walk(a.explain().root); walk(b.explain().root);
    console.log(JSON.stringify(names.filter((h) => h.includes('isTypedArray'))));
  `);
  const r = run(dir, ['app.js']);
  t.deepEqual(r.json, ['node:util.types.isTypedArray', 'node:util.types.isTypedArray']);
});

test('a Node factory product (util.promisify(fn)) still follows the program function it wraps', (t) => {
  const dir = project();
  const source = (factor) => `
    const { cache } = require('smartcache');
    const util = require('node:util');
    function scaled(x, cb) { cb(null, x * ${factor}); }
    const p = util.promisify(scaled);
    const f = cache(async function f(x) { return p(x); }, { name: 'f' });
    f(5).then((v) => console.log(JSON.stringify(v)));
  `;
  write(dir, 'app.js', source(2));
  t.is(run(dir, ['app.js']).json, 10);
  const again = run(dir, ['app.js'], { SMARTCACHE_LOG: '1' });
  t.is(again.json, 10);
  t.is(hits(again), 1, again.stderr);
  write(dir, 'app.js', source(3));
  const edited = run(dir, ['app.js'], { SMARTCACHE_LOG: '1' });
  t.is(edited.json, 15, edited.stderr);
  t.is(misses(edited), 1, edited.stderr);
});

test('process reached as a value (a library keeps freeProcess) counts by identity', (t) => {
  const dir = project();
  write(dir, 'app.js', `
    const { cache } = require('smartcache');
    const freeProcess = typeof process == 'object' && process;
    const f = cache(function f(x) { return freeProcess && freeProcess.version ? x + 1 : x; }, { name: 'f' });
    f(1);
    const node = f.explain().root.children.find((c) => c.name.startsWith('freeProcess'));
    console.log(JSON.stringify({ hash: node.hash, below: node.children.length }));
  `);
  const r = run(dir, ['app.js'], { SMARTCACHE_LOG: '1' });
  t.deepEqual(r.json, { hash: 'process', below: 0 });
  const again = run(dir, ['app.js'], { SMARTCACHE_LOG: '1' });
  t.is(hits(again), 1, again.stderr);
});

test('process captured in a variable: what its env holds still counts by value', (t) => {
  const dir = project();
  write(dir, 'app.js', `
    const { cache } = require('smartcache');
    const proc = process;
    const f = cache(function f(x) { return x + ':' + proc.env.CORPUS_MODE; }, { name: 'f' });
    console.log(JSON.stringify(f(1)));
  `);
  t.is(run(dir, ['app.js'], { CORPUS_MODE: 'a' }).json, '1:a');
  const changed = run(dir, ['app.js'], { CORPUS_MODE: 'b', SMARTCACHE_LOG: '1' });
  t.is(changed.json, '1:b', changed.stderr);
});

test('the global object reached as a value: Node\'s lazy global accessors (performance, crypto) count by name, and the next run hits', (t) => {
  const dir = project();
  // lodash's `root` is the global object; Node defines `performance` as a lazy getter whose
  // closure caches the performance object (timeOrigin differs every run).
  write(dir, 'app.js', `
    const { cache } = require('smartcache');
    const root = typeof globalThis == 'object' && globalThis;
    void performance.now();
    const getter = Object.getOwnPropertyDescriptor(globalThis, 'performance').get;
    const f = cache(function f(x) { return typeof root.Math + x; }, { name: 'f' });
    const g = cache(function g(x) { return typeof getter + x; }, { name: 'g' });
    const out = [f('!'), g('?')];
    const named = g.explain().root.children.find((c) => c.name === 'getter');
    console.log(JSON.stringify({ out, accessor: named === undefined ? null : named.hash }));
  `);
  const first = run(dir, ['app.js']);
  t.deepEqual(first.json.out, ['object!', 'function?']);
  // Node 20 and 24 both define it as an accessor today; a Node that makes it a data property
  // has no getter to name, and the test then only checks the hits.
  if (first.json.accessor !== null) t.is(first.json.accessor, 'globalThis.get performance');
  const second = run(dir, ['app.js'], { SMARTCACHE_LOG: '1' });
  t.is(hits(second), 2, second.stderr.slice(0, 2000));
  t.is(misses(second), 0);
});

// Under the preload, Node's functions compiled before it are known as Node's without the Debugger
// (fingerprint/graph/origin.ts, `compiledBeforePreload`): only when smartcache's preload is the
// only one, and never for a function the program (or another preload) put in Node's place.
const COUNT_DEBUGGER = `
const inspector = require('node:inspector');
let debuggerEnables = 0;
const post = inspector.Session.prototype.post;
inspector.Session.prototype.post = function (method, ...rest) { if (method === 'Debugger.enable') debuggerEnables++; return post.call(this, method, ...rest); };
`;

test('preload: a Node function reached through a variable is Node\'s without Debugger.enable, and hits on the next run', (t) => {
  const dir = project();
  write(dir, 'app.js', `${COUNT_DEBUGGER}
    const isTA = require('node:util').types.isTypedArray;
    /** @cache */
    function kind(x) { return isTA(x) ? 'typed' : typeof x; }
    const out = kind('abc');
    console.log(JSON.stringify({ out, debuggerEnables }));
  `);
  const first = run(dir, ['--require', 'smartcache/register', 'app.js'], { SMARTCACHE_LOG: '1' });
  t.deepEqual(first.json, { out: 'string', debuggerEnables: 0 });
  const second = run(dir, ['--require', 'smartcache/register', 'app.js'], { SMARTCACHE_LOG: '1' });
  t.is(hits(second), 1, second.stderr);
});

test('preload: a function the program puts in Node\'s place (util.types.isTypedArray = mine) is the program\'s code: an edit recomputes', (t) => {
  const dir = project();
  const app = (answer) => `
    const util = require('node:util');
    util.types.isTypedArray = function mine(x) { return ${answer}; };
    const isTA = util.types.isTypedArray;
    /** @cache */
    function kind(x) { return isTA(x) ? 'typed' : typeof x; }
    console.log(JSON.stringify({ out: kind('abc') }));
  `;
  write(dir, 'app.js', app('false'));
  t.deepEqual(run(dir, ['--require', 'smartcache/register', 'app.js']).json, { out: 'string' });
  write(dir, 'app.js', app('true'));
  t.deepEqual(run(dir, ['--require', 'smartcache/register', 'app.js']).json, { out: 'typed' });
});

test('preload after another preload that replaces a Node function: that function is walked as code, an edit of it recomputes', (t) => {
  const dir = project();
  const patch = (answer) => `require('node:util').types.isTypedArray = function patched(x) { return ${answer}; };\n`;
  write(dir, 'patch.js', patch('false'));
  write(dir, 'app.js', `
    const isTA = require('node:util').types.isTypedArray;
    /** @cache */
    function kind(x) { return isTA(x) ? 'typed' : typeof x; }
    console.log(JSON.stringify({ out: kind('abc') }));
  `);
  const args = ['--require', './patch.js', '--require', 'smartcache/register', 'app.js'];
  t.deepEqual(run(dir, args).json, { out: 'string' });
  t.deepEqual(run(dir, args).json, { out: 'string' });
  write(dir, 'patch.js', patch('true'));
  t.deepEqual(run(dir, args).json, { out: 'typed' });
});

test('a function a program puts on a Node module (path.basename = mine) is code, not Node\'s name: an edit of it recomputes (cache(), no preload)', (t) => {
  const dir = project();
  const app = (suffix) => `
    const path = require('node:path');
    path.basename = function mine(p) { return 'base:' + p + '${suffix}'; };
    const { cache } = require('smartcache');
    const f = cache(function f(p) { return path.basename(p); }, { name: 'f' });
    console.log(JSON.stringify({ out: f('a/b') }));
  `;
  write(dir, 'app.js', app(''));
  t.deepEqual(run(dir, ['app.js']).json, { out: 'base:a/b' });
  t.deepEqual(run(dir, ['app.js']).json, { out: 'base:a/b' });
  write(dir, 'app.js', app('!'));
  t.deepEqual(run(dir, ['app.js']).json, { out: 'base:a/b!' });
});
