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
