'use strict';
// The preload's figures (issue 5), from a temp project where `smartcache/register` resolves through
// node_modules/smartcache (a symlink to this checkout), as after `npm install smartcache`:
//   - start-up: `node --require smartcache/register -e 0` vs `node -e 0` (target ≤ 15 ms added), and
//     `--import` (no target: on Node 20 module.register starts a hooks thread)
//   - a module of 200 annotated functions, loaded and none called (target ≤ 30 ms added)
//   - unannotated files: the hook's cost per file (the marker test), measured in-process
//   - annotated naive fib(40): uncached vs its second cached run, whole process and in-call
// Whole-process runs are interleaved (A B C A B C ...); medians.
//
//   node bench/preload.js [--quick]
const fs = require('node:fs');
const path = require('node:path');
const { benchEnv, interleavedProcesses, runJson, runProcess } = require('./lib/time');
const { median } = require('./lib/stats');
const { tempDir } = require('./lib/tmp');
const { status } = require('./lib/progress');
const { ROOT, registerPath } = require('./lib/smartcache');

const FIB_N = 40;

/** 200 functions in the four commonest forms: declarations, const arrows, class and object methods. */
function moduleOf200(annotated) {
  const tag = annotated ? '/** @cache */\n' : '';
  const indented = annotated ? '  /** @cache */\n' : '';
  let s = "'use strict';\n";
  for (let i = 0; i < 200; i++) {
    switch (i % 4) {
      case 0:
        s += `${tag}function f${i}(a, b) {\n  const x = a * ${i} + b;\n  return x > 10 ? x - 1 : x + 1;\n}\n`;
        break;
      case 1:
        s += `${tag}const f${i} = (a, b) => {\n  return [a, b, ${i}].join('-');\n};\n`;
        break;
      case 2:
        s += `class C${i} {\n${indented}  m(a) {\n    return a + ${i};\n  }\n}\n`;
        break;
      default:
        s += `const o${i} = {\n${indented}  m(a) {\n    return { a, i: ${i} };\n  },\n};\n`;
    }
  }
  return `${s}module.exports = {};\n`;
}

const FIB_PROGRAM = `'use strict';
/** @cache */
function fib(n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}
const n = Number(process.argv[2]);
const us = (t) => Number(process.hrtime.bigint() - t) / 1e3;
let t = process.hrtime.bigint();
const result = fib(n);
const firstUs = us(t);
// Only when cached (the preload gave fib its control methods): uncached, each call is fib(n) again.
let secondUs;
let warmUs;
if (typeof fib.clear === 'function') {
  t = process.hrtime.bigint();
  fib(n);
  secondUs = us(t);
  t = process.hrtime.bigint();
  for (let i = 0; i < 1000; i++) fib(n);
  warmUs = us(t) / 1000;
}
const cpu = process.cpuUsage();
process.stdout.write(JSON.stringify({ result, firstUs, secondUs, warmUs, cpuMs: (cpu.user + cpu.system) / 1e3 }) + '\\n');
`;

// Requires N distinct unannotated modules and prints the CPU time the requires took, in µs
// (CPU rather than wall time: on a busy machine the wall time of 100 requires varies by 2×).
const MANY_PROGRAM = `'use strict';
const n = Number(process.argv[2]);
const c0 = process.cpuUsage();
for (let i = 0; i < n; i++) require('./plain/m' + i + '.js');
const c = process.cpuUsage(c0);
process.stdout.write(JSON.stringify({ us: c.user + c.system }) + '\\n');
`;

const PRINT_CPU = 'const c = process.cpuUsage(); process.stdout.write(JSON.stringify({ ms: (c.user + c.system) / 1e3 }))';

function makeProject() {
  const dir = tempDir('preload');
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "preload-bench", "private": true }\n');
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'smartcache'), 'dir');
  fs.writeFileSync(path.join(dir, 'annotated200.js'), moduleOf200(true));
  fs.writeFileSync(path.join(dir, 'plain200.js'), moduleOf200(false));
  fs.writeFileSync(path.join(dir, 'fib.js'), FIB_PROGRAM);
  fs.writeFileSync(path.join(dir, 'many.js'), MANY_PROGRAM);
  fs.mkdirSync(path.join(dir, 'plain'));
  const plain = moduleOf200(false);
  for (let i = 0; i < 100; i++) fs.writeFileSync(path.join(dir, 'plain', `m${i}.js`), plain.replace(/f(\d+)/g, `f$1_${i}`));
  return dir;
}

