import test from 'ava';
import { createHash } from 'node:crypto';
import { hashArguments } from '../dist/key/index.js';

const key = (...args) => hashArguments(args);

test('mutating one byte of a typed array changes the key; restoring it restores the key', (t) => {
  for (const size of [3, 64, 300, 70_000, 1 << 20]) {
    const a = new Uint8Array(size).map((_, i) => i & 0xff);
    const before = key(a);
    for (const at of [0, size >> 1, size - 1]) {
      a[at] ^= 1;
      t.not(key(a), before, `size ${size}, byte ${at}`);
      a[at] ^= 1;
      t.is(key(a), before);
    }
  }
});

test('a Float64Array inside a structure is keyed by its bytes', (t) => {
  const data = new Float64Array(100_000).map((_, i) => i / 3);
  const before = key({ data, label: 'x' });
  data[99_999] = 0;
  t.not(key({ data, label: 'x' }), before);
  t.not(key(new Float64Array([-0])), key(new Float64Array([0])));
});

test('the kind of a typed array is part of its key, its offset in the buffer is not', (t) => {
  const bytes = [0, 0, 128, 63, 0, 0, 0, 64];
  const kinds = [Uint8Array, Int8Array, Uint8ClampedArray, Uint16Array, Int16Array, Uint32Array, Int32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array];
  const hexes = kinds.map((K) => key(new K(new Uint8Array(bytes).buffer)));
  hexes.push(key(Buffer.from(bytes)), key(new DataView(new Uint8Array(bytes).buffer)), key(new Uint8Array(bytes).buffer));
  t.is(new Set(hexes).size, hexes.length, 'every kind of view over the same 8 bytes differs');

  const wide = new Uint8Array([7, 7, ...bytes, 7]);
  t.is(key(new Float32Array(wide.buffer.slice(2, 10))), key(new Float32Array(new Uint8Array(bytes).buffer)));
  t.is(key(wide.subarray(2, 10)), key(new Uint8Array(bytes)));
  t.is(key(new DataView(wide.buffer, 2, 8)), key(new DataView(new Uint8Array(bytes).buffer)));
  t.is(key(Buffer.from(wide.buffer, 2, 8)), key(Buffer.from(bytes)));
});

test('Buffer and Uint8Array with the same bytes are different keys (documented choice)', (t) => {
  t.not(key(Buffer.from('abc')), key(new Uint8Array([97, 98, 99])));
  t.not(key(Buffer.from('abc')), key('abc'));
});

test('a user subclass of a typed array keys its class as well as its bytes', (t) => {
  class Pixels extends Uint8Array {}
  class Other extends Uint8Array {}
  t.not(key(new Pixels([1, 2])), key(new Uint8Array([1, 2])));
  t.not(key(new Pixels([1, 2])), key(new Other([1, 2])));
  t.is(key(new Pixels([1, 2])), key(Pixels.from([1, 2])));
});

/** Reference encoder for strings, arrays and Uint8Arrays (the token format of src/key/sink.ts). */
function reference(args) {
  const parts = [];
  const u32 = (n) => { const b = Buffer.alloc(4); b.writeUInt32LE(n); parts.push(b); };
  const tag = (c) => parts.push(Buffer.from(c));
  const str = (s) => { tag('s'); u32(Buffer.byteLength(s)); parts.push(Buffer.from(s)); };
  const value = (v) => {
    if (typeof v === 'string') str(v);
    // The bytes, then the count of own enumerable non-index properties (0 here).
    else if (v instanceof Uint8Array) { tag('V'); str('Uint8Array'); u32(v.length); parts.push(Buffer.from(v)); u32(0); }
    else { tag('a'); u32(v.length); v.forEach(value); }
  };
  str('smartcache-key/1');
  tag('A');
  u32(args.length);
  args.forEach(value);
  return createHash('sha256').update(Buffer.concat(parts)).digest('hex');
}

test('the token stream does not depend on where chunk boundaries fall', (t) => {
  // Many short strings fill the 64 KiB pending buffer to every offset near its end, so small byte
  // runs, strings and headers are written across flushes; the key must equal the reference.
  for (const fill of [0, 1, 100, 1000, 1040, 1045, 1050, 1060, 1100]) {
    const pad = Array.from({ length: fill }, (_, i) => `p${i}`.padEnd(58, '.'));
    for (const tail of [new Uint8Array(200).fill(5), new Uint8Array(300).fill(6), 'é'.repeat(40), 'z'.repeat(30_000)]) {
      const args = [pad, tail, 'end'];
      t.is(key(...args), reference(args), `fill ${fill}, tail ${typeof tail === 'string' ? tail.length : tail.length + ' bytes'}`);
    }
  }
});
