import fs = require('node:fs');
import { SmartCacheTypeError } from '../../errors';
import { writeAtomic } from './atomic';
import { crc32 } from '../../checksum';
import { BadPayloadError, decodeValue, encodeValue, isBinaryKind, makeBinary, tagBlob, type EncodedValue } from '../codec';
import { openForRead, UnsafeFileError, type OpenedFile } from '../../trust';
import { BLOB_ENTRY_BYTES, buildHead, checkIdentity, CorruptError, FLAG_SUBSTITUTED, HEADER_BYTES, parseHeader, parseMeta, stampKey, viewOf, TRAILER_BYTES, type Expected, type Header } from './format';
import { errnoCode, readFully, writevFully, type Access } from './io';
import type { EncodedEntry, EntryMeta } from '../types';

/** Reading and writing whole entry files (format.ts has the layout). */

/** One read covers small entries whole: header, meta, payload and checksum. */
const FIRST_READ = 64 * 1024;
/**
 * Large blobs are read and checksummed slice by slice, so the checksum reads bytes the read just
 * brought into the CPU cache.
 */
const SLICE = 256 * 1024;

/** An entry ready to write, and the encoder's parts it was cut from (for store/snapshot.ts). */
export interface EncodedResult extends EncodedEntry {
  readonly parts: EncodedValue;
}

export function encodeEntry(meta: EntryMeta, value: unknown, label?: string, enveloped = false): EncodedResult {
  checkMeta(meta);
  const { payload, blobs, substituted } = encodeValue(value, label, enveloped);
  const head = buildHead(meta, payload.byteLength, blobs.map((b) => ({ kind: b.kind, length: b.bytes.byteLength })), substituted);
  const chunks = [head, payload, ...blobs.map((b) => b.bytes)];
  const bytes = chunks.reduce((sum, c) => sum + c.byteLength, TRAILER_BYTES);
  return { meta, chunks, bytes, parts: { payload, blobs, substituted } };
}

function checkMeta(meta: EntryMeta): void {
  const ok =
    typeof meta === 'object' && meta !== null &&
    typeof meta.fn === 'string' && typeof meta.fingerprint === 'string' &&
    Number.isFinite(meta.created) && Number.isFinite(meta.computeMs) &&
    (meta.expires === undefined || Number.isFinite(meta.expires)) &&
    (meta.key === undefined || (typeof meta.key === 'string' && /^[0-9a-f]{64}$/.test(meta.key)));
  if (!ok) throw new SmartCacheTypeError('entry meta needs string fn and fingerprint and finite created, computeMs (and expires, key when given)');
}

/**
 * Writes atomically under `key`, which is stamped into the entry's checksummed head first (so the
 * file names the key it is published under); returns the file's size.
 */
export function writeEntry(file: string, encoded: EncodedEntry, key: string, access: Access): number {
  const [head, ...rest] = encoded.chunks;
  if (head === undefined) throw new SmartCacheTypeError('an encoded entry starts with its head');
  const chunks = [stampKey(head, key), ...rest];
  writeAtomic(file, access, (fd) => writeWithChecksum(fd, chunks));
  return encoded.bytes;
}

/**
 * Checksum first, then one writev of every chunk as it is (the caller's typed arrays are never
 * copied or concatenated). Writing large chunks slice by slice behind the checksum (so the copy
 * into the page cache would read bytes the checksum had just cached) measured 5-15% slower at
 * 100 MB than this (Node 20, ext4; bench/fixtures/rerun/large.js), the system call per slice
 * costing more than the cache saved.
 */
function writeWithChecksum(fd: number, chunks: readonly Uint8Array[]): void {
  let crc = 0;
  for (const chunk of chunks) crc = crc32(chunk, crc);
  writevFully(fd, [...chunks, trailer(crc)]);
}

function trailer(crc: number): Buffer {
  const out = Buffer.allocUnsafe(TRAILER_BYTES);
  out.writeUInt32LE(crc, 0);
  return out;
}

