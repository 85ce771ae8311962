'use strict';
// The headline: a whole program uncached vs cached, as a user at a shell sees it, next to a bare
// `node -e 0`; plus what the preload itself costs at start-up and in memory.
//
//   node bench/headline.js [--quick]
//
// Programs: the annotated naive fib(40) fixture (bench/fixtures/fib.js), and the demo program
// of examples/ when it exists. Start-up runs are interleaved (A B C A B C ...) so machine noise
// lands on every command alike. Caches live in a fresh SMARTCACHE_DIR.
const fs = require('node:fs');
const path = require('node:path');
const { benchEnv, runProcess, interleavedProcesses } = require('./lib/time');
const { median } = require('./lib/stats');
const { humanTime } = require('./lib/units');
const { tempDir } = require('./lib/tmp');
const { status, note } = require('./lib/progress');
const { ROOT, registerPath } = require('./lib/smartcache');

const FIB = path.join(__dirname, 'fixtures', 'fib.js');
const FIB_N = 40;
// The demo program (the preload helper's examples/); the first that exists is measured.
const DEMO_CANDIDATES = ['examples/pipeline/main.js', 'examples/pipeline.js', 'examples/app.js', 'examples/app/index.js', 'examples/pipeline/index.js'];
const PRINT_RSS = 'process.stdout.write(String(process.memoryUsage().rss))';

const rel = (p) => path.relative(ROOT, p);

function findDemo() {
  const chosen = process.env.BENCH_DEMO ?? DEMO_CANDIDATES.find((c) => fs.existsSync(path.join(ROOT, c)));
  return chosen && fs.existsSync(path.resolve(ROOT, chosen)) ? path.resolve(ROOT, chosen) : undefined;
}

/** The flag that loads the preload for a program: --import for ESM entries, --require for CJS. */
function preloadArgs(entry, register) {
  return entry.endsWith('.mjs') ? ['--import', register.replace(/\.js$/, '.mjs')] : ['--require', register];
}

/** Whole-process times and in-call times of one program, uncached vs its second cached run. */
// A hung or runaway program must not stall the whole bench (the full run has a 15 min budget).
const PROGRAM_TIMEOUT_MS = 120_000;

function measureProgram({ label, entry, args, register, runs, uncachedRuns, bare }) {
  const dir = tempDir(`headline-${label.replace(/\W+/g, '-')}`);
  const env = benchEnv({ SMARTCACHE_DIR: dir });
  const node = process.execPath;
  const cachedArgs = [...preloadArgs(entry, register), entry, ...args];
  const parse = (stdout) => {
    try {
      return JSON.parse(stdout.trim().split('\n').pop() ?? '');
    } catch {
      return undefined;
    }
  };

  const uncached = [];
  for (let r = 0; r < uncachedRuns; r++) {
    status(`headline: ${label} uncached, run ${r + 1}/${uncachedRuns}`);
    const { ms, stdout } = runProcess(node, [entry, ...args], { env, cwd: ROOT, timeoutMs: PROGRAM_TIMEOUT_MS });
    uncached.push({ ms, stdout, out: parse(stdout) });
  }
  status(`headline: ${label} first cached run (fills the cache)`);
  const first = runProcess(node, cachedArgs, { env, cwd: ROOT, timeoutMs: PROGRAM_TIMEOUT_MS });
  // The preload fails open: a program it cannot cache still runs, uncached, with a warning. Such
  // a run must not be reported as a cached one.
  const warning = first.stderr.split('\n').find((l) => l.startsWith('[smartcache] warning'));
  if (warning) throw new Error(`the cached run warned, so it is not cached: ${warning}`);
  const times = interleavedProcesses(
    [
      { label: 'bare', command: node, args: ['-e', '0'], env, cwd: ROOT },
      { label: 'cached', command: node, args: cachedArgs, env, cwd: ROOT, timeoutMs: PROGRAM_TIMEOUT_MS },
    ],
    runs,
    { onRun: (r, n) => status(`headline: ${label} cached vs node -e 0, run ${r}/${n}`) },
  );
  // One more cached run with the summary log, to show in RESULTS.md that it was all hits.
  const check = runProcess(node, cachedArgs, { env: { ...env, SMARTCACHE_LOG: 'summary' }, cwd: ROOT, timeoutMs: PROGRAM_TIMEOUT_MS });
  const cachedOut = parse(check.stdout);
  const summary = check.stderr.split('\n').find((l) => l.startsWith('[smartcache]'))?.trim();
  // Same results: the fixture's result field, or a program's whole output, must not change.
  const uncachedOut = uncached[0]?.out;
  const same = uncachedOut && cachedOut ? JSON.stringify(uncachedOut.result) === JSON.stringify(cachedOut.result) : uncached[0]?.stdout === check.stdout;
  if (!same) throw new Error(`${label}: the cached run printed something else than the uncached run`);
  return {
    uncachedMs: median(uncached.map((u) => u.ms)),
    firstCachedMs: first.ms,
    cachedMs: median(times.cached),
    bareMs: median([...times.bare, ...bare]),
    uncachedInUs: uncachedOut?.inCallUs,
    cachedInUs: cachedOut?.inCallUs,
    summary,
  };
}

