// Red team round 11: (A) program replacements of Node/host functions reached by paths the
// built-in-name check does not look at, stale across runs; (B) a waiter returning a promise for
// a call whose function returns a plain value. Child processes, temp dirs.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { projectsRemovedAfter, run, write } from './fixtures/contract/project.mjs';
import { startChild, until } from './fixtures/children.mjs';

const project = projectsRemovedAfter(test);

/** Run 1 fills the cache, run 2 hits, `files` re-written with the edit, run 3 must recompute. */
function staleCheck(t, files) {
  const dir = project();
  const put = (v) => { for (const [name, text] of Object.entries(files)) write(dir, name, text.replaceAll('@V@', v)); };
  put('1');
  t.deepEqual(run(dir, ['app.js']).json, { out: 'mine1' });
  t.deepEqual(run(dir, ['app.js']).json, { out: 'mine1' });
  put('2');
  t.deepEqual(run(dir, ['app.js']).json, { out: 'mine2' }, 'the edited replacement must be recomputed, not a stale hit');
}

const APP = (body) => `
const { cache } = require('smartcache');
require('./patch');
${body}
`;

test('A1 globalThis.setTimeout replaced in a project file (after smartcache loads): an edit of it recomputes', (t) => {
  staleCheck(t, {
    'patch.js': `const o = setTimeout;
globalThis.setTimeout = function mine(fn, ms, ...a) { if (ms === 7) { fn('mine@V@'); return undefined; } return o(fn, ms, ...a); };`,
    'app.js': APP(`const f = cache(function f() { let r; setTimeout((v) => { r = v; }, 7); return r; }, { name: 'f' });
console.log(JSON.stringify({ out: f() }));`),
  });
});

test('A2 globalThis.structuredClone replaced in a project file: an edit of it recomputes', (t) => {
  staleCheck(t, {
    'patch.js': `globalThis.structuredClone = function mine(x) { return 'mine@V@'; };`,
    'app.js': APP(`const f = cache(function f(x) { return structuredClone(x); }, { name: 'f' });
console.log(JSON.stringify({ out: f('a') }));`),
  });
});

test('A3 Buffer.from replaced in a project file: an edit of it recomputes', (t) => {
  staleCheck(t, {
    'patch.js': `const o = Buffer.from;
Buffer.from = function mine(x, ...r) { return x === 'zz' ? o('mine@V@') : o(x, ...r); };`,
    'app.js': APP(`const f = cache(function f(x) { return Buffer.from(x).toString(); }, { name: 'f' });
console.log(JSON.stringify({ out: f('zz') }));`),
  });
});

test('A4 process.nextTick replaced in a project file: an edit of it recomputes', (t) => {
  staleCheck(t, {
    'patch.js': `const o = process.nextTick;
process.nextTick = function mine(fn, ...a) { if (a[0] === 'zz') { fn('mine@V@'); return; } return o(fn, ...a); };`,
    'app.js': APP(`const f = cache(function f() { let r; process.nextTick((v) => { r = v; }, 'zz'); return r; }, { name: 'f' });
console.log(JSON.stringify({ out: f() }));`),
  });
});

test.failing('A5 path.join = util.deprecate(mine): Node\'s wrapper hides the program function, an edit of it recomputes', (t) => {
  staleCheck(t, {
    'patch.js': `const path = require('node:path'); const util = require('node:util'); const o = path.join;
path.join = util.deprecate(function mine(...a) { return a[0] === 'zz' ? 'mine@V@' : o(...a); }, 'deprecated');`,
    'app.js': APP(`const path = require('node:path');
const f = cache(function f(x) { return path.join(x, 'b'); }, { name: 'f' });
console.log(JSON.stringify({ out: f('zz') }));`),
  });
});

test('A6 path.join = mine.bind(null) (a bound function prints as native code): an edit of mine recomputes', (t) => {
  staleCheck(t, {
    'patch.js': `const path = require('node:path'); const o = path.join;
function mine(...a) { return a[0] === 'zz' ? 'mine@V@' : o(...a); }
path.join = mine.bind(null);`,
    'app.js': APP(`const path = require('node:path');
const f = cache(function f(x) { return path.join(x, 'b'); }, { name: 'f' });
console.log(JSON.stringify({ out: f('zz') }));`),
  });
});

