// The analysis cache across processes: concurrent saves keep every row; only the user's own
// regular files are read (a planted, linked or special file is not, and never hangs the start-up).
import test from 'ava';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const CHILD = fileURLToPath(new URL('./fixtures/analyze/cache-child.cjs', import.meta.url));
const BARRIER_CHILD = fileURLToPath(new URL('./fixtures/analyze/cache-barrier-child.cjs', import.meta.url));
const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const NOBODY = 65534;

const dirs = [];
test.after.always(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function tempFolder() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smartcache-analysis-'));
  dirs.push(dir);
  return path.join(dir, 'analysis');
}

function run(folder, sources, timeout = 60_000) {
  const r = spawnSync(process.execPath, [CHILD, folder, JSON.stringify(sources)], { encoding: 'utf8', timeout });
  return { ...r, out: r.status === 0 ? JSON.parse(r.stdout) : undefined };
}

function cacheFiles(folder) {
  // The folder of packs; a single file at that path in earlier versions.
  if (fs.statSync(folder).isFile()) return [folder];
  return fs.readdirSync(folder).filter((n) => n.endsWith('.json')).map((n) => path.join(folder, n));
}

const SOURCES = ['(a) => a + 1', 'function two(x) { return helper(x) * 2 }', 'class K { m() { return this.v } }'];

test('4 processes saving at the same moment keep all of their rows', async (t) => {
  const folder = tempFolder();
  const barrier = path.join(path.dirname(folder), 'barrier');
  fs.mkdirSync(barrier);
  const mine = (i) => [0, 1, 2, 3, 4].map((j) => `function f${i}_${j}(x) { return x + ${i * 10 + j} }`);
  const children = [0, 1, 2, 3].map((i) =>
    promisify(execFile)(process.execPath, [BARRIER_CHILD, folder, JSON.stringify(mine(i)), barrier, '4', String(i)], { timeout: 120_000 }),
  );
  const results = await Promise.all(children);
  t.true(results.every((r) => JSON.parse(r.stdout).saved), 'every child saved through the barrier');
  const all = [0, 1, 2, 3].flatMap(mine);
  t.is(run(folder, all).out.hits, all.length);
});

test('a folder of packs folds into one once there are many, losing nothing', (t) => {
  const folder = tempFolder();
  const sources = [];
  for (let i = 0; i < 6; i++) {
    sources.push(`(x) => x * ${i + 2}`);
    run(folder, [sources[i]]);
  }
  t.is(run(folder, sources).out.hits, sources.length);
  run(folder, ['(x) => x - 1']);
  t.true(cacheFiles(folder).length <= 4, `${cacheFiles(folder).length} packs`);
  t.is(run(folder, [...sources, '(x) => x - 1']).out.hits, sources.length + 1);
});

(asRoot ? test : test.skip)('a file of another owner is not read', (t) => {
  const folder = tempFolder();
  run(folder, SOURCES);
  for (const file of cacheFiles(folder)) fs.chownSync(file, NOBODY, NOBODY);
  t.is(run(folder, SOURCES).out.hits, 0);
});

test('a folder others may write is not read', (t) => {
  const folder = tempFolder();
  run(folder, SOURCES);
  if (fs.statSync(folder).isDirectory()) fs.chmodSync(folder, 0o777);
  else fs.chmodSync(path.dirname(folder), 0o777);
  t.is(run(folder, SOURCES).out.hits, 0);
});

test('a link in place of a file is not followed', (t) => {
  const folder = tempFolder();
  run(folder, SOURCES);
  const elsewhere = path.join(path.dirname(folder), 'elsewhere');
  fs.mkdirSync(elsewhere);
  for (const file of cacheFiles(folder)) {
    const target = path.join(elsewhere, path.basename(file));
    fs.renameSync(file, target);
    fs.symlinkSync(target, file);
  }
  t.is(run(folder, SOURCES).out.hits, 0);
});

(process.platform === 'win32' ? test.skip : test)('a FIFO in place of a file neither hangs nor is read', (t) => {
  const folder = tempFolder();
  run(folder, SOURCES);
  for (const file of cacheFiles(folder)) {
    fs.rmSync(file);
    execFileSync('mkfifo', [file]);
  }
  // A blocking open of a FIFO waits for a writer forever: the child would be killed at the timeout.
  const r = run(folder, SOURCES, 60_000);
  t.is(r.signal, null, 'the child was not killed by the timeout');
  t.is(r.status, 0, r.stderr);
  t.is(r.out.hits, 0);
});