function programRows(label, m, command, chartPanel, preloadMs, target) {
  const overhead = m.cachedMs - m.bareMs;
  const why = `Of the ${overhead.toFixed(0)} ms a cached run adds to node -e 0, the preload's own start-up is ${preloadMs.toFixed(0)} ms; the remaining ${(overhead - preloadMs).toFixed(0)} ms are loading the program, fingerprinting its cached functions and reading their entries.`;
  const rows = [
    { figure: `${label}: uncached, whole process`, command: command.uncached, value: m.uncachedMs, unit: 'ms', chart: { panel: chartPanel, label: 'uncached' } },
    { figure: `${label}: first cached run (fills the cache), whole process`, command: command.cached, value: m.firstCachedMs, unit: 'ms' },
    { figure: `${label}: cached (second run), whole process`, command: command.cached, value: m.cachedMs, unit: 'ms', chart: { panel: chartPanel, label: 'cached (second run)', highlight: true } },
    { figure: `${label}: uncached ÷ cached, whole process`, command: 'node bench/headline.js', value: m.uncachedMs / m.cachedMs, unit: '×', headline: true },
    { figure: `${label}: cached run ÷ bare node -e 0`, command: 'node bench/headline.js', value: m.cachedMs / m.bareMs, unit: '×', ...(target ? { target } : {}), headline: true, note: why },
  ];
  if (m.uncachedInUs !== undefined && m.cachedInUs !== undefined) {
    rows.push(
      { figure: `${label}: in-call time uncached`, command: command.uncached, value: m.uncachedInUs / 1e3, unit: 'ms' },
      { figure: `${label}: in-call time cached (second run)`, command: command.cached, ...humanTime(m.cachedInUs * 1e3), headline: true },
    );
  }
  return rows;
}

