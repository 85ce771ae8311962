// `smartcache push`, `smartcache pull <file>[#name]` and `smartcache remote check` against a real
// server, and the one-line error (non-zero exit) for each bad configuration.
import test from 'ava';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { CLI, SECRET, bodies, machine, namespace, node, repo } from './fixtures/remote/helpers.mjs';

const require = createRequire(import.meta.url);
import { freePort, haveRedis, redisTest, startRedis } from './fixtures/remote/server.mjs';

const maybe = redisTest(test);
let server;
test.before(async () => {
  if (!haveRedis() && !process.env.CI) return;
  server = await startRedis();
  const admin = await server.client();
  await admin.sendCommand(['ACL', 'SETUSER', 'reader', 'on', '>reader-password-1', 'resetkeys', '~smartcache:*', '-@all', '+strlen', '+getrange', '+smembers', '+ping']);
  await admin.close();
});
test.after.always(async () => {
  await server?.stop();
});

/** Runs the CLI in machine `m`'s checkout with its environment plus `env`. */
function cli(m, args, env = {}) {
  const r = node([CLI, ...args, '--dir', m.root], { cwd: m.dir, env: { ...m.env, ...env } });
  const errLines = r.stderr.split('\n').filter((l) => l !== '');
  return { ...r, errLines };
}

function oneLineError(t, r, status, pattern) {
  t.is(r.status, status, r.stdout + r.stderr);
  t.is(r.errLines.length, 1, r.stderr);
  t.regex(r.errLines[0], /^smartcache: /);
  t.regex(r.errLines[0], pattern);
}

