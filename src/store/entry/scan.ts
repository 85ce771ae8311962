import fs = require('node:fs');
import path = require('node:path');
import { readEntryHead } from './file';
import { ioError, isMissing, isRealFolder, listDir, type Access } from './io';
import { isKey, isTempName, type Layout } from './paths';
import type { EntryInfo } from '../types';

/**
 * Streaming walk of entries/ab/cd/<key>: one leaf folder is listed at a time, so a scan of
 * 100,000 entries never holds them all. Yields entries (meta from the verified head only),
 * corrupt files, and temp files (left by killed writers) for the eviction primitives.
 *
 * Nothing is followed: a fan-out folder that is a link (to /etc, to a loop) is skipped, never
 * entered, so no scan, clear or prune can read or delete outside the root through one; a link or
 * special file where an entry belongs is reported as corrupt (removing it removes the link).
 */

export type ScanItem =
  | { readonly type: 'entry'; readonly info: EntryInfo; readonly ino: number }
  | { readonly type: 'corrupt'; readonly file: string; readonly reason: string; readonly ino: number }
  | { readonly type: 'temp'; readonly file: string; readonly bytes: number; readonly mtimeMs: number }
  /** A single-flight claim beside an entry (src/flight/): `released` when its owner gave up. */
  | { readonly type: 'claim'; readonly file: string; readonly bytes: number; readonly mtimeMs: number; readonly released: boolean; readonly pid: number | undefined; readonly host: string | undefined };

const CLAIM = /^([0-9a-f]{64})\.claim$/;

const FAN = /^[0-9a-f]{2}$/;

interface Listed {
  readonly name: string;
  readonly file: string;
  /** The leaf folder's key prefix. */
  readonly prefix: string;
  /** A regular file (from readdir's type, no stat); links and special files are not. */
  readonly regular: boolean;
}

/** Every name under entries/ab/cd/, through real folders only. */
export function* entryFiles(layout: Layout): Generator<Listed> {
  if (!isRealFolder(layout.base) || !isRealFolder(layout.entries)) return;
  for (const a of listDir(layout.entries)) {
    if (!a.isDirectory() || !FAN.test(a.name)) continue;
    const dirA = path.join(layout.entries, a.name);
    for (const b of listDir(dirA)) {
      if (!b.isDirectory() || !FAN.test(b.name)) continue;
      const dirB = path.join(dirA, b.name);
      for (const f of listDir(dirB)) yield { name: f.name, file: path.join(dirB, f.name), prefix: a.name + b.name, regular: f.isFile() };
    }
  }
}

export function* scan(layout: Layout, access: Access): Generator<ScanItem> {
  for (const { name, file, prefix, regular } of entryFiles(layout)) {
    if (isKey(name) && name.startsWith(prefix)) {
      // The open refuses links and special files itself; readdir's type only saves a syscall.
      const head = readEntryHead(file, access, { key: name });
      if (head === undefined) continue; // removed since the folder was listed
      if (head instanceof Error) yield { type: 'corrupt', file, reason: head.message, ino: head.ino };
      else yield { type: 'entry', ino: head.ino, info: { key: name, file, meta: head.meta, bytes: head.bytes, disk: head.disk, lastUsed: head.mtimeMs } };
    } else if (isTempName(name)) {
      const stat = fs.lstatSync(file, { throwIfNoEntry: false });
      if (stat !== undefined && regular) yield { type: 'temp', file, bytes: stat.size, mtimeMs: stat.mtimeMs };
    } else if (regular && CLAIM.exec(name)?.[1]?.startsWith(prefix) === true) {
      const stat = fs.lstatSync(file, { throwIfNoEntry: false });
      if (stat === undefined || !stat.isFile() || stat.size > 4096) continue;
      let text = '';
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      let owner: { pid?: unknown; host?: unknown; state?: unknown } = {};
      try {
        owner = JSON.parse(text) as typeof owner;
      } catch {
        // Never written (its creator was killed between open and write): judged by age alone.
      }
      const pid = typeof owner.pid === 'number' && Number.isInteger(owner.pid) && owner.pid > 0 ? owner.pid : undefined;
      yield { type: 'claim', file, bytes: stat.size, mtimeMs: stat.mtimeMs, released: owner.state === 'released', pid, host: typeof owner.host === 'string' ? owner.host : undefined };
    }
  }
}

/** Sum of the sizes of every regular file under entries/ (entries, and any temp or stray file). */
export function entriesBytes(layout: Layout): number {
  let total = 0;
  for (const { file, regular } of entryFiles(layout)) if (regular) total += fs.lstatSync(file, { throwIfNoEntry: false })?.size ?? 0;
  return total;
}

/**
 * Unlinks `file` only if it is still the inode we judged (a writer may have replaced it). lstat,
 * not stat: the judged name may be a link, and it is the link that goes, never its target. A file
 * already gone is `false`; with `strict`, any other failure (EROFS, EACCES) throws ERR_STORE_IO,
 * so a clear on a read-only root says why instead of reporting nothing removed.
 */
export function unlinkIfSame(file: string, ino: number, strict = false): boolean {
  try {
    if (fs.lstatSync(file).ino !== ino) return false;
    fs.unlinkSync(file);
    return true;
  } catch (error) {
    if (strict && !isMissing(error)) throw ioError('delete', file, error);
    return false;
  }
}
