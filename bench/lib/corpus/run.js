'use strict';
// Runs the corpus: a temporary project per library (the library copied in as the program's own
// code, smartcache linked in as a package), an uncached baseline with V8 coverage of the call, a cached
// first run and a second run that must hit, then mutants. Each mutant runs twice at once: with
// SMARTCACHE=off (the oracle: what the program now prints) and cached against the primed cache.
// A cached answer that differs from the oracle is stale; a must-hit edit that misses is a
// spurious miss; an edit inside a function that never ran that misses is a needless recompute.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFile } = require('node:child_process');
const { readCoverage, ran, inUnrunFunction } = require('./coverage');
const { findSites, renameSites, apply, unusedSite, unusedExportSite, parses, BEHAVIOUR, MUST_HIT } = require('./sites');

// SMARTCACHE_CORPUS_PACKAGE: another build of smartcache to test (a copy of the package folder).
const repo = process.env.SMARTCACHE_CORPUS_PACKAGE ?? path.resolve(__dirname, '..', '..', '..');

function cleanEnv(extra) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('SMARTCACHE') || k === 'NODE_V8_COVERAGE') delete env[k];
  delete env.NODE_OPTIONS;
  return { ...env, TZ: 'UTC', LANG: 'C', ...extra };
}

/** Runs the app; `out` is the JSON of the result (the timing stripped), `ms` the first call's time. */
function runApp(ctx, extra) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    execFile(process.execPath, [ctx.entry], { cwd: ctx.dir, env: cleanEnv(extra), timeout: ctx.timeout ?? 180_000, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const wall = Number(process.hrtime.bigint() - started) / 1e6;
      const last = stdout.trim().split('\n').pop() ?? '';
      let out;
      let ms;
      let cpu;
      try {
        const parsed = JSON.parse(last);
        out = JSON.stringify(parsed.out);
        ms = parsed.ms;
        cpu = parsed.cpu;
      } catch {
        out = undefined;
      }
      const status = error ? (typeof error.code === 'number' ? error.code : String(error.signal ?? error.code)) : 0;
      resolve({
        status,
        out: status === 0 ? out : `(exit ${status})`,
        ms,
        cpu,
        wall,
        stderr,
        hit: /^\[smartcache\] hit /m.test(stderr),
        miss: /^\[smartcache\] miss /m.test(stderr),
        fallback: /cannot fingerprint|running uncached|falling back|always misses/i.test(stderr),
      });
    });
  });
}

function isModuleFile(file) {
  if (file.endsWith('.mjs')) return true;
  if (file.endsWith('.cjs')) return false;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) return JSON.parse(fs.readFileSync(pj, 'utf8')).type === 'module';
    if (path.dirname(dir) === dir) return false;
  }
}

function libraryFiles(dir, entry) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const abs = path.join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== '.cache') walk(abs);
      } else if (/\.(c|m)?js$/.test(e.name) && abs !== path.join(dir, entry)) out.push(abs);
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * Sets up one library's project and its baseline runs. `processCoverage: false` skips the run
 * that finds never-run functions (the 'unrun' category then has no candidates).
 */
async function prepare(lib, { processCoverage: wantProcess = true } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-corpus-'));
  fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"corpus-app","private":true}\n');
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(repo, path.join(dir, 'node_modules', 'smartcache'), 'dir');
  lib.setup(dir);
  fs.writeFileSync(path.join(dir, lib.entry), lib.app);
  const ctx = { lib, dir, entry: lib.entry, cacheDir: path.join(dir, '.cache', 'smartcache'), files: [] };
  const callDir = path.join(dir, '.cache', 'coverage-call');
  const processDir = path.join(dir, '.cache', 'coverage-process');
  fs.mkdirSync(callDir, { recursive: true });
  // Coverage of the call alone (the app starts and takes it around the call): behaviour and
  // must-hit edits go where code ran for the call, not where it ran only while loading.
  const covered = await runApp(ctx, { SMARTCACHE: 'off', CORPUS_CALL_COVERAGE: path.join(callDir, 'call.json') });
  if (covered.status !== 0) throw new Error(`${lib.name}: the uncached app failed\n${covered.stderr}`);
  // Coverage of the whole process (Node's own): it lists every function, run or not, so "never
  // ran" is known. Timings come from a third run without either.
  if (wantProcess) await runApp(ctx, { SMARTCACHE: 'off', NODE_V8_COVERAGE: processDir });
  ctx.baseline = await runApp(ctx, { SMARTCACHE: 'off' });
  const coverage = readCoverage(callDir);
  const processCoverage = wantProcess ? readCoverage(processDir) : coverage;
  ctx.cold = await runApp(ctx, { SMARTCACHE_DIR: ctx.cacheDir, SMARTCACHE_LOG: '1' });
  ctx.warm = await runApp(ctx, { SMARTCACHE_DIR: ctx.cacheDir, SMARTCACHE_LOG: '1' });
  // A mutant may loop forever (an operator flipped in a loop condition): both runs are stopped,
  // and a cached run that answers while the oracle never does is stale, as it should be.
  ctx.timeout = Math.round(Math.min(120_000, Math.max(15_000, 8 * Math.max(ctx.cold.wall, ctx.baseline.wall))));
  for (const abs of libraryFiles(dir, lib.entry)) {
    const loaded = processCoverage.get(abs);
    if (loaded === undefined) continue; // never loaded
    const ranges = coverage.get(abs) ?? [];
    ctx.files.push({ abs, rel: path.relative(dir, abs), module: isModuleFile(abs), ranges, loaded, text: fs.readFileSync(abs, 'utf8'), sites: undefined });
  }
  return ctx;
}

