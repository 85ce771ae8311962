import { STORE_FORMAT_VERSION } from './paths';
import { crc32 } from '../../checksum';
import type { EntryMeta } from '../types';

/** What a read expects an entry to name: the key it was looked up by, and its function. */
export interface Expected {
  /** Undefined only where the caller checks the key itself, once it knows it (function records). */
  readonly key: string | undefined;
  /** The function asking; undefined for scans, which learn it from the entry. */
  readonly fn?: string;
}

/**
 * The entry file layout (all integers little-endian):
 *
 *   0  magic    8 bytes  89 53 43 45 0D 0A 1A 0A  ("\x89SCE\r\n\x1a\n": catches text-mode mangling)
 *   8  u32 format version       12  u32 flags (1 = substituted payload, 2 = little-endian blobs)
 *  16  u32 meta length          20  u32 payload length
 *  24  u32 blob count           28  u32 reserved (0)
 *  32  u32 crc32 of [0,32) + blob table + meta, so scans can trust the meta without the body
 *  36  u32 reserved (0)
 *  40  blob table: per blob u32 kind, u32 reserved, u64 byte length
 *      meta: f64 created, f64 computeMs, f64 expires (NaN = none), u32 fn bytes, u32 fingerprint
 *            bytes, key (64 ASCII hex digits), fn UTF-8, fingerprint UTF-8
 *      payload: CBOR (cbor-x)
 *      blobs: raw bytes of large typed arrays / ArrayBuffers, each read back into its own buffer
 *  end-4  u32 crc32 of everything before it
 *
 * Every declared length is checked against the file's real size before anything is allocated.
 *
 * The key field names the entry itself, inside the checksummed head: a file copied or swapped to
 * another key's name (by another user of a shared root, by a remote tier, by a bad restore) names
 * a key it is not stored under, and every read compares the two (checkIdentity). Encoding leaves
 * the field blank; the store stamps the key into the head when it writes the entry under it
 * (stampKey), so one encoding can be written under its key only, by construction.
 */

export const MAGIC = Buffer.from([0x89, 0x53, 0x43, 0x45, 0x0d, 0x0a, 0x1a, 0x0a]);
const MAGIC_LOW = MAGIC.readUInt32LE(0);
const MAGIC_HIGH = MAGIC.readUInt32LE(4);
export const HEADER_BYTES = 40;
export const BLOB_ENTRY_BYTES = 16;
export const TRAILER_BYTES = 4;
export const FLAG_SUBSTITUTED = 1;
export const FLAG_LITTLE_ENDIAN = 2;

const KEY_BYTES = 64;
/** Offset of the key inside the meta section. */
const KEY_AT = 32;
const META_FIXED_BYTES = KEY_AT + KEY_BYTES;
const NO_KEY = '0'.repeat(KEY_BYTES);
const MAX_META_BYTES = 1 << 20;
const MAX_BLOBS = 1 << 16;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export class CorruptError extends Error {}

/**
 * Little-endian reads through a DataView (V8 built-ins) rather than Buffer's readUInt32LE and
 * readDoubleLE (JavaScript in Node's buffer module): on a disk hit's first hundred reads those
 * cost several ms of CPU (CPU profile of 150 hits in a new process, Node 20), the DataView none.
 * Out of range, both throw a RangeError, which a read takes as a damaged entry.
 */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export interface BlobInfo {
  readonly kind: number;
  readonly length: number;
}

export interface Header {
  readonly flags: number;
  readonly metaLength: number;
  readonly payloadLength: number;
  readonly blobs: readonly BlobInfo[];
  /** Offset of the meta section (after the blob table). */
  readonly metaStart: number;
  readonly payloadStart: number;
  /** Header + table + meta + payload: what is read into one buffer. */
  readonly headLength: number;
  readonly totalLength: number;
}

export function buildHead(meta: EntryMeta, payloadLength: number, blobs: readonly BlobInfo[], substituted: boolean): Buffer {
  const fn = Buffer.from(meta.fn, 'utf8');
  const fp = Buffer.from(meta.fingerprint, 'utf8');
  const metaLength = META_FIXED_BYTES + fn.length + fp.length;
  if (metaLength > MAX_META_BYTES) throw new RangeError('function name and fingerprint are too long to store');
  const tableLength = blobs.length * BLOB_ENTRY_BYTES;
  const head = Buffer.alloc(HEADER_BYTES + tableLength + metaLength);
  MAGIC.copy(head, 0);
  head.writeUInt32LE(STORE_FORMAT_VERSION, 8);
  head.writeUInt32LE((substituted ? FLAG_SUBSTITUTED : 0) | (LITTLE_ENDIAN ? FLAG_LITTLE_ENDIAN : 0), 12);
  head.writeUInt32LE(metaLength, 16);
  head.writeUInt32LE(payloadLength, 20);
  head.writeUInt32LE(blobs.length, 24);
  let at = HEADER_BYTES;
  for (const blob of blobs) {
    head.writeUInt32LE(blob.kind, at);
    head.writeUInt32LE(blob.length % 0x1_0000_0000, at + 8);
    head.writeUInt32LE(Math.floor(blob.length / 0x1_0000_0000), at + 12);
    at += BLOB_ENTRY_BYTES;
  }
  head.writeDoubleLE(meta.created, at);
  head.writeDoubleLE(meta.computeMs, at + 8);
  head.writeDoubleLE(meta.expires ?? Number.NaN, at + 16);
  head.writeUInt32LE(fn.length, at + 24);
  head.writeUInt32LE(fp.length, at + 28);
  head.write(meta.key ?? NO_KEY, at + KEY_AT, KEY_BYTES, 'latin1');
  fn.copy(head, at + META_FIXED_BYTES);
  fp.copy(head, at + META_FIXED_BYTES + fn.length);
  head.writeUInt32LE(headCrc(head, HEADER_BYTES + tableLength + metaLength), 32);
  return head;
}

