import test from 'ava';
import fs from 'node:fs';
import { Store } from '../dist/store/index.js';
import { BLOB_MIN_BYTES } from '../dist/store/codec/encode-plan.js';
import { META, tempRoot, keyOf, fileOf, captureWarnings, craftEntry } from './fixtures/store/helpers.mjs';

// Hand-made files whose checksums are VALID, so the decoder really sees the hostile bytes.

function u64(n) {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

function u32(n) {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

const payloads = {
  'string declaring 2^40 bytes': Buffer.concat([Buffer.from([0x7b]), u64(2 ** 40), Buffer.from('abc')]),
  'string declaring 4 GiB - 1 bytes': Buffer.concat([Buffer.from([0x7a]), u32(0xffffffff), Buffer.from('abc')]),
  'byte string declaring 2^40 bytes': Buffer.concat([Buffer.from([0x5b]), u64(2 ** 40), Buffer.from('abc')]),
  'nesting bomb: 1,000,000 nested arrays': Buffer.concat([Buffer.alloc(1_000_000, 0x81), Buffer.from([0x00])]),
  'nesting bomb: nested maps': Buffer.concat([Buffer.alloc(200_000, 0xa1).map((b, i) => (i % 2 ? 0x00 : b)), Buffer.from([0x00])]),
  'nesting bomb: nested tags': Buffer.concat([Buffer.alloc(300_000, 0).map((_, i) => [0xd9, 0x01, 0x02][i % 3]), Buffer.from([0x80])]),
  'array declaring 2^40 items': Buffer.concat([Buffer.from([0x9b]), u64(2 ** 40), Buffer.from([1, 2, 3])]),
  'array declaring 4 G items': Buffer.concat([Buffer.from([0x9a]), u32(0xffffffff), Buffer.from([1, 2, 3])]),
  'map declaring 4 G entries': Buffer.concat([Buffer.from([0xba]), u32(0xffffffff), Buffer.from([1, 2])]),
  'indefinite-length array': Buffer.from([0x9f, 0x01, 0x02, 0xff]),
  'quadratic bigint (tag 2, 400 kB)': Buffer.concat([Buffer.from([0xc2, 0x5a]), u32(400_000), Buffer.alloc(400_000, 0xab)]),
  'unknown tag': Buffer.from([0xd8, 0x33, 0x80]),
  'private tag in an entry not flagged as substituted': Buffer.from([0xd9, 0xc8, 0x00, 0x00]),
  'truncated CBOR': Buffer.from([0x83, 0x01]),
  'trailing bytes after the value': Buffer.from([0x01, 0x02]),
  'reserved simple value': Buffer.from([0xf8, 0x20]),
  'typed array tag with a misaligned length': Buffer.from([0xd8, 0x56, 0x43, 1, 2, 3]),
};

test('hostile payloads with valid checksums fail cleanly: miss, removed, one warning, quickly', (t) => {
  const store = Store.open(tempRoot(t));
  const warnings = captureWarnings();
  t.teardown(warnings.stop);
  const rssBefore = process.memoryUsage().rss;
  for (const [name, payload] of Object.entries(payloads)) {
    const key = keyOf('hostile', name);
    const file = craftEntry(store.root, key, payload);
    const before = warnings.lines.length;
    const started = Date.now();
    t.is(store.read(key), undefined, name);
    t.true(Date.now() - started < 2000, `${name}: took ${Date.now() - started} ms`);
    t.false(fs.existsSync(file), `${name}: removed`);
    t.is(warnings.lines.length, before + 1, `${name}: one warning`);
  }
  // Nothing above may allocate what a header merely declares.
  t.true(process.memoryUsage().rss - rssBefore < 256 * 2 ** 20);
});

test('a sane crafted payload decodes, so the hostile cases above really reach the decoder', (t) => {
  const store = Store.open(tempRoot(t));
  craftEntry(store.root, keyOf('sane'), Buffer.from([0x83, 0x01, 0x02, 0x63, 0x61, 0x62, 0x63]));
  t.deepEqual(store.read(keyOf('sane')).value, [1, 2, 'abc']);
});

const headers = {
  'blob declaring 2^40 bytes': { blobs: [{ kind: 11, length: 2 ** 40, bytes: Buffer.alloc(8) }] },
  'blob declaring 2^52 bytes': { blobs: [{ kind: 11, length: 2 ** 52, bytes: Buffer.alloc(8) }] },
  'blob count of 2^31': { mutateHead: (h) => h.writeUInt32LE(2 ** 31, 24) },
  'meta length of 4 GiB - 1': { mutateHead: (h) => h.writeUInt32LE(0xffffffff, 16) },
  'payload length of 4 GiB - 1': { mutateHead: (h) => h.writeUInt32LE(0xffffffff, 20) },
  'unknown blob kind': { blobs: [{ kind: 99, bytes: Buffer.alloc(BLOB_MIN_BYTES) }] },
  'blob length not a multiple of its element size': { blobs: [{ kind: 11, bytes: Buffer.alloc(BLOB_MIN_BYTES + 3) }] },
};

test('hostile headers (declared sizes) fail before allocating: miss, removed, one warning', (t) => {
  const store = Store.open(tempRoot(t));
  const warnings = captureWarnings();
  t.teardown(warnings.stop);
  for (const [name, options] of Object.entries(headers)) {
    const key = keyOf('header', name);
    const file = craftEntry(store.root, key, Buffer.from([0xf6]), options);
    const before = warnings.lines.length;
    t.is(store.read(key), undefined, name);
    t.false(fs.existsSync(file), `${name}: removed`);
    t.is(warnings.lines.length, before + 1, `${name}: one warning`);
    t.false(store.has(key), name);
  }
  t.deepEqual([...store.entries()], []);
});

test('a scan survives hostile heads too', (t) => {
  const store = Store.open(tempRoot(t));
  craftEntry(store.root, keyOf('scan'), Buffer.from([0xf6]), headers['blob count of 2^31']);
  craftEntry(store.root, keyOf('scan2'), Buffer.from([0xf6]), headers['meta length of 4 GiB - 1']);
  store.put(keyOf('fine'), META, 'fine');
  t.deepEqual([...store.entries()].map((e) => e.key), [keyOf('fine')]);
  t.is(store.deleteWhere(() => false).removed, 2);
});
