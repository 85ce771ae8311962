'use strict';
// "When caching pays" (README): what smartcache costs a process, measured on this machine, printed
// as the README's table. These figures move as smartcache gets faster: re-run this and paste.
//
//   node bench/pays.js [--quick] [--runs N]
//
// Whole processes, interleaved run by run (A B C A B C ...) so the machine's noise lands on each
// alike; medians of wall time (spawn to exit, as a shell sees it) and of CPU time (user + system of
// every thread, read by the program's last 'exit' listener). The project is a temp folder where
// `smartcache` resolves through node_modules/smartcache (a symlink to this checkout's build), as
// after `npm install smartcache`.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { benchEnv, runProcess } = require('./lib/time');
const { median, significant } = require('./lib/stats');
const { tempDir } = require('./lib/tmp');
const { ROOT, registerPath } = require('./lib/smartcache');

// Registered last, so it runs after smartcache's own exit work (pending writes, logs).
const CPU_AT_EXIT = "process.on('exit', () => { const c = process.cpuUsage(); process.stdout.write('\\n' + JSON.stringify({ cpuMs: (c.user + c.system) / 1e3 }) + '\\n'); });";

// A small function: the README's quick start, with a body that costs well under a millisecond.
const N = 1e5;
const SMALL = `'use strict';
/** @cache */
function sumOfSquares(n) {
  let s = 0;
  for (let i = 0; i < n; i++) s += i * i;
  return s;
}
console.log(sumOfSquares(${N}));
${CPU_AT_EXIT}
`;

// In one process: the first call (fingerprint + lookup), then per-call costs of a disk hit
// (memory layer off: each call reads and decodes the entry) and of a memory hit.
const IN_PROCESS = `'use strict';
const now = () => process.hrtime.bigint();
const us = (t) => Number(now() - t) / 1e3;
const t0 = now();
const { cache } = require('smartcache');
const loadUs = us(t0);
function sumOfSquares(n) {
  let s = 0;
  for (let i = 0; i < n; i++) s += i * i;
  return s;
}
const onDisk = cache(sumOfSquares, { name: 'pays-disk', memory: false });
const inMemory = cache(function sumOfSquaresM(n) { return sumOfSquares(n); }, { name: 'pays-memory' });
const N = ${N};
let t = now();
onDisk(N);
const firstUs = us(t);
inMemory(N);
const per = (f, calls) => {
  const batches = [];
  for (let b = 0; b < 9; b++) {
    const t0 = now();
    for (let i = 0; i < calls; i++) f(N);
    batches.push(us(t0) / calls);
  }
  batches.sort((a, b) => a - b);
  return batches[4];
};
const diskUs = per(onDisk, 200);
const memoryUs = per(inMemory, 2000);
const plainUs = per(sumOfSquares, 50);
process.stdout.write(JSON.stringify({ loadUs, firstUs, diskUs, memoryUs, plainUs }) + '\\n');
`;

function parseArgs(argv) {
  const runsAt = argv.indexOf('--runs');
  const runs = runsAt !== -1 ? Number(argv[runsAt + 1]) : argv.includes('--quick') ? 7 : 21;
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a positive whole number');
  return { runs };
}

function makeProject() {
  const dir = tempDir('pays');
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "pays-bench", "private": true }\n');
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'smartcache'), 'dir');
  fs.writeFileSync(path.join(dir, 'small.js'), SMALL);
  fs.writeFileSync(path.join(dir, 'in-process.js'), IN_PROCESS);
  return dir;
}

/** The last stdout line as JSON (the programs print their figures last). */
function lastJson(stdout) {
  return JSON.parse(stdout.trim().split('\n').pop() ?? '');
}

