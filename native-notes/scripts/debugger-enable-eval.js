'use strict';
// Cost of code built at run time (eval, new Function) with Debugger.enable on vs off in an
// in-process inspector session. Usage: node native-notes/scripts/debugger-enable-eval.js
const inspector = require('node:inspector');

const session = new inspector.Session();
session.connect();
const post = (m) => session.post(m, {}, () => {});
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const body = 'let s = 0; for (let i = 0; i < n; i++) { s += i * 2 + (i % 3 ? 1 : 0); } return s;';

function measure(label, once, n = 2000) {
  const samples = [];
  for (let r = 0; r < 7; r++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) once(i, r);
    samples.push(Number(process.hrtime.bigint() - t) / n / 1000);
  }
  return { label, us: Number(median(samples).toFixed(2)) };
}

function suite() {
  return [
    // The same source each time: V8's compilation cache serves it when no debugger is on.
    measure('new Function, same source', () => new Function('n', body)(10)),
    measure('eval, same source', () => (0, eval)(`(function (n) { ${body} })`)(10)),
    // A fresh source each time: always compiled.
    measure('new Function, fresh source', (i, r) => new Function('n', `${body} // ${r}:${i}`)(10)),
  ];
}

suite(); // warm-up
const off = suite();
post('Debugger.enable');
const on = suite();
post('Debugger.disable');
const offAgain = suite();
const rows = off.map((row, i) => ({
  label: row.label,
  offUs: row.us,
  onUs: on[i].us,
  offAgainUs: offAgain[i].us,
  ratio: Number((on[i].us / row.us).toFixed(1)),
}));
console.log(JSON.stringify({ node: process.version, rows }, null, 2));
