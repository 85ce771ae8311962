// `smartcache prune`: superseded fingerprints and expired entries always go; --older-than and
// --max-size (least recently used first) bound the rest; --keep-versions keeps older versions.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli, duBytes, fingerprintOf, keyOf, keysIn, loadStore, sleep, tempDir } from './fixtures/cli/helpers.mjs';
import { meta, twoFunctionStore } from './fixtures/cli/stores.mjs';

test('no options: entries of fingerprints no longer current go, the rest stay', async (t) => {
  const { root, store, keys } = await twoFunctionStore();
  const r = await cli(['prune', '--dir', root]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^removed 2 entries, \d+(?:\.\d+)? (?:B|KiB|MiB) freed; kept 4 entries/);
  t.regex(r.stdout, /2 entries \(\d+(?:\.\d+)? (?:B|KiB|MiB)\) of fingerprints no longer current/);
  t.deepEqual(keysIn(store), [...keys.fibNew, ...keys.load].sort());
});

test('--keep-versions 2 keeps the previous fingerprint', async (t) => {
  const { root, store } = await twoFunctionStore();
  const r = await cli(['prune', '--keep-versions', '2', '--dir', root]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^removed 0 entries/);
  t.is(keysIn(store).length, 6);
});

test('--dry-run says what would go and removes nothing', async (t) => {
  const { root, store } = await twoFunctionStore();
  const r = await cli(['prune', '--dry-run', '--json', '--dir', root]);
  t.is(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  t.like(json, { dryRun: true, scanned: 6, removed: 0, kept: 4, reasons: { stale: { entries: 2 } } });
  t.is(keysIn(store).length, 6);
});

async function flatStore(count) {
  const Store = await loadStore();
  const root = path.join(tempDir(), 'cache');
  const store = Store.open(root);
  const fp = fingerprintOf('flat');
  const encoded = store.encode(meta('flat', fp), 'same value for every key');
  const keys = [];
  let size = 0;
  for (let i = 0; i < count; i++) {
    keys.push(keyOf(`flat:${i}`));
    size = store.write(keys[i], encoded);
  }
  return { root, store, keys, size };
}

// Serial: six CLI runs in a row; run apart from the clock-based --older-than test below.
test.serial('--max-size evicts least recently used first and bounds what du says', async (t) => {
  const { root, store, keys } = await flatStore(6);
  await sleep(30);
  // Use order, oldest first: 0, 1, 2, 3 untouched since written; then 4, then 5.
  store.markUsed([keys[4]]);
  await sleep(30);
  store.markUsed([keys[5]]);
  // One byte under what the root takes now: exactly the least recently used entry must go
  // (any entry frees at least a block), and the rest must fit.
  const order = [];
  for (let round = 0; round < 6; round++) {
    const before = new Set(keysIn(store));
    const max = duBytes(root) - 1;
    const r = await cli(['prune', '--max-size', String(max), '--dir', root]);
    t.is(r.code, 0, r.stderr);
    t.regex(r.stdout, /^removed 1 entry/);
    if (round === 0) t.regex(r.stdout, /1 entry \(\d+(?:\.\d+)? (?:B|KiB|MiB)\) least recently used, to fit --max-size/);
    t.true(duBytes(root) <= max, `du says ${duBytes(root)} > --max-size ${max}`);
    order.push(...[...before].filter((k) => !keysIn(store).includes(k)));
  }
  t.deepEqual(order.slice(4), [keys[4], keys[5]], 'the entries used last go last, in use order');
  t.deepEqual(order.slice(0, 4).sort(), keys.slice(0, 4).sort());
});

test('--max-size accepts units', async (t) => {
  const { root, store } = await flatStore(3);
  const r = await cli(['prune', '--max-size', '1G', '--dir', root]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^removed 0 entries/);
  t.is(keysIn(store).length, 3);
});

test('--older-than evicts entries not used for that long', async (t) => {
  const { root, store, keys } = await flatStore(4);
  // Last used two hours ago, set explicitly: a sleep would race the CLI's start on a busy machine.
  const longAgo = new Date(Date.now() - 2 * 3600 * 1000);
  for (const entry of store.entries()) fs.utimesSync(entry.file, longAgo, longAgo);
  store.markUsed([keys[1], keys[3]]);
  const r = await cli(['prune', '--older-than', '1h', '--dir', root]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /2 entries \(\d+(?:\.\d+)? (?:B|KiB|MiB)\) unused for longer than --older-than/);
  t.deepEqual(keysIn(store), [keys[1], keys[3]].sort());
});

test('expired entries go', async (t) => {
  const Store = await loadStore();
  const root = path.join(tempDir(), 'cache');
  const store = Store.open(root);
  const fp = fingerprintOf('ttl');
  store.put(keyOf('expired'), meta('ttl', fp, { expires: Date.now() - 1000 }), 1);
  store.put(keyOf('fresh'), meta('ttl', fp, { expires: Date.now() + 3_600_000 }), 2);
  const r = await cli(['prune', '--dir', root]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /1 entry \(\d+(?:\.\d+)? (?:B|KiB|MiB)\) expired/);
  t.deepEqual(keysIn(store), [keyOf('fresh')]);
});

// A writer killed mid-write leaves `<key>.<…>.tmp` behind; prune removed only entries, so
// --max-size could never be met while such files stayed (only `clear` swept them).
test('prune removes temp files of writers killed over an hour ago, and keeps recent ones', async (t) => {
  const { root } = await twoFunctionStore();
  const folder = path.join(root, 'smartcache-v2', 'entries', 'ab', 'cd');
  fs.mkdirSync(folder, { recursive: true });
  const old = path.join(folder, 'abcd0000.1234.tmp');
  const recent = path.join(folder, 'abcd0001.1234.tmp');
  fs.writeFileSync(old, Buffer.alloc(64 * 1024));
  fs.writeFileSync(recent, Buffer.alloc(1024));
  const twoHoursAgo = new Date(Date.now() - 2 * 3600 * 1000);
  fs.utimesSync(old, twoHoursAgo, twoHoursAgo);
  const r = await cli(['prune', '--json', '--dir', root]);
  t.is(r.code, 0, r.stderr);
  t.like(JSON.parse(r.stdout), { leftovers: { files: 1 } });
  t.false(fs.existsSync(old));
  t.true(fs.existsSync(recent), 'a temp file of a writer still running was removed');
});
