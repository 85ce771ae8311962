'use strict';
/**
 * First call of a cached function reaching 200 helpers, in whole new processes (issue 11):
 *   - shapes: tree (helper i calls 2i+1 and 2i+2) and chain (helper i calls i+1);
 *   - layouts: one ES module, and 10 CommonJS modules (20 helpers each, cross-module references);
 *   - forms: `cache()` and `@cache` (under the preload: --require for CommonJS, --import for ESM);
 *   - "re-run": entry and everything else already on disk, nothing changed since the last run;
 *     "cold": a fresh cache root (first run ever: the whole analysis).
 * Each figure is the time from process start to just after the first call returns (module
 * loading, smartcache's included), minus the same for a plain disk hit: the same process, the
 * same modules loaded, a cached function reaching nothing. Runs are interleaved (plain, reaching,
 * plain, reaching, …), medians reported.
 *
 *   node bench/first-call.js [--rounds N] [--dist path/to/dist] [--json]
 * `--dist` measures another build (e.g. the starting commit's) with the same fixtures.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { median } = require('./lib/stats');

const HELPERS = 200;
const MODULES = 10;

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const DIST = path.resolve(arg('--dist', path.join(__dirname, '..', 'dist')));
const ROUNDS = Number(arg('--rounds', '7'));

function calls(shape, i) {
  const out = shape === 'chain' ? [i + 1] : [2 * i + 1, 2 * i + 2];
  return out.filter((j) => j < HELPERS);
}

function helperText(shape, i) {
  const callees = calls(shape, i);
  const body = callees.length === 0 ? 'x + 1' : `${callees.map((j) => `h${j}(x)`).join(' + ')} + ${i % 7}`;
  // Numbers stay small: the work is the walk, not the arithmetic.
  return `function h${i}(x) { return (${body}) % 1000003; }`;
}

function rootText(form, esm) {
  const exp = esm ? 'export ' : '';
  if (form === 'cache') {
    return `${exp}const run = cache(function run(x) { return h0(x); }, { name: 'run' });\n` +
      `${exp}const plain = cache(function plain(x) { return x + 1; }, { name: 'plain' });\n`;
  }
  return `/** @cache */\n${exp}function run(x) { return h0(x); }\n/** @cache */\n${exp}function plain(x) { return x + 1; }\n`;
}

/** Writes one fixture project; returns the entry file. */
function writeFixture(dir, layout, shape, form, dist) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"first-call","private":true}\n');
  if (layout === 'esm') {
    const head = form === 'cache' ? `import { cache } from ${JSON.stringify(pathToFileURL(path.join(dist, 'index.mjs')).href)};\n` : '';
    const helpers = Array.from({ length: HELPERS }, (_, i) => helperText(shape, i)).join('\n');
    const file = path.join(dir, 'app.mjs');
    fs.writeFileSync(file, `${head}${rootText(form, true)}${helpers}\n`);
    return file;
  }
  const per = HELPERS / MODULES;
  for (let m = 0; m < MODULES; m++) {
    const own = Array.from({ length: per }, (_, k) => m * per + k);
    const imports = new Map();
    for (const i of own) for (const j of calls(shape, i)) {
      const other = Math.floor(j / per);
      if (other !== m) imports.set(j, other);
    }
    const lines = ["'use strict';"];
    for (const [j, other] of imports) lines.push(`const { h${j} } = require('./m${other}');`);
    for (const i of own) lines.push(helperText(shape, i));
    lines.push(`module.exports = { ${own.map((i) => `h${i}`).join(', ')} };`);
    fs.writeFileSync(path.join(dir, `m${m}.js`), `${lines.join('\n')}\n`);
  }
  const head = form === 'cache' ? `const { cache } = require(${JSON.stringify(path.join(dist, 'index.js'))});\n` : '';
  const file = path.join(dir, 'app.js');
  fs.writeFileSync(file, `'use strict';\n${head}const { h0 } = require('./m0');\n${rootText(form, false)}module.exports = { run, plain };\n`);
  return file;
}

/**
 * The runner in each new process: load the app, call `which` once, report process uptime. An ES
 * module itself for the ES module layout: on Node 20 the preload hooks ES module loading only when
 * the entry script is one (`node --import smartcache/register app.mjs`); a CommonJS runner
 * importing app.mjs would run its annotated functions uncached (README, "ES modules").
 */
const RUNNER_BODY = `
const which = process.argv[2];
const entry = process.argv[3];
const mod = entry.endsWith('.mjs') ? await import(pathToFileURL(entry).href) : require(entry);
const value = mod[which](5);
const ms = process.uptime() * 1000;
const cpu = process.cpuUsage();
// Whether the call was cached at all (walked or proved) and whether its fingerprint came from a proof.
let proofs = null;
let cached = null;
try {
  const fp = require(path.join(process.env.FIRST_CALL_DIST, 'fingerprint', 'index.js'));
  if (typeof fp.proofCounters === 'function') {
    const c = fp.proofCounters();
    proofs = c.reused;
    cached = c.reused + c.walked > 0;
  }
} catch {}
process.stdout.write(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, value, proofs, cached }));
`;
const RUNNER_CJS = `const path = require('node:path');\nconst { pathToFileURL } = require('node:url');\n(async () => {${RUNNER_BODY}})();\n`;
const RUNNER_ESM = `import { createRequire } from 'node:module';\nimport path from 'node:path';\nimport { pathToFileURL } from 'node:url';\nconst require = createRequire(import.meta.url);\n${RUNNER_BODY}`;
const runnerFile = (layout) => (layout === 'esm' ? 'runner.mjs' : 'runner.js');

function runOnceIn(dir, entry, layout, form, which, cacheDir, dist) {
  const args = [];
  if (form === 'annotation') {
    if (layout === 'esm') args.push('--import', pathToFileURL(path.join(dist, 'preload', 'register.mjs')).href);
    else args.push('--require', path.join(dist, 'preload', 'register.js'));
  }
  args.push(path.join(dir, runnerFile(layout)), which, entry);
  const env = { ...process.env, SMARTCACHE_DIR: cacheDir, FIRST_CALL_DIST: dist };
  for (const k of Object.keys(env)) if (k.startsWith('SMARTCACHE') && k !== 'SMARTCACHE_DIR') delete env[k];
  delete env.NODE_OPTIONS;
  const out = execFileSync(process.execPath, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out.toString());
}

function pauseMs(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function measure(layout, shape, form, base, dist = DIST, rounds = ROUNDS, tag = '') {
  const dir = path.join(base, `${layout}-${shape}-${form}${tag}`);
  const entry = writeFixture(dir, layout, shape, form, dist);
  const runOnce = (d, e, l, f, which, cacheDir) => runOnceIn(d, e, l, f, which, cacheDir, dist);
  fs.writeFileSync(path.join(dir, runnerFile(layout)), layout === 'esm' ? RUNNER_ESM : RUNNER_CJS);
  // A file written within ~0.1 s of a process's start is not trusted by that process's proofs.
  pauseMs(300);
  const warm = path.join(dir, '.cache-warm');
  // Two warm-up runs each: the first stores entries (and proofs); the second is a first re-run.
  for (let i = 0; i < 2; i++) {
    runOnce(dir, entry, layout, form, 'plain', warm);
    runOnce(dir, entry, layout, form, 'run', warm);
  }
  const hit = { plain: [], run: [] };
  const cold = { plain: [], run: [] };
  let reused = 0;
  let uncached = 0;
  for (let r = 0; r < rounds; r++) {
    hit.plain.push(runOnce(dir, entry, layout, form, 'plain', warm));
    const h = runOnce(dir, entry, layout, form, 'run', warm);
    hit.run.push(h);
    if (h.proofs === 1) reused++;
    // A figure of a call that was not cached at all measures nothing: say so in the table.
    if (h.cached === false) uncached++;
    const fresh = fs.mkdtempSync(path.join(base, 'cold-'));
    cold.plain.push(runOnce(dir, entry, layout, form, 'plain', fresh));
    const fresh2 = fs.mkdtempSync(path.join(base, 'cold-'));
    cold.run.push(runOnce(dir, entry, layout, form, 'run', fresh2));
  }
  const m = (xs, key) => median(xs.map((x) => x[key]));
  return {
    layout, shape, form, reused: `${reused}/${rounds}${uncached > 0 ? ` (${uncached} not cached!)` : ''}`,
    plainHitMs: m(hit.plain, 'ms'), hitMs: m(hit.run, 'ms'), hitExtraMs: m(hit.run, 'ms') - m(hit.plain, 'ms'),
    hitExtraCpuMs: m(hit.run, 'cpuMs') - m(hit.plain, 'cpuMs'),
    plainColdMs: m(cold.plain, 'ms'), coldMs: m(cold.run, 'ms'), coldExtraMs: m(cold.run, 'ms') - m(cold.plain, 'ms'),
    coldExtraCpuMs: m(cold.run, 'cpuMs') - m(cold.plain, 'cpuMs'),
  };
}

function main() {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-first-call-'));
  const rows = [];
  try {
    for (const layout of ['esm', 'cjs']) for (const shape of ['tree', 'chain']) for (const form of ['cache', 'annotation']) {
      rows.push(measure(layout, shape, form, base));
      if (!process.argv.includes('--json')) process.stderr.write('.');
    }
  } finally {
    if (process.env.BENCH_KEEP !== '1') fs.rmSync(base, { recursive: true, force: true });
  }
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify({ node: process.version, dist: DIST, rounds: ROUNDS, load: os.loadavg()[0], rows }, null, 2)}\n`);
    return;
  }
  const f = (n) => n.toFixed(1);
  const lines = [
    '',
    `node bench/first-call.js --rounds ${ROUNDS}${DIST === path.resolve(__dirname, '..', 'dist') ? '' : ` --dist ${DIST}`} (Node ${process.version}, load ${os.loadavg()[0].toFixed(2)}, ${os.cpus().length} CPUs)`,
    '',
    'Wall: process start to after the first call (medians). "extra" = reaching 200 helpers minus the plain hit in the same shape; CPU = user+system of the process.',
    '',
    '| layout | shape | form | plain hit | re-run, 200 helpers | re-run extra, wall (≤ 10) | re-run extra, CPU | proof reused | cold, 200 helpers | cold extra, wall (≤ 60) | cold extra, CPU |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const layout = r.layout === 'esm' ? '1 ES module' : '10 CommonJS';
    const form = r.form === 'cache' ? '`cache()`' : '`@cache`';
    lines.push(`| ${layout} | ${r.shape} | ${form} | ${f(r.plainHitMs)} ms | ${f(r.hitMs)} ms | ${f(r.hitExtraMs)} ms ${r.hitExtraMs <= 10 ? '✓' : '✗'} | ${f(r.hitExtraCpuMs)} ms | ${r.reused} | ${f(r.coldMs)} ms | ${f(r.coldExtraMs)} ms ${r.coldExtraMs <= 60 ? '✓' : '✗'} | ${f(r.coldExtraCpuMs)} ms |`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * For bench/run.js: every shape, layout and form, re-run and cold, as rows; with `before` (another
 * build's dist/) the same fixtures measured for that build too, fixture by fixture after this one's.
 */
async function run({ quick = false, before } = {}) {
  const rounds = quick ? 3 : ROUNDS;
  const builds = [{ label: 'after', dist: DIST }];
  if (before !== undefined) builds.push({ label: 'before', dist: path.resolve(before) });
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-first-call-'));
  const rows = [];
  const f = (n) => Math.round(n * 10) / 10;
  try {
    for (const layout of ['esm', 'cjs']) for (const shape of ['tree', 'chain']) for (const form of ['cache', 'annotation']) {
      builds.forEach((b, i) => {
        const r = measure(layout, shape, form, base, b.dist, rounds, `-${i}`);
        const what = `${layout === 'esm' ? '1 ES module' : '10 CommonJS modules'}, ${shape}, ${form === 'cache' ? 'cache()' : '@cache'}`;
        const pre = b.label === 'after' ? '' : '  before: ';
        const command = `node bench/first-call.js --rounds ${rounds}${b.label === 'after' ? '' : ` --dist ${b.dist}`}`;
        rows.push({ figure: `${pre}first call reaching 200 helpers, re-run (${what}): wall over a plain disk hit`, command, value: r.hitExtraMs, unit: 'ms', target: '≤ 10 ms', ok: r.hitExtraMs <= 10 });
        rows.push({ figure: `${pre}  CPU over a plain disk hit; proof reused ${r.reused}; plain hit ${f(r.plainHitMs)} ms wall`, command, value: r.hitExtraCpuMs, unit: 'ms' });
        rows.push({ figure: `${pre}  same, first run ever (cold): wall over a plain cold hit`, command, value: r.coldExtraMs, unit: 'ms', target: '≤ 60 ms', ok: r.coldExtraMs <= 60 });
        rows.push({ figure: `${pre}  cold: CPU over a plain cold hit`, command, value: r.coldExtraCpuMs, unit: 'ms' });
      });
    }
  } finally {
    if (process.env.BENCH_KEEP !== '1') fs.rmSync(base, { recursive: true, force: true });
  }
  const notes = [`Wall: process start to just after the first call returns (module loading included), medians of ${rounds} rounds; "over a plain disk hit": the same process and modules, a cached function reaching nothing. CPU: user + system of the process.`];
  return { rows, notes };
}

module.exports = { run };

if (require.main === module) main();
