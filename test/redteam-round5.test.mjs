// Red team, round 5: the contract read as an outside acceptance-test author would read it.
// Each test is one finding, named after the contract sentence it checks; child processes over a
// temp project with their own SMARTCACHE_DIR, as the other suites do.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { node, project, repo, smartcacheLines, tempDir, workspaceProject, writeFile } from './fixtures/cache/helpers.mjs';

/** A temp project where `smartcache` resolves to this checkout (for `--require smartcache/register`). */
function preloadProject(files) {
  const dir = project(files);
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  fs.symlinkSync(repo, path.join(dir, 'node_modules', 'smartcache'), 'dir');
  return dir;
}

const CLI = path.join(repo, 'dist', 'cli', 'main.js');

function run(dir, env, script = 'app.js', args = []) {
  const r = node([script, ...args], { cwd: dir, env });
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}`);
  return { ...r.out, lines: smartcacheLines(r.stderr), stderr: r.stderr };
}

// ---------------------------------------------------------------------------------------------
// Inputs from outside the code
// ---------------------------------------------------------------------------------------------

// "A later hit is served only if ... every stat the same type, size, mode and modification time."
// A `{ bigint: true }` stat was recorded with its whole-millisecond `mtimeMs` (a bigint) and
// checked against a number-form stat (fractional `mtimeMs`): the two never matched, so such an
// entry never hit, run after run, with the reason "stat of data.txt changed".
test('Inputs: a stat taken with { bigint: true } is an input that hits while the file is unchanged', (t) => {
  const dir = project({
    'data.txt': 'hello\n',
    'app.js': (mod) => `const { cache } = require(${mod});
const fs = require('node:fs');
let runs = 0;
const f = cache(function f(p) { runs++; return Number(fs.statSync(p, { bigint: true }).size); }, { name: 'f' });
console.log('OUT ' + JSON.stringify({ value: f('data.txt'), runs }));
`,
  });
  const env = { SMARTCACHE_DIR: tempDir(), SMARTCACHE_LOG: '1' };
  t.like(run(dir, env), { value: 6, runs: 1 });
  const second = run(dir, env);
  t.like(second, { value: 6, runs: 0 }, second.lines.join('\n'));
  writeFile(dir, 'data.txt', 'hello, world\n');
  t.like(run(dir, env), { value: 13, runs: 1 });
});

// ---------------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------------

function cli(args, { cwd, env = {} } = {}) {
  const r = node([CLI, ...args], { cwd, env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// "`--diff` shows what changed since the fingerprint last stored, down to the code of a changed
// function." With `--live`, the live tree carries display nodes for the latest entry's recorded
// inputs (`(file) data.txt`, `(cwd)`), which stored trees never hold: every edit of a function
// that reads a file was reported with "dependency `(file) data.txt` added" and "dependency
// `(cwd)` added", though neither is new and neither is part of a fingerprint.
test('CLI: explain --live --diff names only what changed (a file the function already read is not "added")', (t) => {
  const dir = project({
    'data.txt': 'hi\n',
    'app.js': (mod) => `const { cache } = require(${mod});
const fs = require('node:fs');
const load = cache(function load(p) { return fs.readFileSync(p, 'utf8').length + 1; });
console.log('OUT ' + JSON.stringify({ value: load('data.txt') }));
`,
  });
  const env = { SMARTCACHE_DIR: tempDir() };
  t.like(run(dir, env), { value: 4 });
  const app = path.join(dir, 'app.js');
  fs.writeFileSync(app, fs.readFileSync(app, 'utf8').replace('length + 1', 'length + 2'));
  const r = cli(['explain', 'app.js', '--live', '--diff'], { cwd: dir, env });
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /function `load` \(app\.js:3\) changed/);
  t.notRegex(r.stdout, /added/, r.stdout);
});

// ---------------------------------------------------------------------------------------------
// Environment: SMARTCACHE_LOG=1
// ---------------------------------------------------------------------------------------------

// "SMARTCACHE_LOG=1 — ... a miss says why when it knows (new arguments, or which dependency
// changed)." The stored tree holds one `(env) NAME` node per variable read by name; the reason was
// computed against the current tree without them, so every such variable was reported "removed"
// on any code change, and a variable going from unset to set was reported "removed" too.
test('SMARTCACHE_LOG=1: a miss names the dependency that changed, and only it (a function reading process.env.NAME)', (t) => {
  const dir = project({
    'app.js': (mod) => `const { cache } = require(${mod});
