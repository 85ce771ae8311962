// Issue 11 point 5: the first call's setup (loading the cache layer, opening the store,
// fingerprinting) is the cache's cost: it shows in the SMARTCACHE_LOG line of that call, in the
// exit summary and in `smartcache stats`. No timing assumption: the assertions compare the figures
// the run itself reports with each other.
import test from 'ava';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { node, project, repo, smartcacheLines, tempDir } from './fixtures/cache/helpers.mjs';

const api = JSON.stringify(path.join(repo, 'dist', 'index.js'));
const script = `const { cache } = require(${api});
const helper = (x) => x * 3;
const f = cache(function f(n) { return helper(n) + 1; }, { name: 'f' });
console.log('OUT ' + JSON.stringify([f(1), f(1), f(2)]));
`;

const UNITS = { 'µs': 1e-3, ms: 1, s: 1e3, min: 6e4, h: 3.6e6 };
/** "12.5 ms" -> 12.5 */
const ms = (text) => {
  const m = /^(-?[\d.]+) (µs|ms|s|min|h)$/.exec(text);
  if (m === null) throw new Error(`not a duration: ${text}`);
  return Number(m[1]) * UNITS[m[2]];
};

test('the first call pays the setup, and its log line and the stats say so', (t) => {
  const dir = project({ 'main.js': script });
  const root = tempDir();
  const r = node(['main.js'], { cwd: dir, env: { SMARTCACHE_DIR: root, SMARTCACHE_LOG: '1' } });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.out, [4, 4, 7]);
  const lines = smartcacheLines(r.stderr);
  t.is(lines.length, 3, r.stderr);
  const first = /^\[smartcache\] miss f [0-9a-f]{6}… (\S+ \S+) \(new arguments; first call: (\S+ \S+) of it loading and fingerprinting\)$/.exec(lines[0]);
  t.truthy(first, lines[0]);
  const [total, setup] = [ms(first[1]), ms(first[2])];
  t.true(setup > 0 && total >= setup, lines[0]);
  // Later calls paid no setup.
  t.notRegex(lines[1], /first call/);
  t.notRegex(lines[2], /first call/);
  const [second, third] = [lines[1], lines[2]].map((l) => ms(l.split(' ').slice(4, 6).join(' ')));
  // `smartcache stats`: this run's overhead includes the setup (rounding of the log line aside).
  const stats = spawnSync(process.execPath, [path.join(repo, 'dist', 'cli', 'main.js'), 'stats', '--json', '--dir', root], { encoding: 'utf8' });
  t.is(stats.status, 0, stats.stderr);
  const row = JSON.parse(stats.stdout).functions.find((f) => f.name === 'f');
  t.is(row.calls, 3);
  t.true(row.overheadMs >= setup * 0.95, `overhead ${row.overheadMs} ms, first-call setup ${setup} ms`);
  t.true(row.overheadMs <= (total + second + third) * 1.05 + 0.1, `overhead ${row.overheadMs} ms, calls ${total} + ${second} + ${third} ms`);
});

test('the exit summary counts the setup as overhead and reports time saved net of it', (t) => {
  const dir = project({ 'main.js': script });
  const env = { SMARTCACHE_DIR: tempDir(), SMARTCACHE_LOG: 'summary' };
  t.is(node(['main.js'], { cwd: dir, env }).status, 0);
  const r = node(['main.js'], { cwd: dir, env });
  t.is(r.status, 0, r.stderr);
  const line = smartcacheLines(r.stderr)[0];
  const m = /^\[smartcache\] summary: 3 calls, 3 hits, 0 misses, (\S+ \S+) saved \((\S+ \S+) of computation skipped, (\S+ \S+) overhead including first-call loading and fingerprinting; 1 function\)$/.exec(line);
  t.truthy(m, line);
  const [net, skipped, overhead] = m.slice(1).map(ms);
  t.true(overhead > 0);
  // Net of the overhead (each figure is rounded for display).
  t.true(Math.abs(skipped - overhead - net) <= Math.max(0.05 * Math.abs(net), 0.1) + 0.05 * (skipped + overhead), line);
});
