// Red team, round 10: team cache, several processes. Acceptance-style probes written against
// /work/shared/CONTRACT.md and the README, with real processes and a real redis-server. Each
// test.failing is a confirmed deviation; it starts passing once the deviation is fixed.
// No timing assertions except generous bounds; every server, folder and child is our own.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { CLI, INDEX_CJS, SECRET, bodies, machine as newMachine, namespace, node, tempDir as newTempDir } from './fixtures/remote/helpers.mjs';
import { allKeys, haveRedis, redisTest, startRedis } from './fixtures/remote/server.mjs';
import { startChild, until } from './fixtures/children.mjs';

const maybe = redisTest(test);
let server;
test.before(async () => {
  if (!haveRedis() && !process.env.CI) return;
  server = await startRedis();
});
/** Every folder this file makes, removed at the end. */
const made = [];
const tempDir = (prefix) => {
  const dir = newTempDir(prefix);
  made.push(dir);
  return dir;
};
const machine = (...args) => {
  const m = newMachine(...args);
  made.push(m.dir, m.root);
  return m;
};
test.after.always(async () => {
  await server?.stop();
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

const entryKeys = async (ns) => (await allKeys(server)).filter((k) => k.startsWith(`smartcache:${ns}:`) && k.includes(':e:'));

// ---------------------------------------------------------------------------------------------
// 1. A malformed %-escape in SMARTCACHE_REMOTE (user, password or socket path) makes
//    decodeURIComponent throw a URIError out of cache(): the user's program dies.
//    CONTRACT "Errors": all errors thrown by the library are SmartCacheErrors; a failure of the
//    cache never fails the user's call. "Team cache": a bad remote is never a failed call.

const BAD_ESCAPES = ['redis://user:pa%ZZss@127.0.0.1:1', 'redis://us%ZZer:password@127.0.0.1:1', 'unix:///tmp/no%ZZsuch.sock'];

test('a malformed %-escape in SMARTCACHE_REMOTE never breaks cache(): the program runs, with a warning, and no URIError', (t) => {
  const dir = tempDir('sc-rt10-uri-');
  fs.writeFileSync(
    path.join(dir, 'main.js'),
    `const { cache } = require(${JSON.stringify(INDEX_CJS)});
const double = cache(function double(n) { return n * 2; }, { name: 'double' });
console.log('OUT ' + JSON.stringify(double(21)));
`,
  );
  for (const url of BAD_ESCAPES) {
    const run = node(['main.js'], { cwd: dir, env: { SMARTCACHE_DIR: path.join(dir, 'root'), SMARTCACHE_REMOTE: url, SMARTCACHE_REMOTE_KEY: SECRET } });
    t.is(run.status, 0, `${url}: ${run.stderr.slice(-400)}`);
    t.is(run.out, 42, url);
    t.notRegex(run.stderr, /URIError|URI malformed/, url);
    t.regex(run.stderr, /SmartCacheWarning/, url);
  }
});

test('remote check with a malformed %-escape in SMARTCACHE_REMOTE: one line naming the variable, exit 2 (ERR_USAGE)', (t) => {
  const dir = tempDir('sc-rt10-uricli-');
  for (const url of BAD_ESCAPES) {
    const run = node([CLI, 'remote', 'check', '--dir', path.join(dir, 'root')], { cwd: dir, env: { SMARTCACHE_REMOTE: url, SMARTCACHE_REMOTE_KEY: SECRET } });
    const lines = run.stderr.split('\n').filter(Boolean);
    t.is(run.status, 2, `${url}: ${run.stderr}`);
    t.is(lines.length, 1, run.stderr);
    t.regex(lines[0] ?? '', /SMARTCACHE_REMOTE/, url);
  }
});

// ---------------------------------------------------------------------------------------------
// 2. `remote: false` results leave the machine through `smartcache push`, and come in through
//    `smartcache pull`. CONTRACT "Programmatic use": `remote` ... `false` for results that must
//    not leave the machine. README: "keeps a function's results on its machine: never looked up
//    remotely, never uploaded".

maybe('smartcache push never uploads the entries of a remote: false function', (t) => {
  const ns = namespace('rt10-push-private');
  // Computed with no team cache configured: both entries exist only locally.
  const a = machine(server, { SMARTCACHE_REMOTE_NAMESPACE: ns });
  const run = a.run(['private.cjs'], { SMARTCACHE_REMOTE: '' });
  t.is(run.status, 0, run.stderr);
  t.deepEqual(run.out, { a: 'local 1', b: 'team 1' });
  const push = node([CLI, 'push', '--dir', a.root], { cwd: a.dir, env: { ...a.env, SMARTCACHE_REMOTE_WRITE: '1' } });
  t.is(push.status, 0, push.stdout + push.stderr);
  return entryKeys(ns).then((keys) => {
    t.is(keys.length, 1, `only shared()'s entry may be uploaded; push said: ${push.stdout.trim()}`);
    // A reader that pulls the file gets shared() only: secret() still runs on its machine.
    const b = machine(server, { SMARTCACHE_REMOTE_NAMESPACE: ns });
    node([CLI, 'pull', 'private.cjs', '--dir', b.root], { cwd: b.dir, env: b.env });
    const read = b.run(['private.cjs']);
    t.deepEqual(bodies(read.stdout), ['BODY secret 1'], read.stdout);
  });
});

maybe('smartcache pull never downloads entries for a function that says remote: false', (t) => {
  const ns = namespace('rt10-pull-private');
  const program = `const { cache } = require(${JSON.stringify(INDEX_CJS)});
const priv = cache(function priv(n) { console.log('BODY priv ' + n); return 'secret ' + n; }, { name: 'priv', remote: process.env.PRIV_REMOTE === '1' });
console.log('OUT ' + JSON.stringify(priv(1)));
`;
  // Machine A's configuration shares priv (same code, same fingerprint); machine B's says remote: false.
  const a = machine(server, { SMARTCACHE_REMOTE_NAMESPACE: ns, SMARTCACHE_REMOTE_WRITE: '1', PRIV_REMOTE: '1' });
  fs.writeFileSync(path.join(a.dir, 'priv.cjs'), program);
  t.is(a.run(['priv.cjs']).out, 'secret 1');
  const b = machine(server, { SMARTCACHE_REMOTE_NAMESPACE: ns });
  fs.writeFileSync(path.join(b.dir, 'priv.cjs'), program);
  const pull = node([CLI, 'pull', 'priv.cjs', '--dir', b.root], { cwd: b.dir, env: b.env });
  t.is(pull.status, 0, pull.stderr);
  const run = b.run(['priv.cjs']);
  t.is(run.out, 'secret 1');
  t.deepEqual(bodies(run.stdout), ['BODY priv 1'], `remote: false: nothing may come from the team cache; pull said: ${pull.stdout.trim()}`);
});

maybe('entries computed while the option said remote: true, then a run saying remote: false (every call a hit): push keeps them local', (t) => {
  const ns = namespace('rt10-push-sticky');
  const program = `const { cache } = require(${JSON.stringify(INDEX_CJS)});
const priv = cache(function priv(n) { console.log('BODY priv ' + n); return 'secret ' + n; }, { name: 'priv', remote: process.env.PRIV_REMOTE === '1' });
console.log('OUT ' + JSON.stringify(priv(1)));
`;
  const a = machine(server, { SMARTCACHE_REMOTE_NAMESPACE: ns });
  fs.writeFileSync(path.join(a.dir, 'priv.cjs'), program);
  // Computed with remote: true and no team cache configured: the entry exists only locally.
  t.is(a.run(['priv.cjs'], { SMARTCACHE_REMOTE: '', PRIV_REMOTE: '1' }).out, 'secret 1');
  const second = a.run(['priv.cjs'], { SMARTCACHE_REMOTE: '' });
  t.is(second.out, 'secret 1');
  t.deepEqual(bodies(second.stdout), [], 'a hit');
  const push = node([CLI, 'push', '--dir', a.root], { cwd: a.dir, env: { ...a.env, SMARTCACHE_REMOTE_WRITE: '1' } });
  t.is(push.status, 0, push.stdout + push.stderr);
  t.regex(push.stdout, /1 of remote: false functions kept local/);
  return entryKeys(ns).then((keys) => t.deepEqual(keys, []));
});

// ---------------------------------------------------------------------------------------------
// 3. Several processes: a function that returns a promise without being an `async function`
//    (a fetch wrapper, TypeScript compiled to ES2016) waits for a peer's computation with
//    Atomics.wait on its first call: the waiting process's event loop is frozen meanwhile.
//    README "Several processes": "a synchronous caller sleeps in the kernel (Atomics.wait), an
//    asynchronous one waits on timers, so the event loop runs meanwhile". CONTRACT: "This holds
//    for sync and async functions".

const PROMISE_PROGRAM = `const fs = require('node:fs');
const path = require('node:path');
const { cache } = require(${JSON.stringify(INDEX_CJS)});
const [role, dir] = process.argv.slice(2);
// Not an async function: it returns a promise.
function load(n) {
  fs.appendFileSync(path.join(dir, 'computed'), process.pid + '\\n');
  return new Promise((resolve) => {
    const poll = () => (fs.existsSync(path.join(dir, 'release')) ? resolve({ n, square: n * n }) : setTimeout(poll, 10));
    poll();
  });
}
// track: false: the test's own release file is not an input of the result.
const f = cache(load, { name: 'load', track: false });
let ticks = 0;
const timer = setInterval(() => ticks++, 20);
if (role === 'waiter') fs.writeFileSync(path.join(dir, 'calling'), '');
const started = Date.now();
const promise = f(7);
const syncMs = Date.now() - started;
promise.then((value) => {
  clearInterval(timer);
  console.log('OUT ' + JSON.stringify({ value, syncMs, ticks }));
});
`;




test('a promise-returning (not async) function waiting for another process computing its key keeps the event loop running', async (t) => {
  const dir = tempDir('sc-rt10-promise-');
  fs.writeFileSync(path.join(dir, 'main.js'), PROMISE_PROGRAM);
  const env = { SMARTCACHE_DIR: path.join(dir, 'root') };
  const computed = path.join(dir, 'computed');
  const owner = startChild(dir, ['main.js', 'owner', dir], env);
  await until(() => fs.existsSync(computed), 'the owner to start computing');
  const waiter = startChild(dir, ['main.js', 'waiter', dir], env);
  await until(() => fs.existsSync(path.join(dir, 'calling')), 'the waiter to call');
  // The owner holds its claim until released; the waiter is waiting for it meanwhile.
  await delay(1500);
  fs.writeFileSync(path.join(dir, 'release'), '');
  const [o, w] = await Promise.all([owner, waiter]);
  t.is(o.status, 0, o.stderr);
  t.is(w.status, 0, w.stderr);
  t.deepEqual(w.out?.value, { n: 7, square: 49 }, w.stderr);
  t.is(fs.readFileSync(computed, 'utf8').trim().split('\n').length, 1, 'computed once, by the owner');
  // Waiting on timers: the call returns its promise at once and the waiter's timers keep firing.
  t.true(w.out.syncMs < 1000, `the call blocked the waiter's thread for ${w.out.syncMs} ms`);
  t.true(w.out.ticks > 0, `the waiter's 20 ms interval fired ${w.out.ticks} times while it waited`);
});
