// The team cache's pure parts, in process: reading the environment, redaction, and the signed
// record format. And, in child processes, what a program loads: nothing of the team cache
// without SMARTCACHE_REMOTE, and never the Redis client on its main thread.
import test from 'ava';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { REGISTER, SECRET, bodies, machine, repo, warnings } from './fixtures/remote/helpers.mjs';

const require = createRequire(import.meta.url);
const { readRemoteConfig, redact, keyIdOf, DEFAULT_TIMEOUT_MS, DEFAULT_MAX_BYTES } = require(path.join(repo, 'dist', 'remote', 'config.js'));
const { recordHeader, verifyRecord } = require(path.join(repo, 'dist', 'remote', 'record.js'));

const base = { SMARTCACHE_REMOTE: 'redis://cache.internal:6379', SMARTCACHE_REMOTE_KEY: SECRET };

test('no SMARTCACHE_REMOTE: no configuration at all', (t) => {
  t.is(readRemoteConfig({}), undefined);
  t.is(readRemoteConfig({ SMARTCACHE_REMOTE: '  ', SMARTCACHE_REMOTE_KEY: SECRET }), undefined);
});

test('defaults: read-only, namespace "default", a derived key id', (t) => {
  const c = readRemoteConfig(base);
  t.like(c, { write: false, namespace: 'default', read: ['default'], timeoutMs: DEFAULT_TIMEOUT_MS, maxBytes: DEFAULT_MAX_BYTES, username: undefined, password: undefined, shown: 'redis://cache.internal:6379' });
  t.deepEqual(c.endpoint, { kind: 'tcp', host: 'cache.internal', port: 6379, tls: false, database: 0 });
  t.is(c.keyId, keyIdOf(SECRET));
  t.not(keyIdOf(SECRET), keyIdOf(`${SECRET}x`), 'a new secret is a new key space');
  t.regex(c.keyId, /^k[0-9a-f]{12}$/);
});

test('every variable is read', (t) => {
  const c = readRemoteConfig({
    ...base,
    SMARTCACHE_REMOTE: 'rediss://[::1]:6380/3',
    SMARTCACHE_REMOTE_USER: 'ci',
    SMARTCACHE_REMOTE_PASSWORD: 'pw',
    SMARTCACHE_REMOTE_KEY_ID: '2025-q3',
    SMARTCACHE_REMOTE_WRITE: '1',
    SMARTCACHE_REMOTE_NAMESPACE: 'main',
    SMARTCACHE_REMOTE_READ: 'main, trusted,main',
    SMARTCACHE_REMOTE_TIMEOUT: '2s',
    SMARTCACHE_REMOTE_MAX_BYTES: '10M',
  });
  t.deepEqual(c.endpoint, { kind: 'tcp', host: '::1', port: 6380, tls: true, database: 3 });
  t.like(c, { username: 'ci', password: 'pw', keyId: '2025-q3', write: true, namespace: 'main', timeoutMs: 2000, maxBytes: 10 * 1024 * 1024, shown: 'rediss://[::1]:6380/3' });
  t.deepEqual(c.read, ['main', 'trusted']);
  t.deepEqual(readRemoteConfig({ ...base, SMARTCACHE_REMOTE: 'unix:///run/redis/redis.sock' }).endpoint, { kind: 'unix', path: '/run/redis/redis.sock', database: 0 });
});

test('credentials in the URL are used but never shown; the variables win over them', (t) => {
  const c = readRemoteConfig({ ...base, SMARTCACHE_REMOTE: 'redis://alice:s3cr%40t@h:1' });
  t.like(c, { username: 'alice', password: 's3cr@t', shown: 'redis://h:1' });
  t.like(readRemoteConfig({ ...base, SMARTCACHE_REMOTE: 'redis://alice:x@h:1', SMARTCACHE_REMOTE_USER: 'bob', SMARTCACHE_REMOTE_PASSWORD: 'y' }), { username: 'bob', password: 'y' });
  t.is(redact('connect failed: redis://alice:s3cr@t@h:1 said s3cr@t', c), 'connect failed: redis://***@h:1 said ***');
  t.is(redact(`bad ${SECRET}`, c), 'bad ***');
});