function sitesOf(file) {
  file.sites ??= [...findSites(file.text, file.module), ...renameSites(file.text, file.module)];
  return file.sites;
}

/** Seeded PRNG (mulberry32): the same seed picks the same mutants. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Candidate mutants of a category: 'behaviour' and 'must-hit' in code that ran for the call,
 * 'unrun' (a behaviour edit) inside functions of the same files that never ran at all.
 */
function candidates(ctx, category) {
  const out = [];
  for (const file of ctx.files) {
    const ranAny = file.ranges.some((r) => r.count > 0 && r.start > 0);
    if (!ranAny && category !== 'unrun') continue;
    if (category === 'must-hit') {
      out.push({ file, site: unusedSite(file.text, file.module) });
      // Only where the module itself writes `module.exports` or `exports.` (a module that never
      // touches them would gain its first export: a different kind of edit).
      if (!file.module && /\b(module\.)?exports\b/.test(file.text)) out.push({ file, site: unusedExportSite(file.text) });
    }
    for (const site of sitesOf(file)) {
      const behaviour = BEHAVIOUR.includes(site.kind);
      if (category === 'behaviour' && behaviour && ran(file.ranges, site.at)) out.push({ file, site });
      else if (category === 'must-hit' && MUST_HIT.includes(site.kind) && ran(file.ranges, site.at)) out.push({ file, site });
      // Never ran in the whole process (not even while loading), in a file the call used.
      else if (category === 'unrun' && ranAny && behaviour && inUnrunFunction(file.loaded, site.at)) out.push({ file, site });
    }
  }
  return out;
}

/** One candidate of `pool`, a file first and then a site in it (a file with many sites, such as
 * a re-export index, must not crowd out the small files), removed from the pool. */
function pickFrom(pool, rng) {
  const files = [...new Set(pool.map((c) => c.file))];
  const file = files[Math.floor(rng() * files.length)];
  const inFile = pool.filter((c) => c.file === file);
  const chosen = inFile[Math.floor(rng() * inFile.length)];
  pool.splice(pool.indexOf(chosen), 1);
  return chosen;
}

/** `count` candidates, spread over the edit kinds (round robin), chosen by `rng`. */
function sample(list, count, rng) {
  const byKind = new Map();
  for (const c of list) {
    const k = byKind.get(c.site.kind) ?? [];
    k.push(c);
    byKind.set(c.site.kind, k);
  }
  const kinds = [...byKind.keys()].sort();
  const picked = [];
  while (picked.length < count && kinds.some((k) => byKind.get(k).length > 0)) {
    for (const k of kinds) {
      const pool = byKind.get(k);
      if (pool.length === 0 || picked.length >= count) continue;
      picked.push(pickFrom(pool, rng));
    }
  }
  return picked;
}

function lineOf(text, offset) {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Applies one mutant, runs oracle and cached at once, restores the file, and classifies. */
async function runMutant(ctx, category, { file, site }) {
  const mutated = apply(file.text, site);
  const where = `${file.rel}:${lineOf(file.text, site.start)}`;
  if (!parses(mutated, file.module)) return { category, kind: site.kind, where, invalid: true };
  fs.writeFileSync(file.abs, mutated);
  let oracle;
  let cached;
  try {
    [oracle, cached] = await Promise.all([
      runApp(ctx, { SMARTCACHE: 'off' }),
      runApp(ctx, { SMARTCACHE_DIR: ctx.cacheDir, SMARTCACHE_LOG: '1' }),
    ]);
  } finally {
    fs.writeFileSync(file.abs, file.text);
  }
  const changed = oracle.out !== ctx.baseline.out;
  const stale = cached.out !== oracle.out;
  return {
    category,
    kind: site.kind,
    where,
    edit: `${JSON.stringify(file.text.slice(site.start, Math.min(site.end, site.start + 40)))} -> ${JSON.stringify(site.replacement.slice(0, 40))}`,
    changed,
    hit: cached.hit,
    miss: cached.miss,
    stale,
    spurious: category === 'must-hit' && cached.miss,
    needless: category === 'unrun' && !changed && cached.miss,
    timedOut: oracle.status === 'SIGTERM',
    fallback: cached.fallback,
    detail: stale ? `oracle ${String(oracle.out).slice(0, 200)} cached ${String(cached.out).slice(0, 200)}` : undefined,
    fullStderr: cached.stderr,
    stderr: stale || cached.fallback || (category === 'must-hit' && cached.miss) ? cached.stderr.split('\n').filter((l) => l.startsWith('[smartcache]')).join('\n').slice(0, 600) : undefined,
  };
}

function cleanup(ctx) {
  fs.rmSync(ctx.dir, { recursive: true, force: true });
}

module.exports = { prepare, candidates, sample, random, runMutant, cleanup, runApp };
