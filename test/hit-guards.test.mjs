// The disk-hit path in a new process (issue 11: made cheaper) keeps every check a hit must pass:
// an entry file altered in any byte, swapped with another key's, or cut short is never served;
// other arguments find other entries; a file the call read that changed makes it compute again.
// Each run is a fresh process (no memory layer: every call is a disk read, as bench/rerun.js's
// hits1000 fixture does).
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listFiles, node, project, repo, tempDir } from './fixtures/cache/helpers.mjs';

const api = JSON.stringify(path.join(repo, 'dist', 'index.js'));

const script = `const fs = require('node:fs');
const { cache } = require(${api});
let runs = 0;
const square = cache(function square(i) { runs++; return { i, sq: i * i, list: [i, 'x'.repeat(i % 7)] }; }, { name: 'square', memory: false });
const readConfig = cache(function readConfig(name) { runs++; return fs.readFileSync(name, 'utf8').trim(); }, { name: 'readConfig', memory: false });
const args = JSON.parse(process.argv[2]);
const values = args.map((i) => square(i));
const config = process.argv[3] === undefined ? undefined : readConfig(process.argv[3]);
console.log('OUT ' + JSON.stringify({ runs, values, config }));
`;

const expected = (args) => args.map((i) => ({ i, sq: i * i, list: [i, 'x'.repeat(i % 7)] }));

function setup() {
  const dir = project({ 'main.js': script });
  const env = { SMARTCACHE_DIR: tempDir() };
  const run = (args, ...rest) => {
    const r = node(['main.js', JSON.stringify(args), ...rest], { cwd: dir, env });
    if (r.status !== 0) throw new Error(r.stderr);
    return { ...r.out, stderr: r.stderr };
  };
  const entries = () => listFiles(path.join(env.SMARTCACHE_DIR, 'smartcache-v2', 'entries')).filter((f) => /[0-9a-f]{64}$/.test(f)).map((f) => path.join(env.SMARTCACHE_DIR, 'smartcache-v2', 'entries', f));
  return { dir, run, entries };
}

const ARGS = Array.from({ length: 12 }, (_, i) => i + 1);

test('a new process serves intact entries from disk, and recomputes the one whose file was altered in any byte', (t) => {
  const { run, entries } = setup();
  t.is(run(ARGS).runs, ARGS.length);
  const hit = run(ARGS);
  t.is(hit.runs, 0, 'every call a disk hit');
  t.deepEqual(hit.values, expected(ARGS));
  const files = entries();
  t.is(files.length, ARGS.length);
  const original = fs.readFileSync(files[0]);
  // Every byte position of one entry: header, meta (created, computeMs, key, name, fingerprint),
  // payload and checksum. Each alteration must be a miss that recomputes the right value.
  const positions = [...new Set([0, 9, 13, 17, 21, 25, 33, 40, 45, 52, 60, 75, 100, 140, original.length - 8, original.length - 5, original.length - 1])].filter((p) => p < original.length);
  for (const at of positions) {
    const altered = Buffer.from(original);
    altered[at] ^= 0x01;
    fs.writeFileSync(files[0], altered, { mode: 0o600 });
    const r = run(ARGS);
    t.is(r.runs, 1, `byte ${at} altered: that entry is recomputed, the others hit`);
    t.deepEqual(r.values, expected(ARGS), `byte ${at} altered: values still right`);
    // The recomputation wrote a fresh entry: the next run hits again.
    t.is(run(ARGS).runs, 0);
  }
});

test('an entry swapped with another key\'s, or cut short, is not served', (t) => {
  const { run, entries } = setup();
  run(ARGS);
  const [a, b, c] = entries();
  const bytesA = fs.readFileSync(a);
  const bytesB = fs.readFileSync(b);
  // Each file intact, under the other's name: each names a key it is not stored under.
  fs.writeFileSync(a, bytesB, { mode: 0o600 });
  fs.writeFileSync(b, bytesA, { mode: 0o600 });
  const swapped = run(ARGS);
  t.is(swapped.runs, 2);
  t.deepEqual(swapped.values, expected(ARGS));
  const bytesC = fs.readFileSync(c);
  for (const length of [0, 8, 39, 40, 100, bytesC.length - 1]) {
    fs.writeFileSync(c, bytesC.subarray(0, length), { mode: 0o600 });
    const r = run(ARGS);
    t.is(r.runs, 1, `cut to ${length} bytes`);
    t.deepEqual(r.values, expected(ARGS));
  }
});

test('other arguments find other entries; the same arguments find theirs', (t) => {
  const { run } = setup();
  t.is(run([1, 2, 3]).runs, 3);
  const changed = run([1, 2, 4, 0, 2.5]);
  t.is(changed.runs, 3, '4, 0 and 2.5 are new arguments');
  t.deepEqual(changed.values, expected([1, 2, 4, 0, 2.5]));
  t.is(run([3, 4, 0, 2.5]).runs, 0);
});

test('a file the call read that changed since is read again, not served from disk', (t) => {
  const { dir, run } = setup();
  const config = path.join(dir, 'config.txt');
  fs.writeFileSync(config, 'alpha\n');
  t.deepEqual([run([1], config).runs, run([1], config).config], [2, 'alpha']);
  t.is(run([1], config).runs, 0, 'both calls disk hits');
  // Same size, other content, written within the file system's timestamp grain of the last read.
  fs.writeFileSync(config, 'omega\n');
  const after = run([1], config);
  t.is(after.runs, 1);
  t.is(after.config, 'omega');
  t.is(run([1], config).runs, 0);
});
