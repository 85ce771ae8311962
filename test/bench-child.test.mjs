// The bench's measuring children and entry point, run as a user would run them.
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const node = (args) => spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
const lastJson = (stdout) => JSON.parse(stdout.trim().split('\n').pop());

test('a session then a cold run of the floor: misses write, a fresh process reads them back', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-child-'));
  try {
    const s = node(['bench/peers/child.js', 'session', 'floor', dir, '26', '2']);
    t.is(s.status, 0, s.stderr);
    const session = lastJson(s.stdout);
    t.is(session.keys, 26);
    t.is(session.missNs.length, 5);
    t.is(session.warmNs.length, 2);
    t.is(fs.readdirSync(dir).length, 26);
    const c = node(['bench/peers/child.js', 'cold', 'floor', dir, '26']);
    t.is(c.status, 0, c.stderr);
    t.true(lastJson(c.stdout).coldNs > 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a cold run over keys that are not there fails instead of timing misses as hits', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-child-'));
  try {
    fs.writeFileSync(path.join(dir, '0.json'), JSON.stringify({ id: 0, name: 'wrong', score: 0, tags: [] }));
    const c = node(['bench/peers/child.js', 'cold', 'floor', dir, '3']);
    t.not(c.status, 0);
    t.regex(c.stderr, /wrong result for key 0/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('run.js refuses an unknown --only name with a one-line message, writing nothing', (t) => {
  const before = fs.existsSync(path.join(root, 'bench', 'RESULTS.md')) ? fs.statSync(path.join(root, 'bench', 'RESULTS.md')).mtimeMs : 0;
  const r = node(['bench/run.js', '--only', 'nothing-here']);
  t.is(r.status, 2);
  t.regex(r.stderr, /^bench: no bench file named nothing-here \(known: key, store, .*headline\)\n$/);
  t.is(r.stdout, '');
  const after = fs.existsSync(path.join(root, 'bench', 'RESULTS.md')) ? fs.statSync(path.join(root, 'bench', 'RESULTS.md')).mtimeMs : 0;
  t.is(after, before);
});

test('temporary folders of a run are removed after it exits, files and all', async (t) => {
  const r = node(['-e', "const d = require('./bench/lib/tmp.js').tempDir('t'); require('fs').mkdirSync(d + '/a/b', { recursive: true }); require('fs').writeFileSync(d + '/a/b/x', '1'); console.log(d)"]);
  t.is(r.status, 0, r.stderr);
  const dir = r.stdout.trim();
  t.true(dir.startsWith(os.tmpdir()));
  for (let i = 0; i < 50 && fs.existsSync(dir); i++) await new Promise((done) => setTimeout(done, 100));
  t.false(fs.existsSync(dir));
});

test('child timing: failures carry their error line; children do not inherit SMARTCACHE settings', async (t) => {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  const { runProcess, runJson, benchEnv, interleavedProcesses } = require('../bench/lib/time.js');
  t.throws(() => runProcess(process.execPath, ['-e', 'throw new Error("boom")']), { message: /^Error: boom \(node -e .* exited with 1\)$/ });
  process.env.SMARTCACHE = 'off';
  try {
    t.is(benchEnv().SMARTCACHE, undefined);
    const { data } = runJson(process.execPath, ['-e', 'console.log("x"); console.log(JSON.stringify({ s: process.env.SMARTCACHE ?? null }))']);
    t.deepEqual(data, { s: null });
  } finally {
    delete process.env.SMARTCACHE;
  }
  const times = interleavedProcesses([{ label: 'a', command: process.execPath, args: ['-e', '0'] }, { label: 'b', command: process.execPath, args: ['-e', '0'] }], 2);
  t.deepEqual(Object.keys(times), ['a', 'b']);
  t.is(times.a.length, 2);
  t.true(times.b.every((ms) => ms > 0));
});
