// Edit scenarios across real files and real processes: write version 1 of each tiny project,
// print fingerprints in a child process, apply the edit, print again, and compare. Also checks
// determinism: the same files give the same fingerprints in another process, in another folder
// (a copy of the project), and with the modules loaded in the reverse order.
import test from 'ava';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import scenarios from './fixtures/fingerprint/scenarios.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(here, '..', 'dist');
const printer = path.join(here, 'fixtures', 'fingerprint', 'print.mjs');

function writeFiles(root, files) {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}

function writeProject() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'smartcache-fp-edits-'));
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'fp-edits', version: '1.0.0' }));
  for (const s of scenarios) writeFiles(path.join(root, 's', s.id), s.files);
  return root;
}

function run(root, manifestFile, order = 'forward') {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [printer, dist, root, manifestFile, order],
      { env: { ...process.env, SMARTCACHE_DIST: dist }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout));
      },
    );
  });
}

test.before(async (t) => {
  const rootA = writeProject();
  const rootB = writeProject();
  const manifestFile = path.join(rootA, 'manifest.json');
  const items = scenarios.map((s) => ({ id: s.id, file: path.join('s', s.id, s.entry), export: s.export }));
  fs.writeFileSync(manifestFile, JSON.stringify({ items }));
  const [v1, again, copy, reversed] = await Promise.all([
    run(rootA, manifestFile),
    run(rootA, manifestFile),
    run(rootB, manifestFile),
    run(rootA, manifestFile, 'reverse'),
  ]);
  for (const s of scenarios) writeFiles(path.join(rootA, 's', s.id), s.edit);
  const v2 = await run(rootA, manifestFile);
  t.context = { v1, again, copy, reversed, v2, roots: [rootA, rootB] };
});

test.after.always((t) => {
  for (const root of t.context.roots ?? []) fs.rmSync(root, { recursive: true, force: true });
});

test('the table has at least 40 scenarios, both outcomes', (t) => {
  t.true(scenarios.length >= 40);
  t.true(scenarios.filter((s) => s.expect === 'same').length >= 10);
  t.true(scenarios.filter((s) => s.expect === 'change').length >= 30);
  t.is(new Set(scenarios.map((s) => s.id)).size, scenarios.length);
});

for (const s of scenarios) {
  test(`${s.id}: fingerprint must ${s.expect === 'same' ? 'not change' : 'change'}`, (t) => {
    const { v1, v2 } = t.context;
    t.is(v1.errors[s.id], undefined, v1.errors[s.id]);
    t.is(v2.errors[s.id], undefined, v2.errors[s.id]);
    t.regex(v1.fps[s.id] ?? '', /^[0-9a-f]{64}$/);
    if (s.expect === 'same') t.is(v2.fps[s.id], v1.fps[s.id]);
    else t.not(v2.fps[s.id], v1.fps[s.id]);
  });
}

test('determinism: another process gives the same fingerprints', (t) => {
  t.deepEqual(t.context.again.fps, t.context.v1.fps);
});

test('determinism: a copy of the project in another folder gives the same fingerprints', (t) => {
  t.deepEqual(t.context.copy.fps, t.context.v1.fps);
});

test('determinism: loading and fingerprinting in the reverse order gives the same fingerprints', (t) => {
  t.deepEqual(t.context.reversed.fps, t.context.v1.fps);
});

test('distinct code gives distinct fingerprints across scenarios', (t) => {
  // Scenarios sharing v1 text may collide legitimately; most must not.
  const values = Object.values(t.context.v1.fps);
  t.true(new Set(values).size > values.length * 0.6);
});