export interface FileEntry {
  readonly meta: EntryMeta;
  readonly value: unknown;
  readonly bytes: number;
  /** The file's modification time (its last use, for the LRU: see Store.markUsed). */
  readonly mtimeMs?: number;
  /**
   * An own copy of the CBOR payload, for small blob-free entries read whole: the memory layer keeps
   * it (store/snapshot.ts) without encoding the value again, so it can keep a key on its first read.
   */
  readonly payload?: { readonly bytes: Buffer; readonly substituted: boolean };
}

/**
 * An fd for reading `file` (never through a link, never blocking on a FIFO, and a regular file of
 * the right owner: trust/files.ts), or undefined when it does not exist (a miss, not an error).
 * Anything else in its place is a CorruptFileError: a miss, removed only in the user's own root.
 */
function openEntry(file: string, access: Access): OpenedFile | undefined {
  try {
    return openForRead(file, access.rule);
  } catch (error) {
    if (error instanceof UnsafeFileError) throw new CorruptFileError(error.message, error.ino ?? linkIno(file));
    throw error;
  }
}

/** The inode of the link itself (lstat), so removing a refused link removes that link only. */
function linkIno(file: string): number {
  return fs.lstatSync(file, { throwIfNoEntry: false })?.ino ?? -1;
}

/**
 * Reads and verifies a whole entry, including that it names the key (and function) it is read
 * for. `keepPayload`: return a copy of a small entry's payload (FileEntry.payload), for a caller
 * that keeps it in memory. Missing -> undefined; not an intact entry we wrote for that key -> CorruptFileError
 * (carrying the inode, so the caller removes only that file); a payload too deep for the current
 * stack -> StackTooDeepError; anything else is an I/O error for the caller.
 */
export function readEntryFile(file: string, access: Access, expected: Expected, keepPayload = true): FileEntry | undefined {
  const opened = openEntry(file, access);
  if (opened === undefined) return undefined;
  try {
    return readOpen(opened.fd, opened.stat, expected, keepPayload);
  } finally {
    fs.closeSync(opened.fd);
  }
}

/**
 * Verifies and decodes an entry held in memory, exactly as a file is verified: header, lengths,
 * checksum, the key and function it names, then the payload. For entries that arrive from
 * elsewhere (a remote tier): bytes from anywhere pass the same checks. Throws CorruptError when
 * they are not an intact entry for `expected`.
 */
export function decodeEntryBytes(bytes: Uint8Array, expected: Expected): FileEntry {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    const header = parseHeader(buf, buf.length);
    const end = buf.length - TRAILER_BYTES;
    if (crc32(buf.subarray(0, end)) !== buf.readUInt32LE(end)) throw new CorruptError('checksum mismatch');
    const meta = parseMeta(buf, header, true);
    checkIdentity(meta, expected);
    const blobs: Array<ArrayBuffer | ArrayBufferView> = [];
    let at = header.headLength;
    for (const info of header.blobs) {
      if (!isBinaryKind(info.kind)) throw new CorruptError(`unknown binary kind ${info.kind}`);
      // Own memory for each blob: the caller may reuse `bytes`.
      const own = Buffer.allocUnsafeSlow(info.length);
      buf.copy(own, 0, at, at + info.length);
      blobs.push(tagBlob(makeBinary(info.kind, own.buffer as ArrayBuffer, 0, info.length), info.kind));
      at += info.length;
    }
    const value = decodeValue(buf.subarray(header.payloadStart, header.headLength), blobs, (header.flags & FLAG_SUBSTITUTED) !== 0);
    return { meta, value, bytes: buf.length };
  } catch (error) {
    if (isCorruption(error)) throw error instanceof CorruptError ? error : new CorruptError((error as Error).message);
    throw error;
  }
}

/** The inode a CorruptError is about, so a concurrent replacement is never deleted. */
export class CorruptFileError extends CorruptError {
  constructor(message: string, readonly ino: number) {
    super(message);
  }
}

