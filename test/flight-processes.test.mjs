// Cross-process single flight: processes sharing a root that miss one key together compute it
// once; the others wait for the entry and read it. A SIGKILLed owner's claim is taken over at
// once by one waiter (not after the wait limit). Sync and async functions. Computations are
// counted through an append-only marker file; nothing here depends on timing but generous bounds.
import test from 'ava';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { project, tempDir } from './fixtures/cache/helpers.mjs';

/**
 * The program: waits at a barrier (the `go` file), then calls the cached function once. The
 * delay is an ignored argument: the owner of the SIGKILL test sleeps long, its waiters briefly,
 * and all share one key.
 */
const program = (mod) => `const fs = require('node:fs');
const path = require('node:path');
const { cache } = require(${mod});
const [mode, dir, delayText] = process.argv.slice(2);
const cell = new Int32Array(new SharedArrayBuffer(4));
const markers = path.join(dir, 'computed');
function work(n, delayMs) {
  fs.appendFileSync(markers, process.pid + '\\n');
  Atomics.wait(cell, 0, 0, Math.abs(delayMs));
  if (delayMs < 0) throw new Error('failed after ' + -delayMs + ' ms');
  return { n, square: n * n };
}
async function workAsync(n, delayMs) {
  fs.appendFileSync(markers, process.pid + '\\n');
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  return { n, square: n * n };
}
const f = mode === 'sync' ? cache(work, { name: 'work', ignore: ['delayMs'] }) : cache(workAsync, { name: 'work', ignore: ['delayMs'] });
fs.writeFileSync(path.join(dir, 'ready-' + process.pid), '');
while (!fs.existsSync(path.join(dir, 'go'))) Atomics.wait(cell, 0, 0, 5);
Promise.resolve()
  .then(() => f(7, Number(delayText)))
  .then((value) => console.log('OUT ' + JSON.stringify(value)), (error) => console.log('OUT ' + JSON.stringify({ error: error.message })));
`;

function start(dir, args, env) {
  const child = spawn(process.execPath, ['main.js', ...args], { cwd: dir, env: { ...cleanEnv(), ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  const done = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

function cleanEnv() {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('SMARTCACHE')) delete env[k];
  delete env.NODE_OPTIONS;
  return env;
}

function outOf(run) {
  const line = run.stdout.split('\n').find((l) => l.startsWith('OUT '));
  return line === undefined ? undefined : JSON.parse(line.slice(4));
}

/** Polls (on timers) until `check()` is true; a generous bound only against hanging forever. */
async function until(check, what, limitMs = 60_000) {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > limitMs) throw new Error(`gave up waiting for ${what}`);
    await delay(10);
  }
}

const lines = (file) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
const readyCount = (dir) => fs.readdirSync(dir).filter((n) => n.startsWith('ready-')).length;

function claimsIn(root) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.name.includes('.claim')) out.push(e.name);
    }
  };
  if (fs.existsSync(root)) walk(root);
  return out;
}

for (const mode of ['sync', 'async']) {
  test(`${mode}: 4 processes missing one key together compute it once, and all get the value`, async (t) => {
    const dir = project({ 'main.js': program });
    const root = tempDir();
    const env = { SMARTCACHE_DIR: root, SMARTCACHE_LOG: '1' };
    const runs = Array.from({ length: 4 }, () => start(dir, [mode, dir, '500'], env));
    await until(() => readyCount(dir) === 4, 'the 4 processes to load');
    fs.writeFileSync(path.join(dir, 'go'), '');
    const results = await Promise.all(runs.map((r) => r.done));
    for (const r of results) {
      t.is(r.code, 0, r.stderr);
      t.deepEqual(outOf(r), { n: 7, square: 49 }, r.stderr);
    }
    t.is(lines(path.join(dir, 'computed')).length, 1, 'exactly one computation');
    const waited = results.filter((r) => r.stderr.includes('(computed by another process)')).length;
    const hits = results.filter((r) => /\[smartcache\] hit work /.test(r.stderr)).length;
    t.is(hits, 3, 'the other three read the entry');
    t.deepEqual(claimsIn(root), [], 'the claim was removed once the entry was written');
    t.log(`${waited} of 3 waited for the owner; the rest found its entry`);
  });

  test(`${mode}: a SIGKILLed owner's claim is taken over at once: one more computation, every waiter gets the value`, async (t) => {
    const dir = project({ 'main.js': program });
    const env = { SMARTCACHE_DIR: tempDir() };
    const markers = path.join(dir, 'computed');
    // The owner computes "forever" (10 min): only its death can end the waiters' wait in time.
    const owner = start(dir, [mode, dir, '600000'], env);
    await until(() => readyCount(dir) === 1, 'the owner to load');
    fs.writeFileSync(path.join(dir, 'go'), '');
    await until(() => lines(markers).length === 1, 'the owner to start computing');
    const waiters = Array.from({ length: 3 }, () => start(dir, [mode, dir, '300'], env));
    await until(() => readyCount(dir) === 4, 'the waiters to load');
    const killedAt = Date.now();
    owner.child.kill('SIGKILL');
    t.is((await owner.done).signal, 'SIGKILL');
    const results = await Promise.all(waiters.map((w) => w.done));
    const elapsed = Date.now() - killedAt;
    for (const r of results) {
      t.is(r.code, 0, r.stderr);
      t.deepEqual(outOf(r), { n: 7, square: 49 }, r.stderr);
    }
    const computed = lines(markers);
    t.is(computed.length, 2, `the owner's computation, then exactly one waiter's: ${computed.join(', ')}`);
    t.not(computed[1], String(owner.child.pid));
    // Far below the 120 s wait limit: the dead owner was noticed, not waited out.
    t.true(elapsed < 60_000, `took ${elapsed} ms`);
  });
}

test('sync: an owner whose computation throws releases its claim: waiters compute for themselves, without waiting out the limit', async (t) => {
  const dir = project({ 'main.js': program });
  const env = { SMARTCACHE_DIR: tempDir() };
  const markers = path.join(dir, 'computed');
  const owner = start(dir, ['sync', dir, '-3000'], env);
  await until(() => readyCount(dir) === 1, 'the owner to load');
  fs.writeFileSync(path.join(dir, 'go'), '');
  await until(() => lines(markers).length === 1, 'the owner to start computing');
  const waiters = Array.from({ length: 3 }, () => start(dir, ['sync', dir, '300'], env));
  const started = Date.now();
  t.deepEqual(outOf(await owner.done), { error: 'failed after 3000 ms' });
  const results = await Promise.all(waiters.map((w) => w.done));
  for (const r of results) t.deepEqual(outOf(r), { n: 7, square: 49 }, r.stderr);
  const computed = lines(markers).length;
  t.true(computed >= 2 && computed <= 4, `${computed} computations`);
  t.true(Date.now() - started < 60_000);
});
