import test from 'ava';
import crypto from 'node:crypto';
import { crc32, crc32Portable } from '../dist/store/entry/checksum.js';

test('the portable CRC-32 (for Node 20 before 20.15) matches zlib.crc32, also incrementally', (t) => {
  t.is(crc32Portable(Buffer.from('123456789')), 0xcbf43926); // the standard check value
  for (const size of [0, 1, 7, 64, 1000, 65537]) {
    const bytes = crypto.randomBytes(size);
    t.is(crc32Portable(bytes), crc32(bytes), `size ${size}`);
    const cut = size >> 1;
    t.is(crc32Portable(bytes.subarray(cut), crc32Portable(bytes.subarray(0, cut))), crc32(bytes), `split ${size}`);
  }
});
