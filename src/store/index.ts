import * as fs from 'node:fs';
import * as path from 'node:path';
import { isSmartCacheError, SmartCacheError } from '../errors';
import { warnOnce } from '../warn';
import { StackTooDeepError } from './codec';
import {
  assertKey,
  claimFile,
  CorruptFileError,
  encodeEntry,
  ensureDir,
  entriesBytes,
  entryFile,
  ioError,
  isMissing,
  layoutFor,
  measureUsage,
  removeEmptyFolders,
  UsageAccount,
  type DiskUsage,
  readEntryFile,
  readEntryHead,
  scan,
  STORE_FORMAT_VERSION,
  unlinkIfSame,
  unlinkQuiet,
  writeEntry,
  type EncodedResult,
  type Layout,
} from './entry';
import * as records from './function-records';
import * as stats from './stats-log';
import type { EncodedEntry, EntryInfo, EntryMeta, FunctionRecord, ReadEntry, StatsDelta } from './types';

export { STORE_FORMAT_VERSION, UsageAccount };
export type { DiskUsage, EncodedEntry, EncodedResult, EntryInfo, EntryMeta, FunctionRecord, ReadEntry, StatsDelta };
export { snapshotOf, snapshotOfEntry } from './snapshot';
export type { Snapshot } from './snapshot';
export { fileFromName, groupRecords, takeInventory } from './inventory';
export type { FunctionSummary, Inventory, InventorySource, VersionSummary } from './inventory';
export { applyPrune, planPrune, tallyPrune } from './prune';
export type { PrunePlan, PrunePolicy, PruneReason, PruneTarget } from './prune';

/** Temp files older than this are a killed writer's leftovers; deleteWhere() removes them. */
const STALE_TEMP_MS = 60 * 60 * 1000;

/**
 * The content-addressed result store: <root>/smartcache-v1/entries/ab/cd/<64-hex key>, plus
 * function records and usage stats beside it. Safe for many processes on one root: entries are
 * published by atomic rename and never modified afterwards; every read verifies the checksum.
 */
export class Store {
  readonly root: string;
  private readonly layout: Layout;

  /** Creates nothing on disk until the first write. */
  static open(root: string): Store {
    return new Store(root);
  }

  private constructor(root: string) {
    this.layout = layoutFor(root);
    this.root = this.layout.root;
  }

  /** Missing -> undefined. Corrupt -> removed, one warning, undefined. Other I/O errors throw ERR_STORE_IO. */
  read(key: string): ReadEntry | undefined {
    assertKey(key);
    const file = entryFile(this.layout, key);
    try {
      return readEntryFile(file);
    } catch (error) {
      if (error instanceof CorruptFileError) {
        unlinkIfSame(file, error.ino);
        this.warnCorrupt(key, error);
        return undefined;
      }
      if (error instanceof StackTooDeepError) {
        // The file is fine; this call is too deep in the stack to decode it. Keep it.
        warnOnce(`result store ${this.root}`, `entry ${key} is too deeply nested to decode at this call depth (treated as a miss)`);
        return undefined;
      }
      throw wrapIo('read', file, error);
    }
  }

  /** Throws ERR_UNSERIALIZABLE_RESULT (with the offending path) if the value cannot round-trip exactly. */
  encode(meta: EntryMeta, value: unknown): EncodedResult {
    return encodeEntry(meta, value);
  }

  /** Atomic; returns the bytes written. Throws ERR_STORE_IO with the cause kept. */
  write(key: string, encoded: EncodedEntry): number {
    assertKey(key);
    return writeEntry(entryFile(this.layout, key), encoded);
  }

  put(key: string, meta: EntryMeta, value: unknown): number {
    return this.write(key, this.encode(meta, value));
  }

  /** Stored and intact as far as its verified head and size tell (the body is not read). */
  has(key: string): boolean {
    assertKey(key);
    const file = entryFile(this.layout, key);
    try {
      const head = readEntryHead(file);
      return head !== undefined && !(head instanceof Error);
    } catch (error) {
      throw wrapIo('read', file, error);
    }
  }

  /** The meta of a valid entry from its verified head alone (the payload is not read), or undefined. */
  peekMeta(key: string): EntryMeta | undefined {
    assertKey(key);
    const file = entryFile(this.layout, key);
    try {
      const head = readEntryHead(file);
      return head === undefined || head instanceof Error ? undefined : head.meta;
    } catch (error) {
      throw wrapIo('read', file, error);
    }
  }

  delete(key: string): boolean {
    assertKey(key);
    const file = entryFile(this.layout, key);
    try {
      fs.unlinkSync(file);
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw ioError('delete', file, error);
    }
  }

  /** LRU bump: sets each entry's mtime to now. Entries removed meanwhile are skipped. */
  markUsed(keys: Iterable<string>): void {
    const now = new Date();
    let failure: unknown;
    for (const key of keys) {
      assertKey(key);
      const file = entryFile(this.layout, key);
      try {
        fs.utimesSync(file, now, now);
      } catch (error) {
        if (!isMissing(error)) failure ??= ioError('mark as used', file, error);
      }
    }
    if (failure !== undefined) throw failure;
  }

  /** Streaming scan of intact entries (corrupt files and temps are skipped). */
  *entries(): Generator<EntryInfo> {
    for (const item of this.scanItems()) if (item.type === 'entry') yield item.info;
  }

  /** Bytes of every file in the entries folder (entries and any leftover temp files). */
  totalBytes(): number {
    try {
      return entriesBytes(this.layout);
    } catch (error) {
      throw wrapIo('scan', this.layout.entries, error);
    }
  }

