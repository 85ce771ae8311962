// Values a cached function reaches can change between two of its calls: a locale set, a config
// object edited, a handler registered, a global reassigned (src/fingerprint/watch.ts). The next
// call must see it, in this run and in the next one, where the first call reads the same as
// before. What a cached body changes itself (a memo table, a client created lazily) is not an
// input of later calls: the same program still hits on its second run.
import test from 'ava';
import { node, pauseForProofs, project, tempDir, writeFile } from './fixtures/cache/helpers.mjs';

/**
 * The app counts its computations on stderr (`RAN`), not in a variable: a counter the cached
 * function writes is a value it reaches, and would change its fingerprint between calls.
 */
function app(body, report) {
  const fp = JSON.stringify(new URL('../dist/fingerprint/index.js', import.meta.url).pathname);
  return (mod) => `const { cache } = require(${mod});
const fpm = require(${fp});
const ran = () => process.stderr.write('RAN\\n');
${body}
const value = ${report};
console.log('OUT ' + JSON.stringify({ value, proofs: fpm.proofCounters() }));
`;
}

function runner(dir, file, cacheDir) {
  return (env = {}) => {
    const r = node([file], { cwd: dir, env: { SMARTCACHE_DIR: cacheDir, ...env } });
    if (r.status !== 0 || r.out === undefined) throw new Error(`exit ${r.status}: ${r.stderr}`);
    return { ...r.out, runs: r.stderr.split('\n').filter((l) => l === 'RAN').length };
  };
}

function setup(body, report) {
  const dir = project({ 'app.js': app(body, report) });
  const cacheDir = tempDir();
  pauseForProofs();
  return { dir, run: runner(dir, 'app.js', cacheDir) };
}

test('a module `let` set between two calls with the same arguments: the second call computes', (t) => {
  const { run } = setup(
    `
let locale = 'en';
const words = { en: 'hello', fr: 'bonjour' };
function setLocale(l) { locale = l; }
function greet() { return words[locale]; }
const f = cache(function f(x) { ran(); return x + ':' + greet(); }, { name: 'f' });
const out = [];
for (const l of ['en', 'fr', 'en']) { setLocale(l); out.push(f('home')); }
`,
    'out.join()',
  );
  const first = run();
  t.is(first.value, 'home:hello,home:bonjour,home:hello');
  t.is(first.runs, 2, 'en then fr computed; en again served');
  const second = run();
  t.is(second.value, 'home:hello,home:bonjour,home:hello');
  t.is(second.runs, 0, 'the same program hits every call on its second run');
});

test('what the program sets between calls differs from run to run: never the other run\'s result', (t) => {
  const { run } = setup(
    `
const state = { level: 1 };
let mode = 'slow';
const f = cache(function f(x) { ran(); return [x, mode, state.level].join(':'); }, { name: 'f' });
const a = f(1);
mode = process.env.NEXT || 'fast';
state.level = Number(process.env.LEVEL || 2);
const b = f(2);
`,
    '[a, b].join()',
  );
  t.is(run().value, '1:slow:1,2:fast:2');
  t.is(run({ NEXT: 'slow' }).value, '1:slow:1,2:slow:2');
  t.is(run({ LEVEL: '5' }).value, '1:slow:1,2:fast:5');
  const again = run();
  t.is(again.value, '1:slow:1,2:fast:2');
  t.is(again.runs, 0);
});

test('objects the code reaches, edited between calls: a Map entry, an array element, typed array bytes, a new property', (t) => {
  const { run } = setup(
    `
const table = new Map([['a', 1]]);
const list = [10, 20];
const bytes = new Uint8Array([1, 2, 3]);
const opts = {};
const f = cache(function f(x) { ran(); return [x, table.get('a'), list[1], bytes[2], opts.extra].join(':'); }, { name: 'f' });
const out = [f(0)];
table.set('a', 2); out.push(f(0));
list[1] = 21; out.push(f(0));
bytes[2] = 9; out.push(f(0));
opts.extra = 'on'; out.push(f(0));
`,
    'out.join()',
  );
  const expected = '0:1:20:3:,0:2:20:3:,0:2:21:3:,0:2:21:9:,0:2:21:9:on';
  const first = run();
  t.is(first.value, expected);
  t.is(first.runs, 5);
  const second = run();
  t.is(second.value, expected);
  t.is(second.runs, 0);
});

