// What a team cache client accepts: only records signed with its key for exactly the namespace
// and key it asked for, then only entries the local store accepts for the function that asked.
// Forged, unsigned, tampered and oversized records are misses (with one warning): the function
// runs and its own result is returned, never the planted one.
import test from 'ava';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { SECRET, bodies, machine, namespace, repo, tempDir, warnings } from './fixtures/remote/helpers.mjs';
import { commandCounts, haveRedis, redisTest, startRedis } from './fixtures/remote/server.mjs';

const require = createRequire(import.meta.url);
const { Store, STORE_FORMAT_VERSION } = require(path.join(repo, 'dist', 'store', 'index.js'));
const { entryKey } = require(path.join(repo, 'dist', 'remote', 'keys.js'));
const { recordHeader } = require(path.join(repo, 'dist', 'remote', 'record.js'));
const { keyIdOf } = require(path.join(repo, 'dist', 'remote', 'config.js'));

const maybe = redisTest(test);
// Server-wide command counts are compared: nothing else may run meanwhile.
const serial = redisTest(test.serial);
let server;
test.before(async () => {
  if (haveRedis() || process.env.CI) server = await startRedis();
});
test.after.always(async () => {
  await server?.stop();
});

/** Entries computed once by a writer machine, by argument list: { key, meta, entry }. */
const computed = new Map();
function computedEntry(args) {
  const id = args.join(' ');
  if (!computed.has(id)) {
    const a = machine(server, { SMARTCACHE_REMOTE: '' });
    const run = a.run(args);
    if (run.status !== 0) throw new Error(run.stderr);
    const store = Store.open(a.root);
    const [info] = [...store.entries()];
    computed.set(id, { key: info.key, meta: info.meta, entry: store.readBytes(info.key, Infinity) });
  }
  return computed.get(id);
}

/**
 * A fresh namespace holding the correctly signed record of `args`' entry, as a writer would have
 * uploaded it; returns its parts.
 */
async function seeded(label, args = ['one.cjs', '7']) {
  const ns = namespace(label);
  const { key, meta, entry } = computedEntry(args);
  const redisKey = entryKey(ns, { keyId: signer.keyId, storeFormat: STORE_FORMAT_VERSION }, key);
  const record = Buffer.concat([recordHeader(signer, ns, key, entry), entry]);
  await put(redisKey, record);
  return { ns, redisKey, key, record, meta, entry };
}

/** Entry file bytes holding `value` under `meta` (what the store itself would write). */
function entryBytes(meta, value) {
  const store = Store.open(tempDir('sc-forge-'));
  const key = 'f'.repeat(64);
  store.put(key, meta, [value]);
  return store.readBytes(key, Infinity);
}

async function put(redisKey, bytes) {
  const c = await server.client();
  await c.set(redisKey, bytes);
  await c.close();
}

const signer = { secret: SECRET, keyId: keyIdOf(SECRET) };
const forgedValue = { n: 7, sq: 'FORGED' };

function readerRun(ns, args = ['one.cjs', '7']) {
  return machine(server, { SMARTCACHE_REMOTE_NAMESPACE: ns, SMARTCACHE_LOG: 'summary' }).run(args);
}

function assertRefused(t, run, code) {
  t.is(run.status, 0, run.stderr);
  t.deepEqual(bodies(run.stdout), ['BODY square 7'], 'the function ran');
  t.deepEqual(run.out, { n: 7, sq: 49 }, 'its own result, never the planted one');
  t.is(warnings(run.stderr, code).length, 1, run.stderr);
  t.regex(run.stderr, /team cache: 0 hits, 1 miss, 0 errors, 0 timeouts, 1 rejected/);
}

maybe('a record signed with another secret is a miss with one warning', async (t) => {
  const s = await seeded('wrong-secret');
  const forged = entryBytes(s.meta, forgedValue);
  const header = recordHeader({ secret: 'another-secret-of-enough-length', keyId: signer.keyId }, s.ns, s.key, forged);
  await put(s.redisKey, Buffer.concat([header, forged]));
  const run = readerRun(s.ns);
  assertRefused(t, run, 'ERR_REMOTE_SIGNATURE');
  t.regex(warnings(run.stderr)[0], /signature does not verify/);
});

maybe('a record with no signature (bare entry bytes, valid CBOR) is a miss with one warning', async (t) => {
  const s = await seeded('unsigned');
  await put(s.redisKey, entryBytes(s.meta, forgedValue));
  const run = readerRun(s.ns);
  assertRefused(t, run, 'ERR_REMOTE_SIGNATURE');
  t.regex(warnings(run.stderr)[0], /no signature/);
});

maybe('a tampered record (one byte of the entry changed) is a miss with one warning', async (t) => {
  const s = await seeded('tampered');
  const tampered = Buffer.from(s.record);
  // The value's bytes sit near the end, before the 4-byte checksum: 49 (0x18 0x31 in CBOR) -> 48.
  const at = tampered.lastIndexOf(Buffer.from([0x18, 0x31]));
  t.true(at > 0);
  tampered[at + 1] = 0x30;
  await put(s.redisKey, tampered);
  assertRefused(t, readerRun(s.ns), 'ERR_REMOTE_SIGNATURE');
});

