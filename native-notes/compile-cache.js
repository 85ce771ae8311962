'use strict';
// Does caching compiled code shorten a cached run's start-up? Measures, on this Node:
//   A. in-process time to load what a cached run loads on its first annotated call (the cache
//      layer, dist/cache/index.js) and on a transform-cache miss (dist/preload/rewrite.js, with acorn):
//        none          plain require
//        v8cc-scoped   v8-compile-cache-lib installed around those requires only, then uninstalled
//        v8cc-global   v8-compile-cache-lib installed for the whole process (its README usage)
//        builtin       module.enableCompileCache() (Node 22.1+; skipped where missing)
//   B. whole-process time of the second cached run of an annotated naive fib(40) under
//      `--require smartcache/register`: as shipped; with v8-compile-cache-lib installed for the
//      whole process first (a preload of its own); and, where Node has it, with the built-in cache
//      that register turns on switched off (NODE_DISABLE_COMPILE_CACHE=1, Node's own switch).
// Runs are interleaved (A B C A B C ...) and medians reported, the machine being shared and noisy;
// CPU time (user + system, process.cpuUsage) is reported beside wall time because it moves much
// less when other processes compete for the cores.
//
//   node native-notes/compile-cache.js [runs]        (default 25)
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const RUNS = Number(process.argv[2] ?? 25);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'smartcache-compile-cache-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const LOADER = path.join(tmp, 'load.js');
fs.writeFileSync(
  LOADER,
  `'use strict';
const mode = process.argv[2];
const t0 = process.hrtime.bigint();
const c0 = process.cpuUsage();
let handle;
if (mode === 'v8cc-scoped' || mode === 'v8cc-global') {
  handle = require(${JSON.stringify(path.join(ROOT, 'node_modules', 'v8-compile-cache-lib'))}).install({ cacheDir: ${JSON.stringify(path.join(tmp, 'v8cc'))}, prefix: mode });
}
if (mode === 'builtin') require('node:module').enableCompileCache(${JSON.stringify(path.join(tmp, 'builtin'))});
require(${JSON.stringify(path.join(ROOT, 'dist', 'cache', 'index.js'))});
require(${JSON.stringify(path.join(ROOT, 'dist', 'preload', 'rewrite.js'))});
if (mode === 'v8cc-scoped') handle.uninstall();
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
const c = process.cpuUsage(c0);
if (mode === 'v8cc-global') handle.uninstall();
process.stdout.write(JSON.stringify({ wall: ms, cpu: (c.user + c.system) / 1e3 }));
`,
);

// Preloaded into the whole-process runs: the process's own CPU time, printed on stderr at exit.
const CPU_AT_EXIT = path.join(tmp, 'cpu-at-exit.js');
fs.writeFileSync(CPU_AT_EXIT, "process.on('exit', () => { const c = process.cpuUsage(); process.stderr.write('cpu=' + (c.user + c.system) / 1e3 + '\\n'); });\n");

function time(args, env = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', CPU_AT_EXIT, ...args], { cwd: tmp, env: { ...process.env, NODE_OPTIONS: '', ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  const cpu = Number(/cpu=([\d.]+)/.exec(r.stderr)?.[1]);
  return { wall: Number(process.hrtime.bigint() - t0) / 1e6, cpu, stdout: r.stdout };
}

/** Medians of `{ wall, cpu }` per variant, runs interleaved after one warm-up run each. */
function interleave(variants) {
  const samples = Object.fromEntries(variants.map((v) => [v.label, []]));
  for (const v of variants) v.run(); // warm: fills each variant's cache
  for (let i = 0; i < RUNS; i++) for (const v of variants) samples[v.label].push(v.run());
  return Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, { wall: median(xs.map((x) => x.wall)), cpu: median(xs.map((x) => x.cpu)) }]));
}

const hasBuiltin = typeof require('node:module').enableCompileCache === 'function';
const modes = ['none', 'v8cc-scoped', 'v8cc-global', ...(hasBuiltin ? ['builtin'] : [])];
const load = interleave(modes.map((mode) => ({ label: mode, run: () => JSON.parse(time([LOADER, mode]).stdout) })));

// B: whole-process second cached run of fib(40).
fs.writeFileSync(path.join(tmp, 'package.json'), '{"name":"compile-cache-note","private":true}');
fs.mkdirSync(path.join(tmp, 'node_modules'));
fs.symlinkSync(ROOT, path.join(tmp, 'node_modules', 'smartcache'), 'dir');
fs.copyFileSync(path.join(ROOT, 'bench', 'fixtures', 'fib.js'), path.join(tmp, 'fib.js'));
const V8CC_PRELOAD = path.join(tmp, 'v8cc-preload.js');
fs.writeFileSync(V8CC_PRELOAD, `require(${JSON.stringify(path.join(ROOT, 'node_modules', 'v8-compile-cache-lib'))}).install({ cacheDir: ${JSON.stringify(path.join(tmp, 'v8cc-whole'))} });\n`);
const fibArgs = ['--require', 'smartcache/register', 'fib.js', '40'];
const cacheEnv = { SMARTCACHE_DIR: path.join(tmp, 'store') };
time(fibArgs, cacheEnv); // first cached run: fills the result cache
const whole = interleave([
  { label: 'bare node -e 0', run: () => time(['-e', '0']) },
  { label: 'as shipped', run: () => time(fibArgs, cacheEnv) },
  { label: '+ v8cc (whole process)', run: () => time(['--require', V8CC_PRELOAD, ...fibArgs], cacheEnv) },
  ...(hasBuiltin ? [{ label: 'built-in cache off', run: () => time(fibArgs, { ...cacheEnv, NODE_DISABLE_COMPILE_CACHE: '1' }) }] : []),
]);

const f = (m) => `wall ${m.wall.toFixed(1).padStart(6)} ms   cpu ${m.cpu.toFixed(1).padStart(6)} ms`;
console.log(`node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}, medians of ${RUNS} interleaved runs\n`);
console.log('A. loading dist/cache/index.js + dist/preload/rewrite.js (in-process)');
for (const [k, v] of Object.entries(load)) console.log(`   ${k.padEnd(14)} ${f(v)}`);
if (!hasBuiltin) console.log('   builtin        (module.enableCompileCache does not exist on this Node)');
console.log('B. second cached run of fib(40), whole process');
for (const [k, v] of Object.entries(whole)) console.log(`   ${k.padEnd(24)} ${f(v)}`);
