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
import { standInTarget } from '../../registry';

export interface FullCbor {
  readonly Encoder: typeof CborEncoder;
  readonly Tag: typeof CborTag;
}

let loaded: FullCbor | undefined;

export function fullCbor(): FullCbor {
  if (loaded !== undefined) return loaded;
  // Through Node's own environment object, not the Proxy that records what calls read: cbor-x
  // reads the switch as it loads, maybe while a call of the program is open (an async call
  // beside the one being stored), and the switch is no input of that call.
  const KEY = 'CBOR_NATIVE_ACCELERATION_DISABLED';
  const held = Object.getOwnPropertyDescriptor(process, 'env');
  const raw = (standInTarget(process.env) ?? process.env) as Record<string, string | undefined>;
  const swap = held !== undefined && 'value' in held && held.value !== raw && held.configurable === true;
  const set = raw[KEY] === undefined;
  if (set) raw[KEY] = 'true';
  if (swap) Object.defineProperty(process, 'env', { ...held, value: raw });
  try {
    loaded = require('cbor-x') as FullCbor;
  } finally {
    if (swap) Object.defineProperty(process, 'env', held);
    if (set) delete raw[KEY];
  }
  return loaded;
}
