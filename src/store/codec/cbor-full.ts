/**
 * cbor-x's full build (the encoder and its Tag class: the encoder recognizes only its own build's
 * Tags), loaded with its native addon left out (`CBOR_NATIVE_ACCELERATION_DISABLED`, cbor-x's own
 * switch, set only while it loads, unless the program set it). The addon only speeds up
 * *decoding* strings, and entries are decoded by the decode-only build. Its loader probed the C
 * library with an asynchronous `fs.close` (detect-libc) that kept the process alive one more
 * turn, where a closed stdout's EPIPE (`node app.js | head`) became an uncaught error; and it
 * loaded child_process, net and dgram into the first store of every process.
 */
import type { Encoder as CborEncoder, Tag as CborTag } from 'cbor-x';

export interface FullCbor {
  readonly Encoder: typeof CborEncoder;
  readonly Tag: typeof CborTag;
}

let loaded: FullCbor | undefined;

export function fullCbor(): FullCbor {
  if (loaded !== undefined) return loaded;
  const env = process.env;
  const KEY = 'CBOR_NATIVE_ACCELERATION_DISABLED';
  const set = env[KEY] === undefined;
  if (set) env[KEY] = 'true';
  try {
    loaded = require('cbor-x') as FullCbor;
  } finally {
    if (set) delete env[KEY];
  }
  return loaded;
}
