import * as crypto from 'node:crypto';

type OneShot = (algorithm: string, data: string, encoding: 'hex' | 'base64url') => string;

/**
 * `crypto.hash` (Node 21.7+ / 20.12+) hashes a string in one call, about 3× cheaper than
 * `createHash` for the short texts keys, fingerprints and names are made of; older Node 20
 * releases take the createHash path.
 */
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;

/** sha256 of a string (UTF-8), hex unless asked otherwise. */
export function sha256(text: string, encoding: 'hex' | 'base64url' = 'hex'): string {
  return oneShot !== undefined ? oneShot('sha256', text, encoding) : crypto.createHash('sha256').update(text, 'utf8').digest(encoding);
}
