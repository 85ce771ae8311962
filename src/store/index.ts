import fs = require('node:fs');
import path = require('node:path');
import os = require('node:os');
import { isSmartCacheError, SmartCacheError } from '../errors';
import { warnOnce } from '../warn';
import { StackTooDeepError } from './codec';
import { ANY_OWNER, judgeRoot, type RootTrust } from '../trust';
import {
  assertKey,
  claimFile,
  CorruptError,
  CorruptFileError,
  decodeEntryBytes,
  encodeEntry,
  ensureDir,
  entriesBytes,
  entryDir,
  entryFile,
  ioError,
  isMissing,
  isRealFolder,
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
  readEntryBytes,
  writeEntryBytes,
  type Access,
  type EncodedResult,
  type TooLarge,
  type Layout,
} from './entry';
import type { ScanItem } from './entry';
import * as records from './function-records';
import { appendRemoteStats, readRemoteStats } from './remote-stats';
import * as stats from './stats-log';
import type { EncodedEntry, EntryInfo, EntryMeta, FunctionRecord, ReadEntry, RemoteStatsDelta, StatsDelta } from './types';

export { STORE_FORMAT_VERSION, UsageAccount };
export type { DiskUsage, EncodedEntry, EncodedResult, EntryInfo, EntryMeta, FunctionRecord, ReadEntry, RemoteStatsDelta, RootTrust, StatsDelta, TooLarge };
export { snapshotOf, snapshotOfEntry } from './snapshot';
import { snapshotOfPayload } from './snapshot';
export type { Snapshot } from './snapshot';
export { currentVersions, fileFromName, groupRecords, takeInventory } from './inventory';
export type { FunctionSummary, Inventory, InventorySource, VersionSummary } from './inventory';
export { applyPrune, planPrune, tallyPrune } from './prune';
export { locationFile, recordSource, storedExplanation } from './record-source';
export type { PrunePlan, PrunePolicy, PruneReason, PruneTarget } from './prune';

/** Folders inside a root that the store reads from (their owner and mode count for trust). */
function storeFolders(layout: Layout): string[] {
  const base = path.basename(layout.base);
  return [base, path.join(base, 'entries'), path.join(base, 'functions'), path.join(base, 'stats')];
}

/** Temp files older than this are a killed writer's leftovers; deleteWhere() removes them. */
const STALE_TEMP_MS = 60 * 60 * 1000;
/** A claim older than the longest wait (src/flight WAIT_LIMIT_MS), from a host whose processes cannot be checked, holds nobody. */
const STALE_CLAIM_MS = 2 * 60 * 1000;

/**
 * A claim clear and prune may remove: released (its waiters were told to compute), made by a
 * process of this host that is gone, never written and old, or another host's and older than
 * any wait. A live local owner's claim stays, however old (a long computation).
 */
function claimHoldsNobody(claim: Extract<ScanItem, { type: 'claim' }>, now: number): boolean {
  if (claim.released) return true;
  const old = now - claim.mtimeMs > STALE_CLAIM_MS;
  if (claim.pid === undefined || claim.host === undefined) return old;
  if (claim.host !== os.hostname()) return old;
  try {
    process.kill(claim.pid, 0);
    return false;
  } catch (error) {
    return (error as { code?: unknown }).code === 'ESRCH';
  }
}

/**
 * The content-addressed result store: <root>/smartcache-v2/entries/ab/cd/<64-hex key>, plus
 * function records and usage stats beside it. Safe for many processes on one root: entries are
 * published by atomic rename and never modified afterwards; every read verifies the checksum and
 * that the entry names the key (and function) it is read for.
 *
 * What the store may do in its root follows the root's trust verdict (trust/folders.ts), taken
 * when it is opened: in the user's own root every file and folder must be the user's alone and
 * damaged files are removed when met; in any other root (shared on purpose, or merely read by the
 * CLI) files of any owner are read, and nothing is removed by a read. Links and special files are
 * refused everywhere. The cache layer does not use a `refused` root at all.
 */
