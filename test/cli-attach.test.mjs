// `smartcache attach`: reads the live registry of a real running process over the inspector.
import test from 'ava';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { cleanEnv, cli, copyFixture, isOneLine, REGISTER } from './fixtures/cli/helpers.mjs';

/** Starts `node --inspect=127.0.0.1:0 …` and resolves once it printed `ready`, with its port. */
function startService(t, args, cwd) {
  const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', ...args], { cwd, env: cleanEnv({ SMARTCACHE_DIR: path.join(cwd, 'cache') }), stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => child.kill('SIGKILL'));
  return new Promise((resolve, reject) => {
    let port;
    let ready = false;
    let stderr = '';
    const done = () => port !== undefined && ready && resolve({ child, port });
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d;
      const m = /Debugger listening on ws:\/\/127\.0\.0\.1:(\d+)\//.exec(stderr);
      if (m) port = Number(m[1]);
      done();
    });
    child.stdout.setEncoding('utf8').on('data', (d) => {
      if (d.includes('ready')) ready = true;
      done();
    });
    child.on('exit', (code) => reject(new Error(`service exited with ${code}: ${stderr}`)));
    setTimeout(() => reject(new Error(`service not ready: ${stderr}`)), 30_000).unref();
  });
}

test('lists the cached functions of a live process with fingerprints and hit/miss counts', async (t) => {
  const project = copyFixture('live');
  const { port } = await startService(t, ['--require', REGISTER, 'service.js'], project);
  const json = await cli(['attach', `127.0.0.1:${port}`, '--json']);
  t.is(json.code, 0, json.stderr);
  const snapshot = JSON.parse(json.stdout);
  t.true(Number.isInteger(snapshot.pid));
  t.is(snapshot.root, path.join(project, 'cache'));
  const square = snapshot.functions.find((f) => /square/.test(f.name));
  t.truthy(square, json.stdout);
  t.regex(square.fingerprint, /^[0-9a-f]{16,}$/);
  t.like(square, { calls: 4, hits: 1, misses: 3 });

  const table = await cli(['attach', `127.0.0.1:${port}`]);
  t.is(table.code, 0, table.stderr);
  t.regex(table.stdout, new RegExp(`^pid ${snapshot.pid}\\s+root `));
  t.regex(table.stdout, /^FUNCTION\s+FILE\s+FINGERPRINT\s+CALLS\s+HITS\s+MISSES\s+HIT RATE\s+SAVED$/m);
  t.regex(table.stdout, new RegExp(`square.*${square.fingerprint.slice(0, 12)}\\s+4\\s+1\\s+3\\s+25%`));

  // With --dir, what the process stored on disk is shown beside the live counts.
  const withDisk = await cli(['attach', `127.0.0.1:${port}`, '--dir', snapshot.root]);
  t.is(withDisk.code, 0, withDisk.stderr);
  t.regex(withDisk.stdout, /^FUNCTION\s+FILE\s+FINGERPRINT\s+CALLS\s+HITS\s+MISSES\s+HIT RATE\s+SAVED\s+ENTRIES\s+SIZE$/m);
  t.regex(withDisk.stdout, /square.*\s25%\s+\S+ \S+\s+3\s+\d+(?:\.\d+)? (?:B|KiB)$/m);
});

test('a process without smartcache is reported in one line', async (t) => {
  const project = copyFixture('live');
  const { port } = await startService(t, ['bare.js'], project);
  const r = await cli(['attach', `127.0.0.1:${port}`]);
  t.not(r.code, 0);
  t.true(isOneLine(r.stderr), r.stderr);
  t.regex(r.stderr, /does not use smartcache/);
});
