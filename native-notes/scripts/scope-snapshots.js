'use strict';
// Measured facts behind the checks between calls (native-notes/scope-snapshots.md,
// src/fingerprint/watch.ts):
//  1. a scope object the inspector lists in [[Scopes]] is a copy taken when it is listed: a
//     binding set afterwards shows only in a new listing (so a binding is re-read by describing
//     its function again, never by keeping the old object);
//  2. what that costs, for a module scope of a few bindings and of ~300;
//  3. what reading a sloppy function's own `arguments` and `caller` descriptors costs, against
//     another own property (so the watch never reads them);
//  4. `Function.prototype` is a function, not an object.
//   node native-notes/scripts/scope-snapshots.js [runs]

const runs = Number(process.argv[2] ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// smartcache's own reader (needs `npm run build`): what a check between calls runs.
const runtime = require('../../dist/fingerprint/runtime');

/** The scope objects of `fn`, innermost first, as the watch reads them. */
function scopesOf(fn) {
  try {
    return runtime.describeFunction(fn).scopes.map((s) => s.object);
  } finally {
    runtime.releaseObjects();
  }
}

// 1. A snapshot is a copy.
function makeModule(extra) {
  const names = Array.from({ length: extra }, (_, i) => `v${i}`);
  const body = `let locale = 'en'; ${names.map((n, i) => `let ${n} = ${i};`).join(' ')}
    return { t() { return locale + ${names.length > 0 ? names[0] : "''"}; }, set(l) { locale = l; } };`;
  return new Function(body)();
}
const small = makeModule(3);
const before = scopesOf(small.t)[0];
small.set('fr');
const after = scopesOf(small.t)[0];
console.log('1. snapshot taken before the change still reads', JSON.stringify(before.locale), '; a new one reads', JSON.stringify(after.locale));

// 2. Cost of re-reading (one description of the function: its [[Scopes]] in one batch).
function costUs(fn, calls) {
  const out = [];
  for (let r = 0; r < runs; r++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) scopesOf(fn);
    out.push(Number(process.hrtime.bigint() - t) / 1e3 / calls);
  }
  return median(out);
}
const large = makeModule(300);
console.log(`2. re-reading the scopes of a function over 4 bindings: ${costUs(small.t, 200).toFixed(0)} µs; over ~300: ${costUs(large.t, 50).toFixed(0)} µs`);

// 3. Own descriptors of a sloppy function.
// eslint-disable-next-line func-style
const sloppy = new Function('return function sloppy(a) { return a; }')();
function descriptorNs(key, calls) {
  const out = [];
  for (let r = 0; r < runs; r++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) Reflect.getOwnPropertyDescriptor(sloppy, key);
    out.push(Number(process.hrtime.bigint() - t) / calls);
  }
  return median(out);
}
console.log('3. own keys of a sloppy function:', Reflect.ownKeys(sloppy).join(', '));
for (const key of ['prototype', 'name', 'arguments', 'caller']) console.log(`   descriptor of ${key}: ${descriptorNs(key, 20000).toFixed(0)} ns`);

// 4. Function.prototype.
console.log('4. typeof Function.prototype:', typeof Function.prototype);
console.log(`(Node ${process.version})`);