export class Store {
  readonly root: string;
  /** The root's trust verdict, taken when the store was opened. */
  readonly trust: RootTrust;
  private readonly layout: Layout;
  private readonly access: Access;

  /** Creates nothing on disk until the first write. */
  static open(root: string): Store {
    return new Store(root);
  }

  private constructor(root: string) {
    this.layout = layoutFor(root);
    this.root = this.layout.root;
    this.trust = judgeRoot(this.root, storeFolders(this.layout));
    const own = this.trust.level === 'own';
    const uid = process.getuid?.();
    this.access = { root: this.root, rule: own && uid !== undefined ? { owner: uid } : ANY_OWNER, repair: own };
  }

  /**
   * Missing -> undefined. Corrupt, or naming another key or function -> a miss with one warning
   * (removed in the user's own root). Other I/O errors throw ERR_STORE_IO. `snapshot`: give small
   * entries a memory snapshot (ReadEntry.snapshot); false for a caller with no memory layer,
   * which then saves a copy per hit.
   */
  read(key: string, fn?: string, snapshot = true): ReadEntry | undefined {
    assertKey(key);
    // Never through a linked fan-out folder in a root others may write: whatever it points at is
    // not this store's. In the user's own root the fan-out folders are checked before anything
    // is removed (below), not before each read: every folder from the root down is the user's
    // alone, so only the user can have put a link there, and what is read through one passes
    // every check a file does (no link as the file itself, a regular file of the user's own, the
    // checksum, the key and function it names). The check is an lstat per new leaf folder, about
    // a quarter of a disk hit's cost when the hits are spread over many keys (bench/rerun.js).
    if (this.trust.level !== 'own' && !this.inRealFolders(key)) return undefined;
    const file = entryFile(this.layout, key);
    try {
      const entry = readEntryFile(file, this.access, fn === undefined ? { key } : { key, fn }, snapshot);
      if (entry?.payload === undefined) return entry;
      // Built field by field: an object rest/spread here cost ~2 µs of every disk hit.
      const { meta, value, bytes, mtimeMs, payload } = entry;
      return { meta, value, bytes, mtimeMs, snapshot: snapshotOfPayload(payload.bytes, payload.substituted) };
    } catch (error) {
      if (error instanceof CorruptFileError) {
        // Never delete through a linked folder, whoever made it.
        if (this.access.repair && this.inRealFolders(key)) unlinkIfSame(file, error.ino);
        this.warnCorrupt(key, error);
        return undefined;
      }
      if (error instanceof StackTooDeepError) {
        // The file is fine; this call is too deep in the stack to decode it. Keep it.
        warnOnce(`result store ${this.root}`, `entry ${key} is too deeply nested to decode at this call depth (treated as a miss)`, undefined, 'ERR_CORRUPT_ENTRY');
        return undefined;
      }
      throw wrapIo('read', file, error);
    }
  }

  /**
   * Verifies and decodes an entry's bytes that did not come from this store's files (a remote
   * tier) exactly as a file is verified: header, checksum, the key (and function) it names.
   * Throws ERR_CORRUPT_ENTRY when they are not an intact entry for `key`.
   */
  verifyBytes(key: string, bytes: Uint8Array, fn?: string): ReadEntry {
    assertKey(key);
    try {
      return decodeEntryBytes(bytes, fn === undefined ? { key } : { key, fn });
    } catch (error) {
      if (error instanceof CorruptError) throw new SmartCacheError('ERR_CORRUPT_ENTRY', `entry bytes for ${key}: ${error.message}`, { cause: error });
      throw error;
    }
  }

  /** Throws ERR_UNSERIALIZABLE_RESULT (with the offending path) if the value cannot round-trip exactly. */
  encode(meta: EntryMeta, value: unknown, enveloped = false): EncodedResult {
    return encodeEntry(meta, value, undefined, enveloped);
  }