/**
 * A copy of an encoded head naming `key`, with its head checksum updated. `head` is the first
 * chunk encodeEntry made (header, blob table, meta): exactly up to the payload.
 */
export function stampKey(head: Uint8Array, key: string): Buffer {
  if (key.length !== KEY_BYTES || !/^[0-9a-f]+$/.test(key)) throw new RangeError('an entry key is 64 lowercase hex digits');
  const out = Buffer.allocUnsafe(head.byteLength);
  out.set(head);
  const metaStart = HEADER_BYTES + out.readUInt32LE(24) * BLOB_ENTRY_BYTES;
  out.write(key, metaStart + KEY_AT, KEY_BYTES, 'latin1');
  out.writeUInt32LE(headCrc(out, out.length), 32);
  return out;
}

/** A CorruptError unless the entry names what the read expects. */
export function checkIdentity(meta: EntryMeta, expected: Expected): void {
  if (expected.key !== undefined && meta.key !== expected.key) throw new CorruptError(`the entry names key ${String(meta.key).slice(0, 16)}…, not the key it is stored under`);
  if (expected.fn !== undefined && meta.fn !== expected.fn) throw new CorruptError(`the entry belongs to function ${JSON.stringify(meta.fn)}, not ${JSON.stringify(expected.fn)}`);
}

function headCrc(bytes: Uint8Array, end: number): number {
  return crc32(bytes.subarray(HEADER_BYTES, end), crc32(bytes.subarray(0, 32)));
}

/** Parses the fixed header and blob table (needs HEADER_BYTES + table in `bytes`). */
export function parseHeader(bytes: Buffer, fileSize: number): Header {
  if (bytes.length < HEADER_BYTES) throw new CorruptError('file shorter than its header');
  const v = viewOf(bytes);
  if (v.getUint32(0, true) !== MAGIC_LOW || v.getUint32(4, true) !== MAGIC_HIGH) throw new CorruptError('not an entry file (bad magic)');
  const version = v.getUint32(8, true);
  if (version !== STORE_FORMAT_VERSION) throw new CorruptError(`format version ${version}, expected ${STORE_FORMAT_VERSION}`);
  const flags = v.getUint32(12, true);
  if ((flags & ~(FLAG_SUBSTITUTED | FLAG_LITTLE_ENDIAN)) !== 0) throw new CorruptError('unknown flags');
  if (((flags & FLAG_LITTLE_ENDIAN) !== 0) !== LITTLE_ENDIAN) throw new CorruptError('written on a machine of the other byte order');
  const metaLength = v.getUint32(16, true);
  const payloadLength = v.getUint32(20, true);
  const blobCount = v.getUint32(24, true);
  if (metaLength < META_FIXED_BYTES || metaLength > MAX_META_BYTES) throw new CorruptError('bad meta length');
  if (blobCount > MAX_BLOBS) throw new CorruptError('bad blob count');
  const metaStart = HEADER_BYTES + blobCount * BLOB_ENTRY_BYTES;
  if (metaStart > fileSize) throw new CorruptError('blob table beyond the end of the file');
  if (bytes.length < metaStart) throw new RangeError('parseHeader needs the whole blob table');
  const blobs: BlobInfo[] = [];
  let blobBytes = 0;
  for (let at = HEADER_BYTES; at < metaStart; at += BLOB_ENTRY_BYTES) {
    const high = v.getUint32(at + 12, true);
    if (high >= 0x20_0000) throw new CorruptError('blob longer than 2^53 bytes');
    const length = high * 0x1_0000_0000 + v.getUint32(at + 8, true);
    blobBytes += length;
    if (blobBytes > fileSize) throw new CorruptError('blobs beyond the end of the file');
    blobs.push({ kind: v.getUint32(at, true), length });
  }
  const payloadStart = metaStart + metaLength;
  const headLength = payloadStart + payloadLength;
  const totalLength = headLength + blobBytes + TRAILER_BYTES;
  if (totalLength !== fileSize) throw new CorruptError(`file is ${fileSize} bytes, its header says ${totalLength}`);
  return { flags, metaLength, payloadLength, blobs, metaStart, payloadStart, headLength, totalLength };
}

/**
 * Decodes the meta (needs bytes up to the payload), checking the head checksum unless the
 * caller already verified the whole file's.
 */
export function parseMeta(bytes: Buffer, header: Header, verified = false): EntryMeta {
  const end = header.payloadStart;
  const v = viewOf(bytes);
  if (!verified && v.getUint32(32, true) !== headCrc(bytes, end)) throw new CorruptError('header checksum mismatch');
  const at = header.metaStart;
  const created = v.getFloat64(at, true);
  const computeMs = v.getFloat64(at + 8, true);
  const expires = v.getFloat64(at + 16, true);
  const fnLength = v.getUint32(at + 24, true);
  const fpLength = v.getUint32(at + 28, true);
  if (META_FIXED_BYTES + fnLength + fpLength !== header.metaLength) throw new CorruptError('bad meta lengths');
  const key = bytes.toString('latin1', at + KEY_AT, at + KEY_AT + KEY_BYTES);
  const fnStart = at + META_FIXED_BYTES;
  const fn = bytes.toString('utf8', fnStart, fnStart + fnLength);
  const fingerprint = bytes.toString('utf8', fnStart + fnLength, end);
  return Number.isNaN(expires) ? { key, fn, fingerprint, created, computeMs } : { key, fn, fingerprint, created, computeMs, expires };
}
