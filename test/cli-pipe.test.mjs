// `smartcache ls | head`: the reader closes the pipe early. The CLI must leave quietly (exit 0,
// nothing on stderr), not die with an unhandled EPIPE stack trace.
import test from 'ava';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { cleanEnv, fingerprintOf, keyOf, loadStore, MAIN, tempDir } from './fixtures/cli/helpers.mjs';
import { meta } from './fixtures/cli/stores.mjs';

/** 3,000 functions: `ls` prints ~400 kB, far more than a pipe buffers (64 KiB on Linux). */
async function bigStore() {
  const Store = await loadStore();
  const root = path.join(tempDir(), 'cache');
  const store = Store.open(root);
  for (let i = 0; i < 3000; i++) {
    const name = `src/module-${String(i).padStart(4, '0')}.js#someFunctionWithALongName${i}`;
    store.put(keyOf(`pipe:${i}`), meta(name, fingerprintOf(name)), i);
  }
  return root;
}

/** Runs the CLI with stdout into a pipe whose reader goes away after the first chunk, like `head -1`. */
function runIntoClosedPipe(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let chunks = 0;
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.stdout.once('data', () => {
      chunks++;
      // Closing our end makes the child's next write fail with EPIPE.
      child.stdout.destroy();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr, chunks }));
  });
}

test('ls into a reader that closes early: exit 0, no stack trace', async (t) => {
  const root = await bigStore();
  const r = await runIntoClosedPipe(['ls', '--dir', root]);
  t.is(r.chunks, 1, 'the reader saw output before closing');
  t.is(r.signal, null);
  t.is(r.code, 0);
  t.is(r.stderr, '');
});

test('ls --json and stats into a reader that closes early: exit 0, no stack trace', async (t) => {
  const root = await bigStore();
  for (const args of [['ls', '--json'], ['stats', '--json']]) {
    const r = await runIntoClosedPipe([...args, '--dir', root]);
    t.is(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    t.is(r.stderr, '', args.join(' '));
  }
});