test('a global of the program reassigned between calls', (t) => {
  const { run } = setup(
    `
globalThis.RATE = 2;
const f = cache(function f(x) { ran(); return x * RATE; }, { name: 'f' });
const out = [f(5)];
globalThis.RATE = 3;
out.push(f(5));
`,
    'out.join()',
  );
  t.is(run().value, '10,15');
  const second = run();
  t.is(second.value, '10,15');
  t.is(second.runs, 0);
});

test('a helper swapped between calls (a handler registered after the first call)', (t) => {
  const { run } = setup(
    `
let format = (x) => 'plain ' + x;
function register(fn) { format = fn; }
const f = cache(function f(x) { ran(); return format(x); }, { name: 'f' });
const out = [f(1)];
register((x) => 'fancy ' + x);
out.push(f(1));
`,
    'out.join()',
  );
  t.is(run().value, 'plain 1,fancy 1');
  t.is(run().value, 'plain 1,fancy 1');
});

test('state cached bodies change under each other (a memo table, a stats object): fewer computed each run until all hit', (t) => {
  const { run } = setup(
    `
const stats = { calls: 0 };
const memo = new Map();
function lookup(k) { if (!memo.has(k)) memo.set(k, k.toUpperCase()); return memo.get(k); }
const f = cache(function f(x) { ran(); stats.calls++; return lookup(x); }, { name: 'f' });
const g = cache(function g(x) { ran(); stats.calls++; return lookup(x) + '!'; }, { name: 'g' });
const out = [f('a'), g('b'), f('c'), g('a')];
`,
    'out.join()',
  );
  const first = run();
  t.is(first.value, 'A,B!,C,A!');
  t.is(first.runs, 4);
  // f's body changed what g reads (and g's what f reads): later runs compute such calls again,
  // fewer each run, every value right, until every call hits.
  let runs = first.runs;
  for (let i = 0; i < 8 && runs > 0; i++) {
    const r = run();
    t.is(r.value, 'A,B!,C,A!');
    runs = r.runs;
  }
  t.is(runs, 0, 'every call hits within eight runs');
  t.is(run().runs, 0);
});

test('state a cached body changes itself (a memo table, a stats object) costs its own later calls no miss on the next run', (t) => {
  const { run } = setup(
    `
const stats = { calls: 0 };
const memo = new Map();
function lookup(k) { if (!memo.has(k)) memo.set(k, k.toUpperCase()); return memo.get(k); }
const f = cache(function f(x) { ran(); stats.calls++; return lookup(x); }, { name: 'f' });
const out = [f('a'), f('b'), f('c'), f('a')];
`,
    'out.join()',
  );
  const first = run();
  t.is(first.value, 'A,B,C,A');
  t.is(first.runs, 3);
  const second = run();
  t.is(second.value, 'A,B,C,A');
  t.is(second.runs, 0);
});

// Known limit (README, "One snapshot per process"): a `let` still undefined at the first call is
// read again until the program's first synchronous run is over, so a client a body creates
// lazily counts in the fingerprints taken after it, and not in the next run's.
test.failing('an async body that creates its client lazily: the next run hits every call', (t) => {
  const dir = project({
    'app.js': (mod) => `const { cache } = require(${mod});
const ran = () => process.stderr.write('RAN\\n');
let client;
async function getClient() { if (client === undefined) { await null; client = { token: 'abc' }; } return client; }
const f = cache(async function f(x) { ran(); await getClient(); return x * 2; }, { name: 'f' });
const g = cache(async function g(x) { ran(); await getClient(); return x * 3; }, { name: 'g' });
(async () => {
  const out = [await f(1), await g(1), await f(2), await g(2)];
  console.log('OUT ' + JSON.stringify({ value: out.join() }));
})();
`,
  });
  const run = runner(dir, 'app.js', tempDir());
  t.deepEqual(run(), { value: '2,3,4,6', runs: 4 });
  t.deepEqual(run(), { value: '2,3,4,6', runs: 0 });
});

test('ES modules: an exported `let` set through its module between calls, read through an import', (t) => {
  const dir = project({
    'i18n.mjs': `export let locale = 'en';
export function setLocale(l) { locale = l; }
`,
    'app.mjs': (mod) => `import { createRequire } from 'node:module';
import { locale, setLocale } from './i18n.mjs';
const { cache } = createRequire(import.meta.url)(${mod});
const ran = () => process.stderr.write('RAN\\n');
const words = { en: 'hello', fr: 'bonjour' };
const f = cache(function f(x) { ran(); return x + ':' + words[locale]; }, { name: 'f' });
const out = [];
for (const l of ['en', 'fr', 'en']) { setLocale(l); out.push(f('home')); }
console.log('OUT ' + JSON.stringify({ value: out.join() }));
`,
  });
  const run = runner(dir, 'app.mjs', tempDir());
  t.deepEqual(run(), { value: 'home:hello,home:bonjour,home:hello', runs: 2 });
  t.deepEqual(run(), { value: 'home:hello,home:bonjour,home:hello', runs: 0 });
});