maybe('a valid record copied to another key does not verify (the key is signed)', async (t) => {
  const s = await seeded('copied');
  // twice(7)'s record, signed for its own key, copied over square(7)'s.
  const other = computedEntry(['one.cjs', '7', 'twice']);
  await put(s.redisKey, Buffer.concat([recordHeader(signer, s.ns, other.key, other.entry), other.entry]));
  assertRefused(t, readerRun(s.ns), 'ERR_REMOTE_SIGNATURE');
});

maybe('the correctly signed record itself is a hit (the baseline of the tests above)', async (t) => {
  const s = await seeded('baseline');
  const run = readerRun(s.ns);
  t.is(run.status, 0, run.stderr);
  t.deepEqual(bodies(run.stdout), []);
  t.deepEqual(run.out, { n: 7, sq: 49 });
  t.regex(run.stderr, /team cache: 1 hit, 0 misses, 0 errors, 0 timeouts, 0 rejected/);
});

maybe('a correctly signed entry that names another function is a miss', async (t) => {
  const s = await seeded('other-function');
  const forged = entryBytes({ ...s.meta, fn: 'one.cjs#twice' }, forgedValue);
  await put(s.redisKey, Buffer.concat([recordHeader(signer, s.ns, s.key, forged), forged]));
  assertRefused(t, readerRun(s.ns), 'ERR_CORRUPT_ENTRY');
});

maybe('a correctly signed record whose entry is damaged fails the local store check', async (t) => {
  const s = await seeded('bad-entry');
  const damaged = Buffer.from(s.entry);
  damaged[damaged.length - 1] ^= 0xff; // the entry's own checksum
  await put(s.redisKey, Buffer.concat([recordHeader(signer, s.ns, s.key, damaged), damaged]));
  const run = readerRun(s.ns);
  t.is(run.status, 0, run.stderr);
  t.deepEqual(bodies(run.stdout), ['BODY square 7']);
  t.deepEqual(run.out, { n: 7, sq: 49 });
  t.regex(run.stderr, /team cache: 0 hits, 1 miss, 0 errors, 0 timeouts, 1 rejected/);
});

// An insider holding the secret signs square(8)'s entry as square(7)'s: everything about it is
// valid except that it answers another call. Only an entry that names its own key, checked by the
// store on every read (the "trust" branch, issue 12), can refuse it; the remote tier adopts
// entries through that same read, so this passes once that check lands. Until then ava reports
// this test as a known failure, and flags it the day it starts passing.
maybe('a signed entry of another call of the same function is a miss', async (t) => {
  const s = await seeded('swapped-args');
  const eight = computedEntry(['one.cjs', '8']);
  await put(s.redisKey, Buffer.concat([recordHeader(signer, s.ns, s.key, eight.entry), eight.entry]));
  const run = readerRun(s.ns);
  t.deepEqual(run.out, { n: 7, sq: 49 }, 'never the result of square(8)');
  t.deepEqual(bodies(run.stdout), ['BODY square 7']);
});

serial('an entry over SMARTCACHE_REMOTE_MAX_BYTES is neither uploaded nor fetched', async (t) => {
  const ns = namespace('cap');
  const small = machine(server, { SMARTCACHE_REMOTE_NAMESPACE: ns, SMARTCACHE_REMOTE_WRITE: '1', SMARTCACHE_REMOTE_MAX_BYTES: '16k', SMARTCACHE_LOG: 'summary' });
  const one = small.run(['big.cjs', '64']);
  t.is(one.status, 0, one.stderr);
  t.regex(one.stderr, /1 over the size cap, 0 uploads/);
  const c = await server.client();
  t.deepEqual(await c.keys(`smartcache:${ns}:*:e:*`), [], 'not uploaded');
  await c.close();

  const writer = machine(server, { SMARTCACHE_REMOTE_NAMESPACE: ns, SMARTCACHE_REMOTE_WRITE: '1' });
  t.is(writer.run(['big.cjs', '64']).status, 0);
  const before = await commandCounts(server);
  const reader = machine(server, { SMARTCACHE_REMOTE_NAMESPACE: ns, SMARTCACHE_REMOTE_MAX_BYTES: '16k', SMARTCACHE_LOG: 'summary' });
  const run = reader.run(['big.cjs', '64']);
  t.is(run.status, 0, run.stderr);
  t.deepEqual(bodies(run.stdout), ['BODY blob 64'], 'computed, not downloaded');
  t.is(run.out, 65536);
  t.regex(run.stderr, /team cache: 0 hits, 1 miss, 0 errors, 0 timeouts, 0 rejected, 1 over the size cap/);
  const after = await commandCounts(server);
  t.is(after.getrange ?? 0, before.getrange ?? 0, 'its size was checked (STRLEN) and it was never fetched');
  // Within the cap it is a hit.
  const big = machine(server, { SMARTCACHE_REMOTE_NAMESPACE: ns }).run(['big.cjs', '64']);
  t.deepEqual(bodies(big.stdout), []);
});
