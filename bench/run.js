'use strict';
// `npm run bench [-- --quick]`: every figure of bench/ in one run, one table on stdout (progress on
// stderr), bench/RESULTS.md and bench/chart.svg rewritten from it.
//
//   node bench/run.js [--quick] [--only peers,headline] [--no-write] [--before <other dist/>] [--out <file.md>]
//
// --out: the results go to that file instead of RESULTS.md and chart.svg (a partial run, e.g.
// --only rerun,first-call, must not replace the full run's RESULTS.md).
//
// --before: bench files that compare builds (rerun, first-call) also measure that build (e.g. the
// previous commit's, built in a temporary copy) in the same run, as "before" rows.
//
// Each bench file exports `async run({ quick })` returning rows `{ figure, command, value, unit,
// target, ok }` (or `{ rows, notes }`). A file that is missing or throws is skipped with a note:
// the rest of the run still counts.
const fs = require('node:fs');
const path = require('node:path');
const { machine } = require('./lib/machine');
const { renderTable } = require('./lib/table');
const { renderResults } = require('./lib/results');
const { renderChart } = require('./lib/chart');
const { normalize } = require('./lib/sections');
const { formatValue } = require('./lib/units');
const { verdictText } = require('./lib/table');
const { note, status } = require('./lib/progress');

// In the order they run: the team's per-area figures, then the side-by-side comparisons.
const FILES = [
  { file: 'key.js', title: 'Argument hashing (bench/key.js)' },
  { file: 'store.js', title: 'Result store (bench/store.js)' },
  { file: 'fingerprint.js', title: 'Fingerprints (bench/fingerprint.js)' },
  { file: 'cache.js', title: 'The cache wrapper (bench/cache.js)' },
  { file: 'inputs.js', title: 'File tracking on the hit path (bench/inputs.js)' },
  { file: 'preload.js', title: 'The preload (bench/preload.js)' },
  { file: 'rerun.js', title: 'Cached re-runs, whole processes (bench/rerun.js, issue 11)' },
  { file: 'first-call.js', title: 'First call reaching 200 helpers, whole processes (bench/first-call.js, issue 11)' },
  { file: 'remote.js', title: 'Team cache on a loopback Redis (bench/remote.js)' },
  { file: 'peers.js', title: 'Side by side with other tools (bench/peers.js)' },
  { file: 'peers/scale.js', title: 'Store and memory-layer scale (bench/peers/scale.js)' },
  { file: 'headline.js', title: 'Headline: whole programs, cached vs uncached (bench/headline.js)' },
];

function parseArgs(argv) {
  const only = argv.find((a) => a.startsWith('--only'));
  const onlyList = only ? (only.includes('=') ? only.split('=')[1] : argv[argv.indexOf(only) + 1] ?? '').split(',').filter(Boolean) : undefined;
  const before = argv.indexOf('--before');
  const out = argv.indexOf('--out');
  return { quick: argv.includes('--quick'), write: !argv.includes('--no-write'), only: onlyList, before: before >= 0 ? argv[before + 1] : undefined, out: out >= 0 ? argv[out + 1] : undefined };
}

async function runFile({ file, title }, quick, before) {
  const full = path.join(__dirname, file);
  if (!fs.existsSync(full)) return { title, rows: [], notes: [], skipped: `bench/${file} does not exist yet` };
  const t0 = Date.now();
  try {
    const mod = require(full);
    if (typeof mod.run !== 'function') return { title, rows: [], notes: [], skipped: `bench/${file} exports no run()` };
    status(`${file}: running`);
    const section = normalize(title, await mod.run({ quick, before }));
    section.durationMs = Date.now() - t0;
    note(`${file}: ${section.rows.length} figures in ${(section.durationMs / 1000).toFixed(1)} s`);
    return section;
  } catch (error) {
    const reason = String(error?.message ?? error).split('\n')[0];
    note(`${file}: skipped, it threw: ${reason}`);
    return { title, rows: [], notes: [], skipped: `bench/${file} threw: ${reason}` };
  }
}

/** Sentences for the head of RESULTS.md: rows flagged `headline`, with their verdicts. */
function headlineSentences(sections) {
  return sections.flatMap((s) => s.rows.filter((r) => r.headline)).map((r) => {
    const verdict = verdictText(r);
    const target = r.target ? ` (target ${r.target}: ${verdict === 'met' ? 'met' : verdict.toLowerCase()})` : '';
    return `${r.figure}: **${formatValue(r.value, r.unit)}**${target}`;
  });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const named = (f, o) => f.file.replace(/\.js$/, '') === o || f.file === o;
  const unknown = (args.only ?? []).filter((o) => !FILES.some((f) => named(f, o)));
  if (unknown.length) {
    process.stderr.write(`bench: no bench file named ${unknown.join(', ')} (known: ${FILES.map((f) => f.file.replace(/\.js$/, '')).join(', ')})\n`);
    process.exitCode = 2;
    return;
  }
  const files = args.only ? FILES.filter((f) => args.only.some((o) => named(f, o))) : FILES;
  const sections = [];
  for (const f of files) sections.push(await runFile(f, args.quick, args.before));
  process.stdout.write(renderTable(sections));

  const durationMs = Date.now() - started;
  const budgetMs = args.quick ? 120_000 : 900_000;
  if (durationMs > budgetMs) note(`over budget: this run took ${(durationMs / 1000).toFixed(0)} s, the ${args.quick ? 'quick' : 'full'} run should take < ${budgetMs / 60_000} min (per-file times above)`);
  if (!args.write) return;
  const info = machine();
  // The whole-program panels lead the chart; the per-call comparisons follow.
  const rows = [...sections.filter((s) => s.title.startsWith('Headline')), ...sections.filter((s) => !s.title.startsWith('Headline'))].flatMap((s) => s.rows);
  const chartFile = path.join(__dirname, 'chart.svg');
  if (args.out === undefined) fs.writeFileSync(chartFile, renderChart(rows, { title: 'smartcache: headline figures', subtitle: `${info.cpu}, ${info.cores} cores, Node ${info.node}, ${info.date.slice(0, 10)}${args.quick ? ' (quick run)' : ''}; log scale` }));
  const flags = [args.quick ? '--quick' : '', args.before ? `--before ${args.before}` : ''].filter(Boolean).join(' ');
  const command = `npm run bench${flags ? ` -- ${flags}` : ''}${args.only ? ` -- --only ${args.only.join(',')}` : ''}`;
  const reasons = require('./why');
  const corpusFile = path.join(__dirname, 'CORPUS.md');
  const corpus = fs.existsSync(corpusFile) ? fs.readFileSync(corpusFile, 'utf8') : undefined;
  const md = renderResults({ machine: info, quick: args.quick, command, durationMs, sections, headline: headlineSentences(sections), chart: args.out === undefined ? 'chart.svg' : undefined, reasons, corpus: args.out === undefined ? corpus : undefined });
  const outFile = args.out === undefined ? path.join(__dirname, 'RESULTS.md') : path.resolve(args.out);
  fs.writeFileSync(outFile, md);
  note(`wrote ${path.relative(process.cwd(), outFile)}${args.out === undefined ? ' and bench/chart.svg' : ''} (${(durationMs / 1000).toFixed(0)} s in all)`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exitCode = 1;
});
