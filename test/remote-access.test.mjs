// Who may do what on the server, and how the client reaches it: Redis ACL users (a reader with
// only read commands, a writer limited to its namespace's key prefix), wrong credentials (never
// printed), TLS (rediss://) and a unix socket.
import test from 'ava';
import { bodies, machine, namespace, warnings } from './fixtures/remote/helpers.mjs';
import { allKeys, haveRedis, redisTest, startRedis } from './fixtures/remote/server.mjs';

const maybe = redisTest(test);
let server;

// The README's ACL examples, verbatim in substance.
const READER = ['ACL', 'SETUSER', 'reader', 'on', '>reader-password-1', 'resetkeys', '~smartcache:*', '-@all', '+strlen', '+getrange', '+smembers', '+ping'];
const WRITER = ['ACL', 'SETUSER', 'ci-writer', 'on', '>writer-password-1', 'resetkeys', '~smartcache:team:*', '-@all', '+strlen', '+getrange', '+smembers', '+ping', '+set', '+sadd'];

test.before(async () => {
  if (!haveRedis() && !process.env.CI) return;
  server = await startRedis();
  const admin = await server.client();
  await admin.sendCommand(READER);
  await admin.sendCommand(WRITER);
  await admin.close();
});
test.after.always(async () => {
  await server?.stop();
});

const reader = { SMARTCACHE_REMOTE_USER: 'reader', SMARTCACHE_REMOTE_PASSWORD: 'reader-password-1' };
const writer = { SMARTCACHE_REMOTE_USER: 'ci-writer', SMARTCACHE_REMOTE_PASSWORD: 'writer-password-1', SMARTCACHE_REMOTE_WRITE: '1' };

async function keysOf(ns) {
  return (await allKeys(server)).filter((k) => k.startsWith(`smartcache:${ns}:`));
}


maybe.serial('a writer limited to smartcache:team:* uploads there, and a reader user reads it', async (t) => {
  const a = machine(server, { ...writer, SMARTCACHE_REMOTE_NAMESPACE: 'team' });
  const one = a.run(['main.cjs', '5']);
  t.is(one.status, 0, one.stderr);
  t.deepEqual(warnings(one.stderr), []);
  t.true((await keysOf('team')).some((k) => k.includes(':e:')));
  const b = machine(server, { ...reader, SMARTCACHE_REMOTE_NAMESPACE: 'team' });
  const two = b.run(['main.cjs', '5']);
  t.is(two.status, 0, two.stderr);
  t.deepEqual(bodies(two.stdout), [], 'the reader user hit');
  t.deepEqual(warnings(two.stderr), []);
});

maybe('the writer cannot write outside its prefix: one warning, calls unaffected, nothing written', async (t) => {
  const ns = namespace('elsewhere');
  const a = machine(server, { ...writer, SMARTCACHE_REMOTE_NAMESPACE: ns, SMARTCACHE_LOG: 'summary' });
  const run = a.run(['main.cjs', '6']);
  t.is(run.status, 0, run.stderr);
  t.deepEqual(run.out, { a: { n: 6, sq: 36, list: [6, 'computed'] }, b: { n: 6, triple: 18 } });
  const denied = warnings(run.stderr, 'ERR_REMOTE_DENIED');
  t.is(denied.length, 1, run.stderr);
  t.regex(denied[0], /NOPERM/);
  t.deepEqual(await keysOf(ns), []);
});

maybe('a reader user with SMARTCACHE_REMOTE_WRITE=1 cannot write: one warning, reads go on', async (t) => {
  const ns = 'team';
  const b = machine(server, { ...reader, SMARTCACHE_REMOTE_WRITE: '1', SMARTCACHE_REMOTE_NAMESPACE: ns, SMARTCACHE_LOG: 'summary' });
  const before = await keysOf(ns);
  const run = b.run(['main.cjs', '11']);
  t.is(run.status, 0, run.stderr);
  t.is(warnings(run.stderr, 'ERR_REMOTE_DENIED').length, 1, run.stderr);
  t.is(warnings(run.stderr, 'ERR_REMOTE_UNAVAILABLE').length, 0, 'a refused write does not switch reads off');
  t.deepEqual(await keysOf(ns), before);
});