test('a fingerprint taken from a stored proof still sees a module binding set between calls', (t) => {
  const { run } = setup(
    `
let factor = 2;
function setFactor(n) { factor = n; }
function scale(x) { return x * factor; }
const f = cache(function f(x) { ran(); return scale(x); }, { name: 'f' });
const out = [f(5)];
setFactor(Number(process.env.FACTOR || 2));
out.push(f(5));
`,
    'out.join()',
  );
  const first = run();
  t.is(first.value, '10,10');
  pauseForProofs();
  const second = run({ FACTOR: '3' });
  t.true(second.proofs.reused >= 1, `the fingerprint came from the proof: ${JSON.stringify(second.proofs)}`);
  t.is(second.value, '10,15');
  const third = run({ FACTOR: '3' });
  t.is(third.value, '10,15');
  t.is(third.runs, 0);
});

test('a memory hit is not served after the value it read changed, and is again once it changes back', (t) => {
  const { run } = setup(
    `
const CONFIG = { unit: 'cm' };
const f = cache(function f(x) { ran(); return x + CONFIG.unit; }, { name: 'f' });
const out = [f(1), f(1)];
CONFIG.unit = 'in'; out.push(f(1), f(1));
CONFIG.unit = 'cm'; out.push(f(1));
`,
    'out.join()',
  );
  const first = run();
  t.is(first.value, '1cm,1cm,1in,1in,1cm');
  t.is(first.runs, 2, 'cm and in computed once each, from memory or disk after');
});

test('a function that reads nothing that can change keeps its hit path: no watch, no inspector call per call', (t) => {
  const dir = project({
    'app.js': (mod) => `const { cache } = require(${mod});
const inspector = require(${JSON.stringify(new URL('../dist/fingerprint/runtime/inspector.js', import.meta.url).pathname)});
const LIMIT = 3;
const f = cache(function f(x) { return Math.min(x, LIMIT); }, { name: 'f' });
f(1);
const before = inspector.inspectorCalls();
for (let i = 0; i < 100; i++) f(i % 5);
console.log('OUT ' + JSON.stringify({ calls: inspector.inspectorCalls() - before }));
`,
  });
  // A file written since the process started proves nothing about what its text writes.
  pauseForProofs();
  const r = node(['app.js'], { cwd: dir, env: { SMARTCACHE_DIR: tempDir() } });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.out, { calls: 0 });
});

test('recursion through the cache with a counter the body bumps stays linear (nested calls keep the fingerprints)', (t) => {
  const { run } = setup(
    `
let calls = 0;
const fib = cache(function fibBody(n) { calls++; return n < 2 ? n : fib(n - 1) + fib(n - 2); }, { name: 'fib' });
const v = fib(60);
`,
    '[String(v), calls].join()',
  );
  t.is(run().value, '1548008755920,61');
  t.is(run().value, '1548008755920,0');
});

test('an async body that bumps a counter after its awaits: the next run still hits', (t) => {
  const dir = project({
    'app.js': (mod) => `const { cache } = require(${mod});
let calls = 0;
const fib = cache(async function fibBody(n) { calls++; if (n < 2) return n; const a = await fib(n - 1); calls++; return a + (await fib(n - 2)); }, { name: 'fib' });
fib(40).then((v) => console.log('OUT ' + JSON.stringify({ value: String(v), calls })));
`,
  });
  const run = runner(dir, 'app.js', tempDir());
  const first = run();
  t.is(first.value, '102334155');
  t.true(first.calls < 200, `linear, not exponential: ${first.calls} body runs`);
  t.is(run().calls, 0);
});

