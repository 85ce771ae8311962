import fs = require('node:fs');
import path = require('node:path');
import { allocated, readEntryHead } from './file';
import { errnoCode, ioError, isMissing, type Access } from './io';
import { isKey, type Layout } from './paths';
import type { EntryInfo } from '../types';

/**
 * Disk usage as `du` counts it: allocated blocks (st_blocks × 512) of every file AND folder.
 * Payload bytes say little here: on ext4 a 150-byte entry takes a 4 KiB block, and each of the
 * up to 65,792 fan-out folders another 4 KiB (5,000 tiny entries: ~760 KB of payload, ~40 MB on
 * disk). `ls`, `stats` and `prune --max-size` speak in these numbers.
 */
export interface DiskUsage {
  /** `du -s -B1 <root>`: the root, and everything under it, links not followed. */
  readonly total: number;
  /** Fan-out folder (`ab` or `ab/cd`, relative to entries/) → its own allocated size. */
  readonly folders: ReadonlyMap<string, number>;
  /** Leaf folder (`ab/cd`) → how many files it holds (entries, temps, strays). */
  readonly filesPerLeaf: ReadonlyMap<string, number>;
}

const FAN = /^[0-9a-f]{2}$/;

function lstatQuiet(file: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(file);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw ioError('measure', file, error);
  }
}

function list(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw ioError('list', dir, error);
  }
}

/**
 * Walks the root once, every folder listed once: the disk usage and, when `collect` is given,
 * every intact entry (meta from its verified head, as `scan` yields them) handed to it on the
 * way. Prune and ls need both; one walk instead of a scan and a `du` halves the listings and
 * spares an lstat per entry (the head's fstat already has its blocks). Files removed meanwhile
 * are skipped.
 */
export function measureUsage(layout: Layout, access: Access, collect?: (entry: EntryInfo) => void): DiskUsage {
  const folders = new Map<string, number>();
  const filesPerLeaf = new Map<string, number>();
  const sep = path.sep;
  let total = 0;
  const visitLeaf = (dir: string, prefix: string, rel: string): void => {
    let files = 0;
    for (const d of list(dir)) {
      const file = dir + sep + d.name;
      if (collect !== undefined && d.isFile() && isKey(d.name) && d.name.startsWith(prefix)) {
        const head = readEntryHead(file, access, { key: d.name });
        if (head === undefined) continue; // removed since the folder was listed
        if (!(head instanceof Error)) {
          total += head.disk;
          files++;
          collect({ key: d.name, file, meta: head.meta, bytes: head.bytes, disk: head.disk, lastUsed: head.mtimeMs });
          continue;
        }
      }
      const s = lstatQuiet(file);
      if (s === undefined) continue;
      if (s.isDirectory()) walk(file, s, undefined);
      else {
        total += allocated(s);
        files++;
      }
    }
    filesPerLeaf.set(rel, files);
  };
  /** `fan`: where this folder is in entries/ (undefined outside it). */
  const walk = (dir: string, stat: fs.Stats, fan: readonly string[] | undefined): void => {
    total += allocated(stat);
    if (fan !== undefined && fan.length > 0) folders.set(fan.join('/'), allocated(stat));
    if (fan !== undefined && fan.length === 2) {
      visitLeaf(dir, fan.join(''), fan.join('/'));
      return;
    }
    for (const d of list(dir)) {
      const child = dir + sep + d.name;
      const s = lstatQuiet(child);
      if (s === undefined) continue;
      if (!s.isDirectory()) {
        total += allocated(s);
        continue;
      }
      const inEntries = child === layout.entries ? [] : fan !== undefined && FAN.test(d.name) ? [...fan, d.name] : undefined;
      walk(child, s, inEntries);
    }
  };
  // The root itself may be a link the user made (SMARTCACHE_DIR on a mounted volume): the
  // program stores through it, so `ls`, `stats` and `prune` measure through it too. Below the
  // root no link is followed.
  let rootStat = lstatQuiet(layout.root);
  if (rootStat?.isSymbolicLink() === true) {
    try {
      rootStat = fs.statSync(layout.root);
    } catch (error) {
      if (!isMissing(error)) throw ioError('measure', layout.root, error);
      rootStat = undefined;
    }
  }
  if (rootStat !== undefined && rootStat.isDirectory()) walk(layout.root, rootStat, layout.root === layout.entries ? [] : undefined);
  return { total, folders, filesPerLeaf };
}

