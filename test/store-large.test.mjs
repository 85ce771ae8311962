// Large entries (several MB of out-of-band blobs): written from the caller's memory in one checksummed
// writev, read back slice by slice; every byte is covered by the checksum, so a flipped byte anywhere
// is a miss that is removed (one ERR_CORRUPT_ENTRY warning), and the next run recomputes exactly.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { Store } from '../dist/store/index.js';
import { META, tempRoot, keyOf, fileOf, captureWarnings } from './fixtures/store/helpers.mjs';
import { node, project, tempDir } from './fixtures/cache/helpers.mjs';
import { entryFiles } from './fixtures/security/helpers.mjs';

/** Distinct bytes everywhere (no run of equal values a damaged copy could still match). */
function largeValue() {
  const floats = new Float64Array(3 * 1024 * 1024); // 24 MiB: many read slices, past any small-entry path
  for (let i = 0; i < floats.length; i++) floats[i] = i * 0.5 + 1 / (i + 1);
  const bytes = new Uint8Array(5 * 1024 * 1024 + 3); // odd length: blobs need not be aligned
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + (i >>> 11)) & 0xff;
  return { floats, bytes, name: 'large', list: [1, 2, 3] };
}

function sameBytes(a, b) {
  return a.constructor === b.constructor && a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

test('a large entry round-trips exactly, for this store and a fresh one on the same root, and leaves the input alone', (t) => {
  const root = tempRoot(t);
  const value = largeValue();
  const before = Buffer.from(value.floats.buffer).toString('base64').length;
  const firstFloat = value.floats[12345];
  const key = keyOf('large', 'roundtrip');
  const written = Store.open(root).put(key, META, value);
  t.is(fs.statSync(fileOf(root, key)).size, written);
  t.true(written > value.floats.byteLength + value.bytes.byteLength);
  for (const store of [Store.open(root)]) {
    const back = store.read(key);
    t.truthy(back);
    t.true(sameBytes(back.value.floats, value.floats));
    t.true(sameBytes(back.value.bytes, value.bytes));
    t.deepEqual(back.value.list, [1, 2, 3]);
    t.is(back.value.name, 'large');
    // Own memory, exactly sized: not a view into a bigger read buffer.
    t.is(back.value.floats.buffer.byteLength, value.floats.byteLength);
    t.not(back.value.floats.buffer, value.floats.buffer);
  }
  t.is(value.floats[12345], firstFloat);
  t.is(Buffer.from(value.floats.buffer).toString('base64').length, before);
});

test('a flipped byte anywhere in a large entry is a miss: removed, one warning, and the next write reads back', (t) => {
  const store = Store.open(tempRoot(t));
  const value = largeValue();
  const warnings = captureWarnings();
  t.teardown(warnings.stop);
  const size = store.put(keyOf('large', 'size'), META, value);
  // The head, the first blob's start, middle and end, the second blob, its last byte, the trailer.
  const spots = [10, 300, size >> 3, size >> 1, (size >> 1) + 262_144, size - 5 * 1024 * 1024, size - 5, size - 1];
  for (const at of spots) {
    // A key per spot: the warning is told once per entry.
    const key = keyOf('large', `flip ${at}`);
    store.put(key, META, value);
    const file = fileOf(store.root, key);
    const bytes = fs.readFileSync(file);
    bytes[at] ^= 0x01;
    fs.writeFileSync(file, bytes);
    const count = warnings.lines.length;
    t.is(store.read(key), undefined, `flip at ${at}`);
    t.false(fs.existsSync(file), `flip at ${at}: file removed`);
    t.is(warnings.lines.length, count + 1, `flip at ${at}: one warning`);
    t.regex(warnings.lines.at(-1), new RegExp(`corrupt entry ${key}`));
    store.put(key, META, value);
    const back = store.read(key);
    t.true(back !== undefined && sameBytes(back.value.floats, value.floats), `flip at ${at}: rewritten`);
  }
});

test('a large entry cut short by a torn write (any length) is a miss, never a partial value', (t) => {
  const store = Store.open(tempRoot(t));
  const warnings = captureWarnings();
  t.teardown(warnings.stop);
  const value = largeValue();
  const key = keyOf('large', 'torn');
  store.put(key, META, value);
  const file = fileOf(store.root, key);
  const whole = fs.readFileSync(file);
  for (const length of [whole.length - 1, whole.length - 4, whole.length >> 1, 4096, 0]) {
    fs.writeFileSync(file, whole.subarray(0, length));
    t.is(store.read(key), undefined, `cut to ${length}`);
    fs.writeFileSync(file, Buffer.concat([whole.subarray(0, length), Buffer.alloc(whole.length - length)]));
    t.is(store.read(key), undefined, `zeros after ${length}`);
  }
});

test('in the user\'s own root, a damaged file reached through a linked fan-out folder is a miss and is not deleted', (t) => {
  const root = tempRoot(t);
  const store = Store.open(root);
  const warnings = captureWarnings();
  t.teardown(warnings.stop);
  const key = keyOf('large', 'linked');
  store.put(key, META, { n: 1 });
  const file = fileOf(root, key);
  const leaf = path.dirname(file);
  // Outside the root: a folder holding a file named like the entry, which is not one.
  const outside = tempRoot(t);
  fs.writeFileSync(path.join(outside, key), 'precious, not an entry\n');
  fs.rmSync(leaf, { recursive: true });
  fs.symlinkSync(outside, leaf);
  const fresh = Store.open(root);
  t.is(fresh.read(key), undefined);
  t.is(fs.readFileSync(path.join(outside, key), 'utf8'), 'precious, not an entry\n');
  t.false(fresh.delete(key));
  t.true(fs.existsSync(path.join(outside, key)));
});

// Through cache(): a 16 MiB result goes to the background writer (cache/writer.ts); a byte flipped on
// disk afterwards makes the next run compute again (one warning) and return exactly the same bytes.
const program = (mod) => `
const { cache } = require(${mod});
let runs = 0;
const make = cache(function make(n) {
  runs++;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(i) + i / 3;
  return out;
}, { name: 'make' });
const v = make(2 * 1024 * 1024);
let sum = 0;
for (let i = 0; i < v.length; i += 997) sum += v[i];
console.log('OUT ' + JSON.stringify({ runs, length: v.length, sum, last: v[v.length - 1] }));
`;

test('cache(): a large result with a flipped byte on disk is recomputed once, exactly, with one warning', (t) => {
  const dir = project({ 'main.js': program });
  const root = tempDir('sc-large-');
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const env = { SMARTCACHE_DIR: root };
  const first = node(['main.js'], { cwd: dir, env });
  t.is(first.status, 0, first.stderr);
  t.is(first.out.runs, 1);
  const second = node(['main.js'], { cwd: dir, env });
  t.deepEqual(second.out, { ...first.out, runs: 0 }, second.stderr);
  t.is(second.stderr, '');
  const [entry] = entryFiles(root).filter((e) => fs.statSync(e.file).size > 16 * 1024 * 1024);
  t.truthy(entry, 'the large entry is on disk');
  const bytes = fs.readFileSync(entry.file);
  bytes[bytes.length >> 1] ^= 0x40;
  fs.writeFileSync(entry.file, bytes);
  const third = node(['main.js'], { cwd: dir, env });
  t.is(third.status, 0, third.stderr);
  t.deepEqual(third.out, first.out);
  t.is((third.stderr.match(/corrupt entry/g) ?? []).length, 1, third.stderr);
  t.regex(third.stderr, /ERR_CORRUPT_ENTRY/);
  const fourth = node(['main.js'], { cwd: dir, env });
  t.deepEqual(fourth.out, { ...first.out, runs: 0 }, fourth.stderr);
  t.is(fourth.stderr, '');
});

/** Moves the leaf folder of `key` outside the root and puts a link to it in its place. */
function linkLeaf(t, root, key) {
  const leaf = path.dirname(fileOf(root, key));
  const outside = path.join(tempRoot(t), 'moved');
  fs.renameSync(leaf, outside);
  fs.symlinkSync(outside, leaf);
  return outside;
}

test('a linked fan-out folder: in a shared root a read never goes through it; in the user\'s own root an intact entry there is served', (t) => {
  const value = { n: 42, list: ['a'] };
  const own = tempRoot(t);
  const ownKey = keyOf('linked', 'own');
  Store.open(own).put(ownKey, META, value);
  linkLeaf(t, own, ownKey);
  t.is(Store.open(own).trust.level, 'own');
  t.deepEqual(Store.open(own).read(ownKey)?.value, value, 'own root: only the user can have made the link; the file passed every check');

  const shared = tempRoot(t);
  fs.chmodSync(shared, 0o777);
  const previous = process.env.SMARTCACHE_TRUST_SHARED_ROOT;
  process.env.SMARTCACHE_TRUST_SHARED_ROOT = '1';
  t.teardown(() => {
    if (previous === undefined) delete process.env.SMARTCACHE_TRUST_SHARED_ROOT;
    else process.env.SMARTCACHE_TRUST_SHARED_ROOT = previous;
  });
  const sharedKey = keyOf('linked', 'shared');
  const store = Store.open(shared);
  t.is(store.trust.level, 'shared');
  store.put(sharedKey, META, value);
  t.deepEqual(Store.open(shared).read(sharedKey)?.value, value);
  const outside = linkLeaf(t, shared, sharedKey);
  t.is(Store.open(shared).read(sharedKey), undefined, 'shared root: never read through a link');
  t.true(fs.existsSync(path.join(outside, sharedKey)));
});
