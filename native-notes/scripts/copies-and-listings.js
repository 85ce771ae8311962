'use strict';
// Measured facts behind two shortcuts (native-notes/copies-and-listings.md):
//  1. the memory layer copies a small plain result with one compiled object literal
//     (src/store/snapshot.ts): what each way of copying costs, and that JSON.stringify writes a
//     JavaScript string literal for any string (lone surrogates, U+2028/9, quotes);
//  2. the key hasher finds a large typed array's named properties with util.inspect
//     (src/key/keys.ts mayHaveNamedViewKeys): what Object.keys costs instead.
//   node native-notes/scripts/copies-and-listings.js [runs]
const { inspect } = require('node:util');
const path = require('node:path');

const runs = Number(process.argv[2] ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function perCallNs(fn, calls) {
  const out = [];
  for (let r = 0; r < runs; r++) {
    fn();
    const t = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) fn();
    out.push(Number(process.hrtime.bigint() - t) / calls);
  }
  return median(out);
}

// 1. Copies of a small plain result.
const result = { id: 1, name: 'user1', tags: ['a', 'b'], score: 1.5, nested: { ok: true, n: null } };
function copyTree(v) {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(copyTree);
  const out = {};
  for (const k of Object.keys(v)) out[k] = copyTree(v[k]);
  return out;
}
const literal = new Function(`return ${JSON.stringify(result)};`);
let decode;
try {
  const { encodeValue, decodeValue } = require(path.join(__dirname, '..', '..', 'dist', 'store', 'codec', 'index.js'));
  const { payload } = encodeValue(result);
  const bytes = Buffer.from(payload);
  decode = () => decodeValue(bytes, [], false, true);
} catch {
  decode = undefined; // dist/ not built: the codec row is left out
}
const calls = 200_000;
console.log(`copy of a ${JSON.stringify(result).length}-character plain object (median ns per copy, ${runs} runs of ${calls}):`);
console.log(`  one compiled literal   ${perCallNs(literal, calls).toFixed(0)}`);
console.log(`  recursive copy         ${perCallNs(() => copyTree(result), calls).toFixed(0)}`);
if (decode !== undefined) console.log(`  smartcache's CBOR decode ${perCallNs(decode, calls).toFixed(0)}`);
console.log(`  structuredClone        ${perCallNs(() => structuredClone(result), calls / 10).toFixed(0)}`);
console.log(`  JSON.parse(stringify)  ${perCallNs(() => JSON.parse(JSON.stringify(result)), calls / 10).toFixed(0)}`);

// JSON.stringify as a JavaScript literal: every string comes back as it was.
const strings = ['\ud800', 'a\udc00b', '\u2028\u2029', '"\'`${x}\\', '</script>', '\0\x7f', 'é😀'];
const back = strings.map((s) => new Function(`return ${JSON.stringify(s)};`)());
console.log(`JSON.stringify as a string literal, ${strings.length} awkward strings: ${back.every((s, i) => s === strings[i]) ? 'all identical' : 'DIFFERENT'}`);
const numbers = [-0, NaN, Infinity, -Infinity, 1e21, 5e-324, -1.5];
const numBack = numbers.map((n) => new Function(`return ${Object.is(n, -0) ? '-0' : String(n)};`)());
console.log(`numbers written as String(n) (-0 as '-0'): ${numBack.every((n, i) => Object.is(n, numbers[i])) ? 'all identical' : 'DIFFERENT'}`);

// 2. Named properties of a large typed array.
const big = new Float64Array(12_500_000);
const opts = { maxArrayLength: 0, depth: 0, customInspect: false, getters: false, showHidden: false, showProxy: false, breakLength: Infinity };
let t = process.hrtime.bigint();
const plain = inspect(big, opts);
const inspectMs = Number(process.hrtime.bigint() - t) / 1e6;
big.scale = 2;
const named = inspect(big, opts);
t = process.hrtime.bigint();
const keys = Object.keys(big).length;
const keysMs = Number(process.hrtime.bigint() - t) / 1e6;
console.log(`Float64Array of 12.5M elements: util.inspect ${inspectMs.toFixed(2)} ms -> ${JSON.stringify(plain)}; with a named property -> ${JSON.stringify(named)}`);
console.log(`  Object.keys: ${keysMs.toFixed(0)} ms (${keys} keys)`);