// Known limit (README, "Values that change while the program runs"): a call made inside a cached
// body keeps the fingerprints as they were when that body began, so a cached body that changes
// state between two calls of another cached function gets the first answer twice.
test.failing('a cached body that sets a locale between two calls of another cached function', (t) => {
  const { run } = setup(
    `
let locale = 'en';
const words = { en: 'hello', fr: 'bonjour' };
const render = cache(function render(page) { ran(); return page + ':' + words[locale]; }, { name: 'render' });
const all = cache(function all(page) { const out = []; for (const l of ['en', 'fr']) { locale = l; out.push(render(page)); } locale = 'en'; return out.join(); }, { name: 'all' });
const v = all('home');
`,
    'v',
  );
  t.is(run().value, 'home:hello,home:bonjour');
});

test('another function computing in between does not absorb a change made outside both', (t) => {
  const { run } = setup(
    `
let locale = 'en';
function setLocale(l) { locale = l; }
const g = cache(function g(k) { ran(); return locale + ':' + k; }, { name: 'g' });
const f = cache(function f(k) { ran(); return 'f' + k; }, { name: 'f' });
const out = [g('home')];
setLocale('fr');
out.push(f(2), g('home'));
`,
    'out.join()',
  );
  t.is(run().value, 'en:home,f2,fr:home');
  t.is(run().value, 'en:home,f2,fr:home');
});

test('a function first called inside another body, under a value that body sets and then restores', (t) => {
  const { run } = setup(
    `
const cfg = { mode: 'a' };
const g = cache(function g(x) { ran(); return cfg.mode + x; }, { name: 'g' });
const outer = cache(function outer(x) { cfg.mode = 'b'; const r = g(x); cfg.mode = 'a'; return r; }, { name: 'outer' });
const out = [outer(1), g(1)];
`,
    'out.join()',
  );
  t.is(run().value, 'b1,a1');
  t.is(run().value, 'b1,a1');
});

test('a value changed by other code while an async body awaits is not taken as the body’s own', (t) => {
  const dir = project({
    'app.js': (mod) => `const { cache } = require(${mod});
const cfg = { mode: 'a' };
const load = cache(async function load(x) { const m = cfg.mode; await new Promise((r) => setTimeout(r, 20)); return m + x; }, { name: 'load' });
setTimeout(() => { cfg.mode = 'b'; }, 5);
(async () => {
  const first = await load(1);
  const second = await load(1);
  console.log('OUT ' + JSON.stringify({ value: first + ',' + second }));
})();
`,
  });
  const run = runner(dir, 'app.js', tempDir());
  t.is(run().value, 'a1,b1');
});

test('a #private field set between calls', (t) => {
  const { run } = setup(
    `
class Config { #locale = 'en'; setLocale(l) { this.#locale = l; } get locale() { return this.#locale; } }
const config = new Config();
const render = cache(function render(k) { ran(); return config.locale + ':' + k; }, { name: 'render' });
const out = [render('home')];
config.setLocale('fr');
out.push(render('home'));
`,
    'out.join()',
  );
  t.is(run().value, 'en:home,fr:home');
  t.is(run().value, 'en:home,fr:home');
});

test('a large table the function reads: an element changed between calls is seen', (t) => {
  const { run } = setup(
    `
const table = Array.from({ length: 5000 }, (_, i) => i * 2);
const f = cache(function f(i) { ran(); return table[i]; }, { name: 'f' });
const out = [f(4321)];
table[4321] = -1;
out.push(f(4321));
`,
    'out.join()',
  );
  t.is(run().value, '8642,-1');
});

test('a call counter the function bumps and the program resets between calls: the calls still hit', (t) => {
  const { run } = setup(
    `
let calls = 0;
const f = cache(function f(x) { ran(); calls++; return x * 2; }, { name: 'f' });
const out = [f(1), calls];
calls = 0;
out.push(f(1), calls);
calls = 10;
out.push(f(1), calls);
`,
    'out.join()',
  );
  const first = run();
  t.is(first.value, '2,1,2,0,2,10');
  t.is(first.runs, 1);
  t.is(run().runs, 0);
});

test('a counter read for its value is not a call counter: resetting it between calls is seen', (t) => {
  const { run } = setup(
    `
let next = 0;
const f = cache(function f(x) { ran(); next++; return x + ':' + next; }, { name: 'f' });
const out = [f('a')];
next = 5;
out.push(f('a'));
`,
    'out.join()',
  );
  t.is(run().value, 'a:1,a:6');
});

