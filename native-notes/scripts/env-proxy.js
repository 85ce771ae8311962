'use strict';
// The facts src/tracking/env-watch.ts relies on, measured on the running Node:
//   node native-notes/scripts/env-proxy.js
// 1. process.env is a writable, configurable data property of process (so a Proxy can be put
//    there and test doubles can still replace it as a value).
// 2. A Proxy cannot be structured-cloned (structuredClone, postMessage, workerData).
// 3. Which of Node's functions read variables through the JS process.env object (a Proxy sees
//    them) and which read them in C++ (it does not): os.tmpdir, os.homedir, tty color depth,
//    child_process copying the environment, util.debuglog.
// 4. The cost of a read through the Proxy, against Node's own object.
const os = require('node:os');
const cp = require('node:child_process');
const tty = require('node:tty');
const util = require('node:util');

const d = Object.getOwnPropertyDescriptor(process, 'env');
console.log(`Node ${process.version}`);
console.log(`1. process.env descriptor: data=${'value' in d} writable=${d.writable} configurable=${d.configurable} enumerable=${d.enumerable}`);

const raw = process.env;
const seen = [];
const proxy = new Proxy(raw, {
  get(t, k, r) {
    if (typeof k === 'string') seen.push(k);
    return Reflect.get(t, k);
  },
  ownKeys(t) {
    seen.push('(ownKeys)');
    return Reflect.ownKeys(t);
  },
});
let clone = 'cloned';
try {
  structuredClone(proxy);
} catch (e) {
  clone = `throws ${e.name}`;
}
console.log(`2. structuredClone(Proxy of process.env): ${clone}`);

Object.defineProperty(process, 'env', { ...d, value: proxy });
const probe = (label, fn) => {
  seen.length = 0;
  fn();
  const got = [...new Set(seen)];
  console.log(`3. ${label}: ${got.length === 0 ? 'no read through process.env (C++)' : `reads ${got.slice(0, 6).join(', ')}${got.length > 6 ? `, … (${got.length})` : ''}`}`);
};
probe('os.tmpdir()', () => os.tmpdir());
probe('os.homedir()', () => os.homedir());
probe('tty color depth (getColorDepth with no env argument)', () => tty.WriteStream.prototype.getColorDepth.call({}));
probe('child_process.execFileSync (env inherited)', () => cp.execFileSync(process.execPath, ['-e', '0']));
probe('util.debuglog(x)(…) first use', () => util.debuglog('smartcache_probe')('x'));

const N = 1_000_000;
const time = (env) => {
  const t0 = process.hrtime.bigint();
  let n = 0;
  for (let i = 0; i < N; i++) n += env.HOME === undefined ? 0 : 1;
  return Number(process.hrtime.bigint() - t0) / N;
};
Object.defineProperty(process, 'env', d);
const plain = [time(raw), time(raw), time(raw)].sort((a, b) => a - b)[1];
const quiet = new Proxy(raw, { get: (t, k) => Reflect.get(t, k) });
const through = [time(quiet), time(quiet), time(quiet)].sort((a, b) => a - b)[1];
console.log(`4. process.env.HOME: ${plain.toFixed(0)} ns on Node's object, ${through.toFixed(0)} ns through a Proxy (median of 3 × ${N})`);