test('a bad variable is a problem naming it, never echoing a password', (t) => {
  const problem = readRemoteConfig({ ...base, SMARTCACHE_REMOTE: 'http://u:hunter2@h' });
  t.is(problem.variable, 'SMARTCACHE_REMOTE');
  t.false(problem.message.includes('hunter2'));
  t.is(readRemoteConfig({ ...base, SMARTCACHE_REMOTE_TIMEOUT: '0' }).variable, 'SMARTCACHE_REMOTE_TIMEOUT');
  t.is(readRemoteConfig({ ...base, SMARTCACHE_REMOTE_MAX_BYTES: '1G' }).variable, 'SMARTCACHE_REMOTE_MAX_BYTES');
  t.is(readRemoteConfig({ ...base, SMARTCACHE_REMOTE_KEY: undefined }).variable, 'SMARTCACHE_REMOTE_KEY');
});

test('records: the signature binds the key id, namespace, key, length and every byte', (t) => {
  const signer = { secret: SECRET, keyId: 'k1' };
  const key = 'a'.repeat(64);
  const entry = Buffer.from('the exact bytes of an entry file');
  const record = Buffer.concat([recordHeader(signer, 'team', key, entry), entry]);
  const ok = verifyRecord(signer, 'team', key, record);
  t.true(ok.ok);
  t.true(ok.entry.equals(entry));
  t.false(verifyRecord(signer, 'other', key, record).ok, 'another namespace');
  t.false(verifyRecord(signer, 'team', 'b'.repeat(64), record).ok, 'another key');
  t.false(verifyRecord({ ...signer, secret: `${SECRET}!` }, 'team', key, record).ok, 'another secret');
  t.regex(verifyRecord({ ...signer, keyId: 'k2' }, 'team', key, record).why, /key id "k1", not "k2"/);
  t.false(verifyRecord(signer, 'team', key, record.subarray(0, record.length - 1)).ok, 'truncated');
  t.false(verifyRecord(signer, 'team', key, Buffer.concat([record, Buffer.from([0])])).ok, 'extended');
  for (let i = 0; i < record.length; i += 7) {
    const flipped = Buffer.from(record);
    flipped[i] ^= 1;
    t.false(verifyRecord(signer, 'team', key, flipped).ok, `bit flipped at ${i}`);
  }
  t.regex(verifyRecord(signer, 'team', key, entry).why, /no signature/);
});

test('the @cache tag takes remote=false', (t) => {
  const { parseTagOptions } = require(path.join(repo, 'dist', 'preload', 'tag-options.js'));
  t.deepEqual(parseTagOptions('remote=false ttl=1h'), { options: { remote: false, ttl: '1h' }, warnings: [], invalid: false });
  t.true(parseTagOptions('remote=maybe').invalid);
});

/** Modules a script loaded on its main thread, reported by the script itself. */
// Modules that ran: files in require.cache, and the modules of the bundle (dist/runtime.js) that
// ran, which are not required through their doors.
const LOADED = `
const bundles = Object.keys(require.cache).filter((f) => /\\/dist\\/runtime(-preload)?\\.js$/.test(f) && typeof require.cache[f].exports.loaded === 'function');
const loaded = [...Object.keys(require.cache), ...bundles.flatMap((bundle) => require.cache[bundle].exports.loaded().map((m) => bundle.replace(/runtime(-preload)?\\.js$/, m)))];
console.log('OUT ' + JSON.stringify({
  remote: loaded.filter((f) => f.includes('/dist/remote/')).map((f) => f.split('/dist/')[1]),
  client: loaded.filter((f) => /node_modules\\/(redis|@redis)\\//.test(f)).length,
}));
`;

const SCRIPT = `
const { cache } = require(${JSON.stringify(path.join(repo, 'dist', 'index.js'))});
const f = cache(function f(n) { console.log('BODY f ' + n); return n + 1; });
const g = cache(async function g(n) { console.log('BODY g ' + n); return n + 2; }, { remote: process.env.G_REMOTE !== '0' });
(async () => {
  f(1);
  await g(1);
  ${LOADED}
})();
`;

