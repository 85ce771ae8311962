// Real code, round 5: ramda, dayjs (+ plugins), js-yaml 5, handlebars and zod 4, each copied out of
// node_modules into a scratch project and called from cached functions (cache() and the preload,
// CommonJS and ES modules). No stale hit was found. What the runs showed, reduced to a few lines
// without the library:
// - a refused result was named `result[0]` in the warning (zod's toJSONSchema() result, which has
//   a non-enumerable `~standard`): the path counted the cache layer's envelope; fixed.
// - `explain --diff` without --live said "no longer found" for an edited helper reached through a
//   wrapper's parameter (ramda's `_curry3(function descend(…) {…})`, seen as `fn`) and showed no
//   new code: the source lookup only knew the binding's name; fixed.
// - a member that forwards `this` (ramda's `_arity`: `fn.apply(this, arguments)`) called as
//   `L.inc(x)` made the whole namespace `L` a dependency: an edit of an unused member recomputed
//   (and every hit run walked all of ramda, ~200 ms); fixed: a `this` only handed on counts as
//   much as the function it is handed to uses its own (analysis `thisForwards`).
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { node, project, smartcacheLines, tempDir } from './fixtures/cache/helpers.mjs';
import { cli, REGISTER } from './fixtures/cli/helpers.mjs';
import { parseWarnings } from './fixtures/warnings.mjs';

const PAUSE_MS = 250;

/** Edits of a file right after a run must not share its timestamps (ctime margins). */
function pause() {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, PAUSE_MS);
}

function edit(dir, file, from, to) {
  const p = path.join(dir, file);
  const text = fs.readFileSync(p, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} does not contain ${from}`);
  pause();
  fs.writeFileSync(p, text.replace(from, to));
}

function run(t, dir, cacheDir, args) {
  const r = node(args, { cwd: dir, env: { SMARTCACHE_DIR: cacheDir, SMARTCACHE_LOG: '1' } });
  t.is(r.status, 0, r.stderr);
  return { ...r, log: smartcacheLines(r.stderr).filter((l) => /^\[smartcache\] (hit|miss) /.test(l)) };
}

test('a result refused for its shape is named `result`, not `result[0]` (the envelope it is stored in)', (t) => {
  const dir = project({
    'app.js': (mod) => `const { cache } = require(${mod});
const withHidden = () => { const o = { type: 'object' }; Object.defineProperty(o, '~standard', { value: {}, enumerable: false }); return o; };
const whole = cache(function whole() { return withHidden(); }, { name: 'whole' });
const nested = cache(function nested() { return { schema: withHidden() }; }, { name: 'nested' });
const listed = cache(function listed() { return [1, () => 2]; }, { name: 'listed' });
whole(); nested(); listed();
`,
  });
  const r = node(['app.js'], { cwd: dir, env: { SMARTCACHE_DIR: tempDir() } });
  t.is(r.status, 0, r.stderr);
  const messages = parseWarnings(r.stderr).map((w) => w.message);
  t.true(messages.some((m) => m.includes('ERR_UNSERIALIZABLE_RESULT: result is an object with non-enumerable properties')), messages.join('\n'));
  t.true(messages.some((m) => m.includes('ERR_UNSERIALIZABLE_RESULT: result.schema is an object with non-enumerable properties')), messages.join('\n'));
  t.true(messages.some((m) => m.includes('ERR_UNSERIALIZABLE_RESULT: result[1] is a function')), messages.join('\n'));
  t.false(messages.some((m) => m.includes('result[0]')), messages.join('\n'));
});

const WRAPPED = {
  named: 'exports.descend = wrap(function descend(a, b) { return b - a; });\n',
  anonymous: 'exports.descend = wrap((a, b) => b - a);\n',
};

for (const [kind, line] of Object.entries(WRAPPED)) {
  test(`explain --diff (source): an edited ${kind} helper reached through a wrapper's parameter is named changed, with its new code`, async (t) => {
    const dir = project({
      'lib.js': `function wrap(fn) { return function (a, b) { return fn(a, b); }; }\n${line}`,
      'app.js': `const { descend } = require('./lib.js');
/** @cache */
function order(xs) { return xs.slice().sort(descend); }
console.log(JSON.stringify(order([3, 1, 2])));
`,
    });
    const cacheDir = tempDir();
    const first = node(['--require', REGISTER, 'app.js'], { cwd: dir, env: { SMARTCACHE_DIR: cacheDir } });
    t.is(first.status, 0, first.stderr);
    t.is(first.stdout.trim(), '[3,2,1]');
    edit(dir, 'lib.js', 'b - a', 'a - b');
    const r = await cli(['explain', 'app.js', '--diff', '--dir', cacheDir], { cwd: dir });
    t.is(r.code, 0, r.stderr);
    t.regex(r.stdout, /^app\.js#order: changed since/m, r.stdout);
    t.regex(r.stdout, /helper `fn` \(lib\.js:2\) changed$/m, r.stdout);
    t.notRegex(r.stdout, /no longer found/, r.stdout);
    t.regex(r.stdout, /^\s+\+ .*a - b/m, r.stdout);
  });
}

