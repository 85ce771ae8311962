'use strict';
// What checking a fingerprint's readings costs a hit (src/fingerprint/watch.ts): every call made
// outside a cached body compares what the function's walk read (its objects in JavaScript, the
// bindings its file's text assigns through the inspector). Memory hits of functions reaching
// more and more, per call, against a function that reaches nothing.
//
//   node bench/watch.js [--runs N]
//
// One process per run (a fresh cache root), interleaved variants inside it; medians of 9 batches
// per run, then the median over runs. Printed as a table (µs per memory hit).
const fs = require('node:fs');
const path = require('node:path');
const { benchEnv, runProcess } = require('./lib/time');
const { median, significant } = require('./lib/stats');
const { tempDir } = require('./lib/tmp');
const { ROOT } = require('./lib/smartcache');

const PROGRAM = `'use strict';
const { cache } = require('smartcache');
const CONFIG = { unit: 'cm', factor: 2, names: ['a', 'b', 'c'] };
const TABLE = Array.from({ length: 100000 }, (_, i) => i);
const FROZEN = Object.freeze(Array.from({ length: 100000 }, (_, i) => i));
const LOOKUP = new Map(Array.from({ length: 1000 }, (_, i) => ['k' + i, i]));
let mode = 'x';
function setMode(m) { mode = m; }
function helper(x) { return x * CONFIG.factor + CONFIG.unit; }
const variants = {
  'reaches nothing': cache(function pure(x) { return x * 2; }, { name: 'pure' }),
  'a helper and a 3-key object': cache(function obj(x) { return helper(x); }, { name: 'obj' }),
  'a 1,000-entry Map': cache(function map(x) { return LOOKUP.get('k' + x); }, { name: 'map' }),
  'a 100,000-element array': cache(function table(x) { return TABLE[x]; }, { name: 'table' }),
  'the same array, frozen': cache(function frozen(x) { return FROZEN[x]; }, { name: 'frozen' }),
  'a module let its file assigns': cache(function bind(x) { return x + mode; }, { name: 'bind' }),
};
setMode('y');
const out = {};
for (const [label, f] of Object.entries(variants)) {
  f(1);
  f(1);
  const calls = label.includes('assigns') || label.includes('100,000') ? 200 : 5000;
  const batches = [];
  for (let b = 0; b < 9; b++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) f(1);
    batches.push(Number(process.hrtime.bigint() - t) / 1e3 / calls);
  }
  batches.sort((a, b) => a - b);
  out[label] = batches[4];
}
process.stdout.write(JSON.stringify(out) + '\\n');
`;

function main() {
  const at = process.argv.indexOf('--runs');
  const runs = at === -1 ? 5 : Number(process.argv[at + 1]);
  const dir = tempDir('watch');
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "watch-bench", "private": true }\n');
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'smartcache'), 'dir');
  fs.writeFileSync(path.join(dir, 'app.js'), PROGRAM);
  // Files written just now prove nothing about what their text assigns: wait as a user's would be.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2500);
  const all = {};
  for (let r = 0; r < runs; r++) {
    const { stdout } = runProcess(process.execPath, ['app.js'], { env: benchEnv({ SMARTCACHE_DIR: path.join(dir, `cache-${r}`) }), cwd: dir });
    const row = JSON.parse(stdout.trim().split('\n').pop());
    for (const [k, v] of Object.entries(row)) (all[k] ??= []).push(v);
  }
  const base = median(all['reaches nothing']);
  console.log(`| the cached function reads | µs per memory hit | ÷ one reaching nothing |`);
  console.log(`|---|---|---|`);
  for (const [k, v] of Object.entries(all)) console.log(`| ${k} | ${significant(median(v), 2)} | ${significant(median(v) / base, 2)}× |`);
  console.log(`\n(${runs} processes, medians; Node ${process.version})`);
}

main();