/**
 * Reused for the first read of every entry, so a small entry is read, verified and decoded
 * without an allocation (open, fstat, read, close: the fstat is what refuses a FIFO, a device or
 * a foreign file before any byte is read, trust/files.ts). Safe because reading
 * is synchronous and runs no user code, and decoded values never point into it (the decoder
 * copies binaries; strings are new).
 */
const scratch = Buffer.allocUnsafeSlow(FIRST_READ);

function readOpen(fd: number, stat: fs.Stats, expected: Expected, keepPayload: boolean): FileEntry {
  let n: number;
  try {
    n = fs.readSync(fd, scratch, 0, FIRST_READ, 0);
  } catch (error) {
    // Linux lets open(2) succeed on a folder; the read says what it is.
    if (errnoCode(error) === 'EISDIR') throw new CorruptFileError('a folder, not an entry file', stat.ino);
    throw error;
  }
  if (n < FIRST_READ) {
    const whole = scratch.subarray(0, n);
    const header = completeEntry(whole);
    if (header !== undefined) return decodeWhole(stat, whole, header, expected, keepPayload);
  }
  // Large, holding blobs, short-read, or not intact: the careful path decides.
  return readCareful(fd, stat, expected);
}

/** The header, when `bytes` is one whole, intact, blob-free entry; otherwise undefined. */
function completeEntry(bytes: Buffer): Header | undefined {
  try {
    const header = parseHeader(bytes, bytes.length);
    if (header.blobs.length > 0) return undefined;
    const end = bytes.length - TRAILER_BYTES;
    return crc32(bytes.subarray(0, end)) === viewOf(bytes).getUint32(end, true) ? header : undefined;
  } catch {
    return undefined;
  }
}

function decodeWhole(stat: fs.Stats, bytes: Buffer, header: Header, expected: Expected, keepPayload: boolean): FileEntry {
  try {
    const meta = parseMeta(bytes, header, true);
    checkIdentity(meta, expected);
    const substituted = (header.flags & FLAG_SUBSTITUTED) !== 0;
    const payload = bytes.subarray(header.payloadStart, header.headLength);
    const value = decodeValue(payload, [], substituted);
    if (!keepPayload) return { meta, value, bytes: bytes.length, mtimeMs: stat.mtimeMs };
    // Unpooled: a kept copy must not pin an 8 KiB pool slab. `bytes` is the shared scratch buffer.
    const own = Buffer.allocUnsafeSlow(payload.length);
    own.set(payload);
    return { meta, value, bytes: bytes.length, mtimeMs: stat.mtimeMs, payload: { bytes: own, substituted } };
  } catch (error) {
    if (isCorruption(error)) throw new CorruptFileError((error as Error).message, stat.ino);
    throw error;
  }
}

function isCorruption(error: unknown): boolean {
  return error instanceof CorruptError || error instanceof BadPayloadError || error instanceof RangeError;
}

function readCareful(fd: number, stat: fs.Stats, expected: Expected): FileEntry {
  // Entry files are never modified after the rename that publishes them, so fstat on the open
  // descriptor (taken when it was opened) and the bytes read through it always describe the same,
  // complete file.
  try {
    const size = stat.size;
    const { bytes: first, header } = readHeader(fd, size, FIRST_READ);
    const head = readHead(fd, first, header);
    const meta = parseMeta(head, header);
    checkIdentity(meta, expected);
    let crc = crc32(head);
    const blobs: Array<ArrayBuffer | ArrayBufferView> = [];
    let at = header.headLength;
    for (const info of header.blobs) {
      if (!isBinaryKind(info.kind)) throw new CorruptError(`unknown binary kind ${info.kind}`);
      const bytes = Buffer.allocUnsafeSlow(info.length);
      crc = readChecksummed(fd, bytes, at, crc);
      blobs.push(tagBlob(makeBinary(info.kind, bytes.buffer as ArrayBuffer, 0, info.length), info.kind));
      at += info.length;
    }
    const stored = at + TRAILER_BYTES <= first.length ? first.readUInt32LE(at) : readTrailer(fd, at);
    if (stored !== crc) throw new CorruptError('checksum mismatch');
    const payload = head.subarray(header.payloadStart, header.headLength);
    const value = decodeValue(payload, blobs, (header.flags & FLAG_SUBSTITUTED) !== 0);
    return { meta, value, bytes: size, mtimeMs: stat.mtimeMs };
  } catch (error) {
    if (isCorruption(error)) throw new CorruptFileError((error as Error).message, stat.ino);
    throw error;
  }
}

