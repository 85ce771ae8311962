'use strict';
/**
 * Fingerprint figures (issue 3):
 *   - first fingerprint of a function reaching 200 helpers across 10 modules, in a fresh process
 *     (target <= 20 ms); cold, and with the analyze helper's cross-run analysis cache warm (what
 *     every run after the first sees when the cache layer opens it)
 *   - a repeat (memoized) fingerprint (target <= 0.2 µs)
 *   - cost vs transitive dependency count (10, 100, 1,000 helpers): cold first fingerprint in a
 *     fresh process, and the walk alone in a warm process (analysis memoized, graph reset)
 *   - the inspector round trip per call (same script as native-notes/inspector-cost.md)
 * Medians. `node bench/fingerprint.js [--quick]` prints a table; bench/run.js calls run({ quick }).
 */
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { median } = require('./lib/stats');
const { tempDir } = require('./lib/tmp');
const { writeProject } = require('./fingerprint-fixture');

const COMMAND = 'node bench/fingerprint.js';
const TITLE = 'Fingerprints (bench/fingerprint.js)';
const DIST = path.join(__dirname, '..', 'dist', 'fingerprint');

function row(figure, value, unit, target, extra = {}) {
  const r = { figure, command: COMMAND, value: Number(value.toPrecision(3)), unit, ...extra };
  if (target === undefined) return { ...r, note: r.note ?? 'reference, same run' };
  const limit = Number(/[\d.]+/.exec(target)[0]);
  return { ...r, target, ok: value <= limit };
}

/** Runs in a fresh process: loads the project, times the first fingerprint of `entry`. */
function child(projectDir, cacheFile, save) {
  const t0 = process.hrtime.bigint();
  const fp = require(path.join(DIST, 'index.js'));
  const { inspectorCalls } = require(path.join(DIST, 'runtime', 'inspector.js'));
  if (cacheFile) require(path.join(DIST, 'source', 'analysis-cache.js')).openAnalysisCache(cacheFile);
  const { entry } = require(path.join(projectDir, 'entry.js'));
  const t1 = process.hrtime.bigint();
  fp.fingerprint(entry);
  const t2 = process.hrtime.bigint();
  // The walk alone, warm: analyses stay memoized, the graph is rebuilt.
  fp.resetFingerprints();
  const t3 = process.hrtime.bigint();
  fp.fingerprint(entry);
  const t4 = process.hrtime.bigint();
  if (cacheFile && save) require(path.join(DIST, 'source', 'analysis-cache.js')).saveAnalysisCache();
  const ms = (a, b) => Number(b - a) / 1e6;
  process.stdout.write(JSON.stringify({ loadMs: ms(t0, t1), firstMs: ms(t1, t2), warmMs: ms(t3, t4), calls: inspectorCalls() }));
}

function spawnChild(projectDir, cacheFile = '', save = '') {
  const out = execFileSync(process.execPath, [__filename, 'child', projectDir, cacheFile, save], { cwd: projectDir });
  return JSON.parse(out.toString());
}

function medianOf(runs, key) {
  return median(runs.map((r) => r[key]));
}

function firstFingerprint(quick) {
  const dir = writeProject({ modules: 10, helpers: 200, dir: tempDir('fp200') });
  const n = quick ? 5 : 11;
  const cold = Array.from({ length: n }, () => spawnChild(dir));
  const cacheFile = path.join(dir, 'analysis-cache.bin');
  spawnChild(dir, cacheFile, 'save');
  const warm = Array.from({ length: n }, () => spawnChild(dir, cacheFile));
  return [
    row('first fingerprint, 200 helpers / 10 modules, analysis cache warm', medianOf(warm, 'firstMs'), 'ms', '≤ 20 ms', {
      note: `median of ${n} fresh processes; ${warm[0].calls} inspector calls`,
    }),
    row('first fingerprint, 200 helpers / 10 modules, cold (no analysis cache)', medianOf(cold, 'firstMs'), 'ms', '≤ 20 ms', {
      note: `median of ${n} fresh processes (acorn loaded and every function parsed in the measured call)`,
    }),
    row('same walk again in the same process (analyses memoized, graph rebuilt)', medianOf(cold, 'warmMs'), 'ms', undefined),
  ];
}

