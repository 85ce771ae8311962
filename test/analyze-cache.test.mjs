// Cross-run analysis cache: restored analyses equal fresh ones; bad files are ignored.
import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { CORPUS } from './fixtures/analyze/scope-corpus.mjs';

const CHILD = fileURLToPath(new URL('./fixtures/analyze/cache-child.cjs', import.meta.url));
const SOURCES = [...CORPUS, 'function max() { [native code] }'];

function run(file, sources = SOURCES) {
  return JSON.parse(execFileSync(process.execPath, [CHILD, file, JSON.stringify(sources)], { encoding: 'utf8' }));
}

const dirs = [];
test.after.always(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smartcache-analysis-'));
  dirs.push(dir);
  return dir;
}

/** The analysis cache folder (it holds "packs": files written once, never rewritten). */
function tempFile() {
  return path.join(tempDir(), 'cache', 'analysis');
}

function packs(folder) {
  return fs.readdirSync(folder).filter((n) => n.endsWith('.json')).map((n) => path.join(folder, n));
}

test('second run restores every analysis, equal to the fresh one (normalized included)', (t) => {
  const file = tempFile();
  const first = run(file);
  t.is(first.hits, 0);
  t.is(packs(file).length, 1);
  if (process.platform !== 'win32') {
    t.is(fs.statSync(packs(file)[0]).mode & 0o777, 0o600);
    t.is(fs.statSync(file).mode & 0o777, 0o700);
  }
  const second = run(file);
  t.is(second.hits, CORPUS.length); // natives are never stored: a regex decides them
  t.deepEqual(second.analyses, first.analyses);
});

test('a corrupted cache file is ignored and replaced', (t) => {
  const file = tempFile();
  run(file);
  const [pack] = packs(file);
  const text = fs.readFileSync(pack, 'utf8');
  fs.writeFileSync(pack, text.replace(/"function"/, '"method"'));
  const again = run(file);
  t.is(again.hits, 0);
  t.false(fs.existsSync(pack), 'the damaged pack is removed by the save');
  t.is(run(file).hits, CORPUS.length);
});

test('a cache from another analyzer version is ignored', (t) => {
  const file = tempFile();
  run(file);
  const [pack] = packs(file);
  const text = fs.readFileSync(pack, 'utf8');
  fs.writeFileSync(pack, text.replace(/^smartcache-analysis \d+/, 'smartcache-analysis 999'));
  t.is(run(file).hits, 0);
});

// The stamp names the acorn that parses (read from its package.json without Node's exports
// resolver, src/fingerprint/source/analysis-cache.ts): a pack from another acorn is not used.
test('a pack names the acorn version require() loads, and one from another acorn version is ignored', (t) => {
  const file = tempFile();
  run(file);
  const [pack] = packs(file);
  const text = fs.readFileSync(pack, 'utf8');
  const { version } = createRequire(CHILD)('acorn/package.json');
  t.regex(text.slice(0, text.indexOf('\n')), new RegExp(`^smartcache-analysis \\d+ acorn@${version.replace(/\./g, '\\.')}$`));
  t.is(run(file).hits, CORPUS.length);
  fs.writeFileSync(pack, text.replace(/ acorn@[^\n]+/, ' acorn@0.0.1'));
  t.is(run(file).hits, 0);
});

test('an unwritable location is silent and changes nothing else', (t) => {
  const dir = tempDir();
  const blocker = path.join(dir, 'file');
  fs.writeFileSync(blocker, 'x');
  const child = spawnSync(process.execPath, [CHILD, path.join(blocker, 'analysis.json'), JSON.stringify(['() => 1'])], {
    encoding: 'utf8',
  });
  t.is(child.status, 0);
  t.is(JSON.parse(child.stdout).analyses.length, 1);
  // The store reports an unusable root once; this speed aid must not add a second warning.
  t.is(child.stderr, '');
});

test('runs that analyze different functions merge their rows', (t) => {
  const file = tempFile();
  run(file, ['() => a1']);
  run(file, ['() => b1']);
  t.is(run(file, ['() => a1', '() => b1']).hits, 2);
});
