'use strict';
// Can a disk hit hash its keys without loading node:crypto, for less than loading it costs?
// (native-notes/sha256-without-crypto.md). Each measurement runs in a fresh child process (cold,
// as a user's re-run is): CPU time (user + system, all threads) of hashing N store keys of the
// shape cache/inputs/key-compose.ts hashes (~156 ASCII bytes) with
//   native: require('node:crypto') + crypto.hash (what src/hash.ts does)
//   js:     SHA-256 in plain JavaScript (one compression function over Int32Array)
//   wasm:   SHA-256 compressed by a small WebAssembly module (a loop over 64 rounds), padding in JS
// Every digest is checked against node:crypto first (in the parent). Medians of RUNS runs.
//
//   node native-notes/scripts/sha256-without-crypto.js [runs] [keys...]
const RUNS = Number(process.argv[2] ?? 9);
const COUNTS = process.argv.length > 3 ? process.argv.slice(3).map(Number) : [100, 2000];

const K = [0x428a2f98,0x71374491,0xb5c0fbcf,0xe9b5dba5,0x3956c25b,0x59f111f1,0x923f82a4,0xab1c5ed5,0xd807aa98,0x12835b01,0x243185be,0x550c7dc3,0x72be5d74,0x80deb1fe,0x9bdc06a7,0xc19bf174,0xe49b69c1,0xefbe4786,0x0fc19dc6,0x240ca1cc,0x2de92c6f,0x4a7484aa,0x5cb0a9dc,0x76f988da,0x983e5152,0xa831c66d,0xb00327c8,0xbf597fc7,0xc6e00bf3,0xd5a79147,0x06ca6351,0x14292967,0x27b70a85,0x2e1b2138,0x4d2c6dfc,0x53380d13,0x650a7354,0x766a0abb,0x81c2c92e,0x92722c85,0xa2bfe8a1,0xa81a664b,0xc24b8b70,0xc76c51a3,0xd192e819,0xd6990624,0xf40e3585,0x106aa070,0x19a4c116,0x1e376c08,0x2748774c,0x34b0bcb5,0x391c0cb3,0x4ed8aa4a,0x5b9cca4f,0x682e6ff3,0x748f82ee,0x78a5636f,0x84c87814,0x8cc70208,0x90befffa,0xa4506ceb,0xbef9a3f7,0xc67178f2];
const INIT = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/** Plain JavaScript: returns hex of `bytes`. */
function makeJs() {
  const k = new Int32Array(K);
  const w = new Int32Array(64);
  const h = new Int32Array(8);
  const tail = new Uint8Array(128);
  function compress(bytes, at) {
    for (let i = 0; i < 16; i++, at += 4) w[i] = (bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3];
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15], y = w[i - 2];
      w[i] = (w[i - 16] + (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + w[i - 7] + (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))) | 0;
    }
    let a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (let i = 0; i < 64; i++) {
      const t1 = (hh + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + ((e & f) ^ (~e & g)) + k[i] + w[i]) | 0;
      const t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      hh = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
  }
  return (bytes) => {
    h.set(INIT);
    const n = bytes.length, whole = n - (n % 64);
    for (let at = 0; at < whole; at += 64) compress(bytes, at);
    tail.fill(0);
    tail.set(bytes.subarray(whole), 0);
    tail[n - whole] = 0x80;
    const end = n - whole < 56 ? 64 : 128;
    const dv = new DataView(tail.buffer);
    dv.setUint32(end - 8, Math.floor((n * 8) / 0x100000000));
    dv.setUint32(end - 4, (n * 8) >>> 0);
    compress(tail, 0);
    if (end === 128) compress(tail, 64);
    let out = '';
    for (let i = 0; i < 8; i++) out += (h[i] >>> 0).toString(16).padStart(8, '0');
    return out;
  };
}
const uleb = (n) => { const o = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; o.push(b); } while (n); return o; };
const sleb = (n) => { n |= 0; const o = []; for (;;) { const b = n & 0x7f; n >>= 7; if ((n === 0 && !(b & 0x40)) || (n === -1 && (b & 0x40))) { o.push(b); return o; } o.push(b | 0x80); } };
const KT = 0, STATE = 256, OUT = 288, W = 320, DATA = 576;
function body() {
  const c = [];
  const get = (l) => c.push(0x20, l), set = (l) => c.push(0x21, l), tee = (l) => c.push(0x22, l), num = (v) => c.push(0x41, ...sleb(v));
  const load = (off) => c.push(0x28, 2, ...uleb(off)), store = (off) => c.push(0x36, 2, ...uleb(off));
  const ADD = 0x6a, SUB = 0x6b, AND = 0x71, OR = 0x72, XOR = 0x73, SHRU = 0x76, ROTL = 0x77, ROTR = 0x78, LTU = 0x49;
  const AT = 0, BL = 1, a = 2, b = 3, cc = 4, d = 5, e = 6, f = 7, g = 8, h = 9, T1 = 10, I = 11, X = 12;
  const sig = (x, r1, r2, r3, shift) => { get(x); num(r1); c.push(ROTR); get(x); num(r2); c.push(ROTR, XOR); get(x); num(r3); c.push(shift ? SHRU : ROTR, XOR); };
  const bswapX = () => { get(X); num(8); c.push(ROTL); num(0x00ff00ff); c.push(AND); get(X); num(8); c.push(ROTR); num(0xff00ff00 | 0); c.push(AND, OR); };
  c.push(0x03, 0x40);
  num(0); set(I);
  c.push(0x03, 0x40);
  get(I); get(AT); get(I); c.push(ADD); load(0); set(X); bswapX(); store(W);
  get(I); num(4); c.push(ADD); tee(I); num(64); c.push(LTU, 0x0d, 0, 0x0b);
  c.push(0x03, 0x40);
  get(I);
  get(I); load(W - 8); set(X); sig(X, 17, 19, 10, true);
  get(I); load(W - 28); c.push(ADD);
  get(I); load(W - 60); set(X); sig(X, 7, 18, 3, true); c.push(ADD);
  get(I); load(W - 64); c.push(ADD);
  store(W);
  get(I); num(4); c.push(ADD); tee(I); num(256); c.push(LTU, 0x0d, 0, 0x0b);
  [a, b, cc, d, e, f, g, h].forEach((l, k) => { num(0); load(STATE + 4 * k); set(l); });
  num(0); set(I);
  c.push(0x03, 0x40);
  get(h); sig(e, 6, 11, 25, false); c.push(ADD);
  get(g); get(e); get(f); get(g); c.push(XOR, AND, XOR, ADD);
  get(I); load(KT); c.push(ADD);
  get(I); load(W); c.push(ADD); set(T1);
  sig(a, 2, 13, 22, false); get(a); get(b); c.push(AND); get(cc); get(a); get(b); c.push(OR, AND, OR, ADD); set(X);
  get(g); set(h); get(f); set(g); get(e); set(f);
  get(d); get(T1); c.push(ADD); set(e);
  get(cc); set(d); get(b); set(cc); get(a); set(b);
  get(T1); get(X); c.push(ADD); set(a);
  get(I); num(4); c.push(ADD); tee(I); num(256); c.push(LTU, 0x0d, 0, 0x0b);
  [a, b, cc, d, e, f, g, h].forEach((l, k) => { num(0); num(0); load(STATE + 4 * k); get(l); c.push(ADD); store(STATE + 4 * k); });
  get(AT); num(64); c.push(ADD); set(AT);
  get(BL); num(1); c.push(SUB); tee(BL); c.push(0x0d, 0, 0x0b);
  for (let k = 0; k < 8; k++) { num(0); num(0); load(STATE + 4 * k); set(X); bswapX(); store(OUT + 4 * k); }
  c.push(0x0b);
  const locals = [1, 11, 0x7f];
  return [...uleb(locals.length + c.length), ...locals, ...c];
}
const section = (id, b) => [id, ...uleb(b.length), ...b];
const name = (t) => [...uleb(t.length), ...Array.from(t, (x) => x.charCodeAt(0))];
function moduleBytes() {
  const kbytes = []; for (const k of K) kbytes.push(k & 255, (k >>> 8) & 255, (k >>> 16) & 255, k >>> 24);
  return Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, [1, 0x60, 2, 0x7f, 0x7f, 0]), ...section(3, [1, 0]), ...section(5, [1, 0, 1]),
    ...section(7, [2, ...name('memory'), 2, 0, ...name('run'), 0, 0]), ...section(10, [1, ...body()]),
    ...section(11, [1, 0, 0x41, 0, 0x0b, ...uleb(256), ...kbytes])]);
}

