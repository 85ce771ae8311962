// Command-line arguments read by the reached code are inputs: `process.argv` read in a cached
// function (by index, sliced, searched) makes another command line recompute. A function that
// does not read it keeps its entries whatever the arguments.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { node, project, smartcacheLines, tempDir } from './fixtures/cache/helpers.mjs';

// Runs are told on stderr, not counted in a module variable: a counter the functions share is a
// value their fingerprints read.
const app = (mod) => `const { cache } = require(${mod});
const first = cache(function first() { console.error('RAN'); return process.argv[2] ?? 'none'; }, { name: 'first' });
function flags() { return process.argv.slice(2).filter((a) => a.startsWith('--')); }
const viaHelper = cache(function viaHelper() { console.error('RAN'); return flags().join(','); }, { name: 'viaHelper' });
const fixed = cache(function fixed(x) { console.error('RAN'); return x * 2; }, { name: 'fixed' });
const value = [first(), viaHelper(), fixed(21)];
console.log('OUT ' + JSON.stringify({ value }));
`;
const ran = (r) => ({ ...r.out, runs: r.stderr.split('\n').filter((l) => l === 'RAN').length });

/**
 * Waits until the project's files are old enough for persisted fingerprints (a file changed just
 * before a process started is never trusted by it): the later runs then may reuse a proof, and
 * must still see another command line.
 */
function settle(dir) {
  const newest = Math.max(...fs.readdirSync(dir).map((name) => fs.statSync(path.join(dir, name)).ctimeMs));
  const wait = newest + 2_100 - Date.now();
  if (wait > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait);
}

test('process.argv read in the function or a helper: another command line recomputes, the same one hits', (t) => {
  const dir = project({ 'app.js': app });
  settle(dir);
  const root = tempDir();
  const run = (...args) => {
    const r = node(['app.js', ...args], { cwd: dir, env: { SMARTCACHE_DIR: root, SMARTCACHE_LOG: '1' } });
    t.is(r.status, 0, r.stderr);
    return { ...ran(r), lines: smartcacheLines(r.stderr) };
  };
  t.like(run('one'), { value: ['one', '', 42], runs: 3 });
  t.like(run('one'), { value: ['one', '', 42], runs: 0 });
  const three = run('three', '--fast');
  t.like(three, { value: ['three', '--fast', 42], runs: 2 }, 'fixed() does not read argv: still a hit');
  t.regex(three.lines.find((l) => l.includes('miss first')) ?? '', /argv/, 'the reason names process.argv');
  t.like(run('one'), { value: ['one', '', 42], runs: 0 }, 'the first command line still hits');
});

test('the script path counts relative to its project: a copy of the project elsewhere hits', (t) => {
  const dir = project({ 'app.js': app });
  const root = tempDir();
  const copy = path.join(tempDir(), 'copy');
  fs.cpSync(dir, copy, { recursive: true, verbatimSymlinks: true });
  const env = { SMARTCACHE_DIR: root };
  t.like(ran(node(['app.js', 'x'], { cwd: dir, env })), { value: ['x', '', 42], runs: 3 });
  t.like(ran(node(['app.js', 'x'], { cwd: copy, env })), { value: ['x', '', 42], runs: 0 });
});