/** Runs the CLI in this process (no child: 13 configurations) with `env` as the only SMARTCACHE_* variables. */
async function cliHere(args, env) {
  const { runCli } = require(path.join(repo, 'dist', 'cli', 'program.js'));
  const saved = { ...process.env };
  for (const k of Object.keys(process.env)) if (k.startsWith('SMARTCACHE')) delete process.env[k];
  Object.assign(process.env, env);
  const stdout = [];
  const stderr = [];
  const plain = (x) => x;
  const out = { style: { bold: plain, dim: plain, red: plain, yellow: plain, green: plain, cyan: plain }, interactive: false, line: (l = '') => stdout.push(l), warn: (l) => stderr.push(l) };
  try {
    const status = await runCli(args, out);
    return { status, stdout: stdout.join('\n'), stderr: stderr.join('\n'), errLines: stderr };
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

test.serial('remote check: each bad configuration is one line and exit 2', async (t) => {
  const good = { SMARTCACHE_REMOTE: 'redis://127.0.0.1:1', SMARTCACHE_REMOTE_KEY: SECRET };
  const cases = [
    [{ SMARTCACHE_REMOTE: '' }, /SMARTCACHE_REMOTE is not set/],
    [{ SMARTCACHE_REMOTE_KEY: '' }, /SMARTCACHE_REMOTE_KEY is not set/],
    [{ SMARTCACHE_REMOTE: 'ftp://x:secretpw@host' }, /must start with redis:\/\/, rediss:\/\/ or unix:\/\//],
    [{ SMARTCACHE_REMOTE: 'not a url secretpw' }, /is not a URL/],
    [{ SMARTCACHE_REMOTE: 'redis://h:1/abc' }, /database must be a number/],
    [{ SMARTCACHE_REMOTE: 'unix://host/sock' }, /unix:\/\/\/absolute\/path/],
    [{ SMARTCACHE_REMOTE_TIMEOUT: 'soon' }, /SMARTCACHE_REMOTE_TIMEOUT must be/],
    [{ SMARTCACHE_REMOTE_MAX_BYTES: 'lots' }, /SMARTCACHE_REMOTE_MAX_BYTES must be/],
    [{ SMARTCACHE_REMOTE_WRITE: 'please' }, /SMARTCACHE_REMOTE_WRITE must be 1/],
    [{ SMARTCACHE_REMOTE_NAMESPACE: 'a:b' }, /SMARTCACHE_REMOTE_NAMESPACE must be/],
    [{ SMARTCACHE_REMOTE_READ: 'team,,x' }, /SMARTCACHE_REMOTE_READ must be a comma-separated list/],
    [{ SMARTCACHE_REMOTE_KEY_ID: 'id with spaces' }, /SMARTCACHE_REMOTE_KEY_ID must be/],
  ];
  for (const [env, pattern] of cases) {
    for (const command of [['remote', 'check'], ['push'], ['pull', 'main.cjs']]) {
      const r = await cliHere(command, { ...good, ...env });
      oneLineError(t, r, 2, pattern);
      t.false(r.stderr.includes('secretpw'), 'a URL is never echoed with its password');
    }
  }
});

maybe('remote check: unreachable, wrong password, denied write: one line, exit 1, no secret printed', async (t) => {
  const m = machine(server);
  oneLineError(t, cli(m, ['remote', 'check'], { SMARTCACHE_REMOTE: `redis://127.0.0.1:${await freePort()}` }), 1, /cannot connect at redis:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
  const wrong = cli(m, ['remote', 'check'], { SMARTCACHE_REMOTE_USER: 'reader', SMARTCACHE_REMOTE_PASSWORD: 'wrong-password-zz' });
  oneLineError(t, wrong, 1, /WRONGPASS/);
  t.false(wrong.stdout.includes('wrong-password-zz') || wrong.stderr.includes('wrong-password-zz'));
  const denied = cli(m, ['remote', 'check'], { SMARTCACHE_REMOTE_USER: 'reader', SMARTCACHE_REMOTE_PASSWORD: 'reader-password-1', SMARTCACHE_REMOTE_WRITE: '1' });
  oneLineError(t, denied, 1, /refused user "reader" to write smartcache:default:\*.*NOPERM/);
});

maybe('remote check: says what this client may do and verifies the signing key', (t) => {
  const ns = namespace('check');
  const m = machine(server, { SMARTCACHE_REMOTE_NAMESPACE: ns });
  const fresh = cli(m, ['remote', 'check']);
  t.is(fresh.status, 0, fresh.stderr);
  t.regex(fresh.stdout, /team cache: redis:\/\/127\.0\.0\.1:\d+ \(no TLS, the default user\)/);
  t.regex(fresh.stdout, new RegExp(`namespace ${ns}: nothing signed with this key id yet`));
  t.regex(fresh.stdout, /^may: read \(/m);
  const writer = cli(m, ['remote', 'check'], { SMARTCACHE_REMOTE_WRITE: '1' });
  t.is(writer.status, 0, writer.stderr);
  t.regex(writer.stdout, /^may: read and write \(writes /m);
  const reader = cli(m, ['remote', 'check'], { SMARTCACHE_REMOTE_USER: 'reader', SMARTCACHE_REMOTE_PASSWORD: 'reader-password-1' });
  t.is(reader.status, 0, reader.stderr);
  t.regex(reader.stdout, new RegExp(`namespace ${ns}: verified`));
  // Same key id, another secret: the writers' probe does not verify.
  const other = cli(m, ['remote', 'check'], { SMARTCACHE_REMOTE_KEY: 'another-secret-entirely-1234', SMARTCACHE_REMOTE_KEY_ID: writer.stdout.match(/id (k[0-9a-f]+)/)[1] });
  oneLineError(t, other, 1, /does not verify with SMARTCACHE_REMOTE_KEY/);
});

maybe('push uploads entries of current fingerprints only; a reader then hits', (t) => {
  const ns = { SMARTCACHE_REMOTE_NAMESPACE: namespace('push') };
  const a = machine(server, ns);
  // Computed with no remote at all, e.g. before the team cache was set up.
  t.is(a.run(['main.cjs', '4'], { SMARTCACHE_REMOTE: '' }).status, 0);
  // An edit: the old entries stay on disk under the old fingerprint.
  const file = path.join(a.dir, 'main.cjs');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('n * n,', 'n * n + 0,').replace('n * 3 }', 'n * 3 + 0 }'));
  t.is(a.run(['main.cjs', '4'], { SMARTCACHE_REMOTE: '' }).status, 0);

  oneLineError(t, cli(a, ['push']), 2, /push uploads, and this client is read-only: set SMARTCACHE_REMOTE_WRITE=1/);
  const push = cli(a, ['push'], { SMARTCACHE_REMOTE_WRITE: '1' });
  t.is(push.status, 0, push.stderr);
  t.regex(push.stdout, /^pushed 2 entries \([\d.]+ \w*B\) to redis:\/\/127\.0\.0\.1:\d+, namespace push-\S+; 0 already there, 0 over the size cap, 2 of old fingerprints or expired skipped$/m);
  const again = cli(a, ['push'], { SMARTCACHE_REMOTE_WRITE: '1' });
  t.regex(again.stdout, /^pushed 0 entries .*; 2 already there/m);

  const b = machine(server, ns);
  fs.writeFileSync(path.join(b.dir, 'main.cjs'), fs.readFileSync(file, 'utf8'));
  const run = b.run(['main.cjs', '4']);
  t.is(run.status, 0, run.stderr);
  t.deepEqual(bodies(run.stdout), [], 'both pushed entries are hits');

  const nothing = machine(server, ns);
  fs.rmSync(nothing.root, { recursive: true });
  const empty = cli(nothing, ['push'], { SMARTCACHE_REMOTE_WRITE: '1' });
  t.is(empty.status, 0, empty.stderr);
  t.regex(empty.stdout, /^nothing to push: no cache at /);
  t.false(fs.existsSync(nothing.root), 'push does not create the root');
});

maybe('pull <file>#name warms the local store with that function’s entries only', (t) => {
  const ns = { SMARTCACHE_REMOTE_NAMESPACE: namespace('pull') };
  const a = machine(server, { ...ns, SMARTCACHE_REMOTE_WRITE: '1' });
  for (const n of ['1', '2', '3']) t.is(a.run(['main.cjs', n]).status, 0);

  const b = machine(server, ns);
  const one = cli(b, ['pull', 'main.cjs#square']);
  t.is(one.status, 0, one.stderr);
  t.regex(one.stdout, /^pulled 3 entries \([\d.]+ \w*B\) for main\.cjs#square from redis:\/\/127\.0\.0\.1:\d+; 0 already local, 0 refused/m);
  // Offline now: square comes from the local store, triple was not pulled.
  const offline = b.run(['main.cjs', '2'], { SMARTCACHE_REMOTE: '' });
  t.deepEqual(bodies(offline.stdout), ['BODY triple 2']);

  const all = cli(b, ['pull', 'main.cjs']);
  t.is(all.status, 0, all.stderr);
  t.regex(all.stdout, /^pulled 2 entries .* for main\.cjs#square, main\.cjs#triple .*; 4 already local/m);

  oneLineError(t, cli(b, ['pull', 'nope.cjs']), 2, /no such file: nope\.cjs/);
  oneLineError(t, cli(b, ['pull', 'main.cjs#cube']), 2, /main\.cjs has no cached function cube \(it has: main\.cjs#square, main\.cjs#triple\)/);
  oneLineError(t, cli(b, ['pull', 'main.cjs'], { SMARTCACHE_REMOTE_KEY: '' }), 2, /SMARTCACHE_REMOTE_KEY is not set/);
});

test('push, pull and remote check answer --help with --dir', (t) => {
  for (const args of [['push'], ['pull'], ['remote', 'check']]) {
    const r = node([CLI, ...args, '--help']);
    t.is(r.status, 0, r.stderr);
    t.regex(r.stdout, /--dir <path>/);
  }
  t.truthy(SECRET);
});
