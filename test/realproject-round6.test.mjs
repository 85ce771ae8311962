// Real projects, round 6: a TypeScript data pipeline (tsx, ES modules, @cached() and /** @cache */,
// fs.promises and stream reads, env variables, classes and generics), a CommonJS script project
// (cache() with ttl/ignore/key/dependsOn/version/name, several working directories, processes
// racing on one key, a worker_threads pool) and an npm-workspaces monorepo sharing one cache root
// (ls, explain, explain --live --diff, clear, prune), each lived with through a sequence of edits.
// What went wrong, reduced to a few files:
// - a stale hit: a file read through an absolute path (an argument `path.join(__dirname, …)`) is stored
//   relative to the project root *of the working directory*; run the same script from a working
//   directory in another project (a monorepo's root, then its package, or the other way round)
//   and the stored path is resolved against the other root: it names another file. When that
//   file has the bytes the first run read, the entry hits although the file really read changed.
//   (When there is no such file the miss says "file … was removed", which it was not.) Fixed:
//   stored paths are relative to the project of the cached function's own file, whatever the
//   working directory (cache/input-tracker.ts `anchor`).
// - a needless miss: a module constant holding a path under the project counts as
//   `<project>/…` relative to the working directory's project; run the script from a folder
//   outside any project and it counts as an absolute path: every function reaching it recomputes
//   (kept as test.failing; README, Limits).
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { node, project, smartcacheLines, tempDir } from './fixtures/cache/helpers.mjs';

const PAUSE_MS = 250;

/** Edits of a file right after a run must not share its timestamps (ctime margins). */
function pause() {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, PAUSE_MS);
}

function run(t, cwd, cacheDir, args) {
  const r = node(args, { cwd, env: { SMARTCACHE_DIR: cacheDir, SMARTCACHE_LOG: '1' } });
  t.is(r.status, 0, r.stderr);
  return { ...r, log: smartcacheLines(r.stderr).filter((l) => /^\[smartcache\] (hit|miss) /.test(l)) };
}

// A workspace root with a package inside it: the package's own package.json makes it a project
// of its own when the working directory is in it, and the root the project when run from there.
function workspace() {
  return project({
    'packages/app/package.json': '{"name":"app","private":true}\n',
    'packages/app/data.txt': 'one\n',
    'packages/app/app.js': (mod) => `const fs = require('fs');
const path = require('path');
const { cache } = require(${mod});
const load = cache(function load(file) { return fs.readFileSync(file, 'utf8').trim(); }, { name: 'load' });
console.log('OUT ' + JSON.stringify(load(path.join(__dirname, 'data.txt'))));
`,
  });
}

test('a file read by absolute path: run from the package, edited, then run from the workspace root (which holds a copy of the old file) recomputes', (t) => {
  const dir = workspace();
  const app = path.join(dir, 'packages', 'app');
  const cacheDir = tempDir();
  const first = run(t, app, cacheDir, ['app.js']);
  t.is(first.out, 'one');
  // The root happens to hold a file of the same name and bytes (a template, a default config).
  fs.writeFileSync(path.join(dir, 'data.txt'), 'one\n');
  pause();
  fs.writeFileSync(path.join(app, 'data.txt'), 'two\n');
  const second = run(t, dir, cacheDir, ['packages/app/app.js']);
  t.is(second.out, 'two', second.log.join('\n'));
});

test('a file read by absolute path: the same run from the workspace root, then from the package, hits (the file is unchanged)', (t) => {
  const dir = workspace();
  const app = path.join(dir, 'packages', 'app');
  const cacheDir = tempDir();
  t.is(run(t, dir, cacheDir, ['packages/app/app.js']).out, 'one');
  const second = run(t, app, cacheDir, ['app.js']);
  t.is(second.out, 'one');
  t.notRegex(second.log.join('\n'), /was removed/, 'the file was not removed');
  t.deepEqual(second.log.map((l) => l.split(' ')[1]), ['hit'], second.log.join('\n'));
});

test.failing('a module constant holding a path under the project: the script run from a folder outside any project still hits', (t) => {
  const dir = project({
    'settings.json': '{"threshold":3}\n',
    'app.js': (mod) => `const fs = require('fs');
const path = require('path');
const { cache } = require(${mod});
const SETTINGS = path.join(__dirname, 'settings.json');
const classify = cache(function classify(values) {
  const { threshold } = JSON.parse(fs.readFileSync(SETTINGS, 'utf8'));
  return values.map((v) => (v > threshold ? 'high' : 'low'));
}, { name: 'classify' });
console.log('OUT ' + JSON.stringify(classify([1, 5])));
`,
  });
  const cacheDir = tempDir();
  const elsewhere = tempDir('sc-cwd-');
  t.deepEqual(run(t, dir, cacheDir, ['app.js']).out, ['low', 'high']);
  const second = run(t, elsewhere, cacheDir, [path.join(dir, 'app.js')]);
  t.deepEqual(second.out, ['low', 'high']);
  t.deepEqual(second.log.map((l) => l.split(' ')[1]), ['hit'], second.log.join('\n'));
});