function readHead(fd: number, first: Buffer, header: Header): Buffer {
  if (header.headLength <= first.length) return first.subarray(0, header.headLength);
  const head = Buffer.allocUnsafe(header.headLength);
  first.copy(head, 0, 0, first.length);
  const rest = header.headLength - first.length;
  if (readFully(fd, head, first.length, rest, first.length) !== rest) throw new CorruptError('short read');
  return head;
}

function readChecksummed(fd: number, target: Buffer, position: number, crc: number): number {
  for (let at = 0; at < target.length; at += SLICE) {
    const length = Math.min(SLICE, target.length - at);
    if (readFully(fd, target, at, length, position + at) !== length) throw new CorruptError('short read');
    crc = crc32(target.subarray(at, at + length), crc);
  }
  return crc;
}

function readTrailer(fd: number, position: number): number {
  const bytes = Buffer.allocUnsafe(TRAILER_BYTES);
  if (readFully(fd, bytes, 0, TRAILER_BYTES, position) !== TRAILER_BYTES) throw new CorruptError('short read');
  return bytes.readUInt32LE(0);
}

export interface HeadInfo {
  readonly meta: EntryMeta;
  readonly bytes: number;
  /** Allocated on disk (st_blocks × 512, what `du` counts). */
  readonly disk: number;
  readonly mtimeMs: number;
  readonly ino: number;
}

/**
 * Reads only header + meta (for scans and has()): checks magic, sizes, the head checksum and that
 * the entry names the key it is stored under.
 */
export function readEntryHead(file: string, access: Access, expected: Expected): HeadInfo | CorruptFileError | undefined {
  let opened: OpenedFile | undefined;
  try {
    opened = openEntry(file, access);
  } catch (error) {
    if (error instanceof CorruptFileError) return error;
    throw error;
  }
  if (opened === undefined) return undefined;
  const { fd, stat } = opened;
  try {
    const size = stat.size;
    const { bytes: prefix, header } = readHeader(fd, size, 4096);
    const bytes = header.payloadStart > prefix.length ? readPrefix(fd, header.payloadStart) : prefix;
    const meta = parseMeta(bytes, header);
    checkIdentity(meta, expected);
    return { meta, bytes: size, disk: allocated(stat), mtimeMs: stat.mtimeMs, ino: stat.ino };
  } catch (error) {
    if (error instanceof CorruptError || error instanceof RangeError) return new CorruptFileError(error.message, stat.ino);
    throw error;
  } finally {
    fs.closeSync(fd);
  }
}

/** st_blocks counts 512-byte units on Linux and macOS whatever the block size; where a file system reports none, the size. */
export function allocated(stat: fs.Stats): number {
  return Number.isFinite(stat.blocks) && stat.blocks >= 0 ? stat.blocks * 512 : stat.size;
}

/**
 * Reads the first `want` bytes (fewer for a smaller file) and parses the header, reading more
 * when a long blob table does not fit. Every length used to allocate is bounded by the file size.
 */
function readHeader(fd: number, size: number, want: number): { bytes: Buffer; header: Header } {
  let bytes = readPrefix(fd, Math.min(size, want));
  if (bytes.length < HEADER_BYTES) throw new CorruptError('file shorter than its header');
  const tableEnd = HEADER_BYTES + bytes.readUInt32LE(24) * BLOB_ENTRY_BYTES;
  if (tableEnd > bytes.length && tableEnd <= size) bytes = readPrefix(fd, tableEnd);
  return { bytes, header: parseHeader(bytes, size) };
}

function readPrefix(fd: number, length: number): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  if (readFully(fd, bytes, 0, length, 0) !== length) throw new CorruptError('short read');
  return bytes;
}
