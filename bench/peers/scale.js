'use strict';
// How smartcache scales with the size of the store and of its memory layer.
//
//   node bench/peers/scale.js [--quick]
//
// - cold-hit latency reading 1,000 keys in a fresh process from a store of 1,000 entries vs one of
//   100,000 (the same function, keys spread over the large store);
// - RSS held by a memory layer of 100,000 keys (loaded by hits from that store), against a plain
//   Map holding the same results.
// Filling 100,000 entries means creating 100,000 files, which costs 0.3-0.8 ms each on this
// machine's disk; the quick run uses 5,000 and says so in each figure.
const path = require('node:path');
const { runJson, runJsonAsync } = require('../lib/time');
const { median } = require('../lib/stats');
const { tempDir } = require('../lib/tmp');
const { status } = require('../lib/progress');

const CHILD = path.join(__dirname, 'child.js');
const READS = 1000;

const child = (...args) => [CHILD, ...args.map(String)];

/** Fills keys [0, count) with `procs` processes writing into one root at once. */
async function fill(dir, count, procs) {
  const per = Math.ceil(count / procs);
  const jobs = [];
  for (let p = 0; p < procs; p++) {
    const from = p * per;
    const to = Math.min(count, from + per);
    if (from < to) jobs.push(runJsonAsync(process.execPath, child('fill', 'smartcache', dir, from, to)));
  }
  const done = await Promise.all(jobs);
  return median(done.map((d) => d.data.perCallNs));
}

/** RSS and JS heap held by `big` keys in the memory layer vs in a plain Map. */
function memoryRows(rss, big, bigText, rssRuns, cmd) {
  const mib = (b) => b / 1024 ** 2;
  const scRss = median(rss.smartcache.map((d) => d.rssAdded));
  const mapRss = median(rss.map.map((d) => d.rssAdded));
  const scHeap = median(rss.smartcache.map((d) => d.heapAdded));
  const mapHeap = median(rss.map.map((d) => d.heapAdded));
  return [
    { figure: `RSS added by a ${bigText}-key memory layer (after GC)`, command: `node --expose-gc bench/peers/child.js rss smartcache $DIR ${big}  (${rssRuns} runs)`, value: mib(scRss), unit: 'MiB', headline: true },
    { figure: `  its JS heap after GC (${(scHeap / big).toFixed(0)} B per key)`, command: `node --expose-gc bench/peers/child.js rss smartcache $DIR ${big}  (${rssRuns} runs)`, value: mib(scHeap), unit: 'MiB' },
    { figure: `RSS added by a plain Map of the same ${bigText} results (after GC)`, command: `node --expose-gc bench/peers/child.js rss map - ${big}  (${rssRuns} runs)`, value: mib(mapRss), unit: 'MiB' },
    { figure: `  its JS heap after GC (${(mapHeap / big).toFixed(0)} B per key)`, command: `node --expose-gc bench/peers/child.js rss map - ${big}  (${rssRuns} runs)`, value: mib(mapHeap), unit: 'MiB' },
    { figure: 'JS heap ratio: smartcache memory layer ÷ plain Map', command: cmd, value: scHeap / mapHeap, unit: '×' },
  ];
}

async function run({ quick = false } = {}) {
  const big = quick ? 5_000 : 100_000;
  const bigText = big.toLocaleString('en-US');
  const runs = quick ? 3 : 9;
  const cmd = `node bench/peers/scale.js${quick ? ' --quick' : ''}`;
  const small = path.join(tempDir('scale-small'), 'store');
  const large = path.join(tempDir('scale-large'), 'store');

  status(`scale: filling a store of ${READS.toLocaleString('en-US')} entries`);
  await fill(small, READS, 1);
  status(`scale: filling a store of ${bigText} entries (2 processes)`);
  const t0 = Date.now();
  const fillNs = await fill(large, big, 2);
  const fillS = (Date.now() - t0) / 1000;

  const cold = { small: [], large: [] };
  for (let r = 0; r < runs; r++) {
    status(`scale: cold hits, 1,000 vs ${bigText} entries, run ${r + 1}/${runs}`);
    cold.small.push(runJson(process.execPath, child('cold', 'smartcache', small, READS, 1)).data.coldNs);
    cold.large.push(runJson(process.execPath, child('cold', 'smartcache', large, READS, big / READS)).data.coldNs);
  }

  // The memory figure is about 100,000 keys: the quick run (5,000 entries) leaves it out.
  const rss = { smartcache: [], map: [] };
  const rssRuns = quick ? 0 : 3;
  for (let r = 0; r < rssRuns; r++) {
    status(`scale: RSS of ${bigText} keys in memory, run ${r + 1}/${rssRuns}`);
    rss.smartcache.push(runJson(process.execPath, ['--expose-gc', ...child('rss', 'smartcache', large, big)]).data);
    rss.map.push(runJson(process.execPath, ['--expose-gc', ...child('rss', 'map', '-', big)]).data);
  }

  const smallUs = median(cold.small) / 1e3;
  const largeUs = median(cold.large) / 1e3;
  const rows = [
    { figure: `fill: ${bigText} misses by 2 processes into one root, per call`, command: `node bench/peers/child.js fill smartcache $DIR 0 ${big / 2} (and ${big / 2} ${big}, at once)`, value: fillNs / 1e3, unit: 'µs', note: `${fillS.toFixed(0)} s in all` },
    { figure: 'cold hit, fresh process, store of 1,000 entries', command: `node bench/peers/child.js cold smartcache $DIR ${READS} 1  (${runs} fresh processes)`, value: smallUs, unit: 'µs' },
    { figure: `cold hit, fresh process, store of ${bigText} entries`, command: `node bench/peers/child.js cold smartcache $DIR ${READS} ${big / READS}  (${runs} fresh processes)`, value: largeUs, unit: 'µs' },
    { figure: `hit latency ratio: ${bigText} ÷ 1,000 entries`, command: cmd, value: largeUs / smallUs, unit: '×', target: '≤ 1.2×' },
  ];
  if (rssRuns > 0) rows.push(...memoryRows(rss, big, bigText, rssRuns, cmd));
  const notes = [
    `the ${bigText}-entry store is read at keys 0, ${big / READS}, ${(2 * big) / READS}, …: 1,000 keys spread over the whole store; the small store is read at keys 0…999`,
    'both stores were just written, so their files are in the OS page cache, as for every cold-hit figure of this run',
  ];
  if (rssRuns > 0) notes.push('RSS also keeps memory V8 and the allocator have not given back after the reads; the JS heap after GC is what the kept results and their keys occupy');
  if (quick) notes.push(`quick mode: ${bigText} entries instead of 100,000, and no memory figures`);
  return { rows, notes };
}

module.exports = { run };

if (require.main === module) {
  require('../lib/standalone').main(run, 'scale');
}