  /**
   * Removes the entries `pred` selects, plus corrupt entry files and temp files left by killed
   * writers more than an hour ago; returns what was removed.
   */
  deleteWhere(pred: (e: EntryInfo) => boolean): { removed: number; bytes: number } {
    let removed = 0;
    let bytes = 0;
    const now = Date.now();
    // Leaf folders something was removed from (as `abcd`), to remove the ones left empty.
    const touched = new Set<string>();
    for (const item of this.scanItems()) {
      if (item.type === 'entry') {
        if (pred(item.info) && unlinkIfSame(item.info.file, item.ino, true)) {
          removed++;
          bytes += item.info.bytes;
          touched.add(item.info.key.slice(0, 4));
        }
      } else if (item.type === 'corrupt') {
        const size = fs.statSync(item.file, { throwIfNoEntry: false })?.size ?? 0;
        if (unlinkIfSame(item.file, item.ino)) {
          removed++;
          bytes += size;
          touched.add(leafOf(item.file));
        }
      } else if (now - item.mtimeMs > STALE_TEMP_MS && unlinkQuiet(item.file)) {
        removed++;
        bytes += item.bytes;
        touched.add(leafOf(item.file));
      }
    }
    this.removeEmptyFolders(touched);
    return { removed, bytes };
  }

  /**
   * Removes the fan-out folders left empty (those of `keys`, or all): `clear` and `prune` must
   * not leave thousands of empty folders behind, each taking a block on disk.
   */
  removeEmptyFolders(keys?: Iterable<string>): number {
    return removeEmptyFolders(this.layout, keys);
  }

  /** What `du -s` says of the root, with the fan-out folders' share (see usage.ts). */
  diskUsage(): DiskUsage {
    return this.measure();
  }

  /** Every intact entry and the disk usage, from one walk of the root (see usage.ts). */
  entriesWithUsage(): { entries: EntryInfo[]; usage: DiskUsage } {
    const entries: EntryInfo[] = [];
    const usage = this.measure((e) => entries.push(e));
    return { entries, usage };
  }

  private measure(collect?: (e: EntryInfo) => void): DiskUsage {
    try {
      return measureUsage(this.layout, collect);
    } catch (error) {
      throw wrapIo('measure', this.layout.root, error);
    }
  }

  clearFunction(name: string): { removed: number; bytes: number } {
    return this.deleteWhere((e) => e.meta.fn === name);
  }

  writeFunctionRecord(r: FunctionRecord): void {
    records.writeFunctionRecord(this.layout, r);
  }

  /** Newest first. */
  readFunctionRecords(name?: string): FunctionRecord[] {
    try {
      return records.readFunctionRecords(this.layout, name);
    } catch (error) {
      throw wrapIo('read function records in', this.layout.functions, error);
    }
  }

  latestFunctionRecord(name: string): FunctionRecord | undefined {
    return this.readFunctionRecords(name)[0];
  }

  /** Makes the record of (name, fingerprint), if any, the newest one of its function. */
  markCurrentRecord(name: string, fingerprint: string): void {
    records.markCurrentRecord(this.layout, name, fingerprint);
  }

  /** Removes every record of `name` and its folder; returns how many records went. */
  deleteFunctionRecords(name: string): number {
    return records.deleteFunctionRecords(this.layout, name);
  }

  /** A small string kept per (function, topic) across runs; undefined when absent or corrupt. */
  readFunctionNote(name: string, topic: string): string | undefined {
    try {
      return records.readFunctionNote(this.layout, name, topic);
    } catch (error) {
      throw wrapIo('read a note in', this.layout.functions, error);
    }
  }

  writeFunctionNote(name: string, topic: string, value: string): void {
    records.writeFunctionNote(this.layout, name, topic, value);
  }

  /**
   * The claim file of `key` (cross-process single flight: see src/flight/), beside where its entry
   * goes; its folder is created, so the claim can be made at once. Never a key nor a temp name,
   * so scans and eviction pass it by.
   */
  claimPath(key: string): string {
    assertKey(key);
    const file = claimFile(this.layout, key);
    try {
      ensureDir(path.dirname(file));
    } catch (error) {
      throw wrapIo('create the folder of', file, error);
    }
    return file;
  }

  /** Safe for many processes appending at once. */
  appendStats(name: string, d: StatsDelta): void {
    stats.appendStats(this.layout, name, d);
  }

  /** Totals by function name. */
  readStats(): Map<string, StatsDelta> {
    return stats.readStats(this.layout);
  }

  private *scanItems(): ReturnType<typeof scan> {
    try {
      yield* scan(this.layout);
    } catch (error) {
      throw wrapIo('scan', this.layout.entries, error);
    }
  }

  private warnCorrupt(key: string, error: CorruptFileError): void {
    const cause = new SmartCacheError('ERR_CORRUPT_ENTRY', error.message, { file: entryFile(this.layout, key) });
    warnOnce(`result store ${this.root}`, `corrupt entry ${key} removed (treated as a miss)`, cause, 'ERR_CORRUPT_ENTRY');
  }
}

/** `entries/ab/cd/<file>` → `abcd`, the leaf folder's prefix. */
function leafOf(file: string): string {
  return `${path.basename(path.dirname(path.dirname(file)))}${path.basename(path.dirname(file))}`;
}

function wrapIo(action: string, file: string, error: unknown): unknown {
  return isSmartCacheError(error) ? error : ioError(action, file, error);
}
