'use strict';
// Facts a per-entry "which functions ran" manifest (issue 13, section 3) would rely on, measured
// in process through node:inspector's Profiler domain:
// 1. Precise coverage with callCount counts every call of a function, optimized and inlined
//    ones included (a hot helper TurboFan inlines into its caller).
// 2. takePreciseCoverage resets the counters: two takes around a call give exactly the functions
//    that ran in between (and a function that did not run reports 0, or is absent).
// 3. What starting and taking coverage cost, and how much a hot loop slows down meanwhile.
// Usage: node native-notes/scripts/coverage-manifest.js
const assert = require('node:assert');
const { openSession, ms } = require('./lib/session');

const { post } = openSession();

function helper(x) { return x * 2 + 1; }
function hot(n) { let s = 0; for (let i = 0; i < n; i++) s += helper(i); return s; }
function neverCalled() { return 42; }
function onlyLater() { return 7; }

function countsOf(result, names) {
  const out = Object.fromEntries(names.map((n) => [n, 0]));
  for (const script of result.result) {
    if (script.url !== `file://${__filename}` && script.url !== __filename) continue;
    for (const fn of script.functions) if (fn.functionName in out) out[fn.functionName] += fn.ranges[0].count;
  }
  return out;
}

// Warm up so that TurboFan optimizes `hot` and inlines `helper` before coverage starts.
for (let i = 0; i < 200; i++) hot(10_000);

post('Profiler.enable');
let t = process.hrtime.bigint();
post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
const startMs = ms(t);
t = process.hrtime.bigint();
post('Profiler.takePreciseCoverage'); // baseline: resets counters
const firstTakeMs = ms(t);

hot(1000);
t = process.hrtime.bigint();
const a = post('Profiler.takePreciseCoverage');
const takeMs = ms(t);
const countsA = countsOf(a, ['hot', 'helper', 'neverCalled', 'onlyLater']);
assert.strictEqual(countsA.hot, 1, 'hot ran once');
assert.strictEqual(countsA.helper, 1000, 'every call of the inlined helper is counted');
assert.strictEqual(countsA.neverCalled, 0);
assert.strictEqual(countsA.onlyLater, 0);

onlyLater();
const b = post('Profiler.takePreciseCoverage');
const countsB = countsOf(b, ['hot', 'helper', 'neverCalled', 'onlyLater']);
assert.deepStrictEqual(countsB, { hot: 0, helper: 0, neverCalled: 0, onlyLater: 1 }, 'take resets the counters');

// Slow-down of a hot loop while precise call counting is on.
const loop = () => { const t0 = process.hrtime.bigint(); for (let i = 0; i < 50; i++) hot(100_000); return ms(t0); };
const withCoverage = Math.min(loop(), loop(), loop());
post('Profiler.stopPreciseCoverage');
const without = Math.min(loop(), loop(), loop());

console.log(`Node ${process.version}`);
console.log(`counts between two takes: ${JSON.stringify(countsA)}, then ${JSON.stringify(countsB)}`);
console.log(`startPreciseCoverage ${startMs.toFixed(2)} ms, first take ${firstTakeMs.toFixed(2)} ms, a later take ${takeMs.toFixed(2)} ms`);
console.log(`hot loop (5M helper calls): ${without.toFixed(1)} ms without coverage, ${withCoverage.toFixed(1)} ms with callCount coverage (${(withCoverage / without).toFixed(2)}x)`);
console.log('ok');
