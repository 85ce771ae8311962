'use strict';
// Issue 11's figures (all but the two "200 helpers" rows, which bench/first-call.js measures): what a
// cached re-run costs, as a user at a shell feels it. Whole processes, module loading inside the
// timer, interleaved runs (A B A B …), medians of CPU and wall, each figure against its baseline
// measured in the same run.
//
//   node bench/rerun.js [--quick] [--before <other dist/>]   (exports run({ quick, before }) for bench/run.js)
//
// CPU and wall of a child come from bash's `time` keyword (fork to wait, user + system of the
// child alone, ms resolution), so the shell's own start-up is in neither.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { benchEnv } = require('./lib/time');
const { median } = require('./lib/stats');
const { tempDir } = require('./lib/tmp');
const { status } = require('./lib/progress');
const { ROOT, DIST } = require('./lib/smartcache');

const NODE = process.execPath;
const FIX = path.join(__dirname, 'fixtures', 'rerun');
const FIB = path.join(__dirname, 'fixtures', 'fib.js');
const rel = (p) => path.relative(ROOT, p);

/** Wall and CPU (ms) of one child process; throws on a non-zero exit, so a broken run is never fast. */
function timed(args, env) {
  const r = spawnSync('bash', ['-c', 'TIMEFORMAT="%3R %3U %3S"; time "$@" >/dev/null', '_', NODE, ...args], {
    env,
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const m = /^(\d+\.\d+) (\d+\.\d+) (\d+\.\d+)$/.exec(last);
  if (r.status !== 0 || !m) throw new Error(`${args.map((a) => path.basename(a)).join(' ')} failed: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  if (/\[smartcache\] warning|SmartCacheWarning/.test(r.stderr)) throw new Error(`${args.map((a) => path.basename(a)).join(' ')} warned: the run is not cached`);
  return { wall: Number(m[1]) * 1000, cpu: (Number(m[2]) + Number(m[3])) * 1000 };
}

/** Runs each spec `runs` times, interleaved, after one warm-up round; medians of wall and CPU. */
function interleaved(specs, runs, label) {
  const out = specs.map(() => ({ wall: [], cpu: [] }));
  for (let r = -1; r < runs; r++) {
    status(`rerun: ${label}, run ${r + 2}/${runs + 1}`);
    specs.forEach((s, i) => {
      const t = timed(s.args, s.env);
      if (r >= 0) {
        out[i].wall.push(t.wall);
        out[i].cpu.push(t.cpu);
      }
    });
  }
  return out.map((o) => ({ wall: median(o.wall), cpu: median(o.cpu) }));
}

/** The last JSON line a child prints. */
function json(args, env) {
  const r = spawnSync(NODE, args, { env, cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${args.map((a) => path.basename(a)).join(' ')} failed: ${r.stderr.trim().split('\n').pop()}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
}

const row = (figure, command, value, unit, target, ok) => ({ figure, command, value, unit, target, ok });
const ms = (v) => Math.round(v * 10) / 10;

/**
 * The builds measured: this checkout's dist/ ("after"), and with `--before <dist>` another build
 * (e.g. main's, built in a temporary copy) measured in the same interleaved rounds, so both face
 * the same machine load. A build's paths: `at(build, 'preload/register.js')`.
 */
const at = (build, file) => path.join(build.dist, ...file.split('/'));

/** Rows for the "before" build carry its label; its figures keep the target, so both get a verdict. */
function tag(build, figure) {
  return build.label === 'after' ? figure : `  before: ${figure.trim()}`;
}

/** A whole cached re-run against `node -e 0`: wall ratio (CPU ratio beside it). */
function versusBare({ label, argsOf, env, builds, runs, target }) {
  const [bare, ...cached] = interleaved([{ args: ['-e', '0'], env: env(builds[0]) }, ...builds.map((b) => ({ args: argsOf(b), env: env(b) }))], runs, label);
  const out = [];
  builds.forEach((b, i) => {
    const c = cached[i];
    const command = `node ${argsOf(b).map((a) => (path.isAbsolute(a) ? rel(a) : a)).join(' ')}  vs  node -e 0`;
    out.push(
      row(tag(b, `${label}: wall ÷ node -e 0`), command, c.wall / bare.wall, '×', `≤ ${target}×`, c.wall / bare.wall <= target),
      row(tag(b, `  CPU ÷ node -e 0`), command, c.cpu / bare.cpu, '×', `≤ ${target}×`, c.cpu / bare.cpu <= target),
      row(tag(b, `  wall ms / CPU ms: cached run (node -e 0: ${ms(bare.wall)} / ${ms(bare.cpu)})`), command, `${ms(c.wall)} / ${ms(c.cpu)}`, 'ms'),
    );
  });
  return out;
}

/** A program with and without smartcache: difference (`diff`) or ratio of wall and CPU. */
function versusPlain({ label, plainArgs, argsOf, env, builds, runs, target, diff }) {
  const [plain, ...cached] = interleaved([{ args: plainArgs, env: env(builds[0]) }, ...builds.map((b) => ({ args: argsOf(b), env: env(b) }))], runs, label);
  const out = [];
  builds.forEach((b, i) => {
    const c = cached[i];
    const command = `node ${argsOf(b).map((a) => (path.isAbsolute(a) ? rel(a) : a)).join(' ')}  vs  node ${plainArgs.map((a) => (path.isAbsolute(a) ? rel(a) : a)).join(' ')}`;
    const wall = diff ? c.wall - plain.wall : c.wall / plain.wall;
    const cpu = diff ? c.cpu - plain.cpu : c.cpu / plain.cpu;
    const unit = diff ? 'ms' : '×';
    out.push(
      row(tag(b, `${label}: wall ${diff ? 'over' : '÷'} ${diff ? 'the plain run' : 'plain'}`), command, wall, unit, target?.wall, target?.wall === undefined ? undefined : target.ok(wall)),
      row(tag(b, `  CPU ${diff ? 'over' : '÷'} ${diff ? 'the plain run' : 'plain'}`), command, cpu, unit, target?.cpu, target?.cpu === undefined ? undefined : target.ok(cpu)),
      row(tag(b, `  wall ms / CPU ms (plain: ${ms(plain.wall)} / ${ms(plain.cpu)})`), command, `${ms(c.wall)} / ${ms(c.cpu)}`, 'ms'),
    );
  });
  return out;
}

async function run({ quick = false, before } = {}) {
  const runs = quick ? 7 : 15;
  const dir = tempDir('rerun');
  const builds = [{ label: 'after', dist: DIST, key: 'after' }];
  if (before !== undefined) builds.push({ label: 'before', dist: path.resolve(before), key: 'before' });
  // Each build keeps its own cache root (entries and stored rewrites are per build) and its own
  // temporary folder: the V8 code caches of its bundles (src/runtime-loader.ts) live there, and a
  // shared folder let one build's runs decide which cache the other read.
  const tmpOf = (b) => {
    const tmp = path.join(dir, `tmp-${b.key}`);
    fs.mkdirSync(tmp, { recursive: true });
    return tmp;
  };
  const env = (b) => benchEnv({ SMARTCACHE_DIR: path.join(dir, `cache-${b.key}`), TMPDIR: tmpOf(b) });
  const rows = [];
  const notes = [];
  const warm = (argsOf) => { for (const b of builds) timed(argsOf(b), env(b)); };

  // fib(32), annotated, result on disk: --require, then --import on the same CommonJS entry.
  const fibRequire = (b) => ['--require', at(b, 'preload/register.js'), FIB, '32'];
  warm(fibRequire);
  rows.push(...versusBare({ label: 'fib(32) annotated, cached re-run (--require)', argsOf: fibRequire, env, builds, runs, target: 1.2 }));
  const fibImport = (b) => ['--import', at(b, 'preload/register.mjs'), FIB, '32'];
  warm(fibImport);
  rows.push(...versusBare({ label: 'same with --import on a CommonJS entry', argsOf: fibImport, env, builds, runs, target: 1.3 }));

  // The preload alone: CPU over node -e 0 (--import: Node 20's ESM entry, reported).
  const lessThan = (limit) => (v) => v <= limit;
  rows.push(...versusPlain({ label: 'node --require smartcache/register -e 0', plainArgs: ['-e', '0'], argsOf: (b) => ['--require', at(b, 'preload/register.js'), '-e', '0'], env, builds, runs, diff: true, target: { cpu: '≤ 5 ms', ok: lessThan(5) } }));
  rows.push(...versusPlain({ label: 'node --import smartcache/register -e 0', plainArgs: ['-e', '0'], argsOf: (b) => ['--import', at(b, 'preload/register.mjs'), '-e', '0'], env, builds, runs, diff: true }));

  // 200 annotated functions loaded, none called: the same file with and without the preload.
  {
    const file = path.join(FIX, 'annotated200.js');
    const argsOf = (b) => ['--require', at(b, 'preload/register.js'), file];
    warm(argsOf);
    rows.push(...versusPlain({ label: '200 annotated functions loaded, none called', plainArgs: [file], argsOf, env, builds, runs, diff: true, target: { wall: '≤ 10 ms', cpu: '≤ 10 ms', ok: lessThan(10) } }));
  }

  // 1,000 distinct disk hits in a new process, first call and module loading inside the timer,
  // against readFileSync of the same 1,000 entry files timed the same way.
  {
    const script = path.join(FIX, 'hits1000.js');
    const hitsEnv = (b) => benchEnv({ SMARTCACHE_DIR: path.join(dir, `hits-${b.key}`), TMPDIR: tmpOf(b) });
    for (const b of builds) json([script, at(b, 'index.js')], hitsEnv(b));
    const files = [];
    const walk = (d) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/^[0-9a-f]{20,}$/.test(e.name)) files.push(p);
      }
    };
    walk(path.join(dir, 'hits-after'));
    if (files.length < 1000) throw new Error(`hits1000 left ${files.length} entry files, expected 1,000`);
    const list = path.join(dir, 'files.json');
    fs.writeFileSync(list, JSON.stringify(files.slice(0, 1000)));
    const floorScript = path.join(FIX, 'read1000.js');
    const t = { floor: [], ...Object.fromEntries(builds.flatMap((b) => [[b.key, []], [`${b.key}-rest`, []]])) };
    for (let r = -1; r < runs; r++) {
      status(`rerun: 1,000 disk hits, run ${r + 2}/${runs + 1}`);
      const f = json([floorScript, list], hitsEnv(builds[0]));
      const h = builds.map((b) => json([script, at(b, 'index.js')], hitsEnv(b)));
      if (r >= 0) {
        t.floor.push(f.ms);
        builds.forEach((b, i) => {
          t[b.key].push(h[i].ms);
          t[`${b.key}-rest`].push(h[i].restMs);
        });
      }
    }
    for (const b of builds) {
      const ratio = median(t[b.key]) / median(t.floor);
      const command = `node ${rel(script)} ${rel(at(b, 'index.js'))}  vs  node ${rel(floorScript)} (readFileSync of the same 1,000 entry files)`;
      rows.push(row(tag(b, '1,000 distinct disk hits in a new process, first call and loading included ÷ readFileSync of 1,000 small files'), command, ratio, '×', '≤ 2×', ratio <= 2));
      rows.push(row(tag(b, `  ms: 1,000 hits (readFileSync: ${ms(median(t.floor))})`), command, ms(median(t[b.key])), 'ms'));
      // Calls 2-1,000 alone: what each hit costs once the code is loaded and fingerprinted.
      rows.push(row(tag(b, `  µs per hit, calls 2-1,000 (readFileSync: ${ms(median(t.floor))} µs per file)`), command, ms((median(t[`${b.key}-rest`]) * 1000) / 999), 'µs'));
    }
  }

  // A script whose cached function does ~20 ms of work: cached re-run against the plain script.
  {
    const file = path.join(FIX, 'work20.js');
    const argsOf = (b) => ['--require', at(b, 'preload/register.js'), file];
    warm(argsOf);
    rows.push(...versusPlain({ label: 'script with ~20 ms of cached work, cached re-run', plainArgs: [file], argsOf, env, builds, runs, target: { wall: '< 1×', cpu: '< 1×', ok: (v) => v < 1 } }));
  }

  // 100 MB Float64Array through the store against bare fs on the same bytes.
  for (const b of builds) {
    const script = path.join(FIX, 'large.js');
    status(`rerun: 100 MB store and read (${b.label})`);
    const r = json(['--expose-gc', script, at(b, 'store/index.js'), dir, String(quick ? 3 : 5)], env(b));
    const command = `node --expose-gc ${rel(script)} ${rel(at(b, 'store/index.js'))} $DIR`;
    rows.push(row(tag(b, 'disk hit of a 100 MB Float64Array: read throughput ÷ fs.readFileSync'), command, r.read, '×', '≥ 0.9×', r.read >= 0.9));
    rows.push(row(tag(b, 'store of a 100 MB Float64Array: write throughput ÷ fs.writeFileSync'), command, r.write, '×', '≥ 0.9×', r.write >= 0.9));
    rows.push(row(tag(b, '  ms: store write / writeFileSync / store read / readFileSync'), command, `${ms(r.storeWrite)} / ${ms(r.bareWrite)} / ${ms(r.storeRead)} / ${ms(r.bareRead)}`, 'ms'));
  }
  notes.push(`Medians of ${runs} interleaved runs after one warm-up round; CPU is user + system of the child (bash's time keyword).${before === undefined ? '' : ` "before" rows: the build at ${path.resolve(before)}, measured in the same interleaved rounds.`}`);
  return { rows, notes };
}

module.exports = { run };

if (require.main === module) {
  const i = process.argv.indexOf('--before');
  run({ quick: process.argv.includes('--quick'), before: i > 0 ? process.argv[i + 1] : undefined }).then(({ rows, notes }) => {
    for (const r of rows) {
      const v = typeof r.value === 'number' ? (Math.round(r.value * 1000) / 1000).toString() : r.value;
      process.stdout.write(`${r.figure}: ${v} ${r.unit}${r.target ? `  (target ${r.target}: ${r.ok ? 'met' : 'missed'})` : ''}\n`);
    }
    for (const n of notes) process.stdout.write(`${n}\n`);
  });
}