  /** Atomic, stamped with `key`; returns the bytes written. Throws ERR_STORE_IO with the cause kept. */
  write(key: string, encoded: EncodedEntry): number {
    assertKey(key);
    return writeEntry(entryFile(this.layout, key), encoded, key, this.access);
  }

  /**
   * The entry file's exact bytes, checksum verified, nothing decoded (the team cache uploads
   * them). Undefined when missing or damaged; `{ tooLarge }` when over `maxBytes` (not read).
   */
  readBytes(key: string, maxBytes: number): Buffer | TooLarge | undefined {
    assertKey(key);
    const file = entryFile(this.layout, key);
    try {
      return readEntryBytes(file, this.access, maxBytes);
    } catch (error) {
      throw wrapIo('read', file, error);
    }
  }

  /**
   * Publishes bytes received from elsewhere as the entry of `key`, atomically. Nothing is
   * checked here: `read(key)` verifies them like any file, and removes them if they fail.
   */
  writeBytes(key: string, bytes: Uint8Array): number {
    assertKey(key);
    const file = entryFile(this.layout, key);
    try {
      ensureDir(path.dirname(file), this.access);
    } catch (error) {
      throw wrapIo('create the folder of', file, error);
    }
    return writeEntryBytes(file, this.access, bytes);
  }

  put(key: string, meta: EntryMeta, value: unknown): number {
    return this.write(key, this.encode(meta, value));
  }

  /** Stored and intact as far as its verified head and size tell (the body is not read). */
  has(key: string): boolean {
    assertKey(key);
    if (!this.inRealFolders(key)) return false;
    const file = entryFile(this.layout, key);
    try {
      const head = readEntryHead(file, this.access, { key });
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
      const head = readEntryHead(file, this.access, { key });
      return head === undefined || head instanceof Error ? undefined : head.meta;
    } catch (error) {
      throw wrapIo('read', file, error);
    }
  }

  delete(key: string): boolean {
    assertKey(key);
    const file = entryFile(this.layout, key);
    // The fan-out folders must be real folders: unlink would otherwise resolve them, and delete a
    // file of that name wherever a planted link points.
    if (!this.inRealFolders(key)) return false;
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
      if (!this.inRealFolders(key)) continue;
      const file = entryFile(this.layout, key);
      try {
        // lutimes: a link in place of the entry is touched itself, never its target.
        fs.lutimesSync(file, now, now);
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
   * Removes the entries `pred` selects and, with `sweep` (clearing or pruning the whole store),
   * corrupt entry files and temp files left by killed writers more than an hour ago; returns what
   * was removed. Without `sweep` only entries `pred` chose are touched: clearing one function
   * never removes (or counts) another's damaged files.
   */
  deleteWhere(pred: (e: EntryInfo) => boolean, sweep = true): { removed: number; bytes: number } {
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
      } else if (!sweep) {
        continue;
      } else if (item.type === 'corrupt') {
        const size = fs.lstatSync(item.file, { throwIfNoEntry: false })?.size ?? 0;
        if (unlinkIfSame(item.file, item.ino)) {
          removed++;
          bytes += size;
          touched.add(leafOf(item.file));
        }
      } else if (item.type === 'claim') {
        // Bookkeeping, not an entry: removed without being counted, once it holds nobody.
        if (claimHoldsNobody(item, now) && unlinkQuiet(item.file)) touched.add(leafOf(item.file));
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
      return measureUsage(this.layout, this.access, collect);
    } catch (error) {
      throw wrapIo('measure', this.layout.root, error);
    }
  }

  /** Removes this function's entries only. */
  clearFunction(name: string): { removed: number; bytes: number } {
    return this.deleteWhere((e) => e.meta.fn === name, false);
  }

  writeFunctionRecord(r: FunctionRecord): void {
    records.writeFunctionRecord(this.layout, this.access, r);
  }

  /** Newest first. Never deletes: a record that cannot be read is skipped. */
  readFunctionRecords(name?: string): FunctionRecord[] {
    try {
      return records.readFunctionRecords(this.layout, this.access, name);
    } catch (error) {
      throw wrapIo('read function records in', this.layout.functions, error);
    }
  }

  latestFunctionRecord(name: string): FunctionRecord | undefined {
    return this.readFunctionRecords(name)[0];
  }

  /** Makes the record of (name, fingerprint), if any, the newest one of its function. */
  markCurrentRecord(name: string, fingerprint: string): void {
    records.markCurrentRecord(this.layout, this.access, name, fingerprint);
  }

  /** Removes every record of `name` and its folder; returns how many records went. */
  deleteFunctionRecords(name: string): number {
    return records.deleteFunctionRecords(this.layout, name);
  }

  /** A small string kept per (function, topic) across runs; undefined when absent or corrupt. */
  readFunctionNote(name: string, topic: string): string | undefined {
    try {
      return records.readFunctionNote(this.layout, this.access, name, topic);
    } catch (error) {
      throw wrapIo('read a note in', this.layout.functions, error);
    }
  }

  writeFunctionNote(name: string, topic: string, value: string): void {
    records.writeFunctionNote(this.layout, this.access, name, topic, value);
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
      ensureDir(path.dirname(file), this.access);
    } catch (error) {
      throw wrapIo('create the folder of', file, error);
    }
    return file;
  }

