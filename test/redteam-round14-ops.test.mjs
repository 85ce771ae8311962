// Red-team round 14, processes and the command line: a server stopped by a signal, a root that is
// a link. Each test is a confirmed finding, fixed.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { cleanEnv, cli, REGISTER, runNode, sleep, tempDir } from './fixtures/cli/helpers.mjs';

function project(t, files) {
  const dir = tempDir('smartcache-rt14-');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"rt14","private":true}\n');
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

const APP = `/** @cache */
function render(slug) { return '<h1>' + slug + '</h1>'; }
render(process.argv[2]);
if (process.argv[3] === 'serve') setInterval(() => render(process.argv[2]), 50);
`;

// A server's hits and the last use of its entries were recorded only by an exit handler, which a
// signal (Ctrl-C, docker stop) never runs: `ls` said 0 hits, and `prune --older-than` removed
// entries in daily use.
test('a long-running process stopped by a signal has recorded its hits and uses', async (t) => {
  const dir = project(t, { 'app.js': APP });
  const root = path.join(dir, 'cache');
  const env = { SMARTCACHE_DIR: root };
  t.is((await runNode(['--require', REGISTER, 'app.js', 'home'], { cwd: dir, env })).code, 0);
  // The entry looks 40 days old, as if unused since.
  const entries = [];
  const walk = (d) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) (e.isDirectory() ? walk : (p) => /^[0-9a-f]{64}$/.test(e.name) && entries.push(p))(path.join(d, e.name)); };
  walk(root);
  t.is(entries.length, 1);
  const old = new Date(Date.now() - 40 * 24 * 3600 * 1000);
  fs.utimesSync(entries[0], old, old);
  const server = spawn(process.execPath, ['--require', REGISTER, 'app.js', 'home', 'serve'], { cwd: dir, env: cleanEnv(env), stdio: 'ignore' });
  t.teardown(() => server.kill('SIGKILL'));
  // Polled, not timed: the flush runs every few seconds on a busy machine.
  let used = false;
  for (let i = 0; i < 600 && !used; i++) {
    await sleep(100);
    used = fs.statSync(entries[0]).mtimeMs > old.getTime() + 1000;
  }
  t.true(used, 'the entry was never marked used while the server ran');
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('close', resolve));
  const pruned = await cli(['prune', '--older-than', '30d', '--dir', root], { cwd: dir });
  t.is(pruned.code, 0, pruned.stderr);
  t.true(fs.existsSync(entries[0]), 'prune --older-than removed an entry the server was using');
  const ls = await cli(['ls', '--json', '--dir', root], { cwd: dir });
  t.regex(ls.stdout, /"hits":\s*[1-9]/);
});

// SMARTCACHE_DIR a link (to a mounted volume): the program stored through it, `ls`, `stats` and
// `prune` saw an empty root (so `prune --max-size` in CI never bounded it).
test('a cache root that is a link: ls, stats and prune see what the program stored through it', async (t) => {
  const dir = project(t, { 'app.js': APP });
  fs.mkdirSync(path.join(dir, 'volume'));
  fs.symlinkSync(path.join(dir, 'volume'), path.join(dir, 'cache-link'), 'dir');
  const root = path.join(dir, 'cache-link');
  for (const slug of ['a', 'b', 'c']) t.is((await runNode(['--require', REGISTER, 'app.js', slug], { cwd: dir, env: { SMARTCACHE_DIR: root } })).code, 0);
  const ls = await cli(['ls', '--dir', root], { cwd: dir });
  t.regex(ls.stdout, /app\.js#render/);
  t.regex(ls.stdout, /\b3 entries\b/);
  const prune = await cli(['prune', '--max-size', '1K', '--dir', root], { cwd: dir });
  t.is(prune.code, 0, prune.stderr);
  t.regex(prune.stdout, /removed 3 entries/);
});