test('a client created lazily (synchronously) inside the first call of an async function: every value right, until every call hits', (t) => {
  const dir = project({
    'app.js': (mod) => `const { cache } = require(${mod});
const ran = () => process.stderr.write('RAN\\n');
let client;
function getClient() { if (client === undefined) client = { token: 'abc', opened: 1 }; return client; }
const ask = cache(async function ask(q) { ran(); const c = getClient(); await null; return q + ':' + c.token; }, { name: 'ask' });
const tell = cache(async function tell(q) { ran(); const c = getClient(); await null; return q + '!' + c.token; }, { name: 'tell' });
(async () => {
  const out = [await ask('a'), await tell('b'), await ask('c')];
  console.log('OUT ' + JSON.stringify({ value: out.join() }));
})();
`,
  });
  const run = runner(dir, 'app.js', tempDir());
  t.deepEqual(run(), { value: 'a:abc,b!abc,c:abc', runs: 3 });
  // `tell` first ran after `ask` made the client: it computes again on later runs (no client
  // then), every value right, until every call hits.
  let runs = 3;
  for (let i = 0; i < 6 && runs > 0; i++) {
    const r = run();
    t.is(r.value, 'a:abc,b!abc,c:abc');
    runs = r.runs;
  }
  t.is(runs, 0, 'every call hits within six runs');
  t.deepEqual(run(), { value: 'a:abc,b!abc,c:abc', runs: 0 });
});

test('a frozen object is not compared again, but what it holds still is', (t) => {
  const { run } = setup(
    `
const CFG = Object.freeze({ unit: 'cm', inner: { factor: 2 } });
const f = cache(function f(x) { ran(); return x * CFG.inner.factor + CFG.unit; }, { name: 'f' });
const out = [f(1)];
CFG.inner.factor = 3;
out.push(f(1));
`,
    'out.join()',
  );
  t.is(run().value, '2cm,3cm');
});

test('members hung on a helper function and on its prototype, set between calls', (t) => {
  const { run } = setup(
    `
function scale(x) { return x * (scale.factor || 1); }
function Unit(n) { this.n = n; }
Unit.prototype.show = function () { return this.n + 'u'; };
const f = cache(function f(x) { ran(); const u = new Unit(scale(x)); return u.show() + (u.extra ? u.extra() : ''); }, { name: 'f' });
const out = [f(2)];
scale.factor = 3; out.push(f(2));
scale.factor = 4; out.push(f(2));
Unit.prototype.extra = function () { return '+'; }; out.push(f(2));
`,
    'out.join()',
  );
  t.is(run().value, '2u,6u,8u,8u+');
  t.is(run().value, '2u,6u,8u,8u+');
});

test('a cached body that changes what another cached function reads: that one computes again, and its entries stay true', (t) => {
  const dir = project({
    'lib.js': (mod) => `const { cache } = require(${mod});
let theme = 'light';
function setTheme(t) { theme = t; }
exports.A = cache(function aBody(t) { setTheme(t); return 'A:' + t; }, { name: 'A' });
exports.B = cache(function bBody(x) { return theme + ':' + x; }, { name: 'B' });
`,
    'app.js': `const lib = require('./lib');
const out = [lib.B(1), lib.A('dark'), lib.B(2), lib.B(1)];
console.log('OUT ' + JSON.stringify({ value: out.join() }));
`,
    'app2.js': `const lib = require('./lib');
console.log('OUT ' + JSON.stringify({ value: [lib.B(2), lib.B(1)].join() }));
`,
  });
  pauseForProofs();
  const cacheDir = tempDir();
  t.is(runner(dir, 'app.js', cacheDir)().value, 'light:1,A:dark,dark:2,dark:1');
  // A program that never calls A: its theme stays light, whatever run 1 stored.
  t.is(runner(dir, 'app2.js', cacheDir)().value, 'light:2,light:1');
});

test('a client created lazily inside a call, then reconfigured between calls', (t) => {
  const { run } = setup(
    `
let client;
function getClient() { if (!client) client = { base: 'v1' }; return client; }
const f = cache(function fBody(x) { ran(); return getClient().base + ':' + x; }, { name: 'f' });
const out = [f(1)];
getClient().base = 'v2';
out.push(f(1), f(2));
`,
    'out.join()',
  );
  t.is(run().value, 'v1:1,v2:1,v2:2');
  t.is(run().value, 'v1:1,v2:1,v2:2');
});

