import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { Store } from '../dist/store/index.js';
import { FIXTURES, tempRoot, keyOf, difference, captureWarnings, walk } from './fixtures/store/helpers.mjs';
import { valueFor } from './fixtures/store/values.mjs';

function runWorker(root, operations, seed, barrier) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(FIXTURES, 'concurrent-worker.mjs'), root, String(operations), String(seed), barrier]);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`worker ${seed} exited ${code}: ${err}`))));
  });
}

/** Resolves once `count` workers wait at the barrier (polled on timers; no clock is judged). */
async function allReady(barrier, count) {
  while (fs.readdirSync(barrier).filter((n) => n.startsWith('ready-')).length < count) await delay(10);
}

test('8 processes writing, reading and deleting the same keys: every read is the right value or a miss', async (t) => {
  const root = tempRoot(t);
  const barrier = tempRoot(t);
  const running = Array.from({ length: 8 }, (_, i) => runWorker(root, 400, i + 1, barrier));
  await Promise.race([allReady(barrier, 8), Promise.all(running)]);
  fs.writeFileSync(path.join(barrier, 'go'), '');
  const results = await Promise.all(running);
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
