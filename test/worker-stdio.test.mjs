// smartcache's own worker threads must not change what happens to the program's output. Node
// pipes a worker's stdout and stderr into the process's with `Readable.pipe`, which makes an error
// of the destination an uncaught exception: `node app.js | head -1` died of EPIPE at the program's
// next console.log once the background writer had started, where plain Node carries on.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { cleanEnv, REPO, tempDir } from './fixtures/cli/helpers.mjs';

const APP = `const fs = require('node:fs');
const { cache } = require(${JSON.stringify(path.join(REPO, 'dist', 'index.js'))});
// 16 MB: written by the background writer thread (large entries always are).
const big = cache(function big(n) { return new Float64Array(n).fill(1.5); }, { name: 'big' });
const values = big(2_000_000);
console.log('line 0', values.length);
// The reader quits here (the test closes its end and then drops a marker file).
const pause = new Int32Array(new SharedArrayBuffer(4));
while (!fs.existsSync(process.argv[2])) Atomics.wait(pause, 0, 0, 10);
for (let i = 1; i < 50; i++) console.log('line', i);
setTimeout(() => fs.writeFileSync(process.argv[3], 'still running'), 50);
`;

/** Runs app.js with stdout to a reader that quits after the first line, as `| head -1` does. */
function runToQuittingReader(dir, env) {
  const quit = path.join(dir, `quit-${Date.now()}`);
  const alive = path.join(dir, `alive-${Date.now()}`);
  const child = spawn(process.execPath, ['app.js', quit, alive], { cwd: dir, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let first = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  child.stdout.setEncoding('utf8').on('data', (d) => {
    first += d;
    if (!first.includes('\n')) return;
    child.stdout.destroy();
    fs.writeFileSync(quit, '');
  });
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr, first: first.split('\n')[0], alive: fs.existsSync(alive) })));
}

test('a program whose reader quit early is not killed by EPIPE while the background writer lives', async (t) => {
  const dir = tempDir('smartcache-epipe-');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'app.js'), APP);
  const env = { SMARTCACHE_DIR: path.join(dir, 'cache'), SMARTCACHE_LOG: '1' };

  const first = await runToQuittingReader(dir, env);
  t.is(first.first, 'line 0 2000000');
  t.notRegex(first.stderr, /EPIPE/);
  t.is(first.code, 0, first.stderr);
  t.true(first.alive, 'the program ran on after its reader quit');
  t.regex(first.stderr, /miss big /);

  // The entry the background writer was writing was written whole: the next run hits it.
  const second = await runToQuittingReader(dir, env);
  t.is(second.code, 0, second.stderr);
  t.regex(second.stderr, /hit big /);
  t.is(second.first, 'line 0 2000000');
});

// The workers' own streams were left unread: once Node printed inside one (NODE_DEBUG), the
// process never exited.
test('a program exits when smartcache worker threads printed (NODE_DEBUG inside the writer)', (t) => {
  const dir = tempDir('smartcache-stdio-');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'app.js'), `const { cache } = require(${JSON.stringify(path.join(REPO, 'dist', 'index.js'))});
const blob = cache(function blob(mb) { return new Uint8Array(mb * 1024 * 1024).fill(1); }, { name: 'blob' });
console.log('length', blob(16).length);
`);
  const r = spawnSync(process.execPath, ['app.js'], { cwd: dir, env: cleanEnv({ SMARTCACHE_DIR: path.join(dir, 'cache'), NODE_DEBUG: 'module' }), encoding: 'utf8', timeout: 60_000 });
  t.is(r.signal, null, 'not killed by the timeout: the process exited by itself');
  t.is(r.status, 0, r.stderr.slice(-2000));
  t.regex(r.stdout, /length 16777216/);
});
