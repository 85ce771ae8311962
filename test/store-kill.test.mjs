import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { Store } from '../dist/store/index.js';
import { isKey } from '../dist/store/entry/paths.js';
import { FIXTURES, tempRoot, keyOf, captureWarnings, walk } from './fixtures/store/helpers.mjs';
import { bigValueFor } from './fixtures/store/values.mjs';

const ROUNDS = 20;
const KEYS = 3;

/** Resolves once a temp file of process `pid` exists under `root`: its write is under way (polled on timers). */
async function tempAppears(root, pid, exited) {
  for (;;) {
    if (walk(root).some((p) => p.endsWith('.tmp') && path.basename(p).includes(`.${pid}.`))) return true;
    if (await Promise.race([exited.then(() => true), delay(1).then(() => false)])) return false;
  }
}

/**
 * Starts the writer and SIGKILLs it at a point chosen by events, not by clocks: on even rounds
 * right after a write completed (so some entries surely exist), on odd rounds as soon as a temp
 * file shows a write in progress (so some kills land mid-write, whatever the machine's speed).
 */
async function killDuringWrites(root, round) {
  const child = spawn(process.execPath, [path.join(FIXTURES, 'kill-writer.mjs'), root, String(round)]);
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
  let stdout = '';
  const wrote = new Promise((resolve) => child.stdout.on('data', (d) => {
    stdout += d;
    if (stdout.includes('wrote')) resolve(undefined);
  }));
  const early = round % 2 === 0 ? await Promise.race([wrote, exited]) : (await tempAppears(root, child.pid, exited)) ? undefined : await exited;
  if (early !== undefined) throw new Error(`writer ended before it was killed: ${JSON.stringify(early)}`);
  child.kill('SIGKILL');
  const end = await exited;
  if (end.signal !== 'SIGKILL') throw new Error(`writer ended on its own: ${JSON.stringify(end)}`);
  return end.signal;
}

test(`SIGKILL during 20 MB writes, ${ROUNDS} times: every read is the right value or a miss, never a partial entry`, async (t) => {
  const root = tempRoot(t);
  const expected = Array.from({ length: KEYS }, (_, i) => Buffer.from(bigValueFor(i).buffer));
  const warnings = captureWarnings();
  t.teardown(warnings.stop);
  let hits = 0;
  for (let round = 0; round < ROUNDS; round++) {
    t.is(await killDuringWrites(root, round), 'SIGKILL');
    const store = Store.open(root);
    for (let i = 0; i < KEYS; i++) {
      const entry = store.read(keyOf('kill', i));
      if (entry === undefined) continue;
      hits++;
      const bytes = Buffer.from(entry.value.buffer, entry.value.byteOffset, entry.value.byteLength);
      t.true(entry.value instanceof Float64Array && bytes.equals(expected[i]), `round ${round}, key ${i}`);
    }
  }
  t.deepEqual(warnings.lines, [], 'no corrupt or partial entry was ever visible under a final name');
  t.true(hits > 0, 'some writes completed between kills');
  // What killed writers leave are temp files only, which a prune removes once stale.
  const files = walk(root).filter((p) => fs.statSync(p).isFile());
  for (const file of files) t.true(isKey(path.basename(file)) || file.endsWith('.tmp'), file);
  const temps = files.filter((f) => f.endsWith('.tmp'));
  t.log(`${hits} hits; ${temps.length} temp files left by killed writers`);
  t.true(temps.length > 0, 'some kills landed in the middle of a write');
  const old = new Date(Date.now() - 2 * 3600 * 1000);
  for (const temp of temps) fs.utimesSync(temp, old, old);
  const pruned = Store.open(root).deleteWhere(() => false);
  t.is(pruned.removed, temps.length);
  t.deepEqual(walk(root).filter((p) => p.endsWith('.tmp')), []);
});