const REQ = ['--require', 'smartcache/register'];

function startupRows(dir, runs) {
  const node = process.execPath;
  const env = benchEnv({ SMARTCACHE_DIR: path.join(dir, 'cache') });
  // One run fills the transform cache: later loads of annotated200.js do not parse it.
  runProcess(node, [...REQ, 'annotated200.js'], { env, cwd: dir });
  const spec = (label, args) => ({ label, command: node, args, env, cwd: dir });
  const t = interleavedProcesses(
    [
      spec('bare', ['-e', '0']),
      spec('require', [...REQ, '-e', '0']),
      spec('import', ['--import', 'smartcache/register', '-e', '0']),
      spec('plain200', ['annotated200.js']),
      spec('annotated200', [...REQ, 'annotated200.js']),
    ],
    runs,
    { onRun: (r, n) => status(`preload: start-up, run ${r}/${n}`) },
  );
  const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)]));
  const added = (a, b) => m[a] - m[b];
  const cpu = { bare: [], require: [], plain200: [], annotated200: [] };
  const load200 = `require('./annotated200.js'); ${PRINT_CPU}`;
  for (let r = 0; r < runs; r++) {
    status(`preload: start-up CPU time, run ${r + 1}/${runs}`);
    cpu.bare.push(runJson(node, ['-e', PRINT_CPU], { env, cwd: dir }).data.ms);
    cpu.require.push(runJson(node, [...REQ, '-e', PRINT_CPU], { env, cwd: dir }).data.ms);
    cpu.plain200.push(runJson(node, ['-e', load200], { env, cwd: dir }).data.ms);
    cpu.annotated200.push(runJson(node, [...REQ, '-e', load200], { env, cwd: dir }).data.ms);
  }
  const cpuAdded = (a, b) => median(cpu[a]) - median(cpu[b]);
  return [
    { figure: 'preload start-up, --require', command: `node --require smartcache/register -e 0  vs  node -e 0  (${runs} runs each, interleaved)`, value: added('require', 'bare'), unit: 'ms', target: '≤ 15 ms', ok: added('require', 'bare') <= 15 },
    { figure: 'preload start-up, --require, CPU time', command: 'node --require smartcache/register -e <print process.cpuUsage()>  vs  node -e <same>', value: cpuAdded('require', 'bare'), unit: 'ms', note: 'user + system time of the whole process: what the preload costs without the machine\'s scheduling noise' },
    { figure: 'preload start-up, --import', command: 'node --import smartcache/register -e 0  vs  node -e 0', value: added('import', 'bare'), unit: 'ms', target: 'reference', note: 'Node 20: module.register() starts the hooks thread; registerHooks() (Node 22.15+) runs in-thread instead' },
    { figure: '200 annotated functions loaded, none called', command: 'node --require smartcache/register annotated200.js  vs  node annotated200.js', value: added('annotated200', 'plain200'), unit: 'ms', target: '≤ 30 ms', ok: added('annotated200', 'plain200') <= 30, note: 'includes the bare preload start-up; the rewritten file comes from the transform cache and the cache layer is loaded on the first call only' },
    { figure: '200 annotated functions loaded, none called, CPU time', command: 'node --require smartcache/register -e "require(\'./annotated200.js\'); <print cpu>"  vs  node -e <same>', value: cpuAdded('annotated200', 'plain200'), unit: 'ms', note: 'user + system time of the whole process' },
  ];
}