/** WebAssembly: returns hex of `bytes`. */
function makeWasm() {
  const inst = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes()), {});
  const m = Buffer.from(inst.exports.memory.buffer);
  const state = new Int32Array(inst.exports.memory.buffer, STATE, 8);
  const run = inst.exports.run;
  return (bytes) => {
    state.set(INIT);
    const n = bytes.length, whole = n - (n % 64);
    m.set(bytes, DATA);
    if (whole > 0) {
      run(DATA, whole / 64);
      m.copyWithin(DATA, DATA + whole, DATA + n);
    }
    const rest = n - whole;
    m[DATA + rest] = 0x80;
    const end = rest < 56 ? 64 : 128;
    m.fill(0, DATA + rest + 1, DATA + end - 8);
    m.writeUInt32BE(Math.floor((n * 8) / 0x100000000), DATA + end - 8);
    m.writeUInt32BE((n * 8) >>> 0, DATA + end - 4);
    run(DATA, end / 64);
    return m.toString('hex', OUT, OUT + 32);
  };
}

function keys(n) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(`smartcache-store-key/1|${'a'.repeat(60)}${String(i).padStart(4, '0')}|${'b'.repeat(64)}|-|-`);
  return out;
}

if (process.argv[2] === 'child') {
  const [, , , mode, count, preload] = process.argv;
  // smartcache's runtime loader loads node:zlib (and with it node:stream, which node:crypto also
  // needs) before any key is hashed: 'zlib' measures that process.
  if (preload === 'zlib') require('node:zlib');
  const list = keys(Number(count)).map((s) => Buffer.from(s, 'latin1'));
  const before = process.cpuUsage();
  let hash;
  if (mode === 'native') {
    const crypto = require('node:crypto');
    hash = (b) => crypto.hash('sha256', b, 'hex');
  } else hash = mode === 'js' ? makeJs() : makeWasm();
  let sum = 0;
  for (const b of list) sum += hash(b).length;
  const used = process.cpuUsage(before);
  process.stdout.write(`${(used.user + used.system) / 1000} ${sum}\n`);
} else {
  const { execFileSync } = require('node:child_process');
  const crypto = require('node:crypto');
  const js = makeJs();
  const wasm = makeWasm();
  for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4096, 50000]) {
    const b = crypto.randomBytes(n);
    const want = crypto.createHash('sha256').update(b).digest('hex');
    if (js(b) !== want || wasm(b) !== want) throw new Error(`wrong digest at ${n} bytes`);
  }
  const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
  console.log(`${process.version}, medians of ${RUNS} fresh processes, CPU ms (all threads) to hash N keys of ~156 bytes`);
  for (const preload of ['none', 'zlib']) {
    for (const n of COUNTS) {
      const t = { native: [], js: [], wasm: [] };
      for (let r = 0; r < RUNS; r++) {
        for (const mode of Object.keys(t)) t[mode].push(Number(execFileSync(process.execPath, [__filename, 'child', mode, String(n), preload], { encoding: 'utf8' }).split(' ')[0]));
      }
      console.log(`N=${n}${preload === 'zlib' ? ', node:zlib loaded first' : ''}: ${Object.entries(t).map(([mode, v]) => `${mode} ${median(v).toFixed(1)}`).join(', ')}`);
    }
  }
}
