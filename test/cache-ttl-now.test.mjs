// ttl is judged when an entry is read, against the ttl the function declares now; an entry
// stamped in the future (written while the clock ran ahead) counts as expired. The clock is
// faked (Date.now replaced), so nothing here waits or depends on timing.
import test from 'ava';
import { node, project, tempDir } from './fixtures/cache/helpers.mjs';

const T = 1_700_000_000_000;
const SECOND = 1000;
const DAY = 86_400_000;

const program = (mod) => `
Date.now = () => Number(process.argv[2]);
const ttl = process.argv[3] === 'none' ? {} : { ttl: process.argv[3] };
const { cache } = require(${mod});
let runs = 0;
const f = cache(function f(x) { runs++; return x + 1; }, { name: 'f', ...ttl });
if (process.argv[4] === 'has-only') console.log('OUT ' + JSON.stringify({ has: f.has(1), runs }));
else console.log('OUT ' + JSON.stringify({ value: f(1), runs, has: f.has(1) }));
`;

function at(dir, root, now, ttl, mode = 'call') {
  const r = node(['main.js', String(now), ttl, mode], { cwd: dir, env: { SMARTCACHE_DIR: root } });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.out;
}

function fresh() {
  return { dir: project({ 'main.js': program }), root: tempDir() };
}

test('an entry written without a ttl is not served to a function now declared with a shorter one', (t) => {
  const { dir, root } = fresh();
  t.is(at(dir, root, T, 'none').runs, 1);
  t.is(at(dir, root, T + 10 * SECOND, 'none').runs, 0, 'no ttl: served');
  t.deepEqual(at(dir, root, T + 10 * SECOND, '1s'), { value: 2, runs: 1, has: true }, 'now ttl 1s: 10 s old is expired, recomputed');
});

test('an entry written under ttl 7d is judged by the ttl declared now, both ways', (t) => {
  const { dir, root } = fresh();
  t.is(at(dir, root, T, '7d').runs, 1);
  t.is(at(dir, root, T + 10 * SECOND, '1s').runs, 1, 'shortened to 1s: expired');
  // That run rewrote the entry at T + 10 s under ttl 1s; lengthened to 1h, it is fresh again.
  t.is(at(dir, root, T + 20 * SECOND, '1h').runs, 0);
  t.is(at(dir, root, T + 30 * 60 * SECOND, '1h').runs, 0);
  t.is(at(dir, root, T + 2 * 3600 * SECOND, '1h').runs, 1);
});

test('an entry stamped in the future counts as expired', (t) => {
  const { dir, root } = fresh();
  t.is(at(dir, root, T + 365 * DAY, '7d').runs, 1, 'written while the clock ran a year ahead');
  const back = at(dir, root, T, '7d');
  t.is(back.runs, 1, 'clock fixed: the entry\'s age is unknown, so it is recomputed');
  t.is(at(dir, root, T + 1 * SECOND, '7d').runs, 0, 'the entry written now is served');
});

test('has() agrees with the ttl declared now', (t) => {
  const { dir, root } = fresh();
  at(dir, root, T, 'none');
  t.deepEqual(at(dir, root, T + 10 * SECOND, 'none', 'has-only'), { has: true, runs: 0 });
  t.deepEqual(at(dir, root, T + 10 * SECOND, '1s', 'has-only'), { has: false, runs: 0 });
  t.deepEqual(at(dir, root, T - 10 * SECOND, '1h', 'has-only'), { has: false, runs: 0 }, 'stamped in the future');
});

test('in one process: memory hits honour the ttl, and a clock set back expires what was cached', (t) => {
  const dir = project({
    'main.js': (mod) => `
let now = ${T};
Date.now = () => now;
const { cache } = require(${mod});
let runs = 0;
const f = cache(function f(x) { runs++; return x + 1; }, { name: 'f', ttl: '1s' });
const log = [];
f(1); log.push(runs);            // computed
now += 500; f(1); log.push(runs); // fresh
now += 1000; f(1); log.push(runs); // 1.5 s old: expired
now -= 3600_000; f(1); log.push(runs); // clock set back an hour: stamped in the future
console.log('OUT ' + JSON.stringify(log));
`,
  });
  const r = node(['main.js'], { cwd: dir, env: { SMARTCACHE_DIR: tempDir() } });
  t.deepEqual(r.out, [1, 1, 2, 3], r.stderr);
});
