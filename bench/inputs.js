'use strict';
/**
 * What file tracking costs on a hit (issue 13 section 2): a cached function that read 0, 1, 10 or
 * 100 files, hit from memory and from disk (`memory: false`), µs per call, beside one `statSync`
 * measured in the same child (the floor: a hit revalidates each recorded file with one stat).
 * The files are made older than the racy window first (src/inputs/originals.ts), so the figures
 * are the common case: stats only, no hashing.
 *
 *   node bench/inputs.js [--quick]      (bench/run.js calls run({ quick }))
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { benchEnv, runProcess } = require('./lib/time');

const COMMAND = 'node bench/inputs.js';
const DIST = path.resolve(__dirname, '..', 'dist');
const COUNTS = [0, 1, 10, 100];
/** Longer than RACY_MS in src/inputs/originals.ts. */
const SETTLE_MS = 2100;

function child(dist, dir, count, memory, iterations) {
  return `
const fs = require('node:fs');
const { cache } = require(${JSON.stringify(path.join(dist, 'cache.js'))});
const FILES = ${JSON.stringify(Array.from({ length: count }, (_, i) => path.join(dir, `f${i}.txt`)))};
const f = cache(function f(k) { let n = k; for (const p of FILES) n += fs.readFileSync(p).length; return n; }, { name: 'f', memory: ${memory} });
const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
f(0);
for (let i = 0; i < ${Math.min(iterations, 2000)}; i++) f(0);
const hit = [];
const stat = [];
const probe = FILES[0] ?? ${JSON.stringify(dir)};
for (let r = 0; r < 7; r++) {
  let t = process.hrtime.bigint();
  for (let i = 0; i < ${iterations}; i++) f(0);
  hit.push(Number(process.hrtime.bigint() - t) / ${iterations} / 1000);
  t = process.hrtime.bigint();
  for (let i = 0; i < ${iterations}; i++) fs.statSync(probe);
  stat.push(Number(process.hrtime.bigint() - t) / ${iterations} / 1000);
}
console.log(JSON.stringify({ hit: median(hit), stat: median(stat) }));
`;
}

async function run({ quick } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smartcache-bench-inputs-'));
  try {
    for (let i = 0; i < Math.max(...COUNTS); i++) fs.writeFileSync(path.join(dir, `f${i}.txt`), `file ${i}\n`.repeat(20));
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const rows = [];
    let statUs;
    /** The 0-file hit of each kind: the cost of a hit without tracking. */
    const base = {};
    for (const memory of [true, false]) {
      for (const count of COUNTS) {
        const iterations = quick ? 200 : count >= 100 ? 500 : 5000;
        const script = path.join(dir, `child-${memory}-${count}.js`);
        fs.writeFileSync(script, child(DIST, dir, count, memory, iterations));
        const root = fs.mkdtempSync(path.join(os.tmpdir(), 'smartcache-bench-inputs-root-'));
        const out = JSON.parse(runProcess(process.execPath, [script], { env: benchEnv({ SMARTCACHE_DIR: root }), cwd: dir }).stdout.trim());
        fs.rmSync(root, { recursive: true, force: true });
        statUs ??= out.stat;
        base[String(memory)] ??= out.hit;
        const kind = memory ? 'memory' : 'disk';
        rows.push({ figure: `${kind} hit, function that read ${count} file${count === 1 ? '' : 's'}`, command: COMMAND, value: Number(out.hit.toPrecision(4)), unit: 'µs' });
        if (count > 0) {
          // What each recorded file adds to a hit, in statSyncs measured in the same child.
          const perFile = (out.hit - base[String(memory)]) / count / out.stat;
          rows.push({ figure: `${kind} hit, cost per file in statSyncs (${count} files)`, command: COMMAND, value: Number(perFile.toPrecision(3)), unit: '×' });
        }
      }
    }
    rows.push({ figure: 'one fs.statSync (the per-file floor of a hit)', command: COMMAND, value: Number(statUs.toPrecision(4)), unit: 'µs' });
    return rows;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { run };

if (require.main === module) {
  require('./lib/standalone').main(run, 'File tracking on the hit path (bench/inputs.js)');
}
