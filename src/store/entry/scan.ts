import * as fs from 'node:fs';
import * as path from 'node:path';
import { readEntryHead } from './file';
import { ioError, isMissing, listDir } from './io';
import { isKey, isTempName, type Layout } from './paths';
import type { EntryInfo } from '../types';

/**
 * Streaming walk of entries/ab/cd/<key>: one leaf folder is listed at a time, so a scan of
 * 100,000 entries never holds them all. Yields entries (meta from the verified head only),
 * corrupt files, and temp files (left by killed writers) for the eviction primitives.
 */

export type ScanItem =
  | { readonly type: 'entry'; readonly info: EntryInfo; readonly ino: number }
  | { readonly type: 'corrupt'; readonly file: string; readonly reason: string; readonly ino: number }
  | { readonly type: 'temp'; readonly file: string; readonly bytes: number; readonly mtimeMs: number };

const FAN = /^[0-9a-f]{2}$/;

/** Every file under entries/, as [name, full path, leaf folder's key prefix]. */
export function* entryFiles(layout: Layout): Generator<{ readonly name: string; readonly file: string; readonly prefix: string }> {
  for (const a of listDir(layout.entries)) {
    if (!FAN.test(a)) continue;
    const dirA = path.join(layout.entries, a);
    for (const b of listDir(dirA)) {
      if (!FAN.test(b)) continue;
      const dirB = path.join(dirA, b);
      for (const name of listDir(dirB)) yield { name, file: path.join(dirB, name), prefix: a + b };
    }
  }
}

export function* scan(layout: Layout): Generator<ScanItem> {
  for (const { name, file, prefix } of entryFiles(layout)) {
    if (isKey(name) && name.startsWith(prefix)) {
      const head = readEntryHead(file);
      if (head === undefined) continue; // removed since the folder was listed
      if (head instanceof Error) yield { type: 'corrupt', file, reason: head.message, ino: head.ino };
      else yield { type: 'entry', ino: head.ino, info: { key: name, file, meta: head.meta, bytes: head.bytes, disk: head.disk, lastUsed: head.mtimeMs } };
    } else if (isTempName(name)) {
      const stat = fs.statSync(file, { throwIfNoEntry: false });
      if (stat !== undefined) yield { type: 'temp', file, bytes: stat.size, mtimeMs: stat.mtimeMs };
    }
  }
}

/** Sum of the sizes of every file under entries/ (entries, and any temp or stray file). */
export function entriesBytes(layout: Layout): number {
  let total = 0;
  for (const { file } of entryFiles(layout)) total += fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  return total;
}

/**
 * Unlinks `file` only if it is still the inode we judged (a writer may have replaced it). A file
 * already gone is `false`; with `strict`, any other failure (EROFS, EACCES) throws ERR_STORE_IO,
 * so a clear on a read-only root says why instead of reporting nothing removed.
 */
export function unlinkIfSame(file: string, ino: number, strict = false): boolean {
  try {
    if (fs.statSync(file).ino !== ino) return false;
    fs.unlinkSync(file);
    return true;
  } catch (error) {
    if (strict && !isMissing(error)) throw ioError('delete', file, error);
    return false;
  }
}
