import crypto = require('node:crypto');

/**
 * A remote record: the exact bytes of a local entry file behind a signed header.
 *
 *   0  "SCR" + u8 format version (RECORD_VERSION)
 *   4  u8 key id length (1..64), key id (ASCII)
 *   .  32 bytes HMAC-SHA256
 *   .  u32 BE high, u32 BE low: entry length
 *   .  entry bytes (the local entry file, checksum trailer included)
 *
 * The MAC covers (record version, key id, namespace, store key, entry length, entry bytes), each
 * length-prefixed, so no two different tuples sign the same text. Binding the namespace and the
 * key means a valid record copied to another key or namespace does not verify (the "CREEP"
 * attack on shared caches, CVE-2025-36852: any writer could poison entries). Verification runs
 * on the raw bytes before anything parses the entry; the store then checks the entry's own
 * checksum and format when it reads the file written from it.
 */
export const RECORD_VERSION = 1;
const MAGIC = Buffer.from('SCR', 'ascii');
const MAC_BYTES = 32;
/** Largest header: magic+version, key id length and a 64-byte id, MAC, length. */
export const MAX_HEADER_BYTES = 4 + 1 + 64 + MAC_BYTES + 8;
const MIN_HEADER_BYTES = 4 + 1 + 1 + MAC_BYTES + 8;

export interface Signer {
  readonly secret: string;
  readonly keyId: string;
}

function mac(signer: Signer, namespace: string, key: string, entry: Uint8Array): Buffer {
  const h = crypto.createHmac('sha256', signer.secret);
  h.update(`smartcache-remote\u0000${RECORD_VERSION}\u0000`);
  for (const field of [signer.keyId, namespace, key]) {
    const bytes = Buffer.from(field, 'utf8');
    h.update(u32(bytes.length));
    h.update(bytes);
  }
  h.update(u64(entry.byteLength));
  h.update(entry);
  return h.digest();
}

function u32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(n, 0);
  return b;
}

function u64(n: number): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeUInt32BE(Math.floor(n / 0x1_0000_0000), 0);
  b.writeUInt32BE(n >>> 0, 4);
  return b;
}

/** The header to send before `entry` (kept apart so a large entry is never copied to join them). */
export function recordHeader(signer: Signer, namespace: string, key: string, entry: Uint8Array): Buffer {
  const id = Buffer.from(signer.keyId, 'ascii');
  return Buffer.concat([MAGIC, Buffer.from([RECORD_VERSION, id.length]), id, mac(signer, namespace, key, entry), u64(entry.byteLength)]);
}

export type Verified =
  | { readonly ok: true; readonly entry: Buffer }
  /** `why` is for the warning: it never includes record bytes. */
  | { readonly ok: false; readonly why: string };

/** Checks a record read from `namespace`/`key`; on success returns a view of its entry bytes. */
export function verifyRecord(signer: Signer, namespace: string, key: string, record: Buffer): Verified {
  if (record.length < MIN_HEADER_BYTES || !record.subarray(0, 3).equals(MAGIC)) return { ok: false, why: 'not a smartcache record (no signature)' };
  if (record[3] !== RECORD_VERSION) return { ok: false, why: `record format ${record[3] ?? '?'} is not ${RECORD_VERSION}` };
  const idLength = record[4] ?? 0;
  const macAt = 5 + idLength;
  const lengthAt = macAt + MAC_BYTES;
  const entryAt = lengthAt + 8;
  if (idLength === 0 || entryAt > record.length) return { ok: false, why: 'truncated record header' };
  const keyId = record.toString('ascii', 5, macAt);
  if (keyId !== signer.keyId) return { ok: false, why: `signed with key id ${JSON.stringify(keyId.slice(0, 64))}, not ${JSON.stringify(signer.keyId)}` };
  const declared = record.readUInt32BE(lengthAt) * 0x1_0000_0000 + record.readUInt32BE(lengthAt + 4);
  if (declared !== record.length - entryAt) return { ok: false, why: 'record length does not match its header (truncated or extended)' };
  const entry = record.subarray(entryAt);
  const expected = mac(signer, namespace, key, entry);
  if (!crypto.timingSafeEqual(expected, record.subarray(macAt, lengthAt))) return { ok: false, why: 'signature does not verify (tampered, forged, or signed with another secret)' };
  return { ok: true, entry };
}
