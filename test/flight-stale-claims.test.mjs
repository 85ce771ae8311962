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
  // The main thread's claim in a live process of this host is never judged by its age: a long
  // synchronous call refreshes nothing, and is waited for (red team round 14, second pass).
  writeClaim(file, { ...worker, thread: 0, pid: process.ppid, start: undefined }, 30_000);
  t.is(flight.takeTurn(() => file).kind, 'wait');
  writeClaim(file, { ...worker, thread: 0, pid: process.ppid, start: undefined }, 10 * 60_000);
  t.is(flight.takeTurn(() => file).kind, 'wait');
});

// The heartbeat of an async owner ran on the global setInterval: a test's fake timers ran it
// forever (`runAllTimers` aborted), browser-style timers returning numbers made the call reject.
test('an async owner refreshes its claim with Node\'s own timers, whatever the global ones are', async (t) => {
  const { spawnSync } = await import('node:child_process');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-claims-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'app.js'), `const { cache } = require(${JSON.stringify(path.resolve('dist/index.js'))});
const realTimeout = setTimeout;
const f = cache(async function f(x) { await new Promise((r) => realTimeout(r, 20)); return x * 2; });
globalThis.setInterval = () => { throw new Error('fake setInterval called'); };
globalThis.clearInterval = () => { throw new Error('fake clearInterval called'); };
f(21).then((v) => console.log('OUT ' + v), (e) => { console.log('ERR ' + e.message); process.exitCode = 1; });
`);
  const r = spawnSync(process.execPath, ['app.js'], { cwd: dir, env: { ...process.env, SMARTCACHE_DIR: path.join(dir, 'cache'), NODE_OPTIONS: '' }, encoding: 'utf8' });
  t.is(r.status, 0, r.stdout + r.stderr);
  t.regex(r.stdout, /OUT 42/);
});

function claimsUnder(dir) {
  const out = [];
  const walk = (d) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.claim') && out.push(path.join(d, e.name)); };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

// A computation that failed marks its claim released (its waiters compute at once); nothing ever
// removed it, so every failing key left a claim file for good, which clear and prune ignored.
test('released claims are removed when their process ends, and by clear and prune', async (t) => {
  const { spawnSync } = await import('node:child_process');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-claims-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const root = path.join(dir, 'cache');
  fs.writeFileSync(path.join(dir, 'app.js'), `const { cache } = require(${JSON.stringify(path.resolve('dist/index.js'))});
const lookup = cache(async function lookup(id) { await new Promise((r) => setTimeout(r, 60)); if (id % 2) throw new Error('odd'); return id; });
(async () => { for (let id = 1; id <= 4; id++) await lookup(id).catch(() => {}); })();
`);
  const r = spawnSync(process.execPath, ['app.js'], { cwd: dir, env: { ...process.env, SMARTCACHE_DIR: root, NODE_OPTIONS: '' }, encoding: 'utf8' });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(claimsUnder(root), []);
  // One planted as a killed process's would be: clear and prune remove it.
  const entries = path.join(root, 'smartcache-v2', 'entries', 'ab', 'cd');
  fs.mkdirSync(entries, { recursive: true });
  const planted = path.join(entries, `abcd${'0'.repeat(60)}.claim`);
  fs.writeFileSync(planted, JSON.stringify({ pid: 1, start: '1', host: 'elsewhere', thread: 0, state: 'released' }));
  // A live local owner's claim stays, however old (a long computation).
  const live = path.join(entries, `abcd${'1'.repeat(60)}.claim`);
  fs.writeFileSync(live, JSON.stringify({ pid: process.pid, host: os.hostname(), thread: 0, state: 'computing' }));
  const old = new Date(Date.now() - 3600_000);
  fs.utimesSync(live, old, old);
  const prune = spawnSync(process.execPath, [path.resolve('dist/cli/main.js'), 'prune', '--dir', root], { encoding: 'utf8' });
  t.is(prune.status, 0, prune.stderr);
  t.false(fs.existsSync(planted));
  t.true(fs.existsSync(live));
});