/**
 * What `du` would say as entries are removed: an entry frees its blocks, and the last file of a
 * fan-out folder frees the folder too (and the last leaf its parent), because the store removes
 * emptied folders. Lets `prune --max-size` bound the real disk use, folders included.
 */
export class UsageAccount {
  private readonly leaves: Map<string, number>;
  private readonly tops = new Map<string, number>();
  /** Leaf folders (as `abcd`) the removals so far leave empty. */
  private readonly emptied = new Set<string>();
  total: number;

  constructor(private readonly usage: DiskUsage) {
    this.total = usage.total;
    this.leaves = new Map(usage.filesPerLeaf);
    for (const [leaf, files] of this.leaves) if (files > 0) this.tops.set(leaf.slice(0, 2), (this.tops.get(leaf.slice(0, 2)) ?? 0) + 1);
  }

  /**
   * The leaf folders left empty by the removals accounted, as key prefixes (`abcd`) for
   * removeEmptyFolders: only those are worth an rmdir (a 100,000-entry prune touches ~50,000).
   */
  emptiedFolders(): string[] {
    return [...this.emptied];
  }

  /** Removes one entry from the account; returns the projected total. */
  remove(entry: EntryInfo): number {
    this.total -= entry.disk;
    const leaf = `${entry.key.slice(0, 2)}/${entry.key.slice(2, 4)}`;
    const left = (this.leaves.get(leaf) ?? 1) - 1;
    this.leaves.set(leaf, left);
    if (left === 0) {
      this.emptied.add(leaf.replace('/', ''));
      this.total -= this.usage.folders.get(leaf) ?? 0;
      const top = leaf.slice(0, 2);
      const leavesLeft = (this.tops.get(top) ?? 1) - 1;
      this.tops.set(top, leavesLeft);
      if (leavesLeft === 0) this.total -= this.usage.folders.get(top) ?? 0;
    }
    return this.total;
  }
}

function rmdirIfEmpty(dir: string): boolean {
  try {
    fs.rmdirSync(dir);
    return true;
  } catch (error) {
    const code = errnoCode(error);
    // Not empty (a writer got there first), or gone already: both fine.
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw ioError('remove folder', dir, error);
  }
}

/**
 * Removes the fan-out folders of `keys` (or all of them) that are empty now, leaf first, then
 * its parent. A writer racing with this finds its folder gone when it opens its temp file and
 * creates it again (store/atomic.ts), and a folder holding a temp file is not empty.
 */
export function removeEmptyFolders(layout: Layout, keys?: Iterable<string>): number {
  const tops = new Map<string, Set<string>>();
  const add = (top: string, leaf: string): void => {
    let set = tops.get(top);
    if (set === undefined) tops.set(top, (set = new Set()));
    set.add(leaf);
  };
  if (keys === undefined) {
    for (const top of list(layout.entries)) {
      if (!top.isDirectory() || !FAN.test(top.name)) continue;
      tops.set(top.name, new Set());
      for (const leaf of list(path.join(layout.entries, top.name))) if (leaf.isDirectory() && FAN.test(leaf.name)) add(top.name, leaf.name);
    }
  } else {
    for (const key of keys) add(key.slice(0, 2), key.slice(2, 4));
  }
  let removed = 0;
  for (const [top, leaves] of tops) {
    const topDir = path.join(layout.entries, top);
    for (const leaf of leaves) if (rmdirIfEmpty(path.join(topDir, leaf))) removed++;
    if (rmdirIfEmpty(topDir)) removed++;
  }
  return removed;
}
