'use strict';
// Binary precise coverage (`Profiler.startPreciseCoverage({ callCount: false })`), the cheaper
// mode a "which functions ran" manifest could use (native-notes/coverage-manifest.md):
// 1. Which functions a take reports, and what it forgets: a function that already had a feedback
//    vector when the first take ran is not reported by later takes when it runs again, whether or
//    not it had run before that take (V8 drops its list of vectors at each take in binary mode).
// 2. The slow-down while a function has not been reported yet (V8 does not inline it): a hot loop
//    over a small helper run for the first time, against the same loop in a process without
//    coverage (run in a child so that neither sees the other's optimized code).
// Usage: node native-notes/scripts/coverage-binary.js
const assert = require('node:assert');
const { spawnSync } = require('node:child_process');
const { openSession, ms } = require('./lib/session');

const mode = process.argv[2];
function helper(x) { return x * 3 + 1; }
function hot(n) { let s = 0; for (let i = 0; i < n; i++) s += helper(i); return s; }
function warm(x) { return x + 1; }
function fresh() { return 1; }
function later() { return 2; }
const loop = () => { const t0 = process.hrtime.bigint(); for (let i = 0; i < 50; i++) hot(100_000); return ms(t0); };

if (mode === 'plain' || mode === 'covered') {
  let post;
  if (mode === 'covered') {
    post = openSession().post;
    post('Profiler.enable');
    post('Profiler.startPreciseCoverage', { callCount: false, detailed: false });
  }
  const first = loop();
  if (post) post('Profiler.takePreciseCoverage');
  const second = loop();
  process.stdout.write(JSON.stringify({ first, second }));
  process.exit(0);
}

const { post } = openSession();
function ran(result) {
  const out = [];
  for (const script of result.result) {
    if (!script.url.endsWith('coverage-binary.js')) continue;
    for (const fn of script.functions) if (['warm', 'fresh', 'later'].includes(fn.functionName) && fn.ranges[0].count > 0) out.push(fn.functionName);
  }
  return out.sort();
}
for (let i = 0; i < 100; i++) warm(i); // has a feedback vector before coverage starts
post('Profiler.enable');
post('Profiler.startPreciseCoverage', { callCount: false, detailed: false });
const take0 = ran(post('Profiler.takePreciseCoverage'));
warm(1);
fresh();
const take1 = ran(post('Profiler.takePreciseCoverage'));
later();
warm(2);
const take2 = ran(post('Profiler.takePreciseCoverage'));
assert.deepStrictEqual(take0, []);
assert.deepStrictEqual(take1, ['fresh'], 'warm ran after the first take but is not reported');
assert.deepStrictEqual(take2, ['later']);

const child = (m) => JSON.parse(spawnSync(process.execPath, [__filename, m], { encoding: 'utf8' }).stdout);
const runs = [1, 2, 3].map(() => [child('plain'), child('covered')]);
const med = (xs) => [...xs].sort((x, y) => x - y)[1];
const plain = med(runs.map((r) => r[0].first));
const covered = med(runs.map((r) => r[1].first));
const coveredAfter = med(runs.map((r) => r[1].second));

console.log(`Node ${process.version}`);
console.log(`reported: first take ${JSON.stringify(take0)}, after warm()+fresh() ${JSON.stringify(take1)}, after later()+warm() ${JSON.stringify(take2)} (fact 1)`);
console.log(`first hot loop (5M calls of a helper run for the first time): ${plain.toFixed(1)} ms without coverage, ${covered.toFixed(1)} ms with binary coverage (${(covered / plain).toFixed(2)}x); after a take ${coveredAfter.toFixed(1)} ms (fact 2, medians of 3 processes each)`);
console.log('ok');
