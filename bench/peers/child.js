'use strict';
// One measurement in a process of its own, so every peer starts from the same clean state and a
// "cold" hit really is the first read in a fresh process. Prints one JSON line.
//
//   node bench/peers/child.js session <peer> <dir> <n> <rounds>   first call, misses, warm hits
//   node bench/peers/child.js cold    <peer> <dir> <n> [stride]   keys 0, stride, ... already on disk
//   node bench/peers/child.js fill    <peer> <dir> <from> <to>    store keys [from, to)
//   node --expose-gc bench/peers/child.js rss <peer> <dir> <n>    RSS held by n keys in memory
const assert = require('node:assert');
const { adapters } = require('./adapters');
const { sample, argsFor } = require('./work');

const now = () => process.hrtime.bigint();
// Key of call index i: i itself, or i * stride to spread the reads over a larger store.
let stride = 1;
const keyOf = (i) => i * stride;

/**
 * Calls keys [from, to) in order, one after another; results land in `out` (index i - from).
 * With `same`, calls key `from` (to - from) times instead: one key repeated.
 */
async function callRange(peer, from, to, out, same = false) {
  const { call } = peer;
  if (peer.async) {
    for (let i = from; i < to; i++) out[i - from] = await call(keyOf(same ? from : i));
  } else {
    for (let i = from; i < to; i++) out[i - from] = call(keyOf(same ? from : i));
  }
}

async function timedRange(peer, from, to, same = false) {
  const out = new Array(to - from);
  const t0 = now();
  await callRange(peer, from, to, out, same);
  return { ns: Number(now() - t0), out };
}

/** Per-call ns of `rounds` rounds, each calling the range [0, end) `reps` times. */
async function repeatedRounds(peer, end, same, reps, rounds, warmup) {
  const out = new Array(end);
  const samples = [];
  if (warmup) for (let k = 0; k < reps; k++) await callRange(peer, 0, end, out, same); // untimed: JIT settles
  for (let r = 0; r < rounds; r++) {
    const t0 = now();
    for (let k = 0; k < reps; k++) await callRange(peer, 0, end, out, same);
    samples.push(Number(now() - t0) / (end * reps));
  }
  return samples;
}

/** Same results as the bare call, key by key (the floor returns raw bytes: parsed first). */
function check(name, from, results) {
  results.forEach((value, j) => {
    const got = Buffer.isBuffer(value) ? JSON.parse(value.toString('utf8')) : value;
    assert.deepStrictEqual(got, sample(...argsFor(keyOf(from + j))), `${name}: wrong result for key ${keyOf(from + j)}`);
  });
}

async function session(name, peer, n, rounds) {
  const first = await timedRange(peer, 0, 1);
  check(name, 0, first.out);
  // Misses in 5 chunks, so the miss figure is a median too.
  const missNs = [];
  const chunk = Math.floor((n - 1) / 5);
  for (let c = 0; c < 5; c++) {
    const from = 1 + c * chunk;
    const r = await timedRange(peer, from, from + chunk);
    check(name, from, r.out);
    missNs.push(r.ns / chunk);
  }
  const end = 1 + 5 * chunk;
  // Warm hits, all keys now computed in this process: key 0 repeated, then every key in turn.
  // The first round warms the JIT up, checks results and sizes the rounds (>= ~20 ms each, so
  // that timer and scheduler noise stay small against cheap in-memory peers).
  const one = await timedRange(peer, 0, end, true);
  const all = await timedRange(peer, 0, end);
  check(name, 0, one.out.slice(0, 1));
  check(name, 0, all.out);
  const reps = (ns) => Math.max(1, Math.ceil(20e6 / ns));
  // A tool that reads the disk on every hit needs no JIT warm-up and no 1,000 repeats of one key
  // to be measured well: 200 calls per round keep its rounds short (the quick run is < 2 min).
  const slow = one.ns / end > 50_000;
  const warmOneNs = await repeatedRounds(peer, slow ? Math.min(end, 200) : end, true, reps(one.ns), rounds, !slow);
  const warmNs = await repeatedRounds(peer, end, false, reps(all.ns), rounds, !slow);
  return { firstNs: first.ns, missNs, warmOneNs, warmNs, keys: end };
}

async function cold(name, peer, n) {
  const first = await timedRange(peer, 0, 1);
  const rest = await timedRange(peer, 1, n);
  check(name, 0, first.out);
  check(name, 1, rest.out);
  return { firstNs: first.ns, coldNs: rest.ns / (n - 1) };
}

async function fill(peer, from, to) {
  const r = await timedRange(peer, from, to);
  return { ns: r.ns, perCallNs: r.ns / (to - from) };
}

/** RSS and heap held after n keys are in the tool's memory (after full GCs, results kept alive). */
async function rss(peer, n) {
  if (typeof global.gc !== 'function') throw new Error('rss mode needs --expose-gc');
  const settle = () => { global.gc(); global.gc(); };
  settle();
  const before = process.memoryUsage();
  const out = new Array(n);
  await callRange(peer, 0, n, out);
  out.length = 0; // only the tool's own references keep results alive now
  settle();
  const after = process.memoryUsage();
  return { rssAdded: after.rss - before.rss, heapAdded: after.heapUsed - before.heapUsed };
}

async function main() {
  const [mode, name, dir, a, b] = process.argv.slice(2);
  const adapter = Object.hasOwn(adapters, name ?? '') ? adapters[name] : undefined;
  if (!adapter) throw new Error(`unknown peer ${name}`);
  const memory = mode === 'rss' ? { maxEntries: Number(a), maxBytes: 1024 ** 3 } : undefined;
  const peer = await adapter.open(dir, { memory });
  let result;
  if (mode === 'session') result = await session(name, peer, Number(a), Number(b));
  else if (mode === 'cold') {
    stride = Number(b ?? 1);
    result = await cold(name, peer, Number(a));
  }
  else if (mode === 'fill') result = await fill(peer, Number(a), Number(b));
  else if (mode === 'rss') result = await rss(peer, Number(a));
  else throw new Error(`unknown mode ${mode}`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exitCode = 1;
});
