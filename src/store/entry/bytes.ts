import fs = require('node:fs');
import { writeAtomic } from './atomic';
import { crc32 } from '../../checksum';
import { CorruptError, parseHeader, TRAILER_BYTES } from './format';
import { openForRead, UnsafeFileError } from '../../trust';
import { readFully, writeFully, type Access } from './io';

/**
 * Entry files as opaque bytes, for the team cache: it moves the exact file the store wrote
 * between machines. Reading checks what can be checked without decoding (header sizes and the
 * whole-file checksum), so a damaged local file is never shared; writing publishes the bytes
 * atomically and checks nothing: the store's normal read verifies them like any other file
 * before anything is returned.
 */

export interface TooLarge {
  readonly tooLarge: number;
}

/** The file's bytes; undefined when missing or not intact; `{ tooLarge }` past `maxBytes` (not read). */
export function readEntryBytes(file: string, access: Access, maxBytes: number): Buffer | TooLarge | undefined {
  let opened;
  try {
    // No link, no special file, the user's own (as every read of the store): never shared.
    opened = openForRead(file, access.rule);
  } catch (error) {
    if (error instanceof UnsafeFileError) return undefined;
    throw error;
  }
  if (opened === undefined) return undefined;
  const { fd, stat } = opened;
  try {
    if (stat.size > maxBytes) return { tooLarge: stat.size };
    const bytes = Buffer.allocUnsafeSlow(stat.size);
    if (readFully(fd, bytes, 0, stat.size, 0) !== stat.size) return undefined;
    return isIntact(bytes) ? bytes : undefined;
  } finally {
    fs.closeSync(fd);
  }
}

function isIntact(bytes: Buffer): boolean {
  try {
    parseHeader(bytes, bytes.length);
  } catch (error) {
    if (error instanceof CorruptError || error instanceof RangeError) return false;
    throw error;
  }
  const end = bytes.length - TRAILER_BYTES;
  return crc32(bytes.subarray(0, end)) === bytes.readUInt32LE(end);
}

/** Publishes `bytes` as the entry file (temp file + rename); returns the size. */
export function writeEntryBytes(file: string, access: Access, bytes: Uint8Array): number {
  writeAtomic(file, access, (fd) => writeFully(fd, bytes));
  return bytes.byteLength;
}