function unannotatedRows(dir, runs) {
  const node = process.execPath;
  const env = benchEnv({ SMARTCACHE_DIR: path.join(dir, 'cache') });
  const files = 100;
  const plain = [];
  const hooked = [];
  for (let r = 0; r < runs; r++) {
    status(`preload: unannotated files, run ${r + 1}/${runs}`);
    plain.push(runJson(node, ['many.js', String(files)], { env, cwd: dir }).data.us);
    hooked.push(runJson(node, [...REQ, 'many.js', String(files)], { env, cwd: dir }).data.us);
  }
  const perFile = (median(hooked) - median(plain)) / files;
  return [
    { figure: 'unannotated file: hook cost per require (CPU time)', command: `node --require smartcache/register many.js ${files}  vs  node many.js ${files}  (${files} files of 200 functions, ~25 KB each)`, value: perFile, unit: 'µs', target: '≤ 100 µs', ok: perFile <= 100 },
  ];
}

function fibRows(dir, quick) {
  const node = process.execPath;
  const env = benchEnv({ SMARTCACHE_DIR: path.join(dir, 'fib-cache') });
  const runs = quick ? 3 : 5;
  const uncached = [];
  for (let r = 0; r < runs; r++) {
    status(`preload: fib(${FIB_N}) uncached, run ${r + 1}/${runs}`);
    uncached.push(runJson(node, ['fib.js', String(FIB_N)], { env, cwd: dir }));
  }
  status(`preload: fib(${FIB_N}) first cached run`);
  const first = runJson(node, [...REQ, 'fib.js', String(FIB_N)], { env, cwd: dir });
  const cached = [];
  for (let r = 0; r < runs; r++) {
    status(`preload: fib(${FIB_N}) cached, run ${r + 1}/${runs}`);
    cached.push(runJson(node, [...REQ, 'fib.js', String(FIB_N)], { env, cwd: dir }));
  }
  if (cached.some((c) => c.data.result !== uncached[0].data.result)) throw new Error('fib: cached result differs');
  const wall = (xs) => median(xs.map((x) => x.ms));
  const field = (xs, k) => median(xs.map((x) => x.data[k]));
  const cmd = `node --require smartcache/register fib.js ${FIB_N}`;
  return [
    { figure: `naive fib(${FIB_N}) uncached, whole process`, command: `node fib.js ${FIB_N}`, value: wall(uncached), unit: 'ms' },
    { figure: `naive fib(${FIB_N}) first cached run, whole process`, command: cmd, value: first.ms, unit: 'ms' },
    { figure: `naive fib(${FIB_N}) second cached run, whole process`, command: cmd, value: wall(cached), unit: 'ms' },
    { figure: `naive fib(${FIB_N}) in-call, uncached`, command: `node fib.js ${FIB_N}`, value: field(uncached, 'firstUs') / 1e3, unit: 'ms' },
    { figure: `naive fib(${FIB_N}) in-call, second cached run, first call of the process`, command: cmd, value: field(cached, 'firstUs') / 1e3, unit: 'ms', note: 'loads the cache layer, fingerprints fib through the inspector and reads one entry from disk' },
    { figure: `naive fib(${FIB_N}) in-call, second cached run, second call (memory layer, cold code)`, command: cmd, value: field(cached, 'secondUs'), unit: 'µs' },
    { figure: `naive fib(${FIB_N}) in-call, second cached run, warm memory-layer hit`, command: cmd, value: field(cached, 'warmUs'), unit: 'µs', target: '≤ 5 µs', ok: field(cached, 'warmUs') <= 5, note: 'mean of 1000 further calls in the same process' },
    { figure: `naive fib(${FIB_N}) second cached run, CPU time of the whole process`, command: cmd, value: field(cached, 'cpuMs'), unit: 'ms', note: 'user + system, from process.cpuUsage() at exit: less sensitive than wall time to a busy machine' },
  ];
}

async function run({ quick = false } = {}) {
  if (!registerPath()) return { rows: [], notes: ['skipped: dist/preload/register.js is not built (npm run build)'] };
  const dir = makeProject();
  const runs = quick ? 15 : 21;
  const rows = [...startupRows(dir, runs), ...unannotatedRows(dir, quick ? 7 : 11), ...fibRows(dir, quick)];
  return { rows, notes: [`Node ${process.version}; medians; the start-up rows are ${runs} interleaved runs each`] };
}

module.exports = { run };

if (require.main === module) {
  require('./lib/standalone').main(run, 'The preload (bench/preload.js)');
}
