// A cache root on a read-only file system is reported as EROFS, never as ENOENT (Node 20's
// recursive mkdir says ENOENT there) and never as "nothing removed". A real read-only mount is
// made in a private user + mount namespace (`unshare -rm`), invisible to the rest of the machine.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanEnv, isOneLine, MAIN, REPO, tempDir } from './fixtures/cli/helpers.mjs';

function unshareWorks() {
  const r = spawnSync('unshare', ['-rm', 'sh', '-c', 'mount -t tmpfs tmpfs "$0" && mount -o remount,ro "$0"', tempDir()], { encoding: 'utf8', timeout: 20_000 });
  return r.status === 0;
}

const available = unshareWorks();

function skipUnlessAvailable(t) {
  if (available) return false;
  // .ci/run machines allow user namespaces: there a missing one is a failure, not a silent pass.
  if (process.env.CI) t.fail('unshare -rm (user and mount namespaces) is not available in CI');
  else t.log('SKIPPED: unshare -rm is not available here; no read-only mount could be made');
  t.pass();
  return true;
}

/**
 * Runs `script` (sh) in a namespace where `dir` is a fresh tmpfs, first `setup` on it while
 * writable, then remounted read-only. Returns the script's exit code, stdout and stderr.
 */
function onReadOnly(dir, setup, script) {
  const sh = [`mount -t tmpfs tmpfs ${q1(dir)}`, setup, `mount -o remount,ro ${q1(dir)}`, script].filter((s) => s !== '').join(' && ');
  const r = spawnSync('unshare', ['-rm', 'sh', '-c', sh], { cwd: REPO, env: cleanEnv(), encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A shell word. */
function q1(s) {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const node = (code) => `${q1(process.execPath)} -e ${q1(code)}`;

test('a cached function whose root cannot be created on a read-only file system warns EROFS, not ENOENT', (t) => {
  if (skipUnlessAvailable(t)) return;
  const dir = tempDir();
  const call = `process.env.SMARTCACHE_DIR = ${JSON.stringify(path.join(dir, 'cache'))};
    const { cache } = require(${JSON.stringify(path.join(REPO, 'dist', 'index.js'))});
    const sq = cache(function sq(x) { return x * x; }, { name: 'sq' });
    console.log(sq(3));`;
  const r = onReadOnly(dir, '', node(call));
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout.trim(), '9', 'the call still works, uncached');
  t.regex(r.stderr, /EROFS/);
  t.notRegex(r.stderr, /ENOENT/);
});

function populate(root) {
  return node(`const { Store } = require(${JSON.stringify(path.join(REPO, 'dist', 'store', 'index.js'))});
    const s = Store.open(${JSON.stringify(root)});
    const key = (i) => String(i).repeat(64).slice(0, 64);
    for (let i = 1; i <= 3; i++) s.put(key(i), { fn: 'fib', fingerprint: 'f'.repeat(64), created: Date.now(), computeMs: 5 }, i);`);
}

test('clear on a read-only root says EROFS in one line and exits non-zero', (t) => {
  if (skipUnlessAvailable(t)) return;
  const dir = tempDir();
  const root = path.join(dir, 'cache');
  const r = onReadOnly(dir, populate(root), `${q1(process.execPath)} ${q1(MAIN)} clear --dir ${q1(root)}`);
  t.is(r.code, 1, r.stdout);
  t.true(isOneLine(r.stderr), r.stderr);
  t.regex(r.stderr, /^smartcache: .*EROFS/);
  t.notRegex(r.stderr, /ENOENT/);
  t.notRegex(r.stdout, /cleared 0 entries/);
});

test('ls on a read-only root works (it only reads)', (t) => {
  if (skipUnlessAvailable(t)) return;
  const dir = tempDir();
  const root = path.join(dir, 'cache');
  const r = onReadOnly(dir, populate(root), `${q1(process.execPath)} ${q1(MAIN)} ls --json --dir ${q1(root)}`);
  t.is(r.code, 0, r.stderr);
  t.is(JSON.parse(r.stdout).entries, 3);
  fs.rmSync(dir, { recursive: true, force: true });
});
