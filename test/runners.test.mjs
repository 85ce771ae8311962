// The README's test-runner recipes, run for real on the example projects (examples/node-test,
// examples/vitest, examples/jest): each copied to a temp folder where smartcache (and the runner)
// resolve through node_modules symlinks, run twice in child processes with one cache root. The
// examples print `{ cached, computations }`: a second run must compute nothing.
import test from 'ava';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseWarnings } from './fixtures/warnings.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EXAMPLES = path.join(REPO, 'examples');

function project(example, packages = []) {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `sc-runner-${example}-`)));
  fs.cpSync(path.join(EXAMPLES, example), dir, { recursive: true });
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(REPO, path.join(dir, 'node_modules', 'smartcache'), 'dir');
  for (const name of packages) fs.symlinkSync(path.join(REPO, 'node_modules', name), path.join(dir, 'node_modules', name), 'dir');
  return dir;
}

function run(dir, args, env = {}) {
  const base = { ...process.env };
  for (const k of Object.keys(base)) if (k.startsWith('SMARTCACHE') || k.startsWith('VITEST') || k.startsWith('JEST') || k === 'NODE_OPTIONS' || k === 'NODE_TEST_CONTEXT') delete base[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: dir, env: { ...base, SMARTCACHE_DIR: path.join(dir, '.cache'), SMARTCACHE_LOG: '1', CI: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: out, stderr: err });
    });
  });
}

/**
 * What the example tests printed (`{"cached":…}`, `{"squares":…}` lines, which runners indent or
 * prefix), merged into one object.
 */
function report(t, r) {
  const lines = `${r.stdout}\n${r.stderr}`.split('\n').map((l) => /\{"(?:cached|squares)".*\}/.exec(l)?.[0]).filter(Boolean);
  if (lines.length === 0) {
    t.fail(`no report line (exit ${r.code}):\n${r.stdout}\n--- stderr ---\n${r.stderr}`);
    return {};
  }
  return Object.assign({}, ...lines.map((l) => JSON.parse(l)));
}

const installed = (name) => fs.existsSync(path.join(REPO, 'node_modules', name, 'package.json'));