test('inheritance through a constructor prototype (Object.create): the parent method edited between runs', (t) => {
  const body = (word) => `
function Parent(n) { this.n = n; }
Parent.prototype.speak = function () { return '${word}:' + this.n; };
function Child(n) { this.n = n; }
Child.prototype = Object.create(Parent.prototype);
const f = cache(function fBody(x) { ran(); return new Child(x).speak(); }, { name: 'f' });
`;
  const dir = project({ 'app.js': app(body('v1'), 'f(1)') });
  const cacheDir = tempDir();
  pauseForProofs();
  t.is(runner(dir, 'app.js', cacheDir)().value, 'v1:1');
  writeFile(dir, 'app.js', app(body('v2'), 'f(1)'));
  pauseForProofs();
  t.is(runner(dir, 'app.js', cacheDir)().value, 'v2:1');
});

test('a non-enumerable member of a helper, read by path: set between calls, and edited between runs', (t) => {
  const body = (limit) => `
function helper(x) { return x + 1; }
Object.defineProperty(helper, 'limit', { value: ${limit}, writable: true, enumerable: false, configurable: true });
const f = cache(function fBody(x) { ran(); return helper(x) * helper.limit; }, { name: 'f' });
const out = [f(1)];
helper.limit = 10;
out.push(f(1));
`;
  const dir = project({ 'app.js': app(body(5), 'out.join()') });
  const cacheDir = tempDir();
  pauseForProofs();
  t.is(runner(dir, 'app.js', cacheDir)().value, '10,20');
  writeFile(dir, 'app.js', app(body(7), 'out.join()'));
  pauseForProofs();
  t.is(runner(dir, 'app.js', cacheDir)().value, '14,20');
});

test('a run log and a counter object shared by several cached functions: the second run hits every call', (t) => {
  const { run } = setup(
    `
const log = [];
const stats = { f: 0, g: 0 };
const seen = new Set();
const f = cache(function fBody(x) { ran(); log.push('f' + x); stats.f++; seen.add(x); return x * 2; }, { name: 'f' });
const g = cache(function gBody(x) { ran(); log.push('g' + x); stats['g'] += 1; return x * 3; }, { name: 'g' });
const out = [f(1), g(1), f(2), g(2), f(1)];
log.length = 0;
stats.f = 0;
out.push(g(1), f(2));
`,
    'out.join()',
  );
  const first = run();
  t.is(first.value, '2,3,4,6,2,3,4');
  t.is(first.runs, 4);
  const second = run();
  t.is(second.value, '2,3,4,6,2,3,4');
  t.is(second.runs, 0);
});

test('a log the function also reads is no log: changed between calls, it is seen', (t) => {
  const { run } = setup(
    `
const log = [];
const f = cache(function fBody(x) { ran(); log.push(x); return x + ':' + log.length; }, { name: 'f' });
const out = [f('a')];
log.push('outside');
out.push(f('a'));
`,
    'out.join()',
  );
  t.is(run().value, 'a:1,a:3');
});

// A memory hit of a function no reached code can get hold of compares nothing of the function
// object itself (watch.ts, rootMembersUnobservable). Each way code can still reach it must keep
// the comparison: by its name, through `arguments.callee`, through a helper's `caller`, through
// a module object that holds it.
for (const [title, body] of [
  ['the body names its own function', `function f(x) { ran(); return x * (f.factor ?? 1); }`],
  ['a sloppy body reads arguments.callee', `function f(x) { ran(); return x * (arguments.callee.factor ?? 1); }`],
  ['a sloppy helper reads its caller', `function scale(x) { return x * (scale.caller.factor ?? 1); }\nfunction f(x) { ran(); return scale(x); }`],
  ['a module object that holds the function', `const registry = {};\nfunction f(x) { ran(); return x * (registry.f.factor ?? 1); }\nregistry.f = f;`],
]) {
  test(`a member set on the cached function between calls, when ${title}: the next call computes`, (t) => {
    const { run } = setup(
      `
${body}
const cached = cache(f, { name: 'f' });
const out = [cached(2), cached(2)];
f.factor = 10; out.push(cached(2));
`,
      'out.join()',
    );
    const first = run();
    t.is(first.value, '2,2,20');
    t.is(first.runs, 2);
  });
}

test('a member set on a strict cached function that nothing it runs can reach: memory hits continue', (t) => {
  const { run } = setup(
    `
const f = (function () { 'use strict'; return function f(x) { ran(); return x * 2; }; })();
const cached = cache(f, { name: 'f' });
const out = [cached(2)];
f.factor = 10; f.prototype.extra = 1; out.push(cached(2));
`,
    'out.join()',
  );
  const first = run();
  t.is(first.value, '4,4');
  t.is(first.runs, 1, 'members no code of the call can read are no input');
});
