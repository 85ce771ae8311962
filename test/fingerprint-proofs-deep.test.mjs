// Persisted fingerprints over many helpers (issue 11, bench/first-call.js's shapes in small):
// a chain and a tree of helpers, in one ES module, in several ES modules and in several CommonJS
// modules, cached with `cache()` and with `@cache` under the preload. The second run must take
// its fingerprint from the proof; an edit of a helper deep in the graph (a leaf, which proofs take
// by its text alone, and a helper that calls others, which they place through the inspector)
// must recompute with the new value; a comment-only edit must still hit. Child processes, real
// files; values are checked against the formula the helpers compute.
import test from 'ava';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { node, project, repo, tempDir, writeFile } from './fixtures/cache/helpers.mjs';

const FP = JSON.stringify(path.join(repo, 'dist', 'fingerprint', 'index.js'));
const CACHE = JSON.stringify(path.join(repo, 'dist', 'index.js'));
const ESM = JSON.stringify(pathToFileURL(path.join(repo, 'dist', 'index.mjs')).href);
const HELPERS = 24;
const MODULES = 4;
const PER = HELPERS / MODULES;
const PAUSE_MS = 250;

/** Files written just before a process starts are never trusted by it: let their ctime age. */
function pause() {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, PAUSE_MS);
}

function calls(shape, i) {
  const out = shape === 'chain' ? [i + 1] : [2 * i + 1, 2 * i + 2];
  return out.filter((j) => j < HELPERS);
}

/** `k[i]`: helper i's constant, the thing an edit changes. */
function helperText(shape, i, k, comment) {
  const callees = calls(shape, i);
  const body = callees.length === 0 ? `x + ${k[i]}` : `${callees.map((j) => `h${j}(x)`).join(' + ')} + ${k[i]}`;
  return `${comment === i ? '// only a comment\n' : ''}function h${i}(x) { return (${body}) % 1000003; }`;
}

/** What the root returns for `x`, computed here (the helpers' formula). */
function expected(shape, k, x) {
  const h = (i) => {
    const callees = calls(shape, i);
    const sum = callees.length === 0 ? x + k[i] : callees.reduce((s, j) => s + h(j), 0) + k[i];
    return sum % 1000003;
  };
  return h(0);
}

const REPORT = `console.log('OUT ' + JSON.stringify({ value: run(5), runs, proofs: fpm.proofCounters() }));`;

/** The files of one fixture: `layout` 'esm' (one file), 'esm-split' or 'cjs' (MODULES files). */
function files(layout, shape, form, k, comment) {
  const esm = layout !== 'cjs';
  const root = form === 'cache'
    ? `const run = cache(function run(x) { runs++; return h0(x); }, { name: 'run' });`
    : `/** @cache */\nfunction run(x) { runs++; return h0(x); }`;
  const head = esm
    ? `${form === 'cache' ? `import { cache } from ${ESM};\n` : ''}import { createRequire } from 'node:module';\nconst fpm = createRequire(import.meta.url)(${FP});\nlet runs = 0;\n`
    : `'use strict';\n${form === 'cache' ? `const { cache } = require(${CACHE});\n` : ''}const fpm = require(${FP});\nlet runs = 0;\n`;
  if (layout === 'esm') {
    const helpers = Array.from({ length: HELPERS }, (_, i) => helperText(shape, i, k, comment)).join('\n');
    return { 'app.mjs': `${head}${root}\n${helpers}\n${REPORT}\n` };
  }
  const out = {};
  const ext = esm ? 'mjs' : 'js';
  for (let m = 0; m < MODULES; m++) {
    const own = Array.from({ length: PER }, (_, j) => m * PER + j);
    const imports = new Map();
    for (const i of own) for (const j of calls(shape, i)) if (Math.floor(j / PER) !== m) imports.set(j, Math.floor(j / PER));
    const lines = esm ? [] : ["'use strict';"];
    for (const [j, other] of imports) lines.push(esm ? `import { h${j} } from './m${other}.mjs';` : `const { h${j} } = require('./m${other}');`);
    for (const i of own) lines.push(`${esm ? 'export ' : ''}${helperText(shape, i, k, comment)}`);
    if (!esm) lines.push(`module.exports = { ${own.map((i) => `h${i}`).join(', ')} };`);
    out[`m${m}.${ext}`] = `${lines.join('\n')}\n`;
  }
  const importRoot = esm ? `import { h0 } from './m0.mjs';\n` : `const { h0 } = require('./m0');\n`;
  out[`app.${ext}`] = `${head}${importRoot}${root}\n${REPORT}\n`;
  return out;
}

function runApp(dir, cacheDir, layout, form) {
  const entry = layout === 'cjs' ? 'app.js' : 'app.mjs';
  const args = form === 'annotation'
    ? (layout === 'cjs' ? ['--require', path.join(repo, 'dist', 'preload', 'register.js'), entry] : ['--import', pathToFileURL(path.join(repo, 'dist', 'preload', 'register.mjs')).href, entry])
    : [entry];
  const r = node(args, { cwd: dir, env: { SMARTCACHE_DIR: cacheDir } });
  if (r.status !== 0 || r.out === undefined) throw new Error(`exit ${r.status}: ${r.stderr}`);
  return r.out;
}

const CASES = [];
for (const layout of ['esm', 'esm-split', 'cjs']) for (const shape of ['chain', 'tree']) for (const form of ['cache', 'annotation']) {
  // Several ES modules under the preload behave as under cache() for proofs; kept out for time.
  if (layout === 'esm-split' && form === 'annotation') continue;
  CASES.push({ layout, shape, form });
}

for (const { layout, shape, form } of CASES) {
  test(`${layout}, ${shape}, ${form === 'cache' ? 'cache()' : '@cache'}: reused; a deep leaf or inner helper edited recomputes; a comment hits`, (t) => {
    const k = Array.from({ length: HELPERS }, (_, i) => i % 7);
    const write = (dir, kk, comment) => {
      for (const [name, text] of Object.entries(files(layout, shape, form, kk, comment))) writeFile(dir, name, text);
      pause();
    };
    const dir = project(files(layout, shape, form, k));
    const cacheDir = tempDir();
    pause();
    const first = runApp(dir, cacheDir, layout, form);
    t.like(first, { value: expected(shape, k, 5), runs: 1, proofs: { reused: 0, walked: 1 } });
    const second = runApp(dir, cacheDir, layout, form);
    t.like(second, { value: expected(shape, k, 5), runs: 0, proofs: { reused: 1, walked: 0 } });

    // The deepest leaf (it reads nothing: taken by its text) and a helper above it that calls others.
    const leaf = HELPERS - 1;
    const inner = shape === 'chain' ? HELPERS - 3 : Math.floor((HELPERS - 2) / 2);
    t.true(calls(shape, leaf).length === 0 && calls(shape, inner).length > 0);
    for (const [what, i] of [['leaf', leaf], ['inner', inner]]) {
      k[i] += 10;
      write(dir, k);
      const edited = runApp(dir, cacheDir, layout, form);
      t.like(edited, { value: expected(shape, k, 5), runs: 1, proofs: { reused: 0 } }, `${what} edited`);
      // The walk after the edit saved a proof of the new code: the next run reuses it.
      t.like(runApp(dir, cacheDir, layout, form), { value: expected(shape, k, 5), runs: 0, proofs: { reused: 1 } }, `${what} again`);
    }

    // A comment above the deepest helper: the file hashes differently (no proof), the walk finds the same code: a hit.
    write(dir, k, leaf);
    t.like(runApp(dir, cacheDir, layout, form), { value: expected(shape, k, 5), runs: 0 }, 'comment only');
  });
}
