// Recursion through the cache: a cached fib calls itself through its wrapper, so the walk must
// see the wrapper as the function it wraps (a cycle to itself). First run: the body runs n+1
// times; next run: a hit; a comment edit: still a hit; a body edit: n+1 runs again.
// Uses `cache` from the cache helper's dist/index.js (src/cache/index.ts).
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(here, '..', 'dist');

const program = (body) => `'use strict';
const { cache } = require(${JSON.stringify(path.join(dist, 'index.js'))});
let runs = 0;
// The body's name differs from the binding: inside, \`fib\` is the cached wrapper.
const fib = cache(function fibBody(n) {
  runs++;
  ${body}
});
const n = Number(process.argv[2]);
const value = fib(n);
process.stdout.write(JSON.stringify({ value, runs }));
`;

function runFib(dir, n) {
  const child = spawnSync(process.execPath, [path.join(dir, 'fib.js'), String(n)], {
    cwd: dir,
    env: { ...process.env, SMARTCACHE_DIR: path.join(dir, 'cache'), SMARTCACHE: '', SMARTCACHE_LOG: '' },
  });
  if (child.status !== 0) throw new Error(child.stderr.toString());
  const result = JSON.parse(child.stdout.toString());
  // Warnings explain a failure (e.g. a cache that ran uncached).
  return child.stderr.length === 0 ? result : { ...result, stderr: child.stderr.toString() };
}

test('fib(n) body runs n+1 times on the first run, 0 on the next, again after a real edit', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smartcache-fp-fib-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'fib', version: '1.0.0' }));
  fs.writeFileSync(path.join(dir, 'fib.js'), program('return n < 2 ? n : fib(n - 1) + fib(n - 2);'));

  t.deepEqual(runFib(dir, 40), { value: 102334155, runs: 41 });
  t.deepEqual(runFib(dir, 40), { value: 102334155, runs: 0 });

  fs.writeFileSync(path.join(dir, 'fib.js'), program('// same code, new comment\n  return n < 2 ? n : fib(n - 1) + fib(n - 2);'));
  t.deepEqual(runFib(dir, 40), { value: 102334155, runs: 0 });

  fs.writeFileSync(path.join(dir, 'fib.js'), program('return n < 2 ? n : fib(n - 2) + fib(n - 1) + 0;'));
  t.deepEqual(runFib(dir, 40), { value: 102334155, runs: 41 });
});