/**
 * Runs in a fresh process, on a project written before it started (a file written by the process
 * itself proves nothing about what its text assigns, so every binding would be read again through
 * the inspector): ns per repeated fingerprint, which checks what the first one read (the watch).
 */
function repeatChild(projectDir, quick) {
  const fp = require(path.join(DIST, 'index.js'));
  const { entry } = require(path.join(projectDir, 'entry.js'));
  fp.fingerprint(entry);
  // Rounds of ~100 ms whatever one call costs.
  let iterations = 1;
  for (let spent = 0; spent < 20; iterations *= 2) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) fp.fingerprint(entry);
    spent = Number(process.hrtime.bigint() - t) / 1e6;
  }
  iterations *= 5;
  const samples = [];
  for (let r = 0; r < (quick === 'quick' ? 3 : 7); r++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) fp.fingerprint(entry);
    samples.push(Number(process.hrtime.bigint() - t) / iterations / 1000);
  }
  process.stdout.write(JSON.stringify({ us: median(samples), iterations, rounds: samples.length }));
}

function repeat(quick) {
  const dir = writeProject({ modules: 10, helpers: 200, dir: tempDir('fprepeat') });
  // The project's files must be older than the measuring process (see repeatChild).
  const settle = Date.now() + 150;
  while (Date.now() < settle);
  const out = JSON.parse(execFileSync(process.execPath, [__filename, 'repeat', dir, quick ? 'quick' : 'full'], { cwd: dir }).toString());
  return [
    row('repeat fingerprint of a function reaching 200 helpers (memoized; checks what the first read)', out.us, 'µs', '≤ 0.2 µs', {
      note: `median of ${out.rounds} × ${out.iterations} calls, fresh process; the check compares the objects and bindings the walk read (src/fingerprint/watch.ts)`,
    }),
  ];
}

function scale(quick) {
  const rows = [];
  const n = quick ? 3 : 7;
  for (const helpers of [10, 100, 1000]) {
    const dir = writeProject({ modules: Math.min(10, helpers / 5), helpers, dir: tempDir(`fp${helpers}`) });
    const runs = Array.from({ length: n }, () => spawnChild(dir));
    rows.push(row(`first fingerprint, ${helpers} transitive helpers, cold`, medianOf(runs, 'firstMs'), 'ms', undefined, { note: `median of ${n} fresh processes; ${runs[0].calls} inspector calls` }));
    rows.push(row(`walk alone, ${helpers} transitive helpers (warm process)`, medianOf(runs, 'warmMs'), 'ms', undefined, { note: `per helper: ${(medianOf(runs, 'warmMs') / helpers * 1000).toFixed(0)} µs` }));
  }
  return rows;
}

function roundTrip() {
  const out = execFileSync(process.execPath, [path.join(__dirname, '..', 'native-notes', 'scripts', 'inspector-cost.js'), '--json']);
  const { rows } = JSON.parse(out.toString());
  const pick = (prefix) => rows.find((r) => r.label.startsWith(prefix));
  return [
    row('inspector round trip (Runtime.evaluate "1")', pick('Runtime.evaluate').us, 'µs', undefined, { note: 'native-notes/inspector-cost.md' }),
    row('inspector calls for one function (id + getProperties + scopes)', pick('one function').us, 'µs', undefined, { note: 'native-notes/inspector-cost.md' }),
  ];
}

async function run({ quick = false } = {}) {
  return [...firstFingerprint(quick), ...repeat(quick), ...scale(quick), ...roundTrip()];
}

module.exports = { run };

if (require.main === module) {
  if (process.argv[2] === 'child') child(process.argv[3], process.argv[4], process.argv[5]);
  else if (process.argv[2] === 'repeat') repeatChild(process.argv[3], process.argv[4]);
  else require('./lib/standalone').main(run, TITLE);
}
