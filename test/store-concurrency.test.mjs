import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { Store } from '../dist/store/index.js';
import { FIXTURES, tempRoot, keyOf, difference, captureWarnings, walk } from './fixtures/store/helpers.mjs';
import { valueFor } from './fixtures/store/values.mjs';

function runWorker(root, ms, seed) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(FIXTURES, 'concurrent-worker.mjs'), root, String(ms), String(seed)]);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`worker ${seed} exited ${code}: ${err}`))));
  });
}

test('8 processes writing, reading and deleting the same keys: every read is the right value or a miss', async (t) => {
  const root = tempRoot(t);
  const results = await Promise.all(Array.from({ length: 8 }, (_, i) => runWorker(root, 2500, i + 1)));
  for (const [i, r] of results.entries()) {
    t.deepEqual(r.bad, [], `worker ${i}`);
    t.deepEqual(r.warnings, [], `worker ${i}: no corrupt entry ever seen`);
    t.true(r.writes > 20 && r.hits > 20, `worker ${i} did work: ${JSON.stringify({ ...r, bad: undefined })}`);
  }
  // Afterwards: every entry is intact, and no temp file was left behind.
  const warnings = captureWarnings();
  t.teardown(warnings.stop);
  const store = Store.open(root);
  for (let i = 0; i < 16; i++) {
    const entry = store.read(keyOf('concurrent', i));
    if (entry !== undefined) t.is(difference(valueFor(i), entry.value), undefined);
  }
  t.deepEqual(warnings.lines, []);
  t.deepEqual(walk(root).filter((p) => p.endsWith('.tmp')), []);
  t.is(fs.existsSync(root), true);
});
