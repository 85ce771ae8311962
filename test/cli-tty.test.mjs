// Colours and progress only on a terminal, never with NO_COLOR. A pseudo-terminal comes from
// util-linux `script`, the way a user's shell would run the command.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { cleanEnv, cli, fingerprintOf, keyOf, loadStore, MAIN, tempDir } from './fixtures/cli/helpers.mjs';
import { meta, twoFunctionStore } from './fixtures/cli/stores.mjs';

const hasScript = spawnSync('sh', ['-c', 'command -v script'], { encoding: 'utf8' }).status === 0;
const ESC = '\u001b[';

function inTerminal(args, env = {}) {
  const command = [process.execPath, MAIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  return spawnSync('script', ['-qfec', command, '/dev/null'], { encoding: 'utf8', env: cleanEnv({ TERM: 'xterm', ...env }), timeout: 60_000 });
}

const ttyTest = hasScript ? test : test.skip;

ttyTest('colours on a terminal', async (t) => {
  const { root } = await twoFunctionStore();
  const r = inTerminal(['ls', '--dir', root]);
  t.is(r.status, 0, r.stdout);
  t.true(r.stdout.includes(`${ESC}1m`), JSON.stringify(r.stdout));
});

ttyTest('NO_COLOR turns colours off on a terminal', async (t) => {
  const { root } = await twoFunctionStore();
  for (const command of [['ls'], ['stats']]) {
    const r = inTerminal([...command, '--dir', root], { NO_COLOR: '1' });
    t.is(r.status, 0, r.stdout);
    t.false(r.stdout.includes(ESC), `${command}: ${JSON.stringify(r.stdout)}`);
    t.regex(r.stdout, /fib/);
  }
});

test('no colours and no progress into pipes', async (t) => {
  const { root } = await twoFunctionStore();
  for (const command of [['ls'], ['stats'], ['prune']]) {
    const r = await cli([...command, '--dir', root]);
    t.is(r.code, 0, r.stderr);
    t.false(r.stdout.includes(ESC) || r.stderr.includes(ESC), command.join(' '));
    t.false(r.stderr.includes('\r'), 'no progress bar');
  }
});

ttyTest('prune draws a progress bar on a terminal', async (t) => {
  const Store = await loadStore();
  const root = path.join(tempDir(), 'cache');
  const store = Store.open(root);
  const encoded = store.encode(meta('p', fingerprintOf('p')), 1);
  for (let i = 0; i < 500; i++) store.write(keyOf(`p${i}`), encoded);
  const r = inTerminal(['prune', '--max-size', '0', '--dir', root]);
  t.is(r.status, 0, r.stdout);
  t.regex(r.stdout, /\rpruning \[#+-*\] \d+\/500/);
  t.regex(r.stdout, /removed 500 entries/);
});
