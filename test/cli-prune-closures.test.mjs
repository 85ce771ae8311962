// `smartcache prune` and functions that share a name but not their fingerprint: closures made by
// one factory (different captured values) are all current; only an edit of the code makes an
// older version. Child processes: real runs, a real prune, real runs again (issue 13).
import test from 'ava';
import * as path from 'node:path';
import { listFiles, node, project, repo, tempDir, writeFile } from './fixtures/cache/helpers.mjs';

const CLI = path.join(repo, 'dist', 'cli', 'main.js');

/** Computations print `RAN <label>`; a hit prints nothing. */
function ran(r) {
  return r.stdout.split('\n').filter((l) => l.startsWith('RAN ')).map((l) => l.slice(4)).sort();
}

function entryCount(root) {
  return listFiles(root).filter((f) => /^[0-9a-f]{64}$/.test(path.basename(f))).length;
}

const factory = (body) => (mod) => `const { cache } = require(${mod});
function make(k) {
  return cache(function step(x) { console.log('RAN ' + k + ':' + x); return ${body}; });
}
const a = make(2);
const b = make(3);
console.log('OUT ' + JSON.stringify([a(5), b(5), a(7)]));
`;

function prune(t, dir, root) {
  const r = node([CLI, 'prune', '--json', '--dir', root], { cwd: dir });
  t.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('two closures of one factory, both cached: run twice, prune, run again: both hit', (t) => {
  const dir = project({ 'main.js': factory('x * k') });
  const root = tempDir();
  const env = { SMARTCACHE_DIR: root };
  const first = node(['main.js'], { cwd: dir, env });
  t.is(first.status, 0, first.stderr);
  t.deepEqual(first.out, [10, 15, 14]);
  t.deepEqual(ran(first), ['2:5', '2:7', '3:5']);
  const second = node(['main.js'], { cwd: dir, env });
  t.deepEqual(ran(second), [], second.stderr);
  const entries = entryCount(root);
  t.is(entries, 3);
  const pruned = prune(t, dir, root);
  t.is(pruned.removed, 0, JSON.stringify(pruned));
  t.is(entryCount(root), entries, 'prune kept every live entry');
  const third = node(['main.js'], { cwd: dir, env });
  t.deepEqual(third.out, [10, 15, 14]);
  t.deepEqual(ran(third), [], 'both closures hit after prune');
  // `ls` says so too: both fingerprints of main.js#step are current.
  const ls = node([CLI, 'ls', '--json', '--dir', root], { cwd: dir });
  t.is(ls.status, 0, ls.stderr);
  const step = JSON.parse(ls.stdout).functions.find((f) => f.name === 'main.js#step');
  t.deepEqual(step.versions.map((v) => v.current), [true, true], ls.stdout);
});

test('an edit of the factory code is an older version: its entries are pruned, the new ones kept', (t) => {
  const dir = project({ 'main.js': factory('x * k') });
  const root = tempDir();
  const env = { SMARTCACHE_DIR: root };
  t.is(node(['main.js'], { cwd: dir, env }).status, 0);
  t.is(entryCount(root), 3);
  writeFile(dir, 'main.js', factory('x * k + 1'));
  const edited = node(['main.js'], { cwd: dir, env });
  t.deepEqual(edited.out, [11, 16, 15]);
  t.deepEqual(ran(edited), ['2:5', '2:7', '3:5']);
  t.is(entryCount(root), 6);
  const pruned = prune(t, dir, root);
  t.is(pruned.reasons.stale.entries, 3, JSON.stringify(pruned));
  t.is(entryCount(root), 3);
  const again = node(['main.js'], { cwd: dir, env });
  t.deepEqual(again.out, [11, 16, 15]);
  t.deepEqual(ran(again), [], 'the current version hits after prune');
});

test('an edit of a helper the closures call is an older version too', (t) => {
  const source = (helper) => (mod) => `const { cache } = require(${mod});
function helper(x) { return ${helper}; }
function make(k) {
  return cache(function step(x) { console.log('RAN ' + k + ':' + x); return helper(x) * k; });
}
const a = make(2);
const b = make(3);
console.log('OUT ' + JSON.stringify([a(5), b(5)]));
`;
  const dir = project({ 'main.js': source('x + 1') });
  const root = tempDir();
  const env = { SMARTCACHE_DIR: root };
  t.is(node(['main.js'], { cwd: dir, env }).status, 0);
  writeFile(dir, 'main.js', source('x + 2'));
  const edited = node(['main.js'], { cwd: dir, env });
  t.deepEqual(edited.out, [14, 21]);
  t.deepEqual(ran(edited), ['2:5', '3:5']);
  t.is(entryCount(root), 4);
  const pruned = prune(t, dir, root);
  t.is(pruned.reasons.stale.entries, 2, JSON.stringify(pruned));
  const again = node(['main.js'], { cwd: dir, env });
  t.deepEqual(ran(again), [], 'the current version hits after prune');
});

test('closures whose captured values are functions of other code: both current', (t) => {
  const dir = project({
    'main.js': (mod) => `const { cache } = require(${mod});
function make(f) {
  return cache(function apply(x) { console.log('RAN ' + f.name + ':' + x); return f(x); });
}
const a = make(function double(x) { return x * 2; });
const b = make(function square(x) { return x * x; });
console.log('OUT ' + JSON.stringify([a(5), b(5)]));
`,
  });
  const root = tempDir();
  const env = { SMARTCACHE_DIR: root };
  t.is(node(['main.js'], { cwd: dir, env }).status, 0);
  t.deepEqual(ran(node(['main.js'], { cwd: dir, env })), []);
  const pruned = prune(t, dir, root);
  t.is(pruned.removed, 0, JSON.stringify(pruned));
  const third = node(['main.js'], { cwd: dir, env });
  t.deepEqual(third.out, [10, 25]);
  t.deepEqual(ran(third), []);
});

test('one closure of a factory per run (make(2) in one run, make(3) in the next): both current', (t) => {
  const dir = project({
    'main.js': (mod) => `const { cache } = require(${mod});
function make(k) {
  return cache(function step(x) { console.log('RAN ' + k + ':' + x); return x * k; });
}
const f = make(Number(process.argv[2]));
console.log('OUT ' + JSON.stringify(f(5)));
`,
  });
  const root = tempDir();
  const env = { SMARTCACHE_DIR: root };
  t.deepEqual(ran(node(['main.js', '2'], { cwd: dir, env })), ['2:5']);
  t.deepEqual(ran(node(['main.js', '3'], { cwd: dir, env })), ['3:5']);
  const pruned = prune(t, dir, root);
  t.is(pruned.removed, 0, JSON.stringify(pruned));
  for (const k of ['2', '3']) {
    const r = node(['main.js', k], { cwd: dir, env });
    t.is(r.out, 5 * Number(k));
    t.deepEqual(ran(r), [], `make(${k}) hits after prune`);
  }
});

test('a function that reads an environment variable, run under two values: both current', (t) => {
  const dir = project({
    'main.js': (mod) => `const { cache } = require(${mod});
const load = cache(function load(x) { console.log('RAN ' + process.env.MODE + ':' + x); return process.env.MODE + x; });
console.log('OUT ' + JSON.stringify(load(1)));
`,
  });
  const root = tempDir();
  const run = (mode) => node(['main.js'], { cwd: dir, env: { SMARTCACHE_DIR: root, MODE: mode } });
  t.deepEqual(ran(run('a')), ['a:1']);
  t.deepEqual(ran(run('b')), ['b:1']);
  const pruned = prune(t, dir, root);
  t.is(pruned.removed, 0, JSON.stringify(pruned));
  t.deepEqual(ran(run('a')), []);
  t.deepEqual(ran(run('b')), []);
});

test('an edit of a module constant only (a value, not code) is not a version: both stay, to --older-than and --max-size', (t) => {
  const source = (rate) => (mod) => `const { cache } = require(${mod});
const RATE = ${rate};
const f = cache(function f(x) { console.log('RAN ' + x); return x * RATE; });
console.log('OUT ' + JSON.stringify(f(5)));
`;
  const dir = project({ 'main.js': source(2) });
  const root = tempDir();
  const env = { SMARTCACHE_DIR: root };
  t.deepEqual(ran(node(['main.js'], { cwd: dir, env })), ['5']);
  writeFile(dir, 'main.js', source(3));
  t.deepEqual(ran(node(['main.js'], { cwd: dir, env })), ['5']);
  // Nothing on disk tells `const RATE = 2` edited from a value that differs per run (an
  // environment variable, a closure's), so neither is removed as stale...
  t.is(prune(t, dir, root).removed, 0);
  t.is(entryCount(root), 2);
  // ...and --max-size still evicts them, least recently used first.
  const r = node([CLI, 'prune', '--max-size', '1', '--json', '--dir', root], { cwd: dir });
  t.is(r.status, 0, r.stderr);
  t.is(entryCount(root), 0);
});