maybe('a wrong password: calls unaffected, the remote switches off, the password is never printed', (t) => {
  const password = 'not-the-password-xyz';
  const url = new URL(server.url);
  url.username = 'reader';
  url.password = 'url-secret-pw-123';
  for (const env of [{ SMARTCACHE_REMOTE_USER: 'reader', SMARTCACHE_REMOTE_PASSWORD: password }, { SMARTCACHE_REMOTE: url.href }]) {
    const b = machine(server, { ...env, SMARTCACHE_REMOTE_NAMESPACE: 'team', SMARTCACHE_LOG: 'summary' });
    const run = b.run(['main.cjs', '12']);
    t.is(run.status, 0, run.stderr);
    t.deepEqual(bodies(run.stdout), ['BODY square 12', 'BODY triple 12']);
    const off = warnings(run.stderr, 'ERR_REMOTE_UNAVAILABLE');
    t.is(off.length, 1, run.stderr);
    t.regex(off[0], /WRONGPASS/);
    t.false(run.stderr.includes(password));
    t.false(run.stderr.includes('url-secret-pw-123'));
  }
});

maybe('a wrong password with SMARTCACHE_REMOTE_WRITE=1: the warning points at the credentials, not at a read-only user', (t) => {
  const b = machine(server, { SMARTCACHE_REMOTE_USER: 'reader', SMARTCACHE_REMOTE_PASSWORD: 'not-the-password-xyz', SMARTCACHE_REMOTE_WRITE: '1', SMARTCACHE_REMOTE_NAMESPACE: 'team' });
  const run = b.run(['main.cjs', '13']);
  t.is(run.status, 0, run.stderr);
  t.deepEqual(bodies(run.stdout), ['BODY square 13', 'BODY triple 13']);
  const said = [...warnings(run.stderr, 'ERR_REMOTE_DENIED'), ...warnings(run.stderr, 'ERR_REMOTE_UNAVAILABLE')];
  t.true(said.length >= 1, run.stderr);
  t.true(said.some((w) => /WRONGPASS/.test(w)), run.stderr);
  t.false(said.some((w) => /read-only user/.test(w)), run.stderr);
  for (const w of warnings(run.stderr, 'ERR_REMOTE_DENIED')) t.regex(w, /SMARTCACHE_REMOTE_PASSWORD/);
  t.false(run.stderr.includes('not-the-password-xyz'));
});

maybe('TLS (rediss://) with the server certificate trusted through NODE_EXTRA_CA_CERTS', async (t) => {
  const tls = await startRedis({ mode: 'tls' });
  try {
    const ns = { SMARTCACHE_REMOTE_NAMESPACE: namespace('tls'), NODE_EXTRA_CA_CERTS: tls.ca };
    const a = machine(tls, { ...ns, SMARTCACHE_REMOTE_WRITE: '1' });
    t.is(a.run(['main.cjs', '9']).status, 0);
    const b = machine(tls, ns);
    const run = b.run(['main.cjs', '9']);
    t.is(run.status, 0, run.stderr);
    t.deepEqual(bodies(run.stdout), [], 'a hit over TLS');
    // Without the CA the certificate is refused: no plaintext fallback, and the calls still work.
    const untrusted = machine(tls, { SMARTCACHE_REMOTE_NAMESPACE: ns.SMARTCACHE_REMOTE_NAMESPACE }).run(['main.cjs', '9']);
    t.is(untrusted.status, 0, untrusted.stderr);
    t.deepEqual(bodies(untrusted.stdout), ['BODY square 9', 'BODY triple 9']);
    t.regex(warnings(untrusted.stderr, 'ERR_REMOTE_UNAVAILABLE')[0] ?? '', /certificate/i);
  } finally {
    await tls.stop();
  }
});

maybe('a unix socket (unix:///path)', async (t) => {
  const unix = await startRedis({ mode: 'unix' });
  try {
    const ns = { SMARTCACHE_REMOTE_NAMESPACE: namespace('unix') };
    t.is(machine(unix, { ...ns, SMARTCACHE_REMOTE_WRITE: '1' }).run(['main.mjs', '2']).status, 0);
    const run = machine(unix, ns).run(['main.mjs', '2']);
    t.is(run.status, 0, run.stderr);
    t.deepEqual(bodies(run.stdout), []);
  } finally {
    await unix.stop();
  }
});