  /** Safe for many processes appending at once. */
  appendStats(name: string, d: StatsDelta): void {
    stats.appendStats(this.layout, this.access, name, d);
  }

  /** Totals by function name. Read-only. */
  readStats(): Map<string, StatsDelta> {
    return stats.readStats(this.layout, this.access);
  }

  /**
   * Folders of the entry tree this store found to be real folders (not links), so the hit path
   * pays a set lookup, not four lstats. In the user's own root no one else can
   * change them afterwards; in a shared root this is as good as a check can be without
   * openat(2), which Node does not offer (README, "Security").
   */
  private readonly realLeaves = new Set<string>();

  private inRealFolders(key: string): boolean {
    const leaf = entryDir(this.layout, key);
    if (this.realLeaves.has(leaf)) return true;
    // Each folder on the way is checked once (a prune of 100,000 entries meets ~65,000 leaves
    // but only 256 folders above them).
    for (const folder of [this.layout.base, this.layout.entries, path.dirname(leaf), leaf]) {
      if (this.realLeaves.has(folder)) continue;
      if (!isRealFolder(folder)) return false;
      this.realLeaves.add(folder);
    }
    return true;
  }

  /** The team cache's counters of one process (stats/remote.log). */
  appendRemoteStats(d: RemoteStatsDelta): void {
    appendRemoteStats(this.layout, this.access, d);
  }

  /** Totals of the team cache's counters; undefined when no remote was used with this root. */
  readRemoteStats(): RemoteStatsDelta | undefined {
    return readRemoteStats(this.layout, this.access);
  }

  private *scanItems(): ReturnType<typeof scan> {
    try {
      yield* scan(this.layout, this.access);
    } catch (error) {
      throw wrapIo('scan', this.layout.entries, error);
    }
  }

  private warnCorrupt(key: string, error: CorruptFileError): void {
    const cause = new SmartCacheError('ERR_CORRUPT_ENTRY', error.message, { file: entryFile(this.layout, key) });
    const what = this.access.repair ? 'removed' : 'left in place (not this user\'s own root)';
    warnOnce(`result store ${this.root}`, `corrupt entry ${key} ${what} (treated as a miss)`, cause, 'ERR_CORRUPT_ENTRY');
  }
}

/** `entries/ab/cd/<file>` → `abcd`, the leaf folder's prefix. */
function leafOf(file: string): string {
  return `${path.basename(path.dirname(path.dirname(file)))}${path.basename(path.dirname(file))}`;
}

function wrapIo(action: string, file: string, error: unknown): unknown {
  return isSmartCacheError(error) ? error : ioError(action, file, error);
}
