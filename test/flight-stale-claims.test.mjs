// Claims nobody will complete must not hold later processes (red-team round 14): an empty claim
// left by a full disk, a claim from another machine or restored from a CI cache, a terminated
// worker thread's claim in a process that is still running.
import test from 'ava';
import fsModule from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const fs = fsModule;
const flight = require('../dist/flight/index.js');
const claim = require('../dist/flight/claim.js');
const { currentOwner } = require('../dist/flight/owner.js');

function claimPath(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-claims-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'k.claim');
}

function writeClaim(file, owner, ageMs) {
  fs.writeFileSync(file, JSON.stringify({ ...owner, state: 'computing' }));
  const then = new Date(Date.now() - ageMs);
  fs.utimesSync(file, then, then);
}

test('a claim whose content cannot be written (full disk) is removed, not left empty', (t) => {
  const file = claimPath(t);
  const original = fs.writeSync;
  fs.writeSync = () => {
    throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
  };
  try {
    t.throws(() => claim.create(file, currentOwner()), { message: /no space/ });
  } finally {
    fs.writeSync = original;
  }
  t.false(fs.existsSync(file));
  t.is(flight.takeTurn(() => file).kind, 'owner');
});

test('a claim from another machine older than any wait is broken at once; a fresh one is waited for', (t) => {
  const file = claimPath(t);
  const foreign = { pid: 4242, start: '1', host: `${os.hostname()}-elsewhere`, thread: 0 };
  writeClaim(file, foreign, 3 * 24 * 3600 * 1000);
  const old = flight.takeTurn(() => file);
  t.is(old.kind, 'owner');
  old.release(true);
  writeClaim(file, foreign, 1000);
  t.is(flight.takeTurn(() => file).kind, 'wait');
});

test('a worker thread\'s claim in a live process: waited for while fresh, broken once it stopped being refreshed', (t) => {
  const file = claimPath(t);
  const me = currentOwner();
  const worker = { pid: me.pid, start: me.start, host: me.host, thread: me.thread + 7 };
  writeClaim(file, worker, 500);
  t.is(flight.takeTurn(() => file).kind, 'wait');
  writeClaim(file, worker, 30_000);
  t.is(flight.takeTurn(() => file).kind, 'owner');
  // The main thread's claim in a live process is never judged by its age alone (below the wait limit).
  writeClaim(file, { ...worker, thread: 0, pid: process.ppid, start: undefined }, 30_000);
  t.is(flight.takeTurn(() => file).kind, 'wait');
});
