// Every command answers --help, takes --dir, and turns bad input into ONE stderr line and a
// non-zero exit; a missing root is a normal state (nothing cached yet): exit 0, never created.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli, copyFixture, isOneLine, tempDir } from './fixtures/cli/helpers.mjs';

const COMMANDS = ['ls', 'explain', 'clear', 'prune', 'stats', 'attach'];

for (const command of COMMANDS) {
  test(`${command} --help documents --dir and exits 0`, async (t) => {
    const r = await cli([command, '--help']);
    t.is(r.code, 0, r.stderr);
    t.regex(r.stdout, new RegExp(`Usage: smartcache ${command}`));
    t.regex(r.stdout, /--dir <path>/);
    t.is(r.stderr, '');
  });
}

test('top-level --help lists every command', async (t) => {
  const r = await cli(['--help']);
  t.is(r.code, 0);
  for (const command of COMMANDS) t.regex(r.stdout, new RegExp(`^\\s+${command}\\b`, 'm'));
});

async function rejects(t, args, pattern, options) {
  const r = await cli(args, options);
  t.not(r.code, 0, `exit code for ${args.join(' ')}`);
  t.true(isOneLine(r.stderr), `one stderr line, got: ${JSON.stringify(r.stderr)}`);
  t.regex(r.stderr, /^smartcache: /);
  t.regex(r.stderr, pattern);
  return r;
}

test('unknown command', async (t) => {
  await rejects(t, ['lss'], /unknown command 'lss'.*ls/);
});

test('unknown option', async (t) => {
  const root = tempDir();
  await rejects(t, ['ls', '--dir', root, '--frobnicate'], /unknown option '--frobnicate'/);
});

test('bad size', async (t) => {
  const root = tempDir();
  await rejects(t, ['prune', '--dir', root, '--max-size', '12 parsecs'], /--max-size.*12 parsecs.*size like/);
  await rejects(t, ['prune', '--dir', root, '--max-size', '-1G'], /--max-size/);
});

test('bad age', async (t) => {
  const root = tempDir();
  await rejects(t, ['prune', '--dir', root, '--older-than', 'a fortnight'], /--older-than.*age like/);
  await rejects(t, ['prune', '--dir', root, '--older-than', '30x'], /--older-than/);
});

test('bad --keep-versions', async (t) => {
  const root = tempDir();
  await rejects(t, ['prune', '--dir', root, '--keep-versions', '0'], /--keep-versions/);
  await rejects(t, ['prune', '--dir', root, '--keep-versions', 'two'], /--keep-versions/);
});

/** A first CI run's `prune` step: no cache yet is not an error. */
async function quietlyEmpty(t, args, options) {
  const r = await cli(args, options);
  t.is(r.code, 0, `exit code for ${args.join(' ')}: ${r.stderr}`);
  t.is(r.stdout, '', `nothing on stdout for ${args.join(' ')}`);
  t.true(isOneLine(r.stderr), `one stderr line, got: ${JSON.stringify(r.stderr)}`);
  t.regex(r.stderr, /no cache at .* yet/);
  return r;
}

test('a root that does not exist: ls, stats, clear and prune exit 0 and do not create it', async (t) => {
  const parent = tempDir();
  const root = path.join(parent, 'no-such-cache');
  for (const args of [['ls'], ['stats'], ['clear'], ['clear', 'fib'], ['clear', 'src/a.js'], ['clear', 'fib*'], ['prune'], ['prune', '--max-size', '1G']]) {
    await quietlyEmpty(t, [...args, '--dir', root]);
  }
  t.false(fs.existsSync(root));
});

test('a root that does not exist: --json still prints valid, empty JSON', async (t) => {
  const root = path.join(tempDir(), 'no-such-cache');
  const ls = await cli(['ls', '--json', '--dir', root]);
  t.is(ls.code, 0, ls.stderr);
  t.like(JSON.parse(ls.stdout), { entries: 0, bytes: 0, functions: [] });
  const stats = await cli(['stats', '--json', '--dir', root]);
  t.is(stats.code, 0, stats.stderr);
  t.deepEqual(JSON.parse(stats.stdout).functions, []);
  const prune = await cli(['prune', '--json', '--dir', root]);
  t.is(prune.code, 0, prune.stderr);
  t.like(JSON.parse(prune.stdout), { removed: 0 });
  t.false(fs.existsSync(root));
});

