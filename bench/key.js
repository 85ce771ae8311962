'use strict';
/**
 * Key hashing figures (issue 2 and issue 4's fast path), side by side in one run:
 *   - hashArguments of 3 small primitives (target <= 1.5 µs per call)
 *   - primitiveKey + Map.get of 3 small primitives (the memory layer's warm-hit key; the whole
 *     warm hit must stay <= 0.25 µs)
 *   - a 100 MB Float64Array (target >= 1.5 GB/s), against raw sha256 of the same bytes
 *   - a 10 MB JSON-like object (target >= 150 MB/s, MB = its JSON.stringify size), against
 *     fast-json-stable-stringify + sha256 and against raw sha256 of the JSON text
 * Medians of >= 5 runs. `node bench/key.js` prints a table; bench/run.js calls run({ quick }).
 */
const crypto = require('node:crypto');
const stableStringify = require('fast-json-stable-stringify');
const { hashArguments, primitiveKey, createKeyHash } = require('../dist/key/index.js');

const { median } = require('./lib/stats');

const COMMAND = 'node bench/key.js';
const TITLE = 'Argument hashing (bench/key.js)';

/** Median over `runs` of the mean time per call of `fn` over `iterations` calls, in ns. */
function perCallNs(fn, iterations, runs) {
  for (let i = 0; i < Math.min(iterations, 20000); i++) fn(i); // warm up the JIT
  const samples = [];
  for (let r = 0; r < runs; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) fn(i);
    samples.push(Number(process.hrtime.bigint() - start) / iterations);
  }
  return median(samples);
}

/** Median over `runs` of the wall time of one call of `fn`, in ms (after two warm-up calls). */
function wallMs(fn, runs) {
  fn();
  fn();
  const samples = [];
  for (let r = 0; r < runs; r++) {
    const start = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples);
}

/** Deterministic JSON-like data (records of strings, numbers, booleans, nested objects/arrays). */
function jsonLike(targetBytes) {
  let seed = 42;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const word = (n) => {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(97 + Math.floor(rnd() * 26));
    return s;
  };
  const records = [];
  let bytes = 2;
  while (bytes < targetBytes) {
    const r = {
      id: records.length,
      name: `${word(6)} ${word(9)}`,
      email: `${word(8)}@${word(6)}.com`,
      active: rnd() < 0.5,
      score: Math.round(rnd() * 1e6) / 100,
      ratio: rnd(),
      tags: Array.from({ length: 2 + Math.floor(rnd() * 4) }, () => word(5)),
      address: { street: `${Math.floor(rnd() * 999)} ${word(10)} st`, city: word(8), zip: String(10000 + Math.floor(rnd() * 89999)) },
      history: Array.from({ length: 3 }, (_, i) => ({ t: 1700000000 + i * 3600, v: Math.round(rnd() * 1000) / 10 })),
      note: rnd() < 0.3 ? null : word(40),
    };
    records.push(r);
    bytes += JSON.stringify(r).length + 1;
  }
  const value = { kind: 'dataset', version: 3, records };
  // 7 containers per record (record, tags, address, history + its 3 entries), ~50 JSON bytes each.
  return { value, bytes: Buffer.byteLength(JSON.stringify(value)), containers: 2 + records.length * 7 };
}

/** A figure with a target, or a reference figure (no target) measured beside it. */
function row(figure, value, unit, target, ok) {
  const r = { figure, command: COMMAND, value: Number(value.toPrecision(4)), unit };
  return target === undefined ? { ...r, note: 'reference, same run' } : { ...r, target, ok };
}

async function run({ quick = false } = {}) {
  const runs = 5;
  const rows = [];

  // --- small primitive arguments ---------------------------------------------------------
  const smallArgs = [[1, 'abc', true], [2, 'abd', false], [3, 'xyz', true], [4, 'q', false]];
  const calls = quick ? 50000 : 200000;
  const hashNs = perCallNs((i) => hashArguments(smallArgs[i & 3]), calls, runs);
  rows.push(row('hashArguments, 3 small primitives', hashNs / 1000, 'µs/call', '≤ 1.5 µs', hashNs / 1000 <= 1.5));
  const createHashNs = perCallNs((i) => crypto.createHash('sha256').update(JSON.stringify(smallArgs[i & 3])).digest('hex'), calls, runs);
  rows.push(row('  vs createHash(sha256) of JSON.stringify(args)', createHashNs / 1000, 'µs/call'));
  const memory = new Map();
  for (const a of smallArgs) memory.set(primitiveKey(a), a);
  let found = 0;
  const pkNs = perCallNs((i) => { if (memory.get(primitiveKey(smallArgs[i & 3])) !== undefined) found++; }, calls * 5, runs);
  if (found === 0) throw new Error('primitiveKey lookups never hit');
  rows.push(row('primitiveKey + Map.get, 3 small primitives (the whole warm hit must fit)', pkNs / 1000, 'µs/call', '≤ 0.25 µs', pkNs / 1000 <= 0.25));
  const hex = 'ab'.repeat(32);
  const composeNs = perCallNs(() => createKeyHash().add('name', 'f').add('fingerprint', hex).add('version', null)
    .add('args', hex).add('dependsOn', null).add('this', null).digest(), calls, runs);
  rows.push(row('createKeyHash, 6 labelled parts (store key)', composeNs / 1000, 'µs/call'));

  // --- a large Float64Array --------------------------------------------------------------
  const floatBytes = quick ? 20 * 2 ** 20 : 100 * 2 ** 20;
  let floats = new Float64Array(floatBytes / 8);
  for (let i = 0; i < floats.length; i++) floats[i] = i * 0.5;
  const floatMs = wallMs(() => hashArguments([floats]), runs);
  const gbps = floatBytes / 1e9 / (floatMs / 1000);
  rows.push(row(`hashArguments, ${floatBytes / 2 ** 20} MB Float64Array`, gbps, 'GB/s', '≥ 1.5 GB/s', gbps >= 1.5));
  const rawMs = wallMs(() => crypto.createHash('sha256').update(new Uint8Array(floats.buffer)).digest('hex'), runs);
  rows.push(row('  vs raw sha256 of the same bytes', floatBytes / 1e9 / (rawMs / 1000), 'GB/s'));
  floats = undefined; // let the next figure start from a small heap

  // --- a JSON-like object ----------------------------------------------------------------
  const { value: doc, bytes: docBytes, containers } = jsonLike(quick ? 2 * 2 ** 20 : 10 * 2 ** 20);
  const docMs = wallMs(() => hashArguments([doc]), runs);
  const mbps = docBytes / 1e6 / (docMs / 1000);
  rows.push(row(`hashArguments, ${(docBytes / 2 ** 20).toFixed(1)} MB JSON-like object (${Math.round(containers / 1000)}k objects/arrays)`, mbps, 'MB/s', '≥ 150 MB/s', mbps >= 150));
  const stableMs = wallMs(() => crypto.createHash('sha256').update(stableStringify(doc)).digest('hex'), runs);
  rows.push(row('  vs fast-json-stable-stringify + sha256', docBytes / 1e6 / (stableMs / 1000), 'MB/s'));
  const jsonText = JSON.stringify(doc);
  const jsonMs = wallMs(() => crypto.createHash('sha256').update(jsonText).digest('hex'), runs);
  rows.push(row('  vs raw sha256 of the JSON text', docBytes / 1e6 / (jsonMs / 1000), 'MB/s'));

  return rows;
}

module.exports = { run };

if (require.main === module) require('./lib/standalone').main(run, TITLE);
