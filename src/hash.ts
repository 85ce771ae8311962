import type * as Crypto from 'node:crypto';
import { patchOriginal } from './registry';

type OneShot = (algorithm: string, data: string | Uint8Array, encoding: 'hex' | 'base64url') => string;

/**
 * `node:crypto` is loaded on the first hash, not with this module: on Node 20 it brings ~36
 * built-in modules (streams, ciphers) with it, and the preload alone (`--require
 * smartcache/register` on a run that calls nothing cached) hashes nothing.
 */
let crypto: typeof Crypto | undefined;
/**
 * `crypto.hash` (Node 21.7+ / 20.12+) hashes a string in one call, about 3× cheaper than
 * `createHash` for the short texts keys, fingerprints and names are made of; older Node 20
 * releases take the createHash path.
 */
let oneShot: OneShot | undefined;

function load(): typeof Crypto {
  crypto = require('node:crypto') as typeof Crypto;
  oneShot = (crypto as unknown as { hash?: OneShot }).hash;
  return crypto;
}

/**
 * `node:crypto`, loaded on first use: for the few modules that need more than sha256 (a hash
 * streamed over a large input, random temporary names). Importing it statically loaded it with
 * every process that loaded those modules, before anything was hashed.
 */
export function nodeCrypto(): typeof Crypto {
  return crypto ?? load();
}

/** sha256 of a string (UTF-8) or of bytes, hex unless asked otherwise. The one sha256 helper. */
export function sha256(data: string | Uint8Array, encoding: 'hex' | 'base64url' = 'hex'): string {
  const lib = crypto ?? load();
  if (oneShot !== undefined) return oneShot('sha256', data, encoding);
  const h = lib.createHash('sha256');
  return (typeof data === 'string' ? h.update(data, 'utf8') : h.update(data)).digest(encoding);
}

/**
 * `bytes` random bytes in hex, for the names of smartcache's own temporary files. Node's own
 * `randomBytes`, as the static import these callers had took it: while a tracked call runs,
 * src/tracking stands a recording stand-in in its place (registered in ../registry.ts), and the
 * cache's own file names are no input of the user's call.
 */
export function randomHex(bytes: number): string {
  const lib = nodeCrypto();
  const current = lib.randomBytes;
  const real = (patchOriginal(current) ?? current) as typeof lib.randomBytes;
  return Reflect.apply(real, lib, [bytes]).toString('hex');
}
