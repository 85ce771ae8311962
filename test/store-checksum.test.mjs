import test from 'ava';
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { crc32, crc32Portable } from '../dist/checksum.js';

test('the portable CRC-32 (small inputs, and Node 20 before 20.15) matches zlib.crc32, also incrementally', (t) => {
  t.is(crc32Portable(Buffer.from('123456789')), 0xcbf43926); // the standard check value
  // zlib.crc32 exists from Node 20.15 / 22.2: compare with it where it does.
  const reference = typeof zlib.crc32 === 'function' ? zlib.crc32 : crc32Portable;
  for (const size of [0, 1, 7, 64, 1000, 16383, 16384, 65537]) {
    const bytes = crypto.randomBytes(size);
    t.is(crc32Portable(bytes), reference(bytes), `size ${size}`);
    t.is(crc32(bytes), reference(bytes), `crc32, size ${size}`);
    const cut = size >> 1;
    t.is(crc32Portable(bytes.subarray(cut), crc32Portable(bytes.subarray(0, cut))), reference(bytes), `split ${size}`);
    // Mixed: a small head by the JS loop, a large rest natively (as entry files are checksummed).
    t.is(crc32(bytes.subarray(cut), crc32(bytes.subarray(0, cut))), reference(bytes), `crc32 split ${size}`);
  }
});