const RATE = 2;
const f = cache(function f(x) { return x * RATE + (process.env.BONUS ? 1 : 0); }, { name: 'f' });
console.log('OUT ' + JSON.stringify({ value: f(1) }));
`,
  });
  const env = { SMARTCACHE_DIR: tempDir(), SMARTCACHE_LOG: '1' };
  const reason = (r) => {
    const line = r.lines.find((l) => l.startsWith('[smartcache] miss f '));
    return line === undefined ? undefined : /\((.*?)(; first call: .*)?\)$/.exec(line)?.[1];
  };
  t.is(reason(run(dir, env)), 'new arguments');
  const app = path.join(dir, 'app.js');
  fs.writeFileSync(app, fs.readFileSync(app, 'utf8').replace('RATE = 2', 'RATE = 3'));
  t.is(reason(run(dir, env)), '`RATE` 2 → 3', 'only the constant changed');
  t.is(reason(run(dir, { ...env, BONUS: '1' })), '`(env) BONUS` unset → set', 'the variable was set, not removed');
});

// ---------------------------------------------------------------------------------------------
// Two projects, one root (npm workspaces: each package has its own package.json)
// ---------------------------------------------------------------------------------------------


// Default names are "<project-relative file>#<name>", so packages/a/index.js and
// packages/b/index.js both cache `index.js#build`. Sharing one root (the README's CI setup: one
// SMARTCACHE_DIR for the repository) made them one name with two "versions": `prune` evicted the
// package that ran first as "no longer current" although its code was unchanged and in use, and
// `clear packages/a/index.js` found the name's records pointing at packages/b. Fixed: prune judges
// currency per project folder the records name (src/store/prune.ts), and clear <file> takes only
// the fingerprints recorded for that file when the name's records point at other files too.
test('CLI: prune evicts only "entries of fingerprints no longer current" (two packages of one workspace, same file and function name)', (t) => {
  const dir = workspaceProject();
  const env = { SMARTCACHE_DIR: tempDir() };
  const a = path.join(dir, 'packages', 'a');
  const b = path.join(dir, 'packages', 'b');
  t.like(run(a, env, 'index.js'), { value: 'A1', runs: 1 });
  t.like(run(b, env, 'index.js'), { value: 'B11', runs: 1 });
  const pruned = cli(['prune'], { cwd: dir, env });
  t.is(pruned.status, 0, pruned.stderr);
  t.like(run(a, env, 'index.js'), { value: 'A1', runs: 0 }, `package a's unchanged function lost its entry: ${pruned.stdout}`);
  t.like(run(b, env, 'index.js'), { value: 'B11', runs: 0 });
  // Still pruned: the old version of a function whose project moved on.
  const index = path.join(a, 'index.js');
  fs.writeFileSync(index, fs.readFileSync(index, 'utf8').replace("'A' + x", "'a' + x"));
  t.like(run(a, env, 'index.js'), { value: 'a1', runs: 1 });
  const again = cli(['prune'], { cwd: dir, env });
  t.regex(again.stdout, /removed 1 entr/, again.stdout);
  t.like(run(a, env, 'index.js'), { value: 'a1', runs: 0 });
  t.like(run(b, env, 'index.js'), { value: 'B11', runs: 0 });
});

test('CLI: clear <file> removes the entries of every cached function of that file, and only those (two packages, one root)', (t) => {
  const dir = workspaceProject();
  const env = { SMARTCACHE_DIR: tempDir() };
  const a = path.join(dir, 'packages', 'a');
  const b = path.join(dir, 'packages', 'b');
  run(a, env, 'index.js');
  run(b, env, 'index.js');
  const cleared = cli(['clear', path.join('packages', 'a', 'index.js')], { cwd: dir, env });
  t.is(cleared.status, 0, cleared.stderr);
  t.like(run(a, env, 'index.js'), { runs: 1 }, `a's entry was not cleared: ${cleared.stdout}${cleared.stderr}`);
  t.like(run(b, env, 'index.js'), { runs: 0 }, "b's entry was cleared with a's");
});

// ---------------------------------------------------------------------------------------------
// The preload: recursion through the cache
// ---------------------------------------------------------------------------------------------