test('explain --diff (source): a helper that is really gone is still "no longer found"', async (t) => {
  const dir = project({
    'lib.js': `function wrap(fn) { return function (a, b) { return fn(a, b); }; }\n${WRAPPED.named}`,
    'app.js': `const { descend } = require('./lib.js');
/** @cache */
function order(xs) { return xs.slice().sort(descend); }
console.log(JSON.stringify(order([3, 1, 2])));
`,
  });
  const cacheDir = tempDir();
  t.is(node(['--require', REGISTER, 'app.js'], { cwd: dir, env: { SMARTCACHE_DIR: cacheDir } }).status, 0);
  edit(dir, 'lib.js', 'exports.descend = wrap(function descend(a, b) { return b - a; });', 'exports.order = null;');
  const r = await cli(['explain', 'app.js', '--diff', '--dir', cacheDir], { cwd: dir });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /helper `fn` \(lib\.js:2\) no longer found in lib\.js/, r.stdout);
});

// Was a spurious miss: `fn.apply(this, arguments)` passes `this` on, and `this` is the namespace
// the member was called through, so all of it counted (ramda's _arity/_curryN wrappers:
// `R.countBy(…)` reached all ~270 members of R). Now `fn`'s own use of `this` decides.
test('a member forwarding `this` (fn.apply(this, arguments)): an edit of an unused member still hits', (t) => {
  const dir = project({
    'lib.js': `function arity(fn) { return function (a) { return fn.apply(this, arguments); }; }
exports.inc = arity(function inc(x) { return x + 1; });
exports.dec = arity(function dec(x) { return x - 1; });
`,
    'app.js': (mod) => `const { cache } = require(${mod});
const L = require('./lib.js');
const f = cache(function f(x) { return L.inc(x); }, { name: 'f' });
console.log(f(1));
`,
  });
  const cacheDir = tempDir();
  t.deepEqual(run(t, dir, cacheDir, ['app.js']).log.map((l) => l.split(' ')[1]), ['miss']);
  t.deepEqual(run(t, dir, cacheDir, ['app.js']).log.map((l) => l.split(' ')[1]), ['hit']);
  edit(dir, 'lib.js', 'x - 1', 'x - 2');
  const after = run(t, dir, cacheDir, ['app.js']);
  t.is(after.stdout.trim(), '2');
  t.deepEqual(after.log.map((l) => l.split(' ')[1]), ['hit'], after.log.join('\n'));
});

// The other side of `thisForwards`: wherever the `this` handed on can matter, it still counts.
function forwardApp(lib, call) {
  return {
    'lib.js': lib,
    'app.js': (mod) => `const { cache } = require(${mod});
const L = require('./lib.js');
const f = cache(function f(x) { return ${call}; }, { name: 'f' });
console.log(f(1));
`,
  };
}

function expectMissAfter(t, files, from, to, before, after) {
  const dir = project(files);
  const cacheDir = tempDir();
  t.is(run(t, dir, cacheDir, ['app.js']).stdout.trim(), before);
  t.deepEqual(run(t, dir, cacheDir, ['app.js']).log.map((l) => l.split(' ')[1]), ['hit']);
  edit(dir, 'lib.js', from, to);
  const r = run(t, dir, cacheDir, ['app.js']);
  t.is(r.stdout.trim(), after, `served ${r.stdout.trim()} after the edit: ${r.log.join('\n')}`);
}

test('this handed on to a function that reads it: the member it reads still counts', (t) => {
  const lib = `function wrap(fn) { return function (a) { return fn.apply(this, arguments); }; }
exports.base = 10;
exports.add = wrap(function add(x) { return this.base + x; });
`;
  expectMissAfter(t, forwardApp(lib, 'L.add(x)'), 'exports.base = 10', 'exports.base = 20', '11', '21');
});

test('this handed on with call, two levels down: still counts', (t) => {
  const lib = `function wrap(fn) { return function (a) { return fn.call(this, a); }; }
function inner(x) { return this.scale * x; }
exports.scale = 3;
exports.times = wrap(function outer(x) { return inner.call(this, x); });
`;
  expectMissAfter(t, forwardApp(lib, 'L.times(x)'), 'exports.scale = 3', 'exports.scale = 4', '3', '4');
});

test('this handed to a function whose apply is not JavaScript\'s: the holder counts whole', (t) => {
  const lib = `const fn = function (x) { return x; };
fn.apply = function (self, args) { return self.extra + args[0]; };
exports.extra = 5;
exports.run = function (x) { return fn.apply(this, arguments); };
`;
  expectMissAfter(t, forwardApp(lib, 'L.run(x)'), 'exports.extra = 5', 'exports.extra = 6', '6', '7');
});

test('this handed to a parameter: the holder counts whole', (t) => {
  const lib = `exports.base = 1;
exports.run = function (cb, x) { return cb.call(this, x); };
`;
  const files = forwardApp(lib, 'L.run(read, x)');
  const app = files['app.js'];
  files['app.js'] = (mod) => app(mod).replace("const L = require('./lib.js');", "const L = require('./lib.js');\nfunction read(x) { return this.base + x; }");
  expectMissAfter(t, files, 'exports.base = 1', 'exports.base = 2', '2', '3');
});