test('the default root (no --dir) is not created either', async (t) => {
  const project = tempDir();
  fs.writeFileSync(path.join(project, 'package.json'), '{"name":"p"}');
  await quietlyEmpty(t, ['ls'], { cwd: project });
  await quietlyEmpty(t, ['prune'], { cwd: project });
  t.false(fs.existsSync(path.join(project, 'node_modules')));
});

test('SMARTCACHE_DIR picks the root when --dir is absent', async (t) => {
  const root = path.join(tempDir(), 'env-root');
  const r = await quietlyEmpty(t, ['stats'], { env: { SMARTCACHE_DIR: root } });
  t.regex(r.stderr, /env-root/);
});

test('a root that is a file is bad input', async (t) => {
  const file = path.join(tempDir(), 'not-a-folder');
  fs.writeFileSync(file, 'x');
  await rejects(t, ['ls', '--dir', file], /cache root .*not-a-folder is not a directory/);
});

test('explain: missing file', async (t) => {
  await rejects(t, ['explain', path.join(tempDir(), 'nope.js')], /no such file: .*nope\.js/);
});

test('explain: a folder is not a file', async (t) => {
  await rejects(t, ['explain', tempDir()], /not a file/);
});

test('explain --live: file without annotated functions', async (t) => {
  const project = copyFixture('plain');
  await rejects(t, ['explain', path.join(project, 'plain.js'), '--live'], /no annotated functions in .*plain\.js/);
});

test('explain --live: a file that throws while loading', async (t) => {
  const project = copyFixture('plain');
  await rejects(t, ['explain', path.join(project, 'throws.js'), '--live'], /cannot load .*throws\.js: .*boom at load/);
});

test('explain --live: #name that is not annotated lists the ones that are', async (t) => {
  const project = copyFixture('basic');
  await rejects(t, ['explain', `${path.join(project, 'math.js')}#nothere`, '--live'], /no annotated function "nothere" in .*math\.js \(annotated: .*total/);
});

test('explain --diff: a root that does not exist is nothing stored yet, and is not created', async (t) => {
  const project = copyFixture('basic');
  const root = path.join(project, 'missing-root');
  await quietlyEmpty(t, ['explain', path.join(project, 'math.js'), '--diff', '--dir', root]);
  const live = await cli(['explain', path.join(project, 'math.js#total'), '--diff', '--live', '--dir', root]);
  t.is(live.code, 0, live.stderr);
  t.regex(live.stdout, /math\.js#total: nothing stored yet/);
  t.false(fs.existsSync(root));
});

test('explain: missing argument', async (t) => {
  await rejects(t, ['explain'], /missing required argument 'file'/);
});

test('attach: bad address', async (t) => {
  await rejects(t, ['attach', 'localhost:notaport'], /invalid inspector address "localhost:notaport"/);
  await rejects(t, ['attach', '127.0.0.1:70000'], /invalid inspector address/);
});

test('attach: nothing listening', async (t) => {
  // Port 1 on loopback: privileged and unused, so the connection is refused at once.
  await rejects(t, ['attach', '127.0.0.1:1'], /cannot connect to the inspector at 127\.0\.0\.1:1/);
});

test('too many arguments', async (t) => {
  const root = tempDir();
  await rejects(t, ['clear', 'a', 'b', '--dir', root], /too many arguments/);
});

// Red team round 14: no command printed the whole help (40 lines) on stderr, `remote` without its
// subcommand 11; `--json` on a missing root printed its empty JSON but not the one stderr line.
test('a missing command or subcommand is one stderr line and exit 2', async (t) => {
  for (const args of [[], ['remote']]) await rejects(t, args, /missing (?:command|subcommand)/);
  const help = await cli(['remote', '--help']);
  t.is(help.code, 0);
});

test('ls --json and stats --json on a missing root: valid empty JSON, one stderr line, exit 0', async (t) => {
  const root = path.join(tempDir(), 'no-such-cache');
  for (const command of ['ls', 'stats']) {
    const r = await cli([command, '--json', '--dir', root]);
    t.is(r.code, 0);
    t.is(JSON.parse(r.stdout).root, root);
    t.true(isOneLine(r.stderr), `${command}: ${JSON.stringify(r.stderr)}`);
  }
  t.false(fs.existsSync(root));
});
