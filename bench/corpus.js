'use strict';
// The whole real-code corpus (issue 13): for each library of bench/lib/corpus/libraries.js, a
// cached function that calls it, then machine-made edits of the code that really runs.
//
//   node bench/corpus.js [--behaviour 40] [--must-hit 18] [--unrun 10] [--seed 13] [--only lodash,semver]
//   node bench/corpus.js --from-report      (CORPUS.md again from corpus-report.json)
//   node bench/corpus.js --cost 3           (first-call cost only, one process at a time, added to the report)
//
// Writes bench/corpus-report.json (every mutant) and bench/CORPUS.md (the summary), and prints
// the summary. Counts: stale (a cached answer that differs from the uncached program: must be
// 0), spurious misses (a comment, whitespace, layout or unused-code edit that recomputed),
// needless recomputes (a behaviour edit inside a function that never ran for the call), and the
// first-call cost per library (whole process, module loading included).
const fs = require('node:fs');
const path = require('node:path');
const { libraries } = require('./lib/corpus/libraries');
const { prepare, candidates, sample, random, runMutant, cleanup } = require('./lib/corpus/run');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

const counts = { behaviour: Number(option('behaviour', 40)), 'must-hit': Number(option('must-hit', 18)), unrun: Number(option('unrun', 10)) };
const seed = Number(option('seed', 13));
const only = option('only', '').split(',').filter(Boolean);

function summarize(lib, ctx, results) {
  const of = (cat) => results.filter((r) => r.category === cat && !r.invalid);
  const behaviour = of('behaviour');
  const mustHit = of('must-hit');
  const unrun = of('unrun');
  return {
    library: lib.name,
    style: lib.style,
    files: ctx.files.length,
    uncachedMs: ctx.baseline.ms,
    firstCallMs: ctx.cold.ms,
    hitRunMs: ctx.warm.ms,
    uncachedWallMs: ctx.baseline.wall,
    firstCallWallMs: ctx.cold.wall,
    hitRunWallMs: ctx.warm.wall,
    secondRunHits: ctx.warm.hit,
    fallback: ctx.cold.fallback || ctx.warm.fallback || results.some((r) => r.fallback),
    mutants: behaviour.length,
    changedOutput: behaviour.filter((r) => r.changed).length,
    caught: behaviour.filter((r) => r.changed && !r.stale).length,
    timedOut: results.filter((r) => r.timedOut).length,
    stale: results.filter((r) => r.stale).length,
    mustHit: mustHit.length,
    spurious: mustHit.filter((r) => r.spurious).length,
    unrun: unrun.length,
    needless: unrun.filter((r) => r.needless).length,
    invalid: results.filter((r) => r.invalid).length,
  };
}

function ms(v) {
  return v === undefined ? '—' : `${Math.round(v)} ms`;
}

/** Per edit kind, over every library: how many, how many changed the output, missed, were stale. */
function byKind(all) {
  const kinds = new Map();
  for (const { results } of all) {
    for (const m of results) {
      if (m.invalid) continue;
      const key = `${m.category}\u0000${m.kind}`;
      const k = kinds.get(key) ?? { category: m.category, kind: m.kind, n: 0, changed: 0, miss: 0, stale: 0 };
      k.n++;
      if (m.changed) k.changed++;
      if (m.miss) k.miss++;
      if (m.stale) k.stale++;
      kinds.set(key, k);
    }
  }
  const order = ['behaviour', 'must-hit', 'unrun'];
  const list = [...kinds.values()].sort((a, b) => order.indexOf(a.category) - order.indexOf(b.category) || (a.kind < b.kind ? -1 : 1));
  return [
    '| category | edit | mutants | changed the output | recomputed (miss) | stale |',
    '|---|---|---|---|---|---|',
    ...list.map((k) => `| ${k.category} | ${k.kind} | ${k.n} | ${k.changed} | ${k.miss} | ${k.stale} |`),
  ];
}

