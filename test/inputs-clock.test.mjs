// The clock and randomness during a call: one warning per function and source, result still cached.
import test from 'ava';
import { node, project, tempDir } from './fixtures/cache/helpers.mjs';

const app = (mod) => `const { cache } = require(${mod});
const crypto = require('node:crypto');
const warnings = [];
process.on('warning', (w) => { if (w.name === 'SmartCacheWarning') warnings.push([w.code, w.message]); });
// Computations are counted from RUN lines: a counter the code reads would be part of its fingerprint.
const stamp = cache(function stamp(x) { console.log('RUN'); return [x, Date.now() > 0, new Date().getTime() > 0]; }, { name: 'stamp' });
const roll = cache(function roll(x) { console.log('RUN'); return [x, Math.random() < 2, crypto.randomUUID().length, performance.now() >= 0]; }, { name: 'roll' });
const fixed = cache(function fixed(x) { console.log('RUN'); return new Date(0).toISOString() + x; }, { name: 'fixed' });
const out = [stamp(1), stamp(2), roll(1), roll(2), fixed(1)];
// Between cached calls the program's own clock is untouched and unwatched.
const between = [Date.now() > 0, new Date() instanceof Date, Date === globalThis.Date];
setImmediate(() => console.log('OUT ' + JSON.stringify({ warnings, between, isDate: stamp(1)[2] })));
`;

test('clock and randomness: one warning per function and source, naming both; results still cached', (t) => {
  const dir = project({ 'app.js': app });
  const env = { SMARTCACHE_DIR: tempDir() };
  const runs = (r) => r.stdout.split('\n').filter((l) => l === 'RUN').length;
  const first = node(['app.js'], { cwd: dir, env });
  t.is(first.status, 0, first.stderr);
  t.is(runs(first), 5);
  const byCode = (code) => first.out.warnings.filter(([c]) => c === code).map(([, m]) => m);
  const clock = byCode('SMARTCACHE_CLOCK');
  const random = byCode('SMARTCACHE_RANDOM');
  t.is(clock.filter((m) => m.startsWith('stamp ')).length, 1, 'Date.now and new Date are one source, warned once');
  t.regex(clock.find((m) => m.startsWith('stamp ')), /the clock/);
  t.is(clock.filter((m) => m.startsWith('roll ')).length, 1, 'performance.now');
  t.regex(clock.find((m) => m.startsWith('roll ')), /performance\.now/);
  t.is(random.filter((m) => m.startsWith('roll ')).length, 2, 'Math.random and crypto are two sources');
  t.true(random.some((m) => /Math\.random/.test(m)) && random.some((m) => /crypto/.test(m)));
  t.false(first.out.warnings.some(([, m]) => m.startsWith('fixed ')), 'new Date(0) reads no clock');
  t.is(first.out.warnings.length, 4);
  t.deepEqual(first.out.between, [true, true, true]);
  const second = node(['app.js'], { cwd: dir, env });
  t.is(runs(second), 0, 'the results were cached');
  t.deepEqual(second.out.warnings, [], 'nothing ran, nothing to warn about');
});

// Who called: Node's own code using the clock or randomness (fetch's timing, fs.glob's minimatch)
// is not the function's result depending on the moment; the user's code is, also through a
// built-in that calls back (`sort(Math.random)`), and a nested cached call's use is its caller's.
test('clock and randomness: the user code calling them warns, through a native caller and for every enclosing call', (t) => {
  const dir = project({
    'app.js': (mod) => `const { cache } = require(${mod});
const warnings = [];
process.on('warning', (w) => { if (w.name === 'SmartCacheWarning') warnings.push(w.code + ' ' + w.message.split(' ')[0]); });
const prepare = [Object.hasOwn(Error, 'prepareStackTrace'), Error.prepareStackTrace, Error.stackTraceLimit];
const shuffle = cache(function shuffle(xs) { return [...xs].sort(Math.random).length; }, { name: 'shuffle' });
const inner = cache(function inner(x) { return x + (performance.now() > 0 ? 1 : 0); }, { name: 'inner' });
const outer = cache(function outer(x) { return inner(x) * 2; }, { name: 'outer' });
const value = [shuffle([1, 2, 3]), outer(1)];
const now = [Object.hasOwn(Error, 'prepareStackTrace'), Error.prepareStackTrace, Error.stackTraceLimit];
const untouched = now.every((v, i) => v === prepare[i]);
setImmediate(() => console.log('OUT ' + JSON.stringify({ value, warnings: warnings.sort(), untouched })));
`,
  });
  const r = node(['app.js'], { cwd: dir, env: { SMARTCACHE_DIR: tempDir() } });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.out.value, [3, 4]);
  t.deepEqual(r.out.warnings, ['SMARTCACHE_CLOCK inner', 'SMARTCACHE_CLOCK outer', 'SMARTCACHE_RANDOM shuffle']);
  t.true(r.out.untouched);
});
