/**
 * `node:fs` and clock functions as they were before smartcache patched them. Recording and
 * validation use these: the cache's own stats and hashes must never be recorded as inputs of a
 * call, nor counted as a use of the clock.
 */
import fs = require('node:fs');
import { sha256 } from '../hash';
import { untracked } from './guard';

export const real = {
  statSync: fs.statSync,
  lstatSync: fs.lstatSync,
  fstatSync: fs.fstatSync,
  readFileSync: fs.readFileSync,
  readdirSync: fs.readdirSync,
  readlinkSync: fs.readlinkSync,
  existsSync: fs.existsSync,
  accessSync: fs.accessSync,
  now: Date.now,
};

/** The cheap part of a file's state: equal means unchanged since (ctime cannot be set back). */
export interface Snap {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly ino: number;
  readonly isFile: boolean;
  readonly isDirectory: boolean;
}

export function snap(abs: string): Snap | undefined {
  let s: fs.Stats | undefined;
  try {
    s = real.statSync(abs, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
  if (s === undefined) return undefined;
  return { size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, ino: s.ino, isFile: s.isFile(), isDirectory: s.isDirectory() };
}

export function sameSnap(a: Snap, b: { size: number; mtimeMs: number; ctimeMs: number; ino: number }): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;
}

/**
 * File timestamps come from the kernel's coarse clock (a few ms on Linux; 1-2 s on ext3, HFS+,
 * FAT): a second write within the same tick keeps ctime and mtime. A file changed this recently
 * when it was read is "racy" (git's term): its cheap state proves nothing, and every validation
 * hashes it instead.
 */
export const RACY_MS = 2000;

export function isRacy(s: Snap): boolean {
  return s.ctimeMs + RACY_MS >= real.now() || s.mtimeMs + RACY_MS >= real.now();
}

/** sha256 hex of bytes or of a string (UTF-8): the one helper of src/hash.ts. */
export function hashBytes(data: Buffer | string): string {
  return sha256(data);
}

/** sha256 of a file's bytes now, or undefined when it cannot be read. */
export function hashFile(abs: string): string | undefined {
  return readHash(abs)?.hash;
}

/** sha256 of a file's bytes now and how many bytes there were (see `UNSIZED`). */
export function readHash(abs: string): { readonly hash: string; readonly bytes: number } | undefined {
  try {
    const data = untracked(() => real.readFileSync(abs));
    return { hash: hashBytes(data), bytes: data.length };
  } catch {
    return undefined;
  }
}

/**
 * The size recorded for a file whose stat size was not the number of bytes read: /proc and /sys
 * pseudo-files say 0 and keep a fixed mtime, ctime and inode while their content changes, so the
 * cheap state proves nothing. No stat has this size: every check compares the content hash.
 */
export const UNSIZED = -2;