function measure(dir, runs) {
  const node = process.execPath;
  const cacheDir = path.join(dir, 'cache');
  const env = benchEnv({ SMARTCACHE_DIR: cacheDir });
  const req = ['--require', 'smartcache/register'];
  const specs = [
    { label: 'bare', args: ['-e', CPU_AT_EXIT] },
    { label: 'require', args: [...req, '-e', CPU_AT_EXIT] },
    { label: 'import', args: ['--import', 'smartcache/register', '-e', CPU_AT_EXIT] },
    { label: 'plain', args: ['small.js'] },
    { label: 'rerun', args: [...req, 'small.js'] },
  ];
  // The cached re-run needs its entry, and the in-process figures their stored analysis.
  runProcess(node, [...req, 'small.js'], { env, cwd: dir });
  runProcess(node, ['in-process.js'], { env, cwd: dir });
  const wall = Object.fromEntries(specs.map((s) => [s.label, []]));
  const cpu = Object.fromEntries(specs.map((s) => [s.label, []]));
  const inProcess = { loadUs: [], firstUs: [], diskUs: [], memoryUs: [], plainUs: [], coldFirstUs: [] };
  for (let r = -1; r < runs; r++) {
    for (const s of specs) {
      const { ms, stdout } = runProcess(node, s.args, { env, cwd: dir });
      if (r < 0) continue;
      wall[s.label].push(ms);
      cpu[s.label].push(lastJson(stdout).cpuMs);
    }
    const warm = lastJson(runProcess(node, ['in-process.js'], { env, cwd: dir }).stdout);
    // A new, empty cache root: the first call parses, fingerprints, computes and stores.
    const fresh = path.join(dir, `fresh-${r}`);
    const cold = lastJson(runProcess(node, ['in-process.js'], { env: benchEnv({ SMARTCACHE_DIR: fresh }), cwd: dir }).stdout);
    fs.rmSync(fresh, { recursive: true, force: true });
    if (r < 0) continue;
    for (const k of ['loadUs', 'firstUs', 'diskUs', 'memoryUs', 'plainUs']) inProcess[k].push(warm[k]);
    inProcess.coldFirstUs.push(cold.firstUs);
    process.stderr.write(`\r[pays] run ${r + 1}/${runs}`);
  }
  process.stderr.write('\n');
  const med = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, median(v)]));
  return { wall: med(wall), cpu: med(cpu), inProcess: med(inProcess) };
}

const ms = (v) => `${significant(v, 2)} ms`;
const plus = (v) => `${v >= 0 ? '+' : '−'}${significant(Math.abs(v), 2)} ms`;
const micro = (v) => (v >= 1000 ? ms(v / 1000) : `${significant(v, 2)} µs`);

function table({ wall, cpu, inProcess }, runs) {
  const host = `${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}`;
  const lines = [
    `Measured by \`node bench/pays.js\` (Node ${process.version}, ${os.platform()}, ${host}; medians of ${runs} interleaved runs):`,
    '',
    '| per process | wall | CPU |',
    '|---|---|---|',
    `| \`node -e 0\` | ${ms(wall.bare)} | ${ms(cpu.bare)} |`,
    `| \`node --require smartcache/register -e 0\` | ${ms(wall.require)} (${plus(wall.require - wall.bare)}) | ${ms(cpu.require)} (${plus(cpu.require - cpu.bare)}) |`,
    `| \`node --import smartcache/register -e 0\` | ${ms(wall.import)} (${plus(wall.import - wall.bare)}) | ${ms(cpu.import)} (${plus(cpu.import - cpu.bare)}) |`,
    `| \`node small.js\`: one ${micro(inProcess.plainUs)} function, uncached | ${ms(wall.plain)} | ${ms(cpu.plain)} |`,
    `| \`node --require smartcache/register small.js\`, a re-run: one hit | ${ms(wall.rerun)} (${plus(wall.rerun - wall.plain)}) | ${ms(cpu.rerun)} (${plus(cpu.rerun - cpu.plain)}) |`,
    '',
    '| in one process | time |',
    '|---|---|',
    `| loading the library (\`require('smartcache')\`; the preload loads it at the first annotated function) | ${micro(inProcess.loadUs)} |`,
    `| first call of a re-run (fingerprint from the stored analysis, then a disk hit) | ${micro(inProcess.firstUs)} |`,
    `| first call with an empty cache (parse, fingerprint, compute, store) | ${micro(inProcess.coldFirstUs)} |`,
    `| later calls: a disk hit (\`memory: false\`: read, check, decode) | ${micro(inProcess.diskUs)} |`,
    `| later calls: a memory hit | ${micro(inProcess.memoryUs)} |`,
    `| the function itself, uncached | ${micro(inProcess.plainUs)} |`,
  ];
  return lines.join('\n');
}

function main() {
  const { runs } = parseArgs(process.argv.slice(2));
  if (registerPath() === undefined) throw new Error('dist/ is not built: run `npm run build` first');
  const dir = makeProject();
  const figures = measure(dir, runs);
  process.stdout.write(`${table(figures, runs)}\n`);
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    process.stderr.write(`bench/pays.js: ${error.message}\n${error.output ?? ''}\n`);
    process.exitCode = 1;
  }
}

module.exports = { measure, table, makeProject };