test('node --test with the preload: annotated code under test is cached, the second run computes nothing', async (t) => {
  const dir = project('node-test');
  try {
    const args = ['--require', 'smartcache/register', '--test'];
    const first = await run(dir, args);
    t.is(first.code, 0, first.stdout + first.stderr);
    t.deepEqual(report(t, first), { cached: true, computations: 1 });
    const second = await run(dir, args);
    t.is(second.code, 0, second.stdout + second.stderr);
    t.deepEqual(report(t, second), { cached: true, computations: 0 });
    t.regex(second.stdout + second.stderr, /\[smartcache\] hit src\/prices\.js\\?#priceTable/);
    // With --import (ES module test files), and through NODE_OPTIONS, as `npm test` scripts and CI set it.
    const viaImport = await run(dir, ['--import', 'smartcache/register', '--test']);
    t.is(viaImport.code, 0, viaImport.stdout + viaImport.stderr);
    t.deepEqual(report(t, viaImport), { cached: true, computations: 0 });
    const viaEnv = await run(dir, ['--test'], { NODE_OPTIONS: '--require smartcache/register' });
    t.is(viaEnv.code, 0, viaEnv.stdout + viaEnv.stderr);
    t.deepEqual(report(t, viaEnv), { cached: true, computations: 0 });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const vitestTest = installed('vitest') ? test : test.skip;
vitestTest('vitest: externalized annotated code and cache() in test files hit on the second run; the preload says once that the module runner hides annotations', async (t) => {
  const dir = project('vitest', ['vitest']);
  try {
    const args = [path.join('node_modules', 'vitest', 'vitest.mjs'), 'run'];
    const env = { NODE_OPTIONS: '--require smartcache/register' };
    const first = await run(dir, args, env);
    t.is(first.code, 0, first.stdout + first.stderr);
    t.deepEqual(report(t, first), { cached: true, computations: 1, squares: 1 });
    const warnings = parseWarnings(first.stderr).filter((w) => w.code === 'SMARTCACHE_PRELOAD');
    t.is(warnings.length, 1, first.stderr);
    t.regex(warnings[0]?.message ?? '', /under vitest.*server\.deps\.external/);
    const second = await run(dir, args, env);
    t.is(second.code, 0, second.stdout + second.stderr);
    t.deepEqual(report(t, second), { cached: true, computations: 0, squares: 0 });
    // Without the externalization the same file runs through Vite: not cached, as the warning says.
    fs.writeFileSync(path.join(dir, 'vitest.config.mjs'), "export default { test: {} };\n");
    const inlined = await run(dir, args, env);
    t.is(inlined.code, 0, inlined.stdout + inlined.stderr);
    t.like(report(t, inlined), { cached: false, computations: 1 });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const jestTest = installed('jest') ? test : test.skip;
jestTest('jest: cache() hits on the second run; with the preload, one warning that annotations are not applied, and nothing breaks', async (t) => {
  const dir = project('jest', ['jest']);
  try {
    const args = [path.join('node_modules', 'jest', 'bin', 'jest.js'), '--ci'];
    const first = await run(dir, args);
    t.is(first.code, 0, first.stdout + first.stderr);
    t.deepEqual(report(t, first), { cached: true, computations: 1 });
    t.deepEqual(parseWarnings(first.stderr), [], first.stderr);
    const second = await run(dir, args);
    t.is(second.code, 0, second.stdout + second.stderr);
    t.deepEqual(report(t, second), { cached: true, computations: 0 });
    t.regex(second.stderr, /\[smartcache\] hit src\/prices\.js#priceTable/);

    // A warning from smartcache loaded in jest's registry (its Error is of jest's vm realm, which
    // process.emitWarning refuses) is printed with its code, and the call still returns.
    fs.writeFileSync(path.join(dir, 'test', 'warns.test.js'), "'use strict';\nconst { cache } = require('smartcache');\nconst makeAdder = cache(function makeAdder(n) {\n  return (x) => x + n;\n});\ntest('an unstorable result', () => {\n  expect(makeAdder(2)(40)).toBe(42);\n  console.log(JSON.stringify({ cached: true, returned: true }));\n});\n");
    const warned = await run(dir, [...args, 'warns']);
    t.is(warned.code, 0, warned.stdout + warned.stderr);
    t.deepEqual(report(t, warned), { cached: true, returned: true });
    t.deepEqual(parseWarnings(warned.stderr).map((w) => w.code), ['ERR_UNSERIALIZABLE_RESULT'], warned.stderr);

    // An annotated function under jest with the preload: not applied, said once, still correct.
    fs.writeFileSync(path.join(dir, 'src', 'annotated.js'), "'use strict';\n/** @cache */\nfunction twice(n) {\n  return n * 2;\n}\nmodule.exports = { twice };\n");
    fs.writeFileSync(path.join(dir, 'test', 'annotated.test.js'), "'use strict';\nconst { twice } = require('../src/annotated.js');\ntest('twice', () => {\n  expect(twice(21)).toBe(42);\n  console.log(JSON.stringify({ cached: typeof twice.clear === 'function' }));\n});\n");
    const preloaded = await run(dir, [...args, 'annotated'], { NODE_OPTIONS: '--require smartcache/register' });
    t.is(preloaded.code, 0, preloaded.stdout + preloaded.stderr);
    t.deepEqual(report(t, preloaded), { cached: false });
    const warnings = parseWarnings(preloaded.stderr).filter((w) => w.code === 'SMARTCACHE_PRELOAD');
    t.is(warnings.length, 1, preloaded.stderr);
    t.regex(warnings[0]?.message ?? '', /under jest.*annotations there are not applied/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
