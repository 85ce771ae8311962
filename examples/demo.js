'use strict';
// `npm run demo`: runs the example pipeline (examples/pipeline) on a copy in a temporary folder,
// five times, and prints wall times and cache hits/misses:
//   1. uncached (SMARTCACHE=off)   2. first cached run   3. second cached run
//   4. after a comment-only edit of a helper (still all hits)
//   5. after a real edit of a helper (a miss for exactly the functions that reach it)
// Every run is `node --require smartcache/register main.js`; nothing in the program imports smartcache.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..');
const SOURCE = path.join(__dirname, 'pipeline');

function prepare() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smartcache-demo-'));
  const app = path.join(dir, 'pipeline');
  fs.cpSync(SOURCE, app, { recursive: true });
  // What `npm install smartcache` would give the app: node_modules/smartcache.
  fs.mkdirSync(path.join(app, 'node_modules'));
  fs.symlinkSync(REPO, path.join(app, 'node_modules', 'smartcache'), 'dir');
  return { dir, app };
}

function edit(app, file, from, to) {
  const target = path.join(app, file);
  const text = fs.readFileSync(target, 'utf8');
  if (!text.includes(from)) throw new Error(`demo: ${file} no longer contains ${JSON.stringify(from)}`);
  fs.writeFileSync(target, text.replace(from, to));
}

function run(app, cacheDir, extraEnv) {
  const env = { ...process.env, SMARTCACHE_DIR: cacheDir, SMARTCACHE_LOG: '1', ...extraEnv };
  delete env.NODE_OPTIONS;
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ['--require', 'smartcache/register', 'main.js'], { cwd: app, env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (child.status !== 0) throw new Error(`demo: the pipeline failed:\n${child.stdout}\n${child.stderr}`);
  const hits = new Set();
  const missed = new Set();
  let hitCount = 0;
  let missCount = 0;
  for (const line of child.stderr.split('\n')) {
    const m = /^\[smartcache\] (hit|miss) (\S+)/.exec(line);
    if (m === null) continue;
    if (m[1] === 'hit') {
      hitCount++;
      hits.add(m[2]);
    } else {
      missCount++;
      missed.add(m[2]);
    }
  }
  // Warnings come through process.emitWarning: `(node:<pid>) [<code>] SmartCacheWarning: …`.
  const warnings = child.stderr.split('\n').filter((l) => l.includes('SmartCacheWarning'));
  return { ms, stdout: child.stdout, hitCount, missCount, missed: [...missed], warnings };
}

function pad(text, width) {
  return String(text).padEnd(width);
}

function table(rows) {
  const head = ['run', 'wall time', 'hits', 'misses', 'functions that missed'];
  const cells = rows.map((r) => [r.label, `${(r.ms / 1000).toFixed(2)} s`, r.off ? '-' : r.hitCount, r.off ? '-' : r.missCount, r.off ? '(cache off)' : r.missed.map((n) => n.split('#')[1] ?? n).join(', ') || '-']);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => String(c[i]).length)));
  const line = (c) => c.map((v, i) => pad(v, widths[i])).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

function main() {
  const { dir, app } = prepare();
  const cacheDir = path.join(dir, 'cache');
  const rows = [];
  try {
    console.log(`smartcache demo: examples/pipeline copied to ${app}`);
    console.log('each run: node --require smartcache/register main.js\n');
    const uncached = run(app, cacheDir, { SMARTCACHE: 'off' });
    rows.push({ label: '1 uncached (SMARTCACHE=off)', off: true, ...uncached });
    process.stdout.write(uncached.stdout.replace(/^/gm, '  | '));
    rows.push({ label: '2 first cached run', ...run(app, cacheDir) });
    rows.push({ label: '3 second cached run', ...run(app, cacheDir) });
    edit(app, 'lib/stats.js', '/** The value below which `p` percent of the (sorted) values fall. */', '/** The smallest value above `p` percent of the sorted values (nearest rank). */');
    rows.push({ label: '4 comment edit in lib/stats.js', ...run(app, cacheDir) });
    edit(app, 'lib/text.js', ".replace(/\\s+/g, ' ')", ".replace(/\\s+/g, '-')");
    const changed = run(app, cacheDir);
    rows.push({ label: '5 real edit of normalizeName (lib/text.js)', ...changed });
    console.log(`\n${table(rows)}\n`);
    console.log('after the real edit the program prints:');
    process.stdout.write(changed.stdout.split('\n').filter((l) => l.startsWith('top products')).map((l) => `  | ${l}\n`).join(''));
    report(rows);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function report(rows) {
  const [off, first, second, comment, real] = rows;
  const checks = [
    [`second run: no misses, ${(off.ms / second.ms).toFixed(1)}× faster than uncached`, second.missCount === 0],
    ['comment-only edit: still no misses', comment.missCount === 0],
    ['real edit: only topProducts (the one function that reaches normalizeName) misses', real.missed.length === 1 && real.missed[0].endsWith('#topProducts')],
    ['no warnings', rows.every((r) => r.warnings.length === 0)],
  ];
  for (const [text, ok] of checks) console.log(`${ok ? '✓' : '✗'} ${text}`);
  for (const r of rows) for (const w of r.warnings) console.log(`  ${w}`);
  if (first.missCount === 0) console.log('note: the first cached run had no misses (was the cache folder reused?)');
  if (checks.some(([, ok]) => !ok)) process.exitCode = 1;
}

main();
