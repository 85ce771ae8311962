'use strict';
// How deep annotated recursion goes before V8's stack (~1 MB by default) overflows: plain node,
// smartcache's preload, and the preload with the stack the deep path leaves unused. Each row is
// the largest n (binary search, fresh child processes, fresh cache root) for which
// `sumTo(n)` (one call per level) returns, and the stack it uses per level.
//
//   npm run build && node native-notes/scripts/deep-recursion.js
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const register = path.resolve(__dirname, '../../dist/preload/register.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-deep-'));
const script = path.join(dir, 'sum.js');
fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"deep"}\n');
fs.writeFileSync(script, `/** @cache */ function sumTo(n) { return n === 0 ? 0 : n + sumTo(n - 1); }
try { sumTo(Number(process.argv[2])); process.stdout.write('ok'); } catch (e) { process.stdout.write(String(e && e.message)); }
`);

function works(args, n) {
  const root = fs.mkdtempSync(path.join(dir, 'root-'));
  const r = spawnSync(process.execPath, [...args, script, String(n)], { encoding: 'utf8', env: { ...process.env, SMARTCACHE_DIR: root } });
  fs.rmSync(root, { recursive: true, force: true });
  return r.stdout === 'ok';
}

function maxDepth(args) {
  let lo = 1;
  let hi = 2;
  while (works(args, hi)) {
    lo = hi;
    hi *= 2;
    if (hi > 1 << 20) return lo;
  }
  while (hi - lo > Math.max(1, lo / 200)) {
    const mid = Math.floor((lo + hi) / 2);
    if (works(args, mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

const STACK_KB = 984; // V8's default --stack-size on 64-bit
const rows = [
  ['plain node', []],
  ['--require smartcache/register', ['--require', register]],
];
console.log(`Node ${process.version}, V8 stack ${STACK_KB} KB`);
console.log('| run | deepest sumTo(n) | stack per level (average) |');
console.log('|---|---|---|');
for (const [label, args] of rows) {
  const n = maxDepth(args);
  console.log(`| ${label} | ${n} | ${Math.round((STACK_KB * 1024) / n)} B |`);
}
fs.rmSync(dir, { recursive: true, force: true });