const ANNOTATED = `
/** @cache */
function h(n) { console.log('BODY h ' + n); return n * 2; }
h(3);
${LOADED}
`;

test('without SMARTCACHE_REMOTE nothing of the team cache is loaded (cache(), preload)', (t) => {
  const m = machine(undefined, { SMARTCACHE_REMOTE: '' });
  const fs = require('node:fs');
  fs.writeFileSync(path.join(m.dir, 'lazy.cjs'), SCRIPT);
  fs.writeFileSync(path.join(m.dir, 'annotated-lazy.js'), ANNOTATED);
  const run = m.run(['lazy.cjs']);
  t.is(run.status, 0, run.stderr);
  t.deepEqual(run.out, { remote: [], client: 0 });
  const pre = m.run(['--require', REGISTER, 'annotated-lazy.js']);
  t.is(pre.status, 0, pre.stderr);
  t.deepEqual(pre.out, { remote: [], client: 0 });
  t.deepEqual(bodies(pre.stdout), ['BODY h 3']);
});

test('with SMARTCACHE_REMOTE, the Redis client is loaded only by the worker thread, never the main one', (t) => {
  const m = machine({ url: 'redis://127.0.0.1:1' }, { SMARTCACHE_REMOTE_TIMEOUT: '200' });
  require('node:fs').writeFileSync(path.join(m.dir, 'lazy.cjs'), SCRIPT);
  const run = m.run(['lazy.cjs']);
  t.is(run.status, 0, run.stderr);
  t.is(run.out.client, 0);
  t.true(run.out.remote.includes('remote/bridge.js'));
  t.false(run.out.remote.includes('remote/connection.js'));
});

test('remote: false on every function: the team cache is not loaded even when configured', (t) => {
  const m = machine({ url: 'redis://127.0.0.1:1' });
  require('node:fs').writeFileSync(path.join(m.dir, 'lazy.cjs'), SCRIPT.replace("cache(function f(n) { console.log('BODY f ' + n); return n + 1; })", "cache(function f(n) { console.log('BODY f ' + n); return n + 1; }, { remote: false })"));
  const run = m.run(['lazy.cjs'], { G_REMOTE: '0' });
  t.is(run.status, 0, run.stderr);
  t.deepEqual(run.out, { remote: [], client: 0 });
});

/** SCRIPT run with `env`: both calls ran, and exactly one ERR_REMOTE_CONFIG warning (returned). */
function withOneConfigWarning(t, env) {
  const m = machine({ url: 'redis://127.0.0.1:1' }, env);
  require('node:fs').writeFileSync(path.join(m.dir, 'lazy.cjs'), SCRIPT);
  const run = m.run(['lazy.cjs']);
  t.is(run.status, 0, run.stderr);
  t.deepEqual(bodies(run.stdout), ['BODY f 1', 'BODY g 1']);
  const config = warnings(run.stderr, 'ERR_REMOTE_CONFIG');
  t.is(config.length, 1, run.stderr);
  return { run, config };
}

test('a short signing key is used, with one warning that it can be guessed', (t) => {
  const { run, config } = withOneConfigWarning(t, { SMARTCACHE_REMOTE_KEY: 'team-key', SMARTCACHE_REMOTE_TIMEOUT: '200' });
  t.regex(config[0], /SMARTCACHE_REMOTE_KEY is shorter than 16 characters/);
  t.notRegex(config[0], /team-key/, 'the secret is never shown');
  // The team cache was set up (its bridge loaded), not turned off.
  t.true(run.out.remote.includes('remote/bridge.js'), JSON.stringify(run.out));
});

test('no signing key: the remote is not used, one warning, calls unaffected', (t) => {
  const { run, config } = withOneConfigWarning(t, { SMARTCACHE_REMOTE_KEY: '' });
  t.regex(config[0], /SMARTCACHE_REMOTE_KEY is not set/);
  t.deepEqual(warnings(run.stderr).length, 1);
});