test('A7 path.join = new Proxy(path.join, handler): an edit of the handler recomputes', (t) => {
  staleCheck(t, {
    'patch.js': `const path = require('node:path');
path.join = new Proxy(path.join, { apply(target, self, a) { return a[0] === 'zz' ? 'mine@V@' : Reflect.apply(target, self, a); } });`,
    'app.js': APP(`const path = require('node:path');
const f = cache(function f(x) { return path.join(x, 'b'); }, { name: 'f' });
console.log(JSON.stringify({ out: f('zz') }));`),
  });
});

test('A8 path.join replaced through an accessor (Object.defineProperty get): an edit of it recomputes', (t) => {
  staleCheck(t, {
    'patch.js': `const path = require('node:path'); const o = path.join;
function mine(...a) { return a[0] === 'zz' ? 'mine@V@' : o(...a); }
Object.defineProperty(path, 'join', { get() { return mine; }, configurable: true, enumerable: true });`,
    'app.js': APP(`const path = require('node:path');
const f = cache(function f(x) { return path.join(x, 'b'); }, { name: 'f' });
console.log(JSON.stringify({ out: f('zz') }));`),
  });
});

test.failing('A9 EventEmitter.prototype.emit replaced, used by a class extending EventEmitter: an edit of it recomputes', (t) => {
  staleCheck(t, {
    'patch.js': `const EventEmitter = require('node:events'); const o = EventEmitter.prototype.emit;
EventEmitter.prototype.emit = function mine(n, ...a) { return n === 'zz' ? o.call(this, n, 'mine@V@') : o.call(this, n, ...a); };`,
    'app.js': APP(`const EventEmitter = require('node:events');
class Bus extends EventEmitter { go(x) { let r; this.on('zz', (v) => { r = v; }); this.emit('zz', x); return r; } }
const f = cache(function f(x) { return new Bus().go(x); }, { name: 'f' });
console.log(JSON.stringify({ out: f('a') }));`),
  });
});

// ---- B: several processes -------------------------------------------------------------------

// load('x') returns a plain value (after the test releases it); load('warm') a promise.
const MIXED_PROGRAM = `const fs = require('node:fs');
const path = require('node:path');
const { cache } = require('smartcache');
const dir = process.argv[2];
function load(n) {
  fs.appendFileSync(path.join(dir, 'computed'), process.pid + ' ' + n + '\\n');
  if (n === 'warm') return Promise.resolve('w');
  while (!fs.existsSync(path.join(dir, 'release'))) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
  return 'plain:' + n;
}
const f = cache(load, { name: 'load', track: false });
(async () => {
  if (process.env.WARM) await f('warm');
  fs.writeFileSync(path.join(dir, 'calling.' + process.pid), '');
  const r = f('x');
  const isPromise = r instanceof Promise;
  console.log('OUT ' + JSON.stringify({ isPromise, value: await r }));
})();
`;



test('B1 a waiter whose process has seen the function return a promise (other arguments) returns a promise for a call whose function returns a plain value', async (t) => {
  const dir = project();
  write(dir, 'main.js', MIXED_PROGRAM);
  const env = { SMARTCACHE_DIR: path.join(dir, 'root') };
  const owner = startChild(dir, ['main.js', dir], env);
  await until(() => fs.existsSync(path.join(dir, 'computed')), 'the owner to start computing');
  // The warm-up ('warm', a promise) is computed by one waiter and read by the other: that one
  // has a tally of no misses, so it claims 'x' and waits for the owner.
  const waiters = [startChild(dir, ['main.js', dir], { ...env, WARM: '1' }), startChild(dir, ['main.js', dir], { ...env, WARM: '1' })];
  await until(() => fs.readdirSync(dir).filter((n) => n.startsWith('calling.')).length >= 3, 'every process to call');
  await delay(1000);
  fs.writeFileSync(path.join(dir, 'release'), '');
  const results = await Promise.all([owner, ...waiters]);
  for (const r of results) t.is(r.status, 0, r.stderr);
  for (const r of results) t.deepEqual(r.out, { isPromise: false, value: 'plain:x' }, r.stderr);
});