async function run({ quick = false } = {}) {
  const register = registerPath();
  if (!register) return { rows: [], notes: ['skipped: dist/preload/register.js is not built (npm run build)'] };
  const node = process.execPath;
  // bench/preload.js holds the start-up target with its own >= 15 runs; here start-up is the
  // reference of the whole-program ratios, and the quick run keeps it short.
  const runs = quick ? 7 : 21;
  const rows = [];
  const notes = [];

  // Start-up: bare node vs node with the preload, then RSS at exit of each.
  const env = benchEnv({ SMARTCACHE_DIR: tempDir('headline-startup') });
  const start = interleavedProcesses(
    [
      { label: 'bare', command: node, args: ['-e', '0'], env },
      { label: 'preload', command: node, args: ['--require', register, '-e', '0'], env },
    ],
    runs,
    { onRun: (r, n) => status(`headline: start-up, node -e 0 vs preload, run ${r}/${n}`) },
  );
  const bareMs = median(start.bare);
  const preloadMs = median(start.preload);
  const rssRuns = quick ? 3 : 7;
  const rss = { bare: [], preload: [] };
  for (let r = 0; r < rssRuns; r++) {
    status(`headline: RSS with and without the preload, run ${r + 1}/${rssRuns}`);
    rss.bare.push(Number(runProcess(node, ['-e', PRINT_RSS], { env }).stdout));
    rss.preload.push(Number(runProcess(node, ['--require', register, '-e', PRINT_RSS], { env }).stdout));
  }
  const reg = rel(register);
  const bareRow = { figure: 'bare node -e 0, whole process', command: 'node -e 0', value: bareMs, unit: 'ms', chart: [] };
  const preloadRow = { figure: 'node with the preload, -e 0, whole process', command: `node --require ./${reg} -e 0`, value: preloadMs, unit: 'ms', chart: [] };
  rows.push(
    bareRow,
    preloadRow,
    { figure: 'preload start-up overhead', command: `node --require ./${reg} -e 0  vs  node -e 0  (${runs} runs each, interleaved)`, value: preloadMs - bareMs, unit: 'ms', headline: true },
    { figure: 'RSS added by the preload (at exit of -e 0)', command: `node --require ./${reg} -e "${PRINT_RSS}"  vs without`, value: (median(rss.preload) - median(rss.bare)) / 1024 ** 2, unit: 'MiB', headline: true },
  );

  // Each program measured gets a chart panel, with the two start-up bars as its scale.
  const programs = [];
  if (quick) notes.push(`quick mode: the fib(${FIB_N}) fixture is left to bench/preload.js (the full run measures it here too)`);
  else programs.push({ label: `naive fib(${FIB_N}) fixture`, short: `fib(${FIB_N})`, entry: FIB, args: [String(FIB_N)], runs: 15 });
  const demo = findDemo();
  if (demo) programs.push({ label: `demo ${rel(demo)}`, short: 'demo', entry: demo, args: [], runs: quick ? 3 : 11, target: '≤ 1.5×' });
  else notes.push(`the demo program is not in examples/ (looked for ${DEMO_CANDIDATES.join(', ')}; BENCH_DEMO=<file> overrides)`);

  for (const p of programs) {
    const command = {
      uncached: `node ${[rel(p.entry), ...p.args].join(' ')}`,
      cached: `SMARTCACHE_DIR=$DIR node ${preloadArgs(p.entry, `./${reg}`).join(' ')} ${[rel(p.entry), ...p.args].join(' ')}`,
    };
    try {
      const m = measureProgram({ label: p.short, entry: p.entry, args: p.args, register, runs: p.runs, uncachedRuns: quick ? 2 : 5, bare: start.bare });
      const panel = `Whole process: ${p.label} (ms, median)`;
      bareRow.chart.push({ panel, label: 'node -e 0', ref: true });
      preloadRow.chart.push({ panel, label: 'node --require register -e 0' });
      // Issue 7's target is on the demo: its cached run within 1.5× of a bare node -e 0.
      rows.push(...programRows(p.label, m, command, panel, preloadMs - bareMs, p.target));
      if (m.summary) notes.push(`${p.label}, cached run with SMARTCACHE_LOG=summary: \`${m.summary}\``);
    } catch (error) {
      const reason = String(error.message).split('\n')[0];
      notes.push(`${p.label} not measured: ${reason}`);
      note(`headline: ${p.label} not measured: ${reason}`);
    }
  }
  notes.push('"uncached" runs the program without the preload; "cached (second run)" runs it with the preload after one run filled the cache');
  return { rows, notes };
}

module.exports = { run };

if (require.main === module) {
  require('./lib/standalone').main(run, 'headline');
}