// "Recursive and internal calls to an annotated function go through the cache too (`fib(90)` runs
// in O(n) the first time and O(1) after)", for the listed form `const f = function…`. A named
// function expression (`const fib = function fib(n) {… fib(n - 1) …}`, the usual way to name one)
// recurses through its own immutable name binding, which the rewrite (`fib = __sc$(fib, 0)` after
// the declaration) cannot reach: fib(25) ran its body 242,785 times instead of 26, and fib(90)
// never finishes. Same with 'use cache' and in ES modules. Fixed: the rewrite blanks the inner name
// when it is the binding's own (same width; the function is still named by the binding), so the
// recursive calls reach the binding that holds the cached function (src/preload/plan.ts).
for (const [label, file, flag, text] of [
  ['/** @cache */ const fib = function fib', 'app.js', '--require', `/** @cache */
const fib = function fib(n) { globalThis.runs = (globalThis.runs ?? 0) + 1; return n < 2 ? n : fib(n - 1) + fib(n - 2); };
console.log('OUT ' + JSON.stringify({ value: fib(25), runs: globalThis.runs, name: fib.name }));
`],
  ["'use cache' in const fib = function fib", 'app.js', '--require', `const fib = function fib(n) { 'use cache'; globalThis.runs = (globalThis.runs ?? 0) + 1; return n < 2 ? n : fib(n - 1) + fib(n - 2); };
console.log('OUT ' + JSON.stringify({ value: fib(25), runs: globalThis.runs, name: fib.name }));
`],
  ['ESM: /** @cache */ export const fib = function fib', 'app.mjs', '--import', `/** @cache */
export const fib = function fib(n) { globalThis.runs = (globalThis.runs ?? 0) + 1; return n < 2 ? n : fib(n - 1) + fib(n - 2); };
console.log('OUT ' + JSON.stringify({ value: fib(25), runs: globalThis.runs, name: fib.name }));
`],
]) {
  test(`Preload: recursive calls go through the cache (${label})`, (t) => {
    const dir = preloadProject({ [file]: text });
    const r = run(dir, { SMARTCACHE_DIR: tempDir() }, flag, ['smartcache/register', file]);
    t.is(r.value, 75025);
    t.true(r.runs <= 26, `the body ran ${r.runs} times for fib(25) on a cold cache`);
    t.is(r.name, 'fib', 'the function keeps its name');
  });
}

test('Preload (held): recursive calls go through the cache for a function declaration, an anonymous const function and a method', (t) => {
  const dir = preloadProject({ 'app.js': `/** @cache */
function a(n) { globalThis.ra = (globalThis.ra ?? 0) + 1; return n < 2 ? n : a(n - 1) + a(n - 2); }
/** @cache */
const b = function (n) { globalThis.rb = (globalThis.rb ?? 0) + 1; return n < 2 ? n : b(n - 1) + b(n - 2); };
class C {
  /** @cache */
  static c(n) { globalThis.rc = (globalThis.rc ?? 0) + 1; return n < 2 ? n : C.c(n - 1) + C.c(n - 2); }
}
console.log('OUT ' + JSON.stringify({ value: [a(25), b(25), C.c(25)], runs: [globalThis.ra, globalThis.rb, globalThis.rc] }));
` });
  const r = run(dir, { SMARTCACHE_DIR: tempDir() }, '--require', ['smartcache/register', 'app.js']);
  t.deepEqual(r.value, [75025, 75025, 75025]);
  t.deepEqual(r.runs, [26, 26, 26]);
});

// ---------------------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------------------

// "Arguments are hashed by value ... Values that cannot be hashed faithfully ... raise a
// SmartCacheError with code ERR_UNHASHABLE_ARGUMENT." A plain object's non-enumerable own data
// property is read by the function like any other (`o.limit`) but left out of the key (plain
// objects hash own enumerable properties only; class instances do include non-enumerable names):
// two objects that differ only there share one key, and the second call gets the first's result.
// Fixed: a plain object's non-enumerable string-keyed properties are hashed, apart from the
// enumerable ones (src/key/canonical.ts `plainObject`; key-distinct.test.mjs has the unit tests).
test('Keys: plain objects that differ in a non-enumerable own property are different keys (or refused)', (t) => {
  const dir = project({
    'app.js': (mod) => `const { cache } = require(${mod});
const f = cache(function f(o) { return o.limit * 10; }, { name: 'f', memory: false });
const mk = (v) => Object.defineProperty({ id: 1 }, 'limit', { value: v, enumerable: false });
let second;
try { second = [f(mk(1)), f(mk(2))]; } catch (e) { second = e.code; }
console.log('OUT ' + JSON.stringify({ value: second }));
`,
  });
  const r = run(dir, { SMARTCACHE_DIR: tempDir() });
  t.true(r.value === 'ERR_UNHASHABLE_ARGUMENT' || (Array.isArray(r.value) && r.value[1] === 20), `served ${JSON.stringify(r.value)}`);
});