/** The commit of the build tested (SMARTCACHE_CORPUS_BUILD names a copied build's commit). */
function build() {
  if (process.env.SMARTCACHE_CORPUS_BUILD) return process.env.SMARTCACHE_CORPUS_BUILD;
  try {
    return require('node:child_process').execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: __dirname, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

function render(rows, started, all, commit, cost) {
  const total = (k) => rows.reduce((s, r) => s + r[k], 0);
  const lines = [
    '# Real-code corpus (bench/corpus.js)',
    '',
    `Written by \`node bench/corpus.js --behaviour ${counts.behaviour} --must-hit ${counts['must-hit']} --unrun ${counts.unrun} --seed ${seed}\` on ${new Date().toISOString().slice(0, 10)} (Node ${process.version}, ${Math.round((Date.now() - started) / 1000)} s, smartcache at commit ${commit}). Libraries are copied out of node_modules into a temporary project and used as the program's own code; mutants are picked (seeded) in code that V8 coverage says ran, spread over the edit kinds.`,
    '',
    `**Totals: ${total('stale')} stale of ${total('mutants')} behaviour mutants (${total('changedOutput')} changed the output and ${total('caught')} of those were answered afresh); ${total('spurious')} spurious misses of ${total('mustHit')} comment/whitespace/layout/unused-code edits; ${total('needless')} needless recomputes of ${total('unrun')} edits in functions that never ran (${total('unrun') ? ((100 * total('needless')) / total('unrun')).toFixed(0) : 0}%).**`,
    '',
    '| library | style | stale | changed output → answered afresh | spurious misses | needless (never-run code) | uncached run | first cached call | hit run | 2nd run hits | fell back |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.library} | ${r.style} | ${r.stale} / ${r.mutants} | ${r.changedOutput} → ${r.caught} | ${r.spurious} / ${r.mustHit} | ${r.needless} / ${r.unrun} | ${ms(r.uncachedMs)} | ${ms(r.firstCallMs)} | ${ms(r.hitRunMs)} | ${r.secondRunHits ? 'yes' : 'NO'} | ${r.fallback ? 'YES' : 'no'} |`),
    '',
    'Times are `performance.now()` in the app when the first call returned: the process from its start, module loading included. "uncached run": `SMARTCACHE=off`; "first cached call": a fresh cache (no entry, no analysis cache), the walk, the call and the write; "hit run": the next run (analysis cache warm, the walk again, then a hit).',
    '',
    'By edit kind (all libraries). A behaviour edit that kept the output may hit or miss (code that only ran while the module loaded is not reached by the cached function); "unrun" edits sit inside functions the call reaches but never ran, where a miss is needless (native-notes/coverage-manifest.md says why no run-time manifest avoids it). The spurious misses are `unused-export` edits onto a module whose export is a function or class (`module.exports = Decimal`): the new export is a new static of that function (README, "Decisions").',
    '',
    ...byKind(all),
    '',
    ...renderCost(cost),
  ];
  return lines.join('\n');
}

function median(values) {
  const v = values.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  return v.length === 0 ? undefined : v[Math.floor(v.length / 2)];
}

/**
 * --cost N: the first-call cost alone, N rounds per library, one process at a time (the mutant
 * runs go two at a time, which inflates their timings): medians of the uncached run, the first
 * cached call (fresh cache) and the hit run, each from process start to the first call's return.
 */
async function measureCost(rounds) {
  const out = [];
  for (const lib of libraries) {
    if (only.length > 0 && !only.some((o) => lib.name.startsWith(o))) continue;
    const samples = [];
    for (let i = 0; i < rounds; i++) {
      const ctx = await prepare(lib);
      samples.push(ctx);
      cleanup(ctx);
    }
    out.push({
      library: lib.name,
      rounds,
      uncachedMs: median(samples.map((c) => c.baseline.ms)),
      firstCallMs: median(samples.map((c) => c.cold.ms)),
      hitRunMs: median(samples.map((c) => c.warm.ms)),
      uncachedCpu: median(samples.map((c) => c.baseline.cpu)),
      firstCallCpu: median(samples.map((c) => c.cold.cpu)),
      hitRunCpu: median(samples.map((c) => c.warm.cpu)),
      hits: samples.every((c) => c.warm.hit),
      // The machine is shared: the 1-minute load average while this library was measured.
      load: require('node:os').loadavg()[0],
      fallback: samples.some((c) => c.cold.fallback || c.warm.fallback),
    });
    process.stderr.write(`[corpus] cost ${lib.name} done\n`);
  }
  return out;
}

function renderCost(cost) {
  if (!cost || cost.length === 0) return [];
  return [
    `First-call cost alone (\`node bench/corpus.js --cost ${cost[0].rounds}\`: medians of ${cost[0].rounds} rounds, one process at a time; process start to the first call's return, module loading included; wall time, then CPU time of the process, which a busy machine inflates less):`,
    '',
    '| library | uncached run | first cached call (fresh cache) | hit run | CPU: uncached | CPU: first cached call | CPU: hit run |',
    '|---|---|---|---|---|---|---|',
    ...cost.map((c) => `| ${c.library} | ${ms(c.uncachedMs)} | ${ms(c.firstCallMs)} | ${ms(c.hitRunMs)} | ${ms(c.uncachedCpu)} | ${ms(c.firstCallCpu)} | ${ms(c.hitRunCpu)} |`),
    '',
    `Load average (1 min) on the ${require('node:os').cpus().length}-core machine while measuring: ${cost.map((c) => (c.load ?? 0).toFixed(1)).join(', ')} (other work shared it; times scale with it).`,
    '',
  ];
}

const reportFile = path.join(__dirname, 'corpus-report.json');

function write(report) {
  Object.assign(counts, report.counts);
  const text = render(report.rows, Date.now() - (report.durationMs ?? 0), report.mutants, report.build ?? 'unknown', report.cost);
  fs.writeFileSync(path.join(__dirname, 'CORPUS.md'), text);
  fs.writeFileSync(reportFile, JSON.stringify(report, null, 1));
  process.stdout.write(text);
}

/** --cost N: the first-call figures only, added to the last report. */
async function costOnly() {
  const report = fs.existsSync(reportFile) ? JSON.parse(fs.readFileSync(reportFile, 'utf8')) : { rows: [], mutants: [], counts };
  report.cost = await measureCost(Number(option('cost', 3)));
  report.costBuild = build();
  write(report);
}

/** The whole corpus: every library, its mutants, the report. */
async function corpus() {
  const started = Date.now();
  const rows = [];
  const all = [];
  for (const lib of libraries) {
    if (only.length > 0 && !only.some((o) => lib.name.startsWith(o))) continue;
    process.stderr.write(`[corpus] ${lib.name}: preparing\n`);
    const ctx = await prepare(lib);
    const rng = random(seed);
    const results = [];
    try {
      for (const category of ['behaviour', 'must-hit', 'unrun']) {
        const picked = sample(candidates(ctx, category), counts[category], rng);
        for (const m of picked) {
          const r = await runMutant(ctx, category, m);
          results.push(r);
          if (r.stale || r.spurious) process.stderr.write(`[corpus] ${lib.name}: ${r.stale ? 'STALE' : 'spurious miss'} ${r.kind} ${r.where} ${r.edit}\n${r.stderr ?? ''}\n`);
        }
        process.stderr.write(`[corpus] ${lib.name}: ${category} done (${results.length})\n`);
      }
    } finally {
      cleanup(ctx);
    }
    rows.push(summarize(lib, ctx, results));
    all.push({ library: lib.name, results });
  }
  write({ seed, counts, build: build(), durationMs: Date.now() - started, rows, mutants: all });
}

const main = process.argv.includes('--cost') ? costOnly : process.argv.includes('--from-report') ? async () => write(JSON.parse(fs.readFileSync(reportFile, 'utf8'))) : corpus;
main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exitCode = 1;
});
