import test from 'ava';
import fs from 'node:fs';
import { Store } from '../dist/store/index.js';
import { BLOB_MIN_BYTES } from '../dist/store/codec/encode-plan.js';
import { META, tempRoot, keyOf, fileOf, captureWarnings, refreshChecksums } from './fixtures/store/helpers.mjs';

// Each way a file can be damaged, applied to a small entry and to one with an out-of-band blob.
const damage = {
  'truncated by one byte': (b) => b.subarray(0, b.length - 1),
  'truncated to half': (b) => b.subarray(0, b.length >> 1),
  'truncated to the header': (b) => b.subarray(0, 20),
  'empty file': () => Buffer.alloc(0),
  'zero-filled': (b) => Buffer.alloc(b.length),
  'zero-filled tail': (b) => Buffer.concat([b.subarray(0, b.length >> 1), Buffer.alloc(b.length - (b.length >> 1))]),
  'bit flip in the magic': (b) => flip(b, 3),
  'bit flip in the meta': (b) => flip(b, 60),
  'bit flip in the payload': (b) => flip(b, b.length - 40),
  'bit flip in the checksum': (b) => flip(b, b.length - 2),
  'bit flip in the middle': (b) => flip(b, b.length >> 1),
  'garbage of the same length': (b) => Buffer.from(b.map((_, i) => (i * 7919 + 13) & 0xff)),
  'garbage of another length': () => Buffer.from('not an entry at all\n'.repeat(50)),
  'appended bytes': (b) => Buffer.concat([b, Buffer.from('xx')]),
};

function flip(bytes, at) {
  const copy = Buffer.from(bytes);
  copy[at] ^= 0x10;
  return copy;
}

const values = {
  small: { list: [1, 2, 3], name: 'small entry', when: new Date(3) },
  blob: { data: new Float64Array(BLOB_MIN_BYTES / 8 + 100).fill(1.25), tag: 'blob' },
};

for (const [valueName, value] of Object.entries(values)) {
  test(`${valueName} entry: each kind of damage is a miss, removes the file and warns once`, (t) => {
    const store = Store.open(tempRoot(t));
    const warnings = captureWarnings();
    t.teardown(warnings.stop);
    for (const [kind, apply] of Object.entries(damage)) {
      const key = keyOf(valueName, kind);
      store.put(key, META, value);
      const file = fileOf(store.root, key);
      fs.writeFileSync(file, apply(fs.readFileSync(file)));
      const before = warnings.lines.length;
      if (kind.startsWith('truncated')) t.false(store.has(key), kind);
      t.is(store.read(key), undefined, kind);
      t.false(fs.existsSync(file), `${kind}: file removed`);
      t.is(warnings.lines.length, before + 1, `${kind}: one warning`);
      t.regex(warnings.lines.at(-1), new RegExp(`corrupt entry ${key}`));
      t.is(store.read(key), undefined, kind);
      t.is(warnings.lines.length, before + 1, `${kind}: still one warning`);
      // The next write replaces it and reads back fine.
      store.put(key, META, value);
      t.truthy(store.read(key), kind);
    }
  });
}

test('a wrong format version (with valid checksums) is a miss, removed, one warning', (t) => {
  const store = Store.open(tempRoot(t));
  const warnings = captureWarnings();
  t.teardown(warnings.stop);
  const key = keyOf('version');
  store.put(key, META, 'v');
  const file = fileOf(store.root, key);
  const bytes = fs.readFileSync(file);
  bytes.writeUInt32LE(2, 8);
  fs.writeFileSync(file, bytes);
  refreshChecksums(file);
  t.is(store.read(key), undefined);
  t.false(fs.existsSync(file));
  t.is(warnings.lines.length, 1);
  t.regex(warnings.lines[0], /format version 2/);
});

test('has() rejects truncated and mangled heads without reading the body', (t) => {
  const store = Store.open(tempRoot(t));
  const warnings = captureWarnings();
  t.teardown(warnings.stop);
  const key = keyOf('has');
  store.put(key, META, 'x'.repeat(1000));
  t.true(store.has(key));
  const file = fileOf(store.root, key);
  const bytes = fs.readFileSync(file);
  fs.writeFileSync(file, bytes.subarray(0, bytes.length - 1));
  t.false(store.has(key));
  fs.writeFileSync(file, flip(bytes, 50));
  t.false(store.has(key));
  fs.writeFileSync(file, bytes);
  t.true(store.has(key));
  t.false(store.has(keyOf('absent')));
});

test('a folder where an entry should be is a miss, not a crash', (t) => {
  const store = Store.open(tempRoot(t));
  const warnings = captureWarnings();
  t.teardown(warnings.stop);
  const key = keyOf('dir');
  fs.mkdirSync(fileOf(store.root, key), { recursive: true });
  t.is(store.read(key), undefined);
  t.is(warnings.lines.length, 1);
  t.false(store.has(key));
});

test('a corrupt entry seen by a scan is skipped by entries() and removed by deleteWhere()', (t) => {
  const store = Store.open(tempRoot(t));
  store.put(keyOf('good'), META, 1);
  store.put(keyOf('bad'), META, 2);
  const bad = fileOf(store.root, keyOf('bad'));
  fs.writeFileSync(bad, flip(fs.readFileSync(bad), 45));
  t.deepEqual([...store.entries()].map((e) => e.key), [keyOf('good')]);
  const result = store.deleteWhere(() => false);
  t.is(result.removed, 1);
  t.false(fs.existsSync(bad));
  t.truthy(store.read(keyOf('good')));
});
