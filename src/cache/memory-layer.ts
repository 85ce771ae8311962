import type { Manifest } from '../tracking';
import { FastIndex } from './fast-index';
import type { Snapshot } from '../store';

/** One result kept in process, in front of the disk store. */
export interface MemoryEntry {
  /** The disk key (64 hex): shown in log lines, bumped in the store's LRU at exit. */
  readonly key: string;
  readonly snapshot: Snapshot;
  /** ms since epoch; undefined = never. */
  readonly expires: number | undefined;
  /** How long the real call took: what each hit saves. */
  readonly computeMs: number;
  /** The function returned a Promise of this value: hits return a Promise too. */
  readonly promise: boolean;
  /** Clock bit: set on every hit, cleared when the eviction hand passes. */
  used: boolean;
  /** The all-primitive arguments it is also indexed by (see FastIndex), if any. */
  readonly fastArgs: readonly unknown[] | undefined;
  /** Files the call read (src/inputs), checked before each hit; refreshed after a touch. */
  manifest: Manifest | undefined;
}

/**
 * An in-process map bounded by entry count and bytes. Eviction is CLOCK (second chance), an
 * approximation of LRU: a hit only sets a flag, where exact LRU would `delete` + `set` the Map
 * entry on every hit (measured ~160 ns more per hit on Node 20, most of the warm-hit budget).
 */
export class MemoryLayer {
  private readonly map = new Map<string, MemoryEntry>();
  private readonly fast = new FastIndex<MemoryEntry>();
  private bytes = 0;
  /** Keys read once from disk and not kept yet (insertion-ordered, bounded like the layer). */
  private readonly seenOnce = new Set<string>();

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}

  get size(): number {
    return this.map.size;
  }

  get totalBytes(): number {
    return this.bytes;
  }

  /** The entry, marked recently used. */
  get(memKey: string): MemoryEntry | undefined {
    const entry = this.map.get(memKey);
    if (entry !== undefined) entry.used = true;
    return entry;
  }

  /**
   * Admission of results read from disk: the first read of a key is only remembered, the second
   * is kept. Keeping costs a copy of the entry's bytes (or an encode of the value) and the
   * layer's bookkeeping, a third of a small cold hit; a key read once per process, the common
   * cold pattern, never needs it. Computed results are always kept (see `set`).
   */
  admit(memKey: string): boolean {
    if (this.seenOnce.delete(memKey)) return true;
    this.seenOnce.add(memKey);
    if (this.seenOnce.size > this.maxEntries) {
      const oldest = this.seenOnce.values().next();
      if (oldest.done !== true) this.seenOnce.delete(oldest.value);
    }
    return false;
  }

  /** A key read once from disk and not kept yet: its next read is kept (the store then keeps its bytes). */
  readOnce(memKey: string): boolean {
    return this.seenOnce.has(memKey);
  }

  /** The warm path for all-primitive arguments: no key string is built. Not marked used here. */
  getFast(args: readonly unknown[]): MemoryEntry | undefined {
    return this.fast.get(args);
  }

  set(memKey: string, entry: MemoryEntry): void {
    this.delete(memKey);
    if (this.maxEntries === 0 || entry.snapshot.bytes > this.maxBytes) return;
    // Born "used", or a full layer of recently hit entries would evict the newcomer at once.
    entry.used = true;
    this.map.set(memKey, entry);
    if (entry.fastArgs !== undefined) this.fast.set(entry.fastArgs, entry);
    this.bytes += entry.snapshot.bytes;
    this.evict();
  }

  delete(memKey: string): boolean {
    const entry = this.map.get(memKey);
    if (entry === undefined) return false;
    this.forget(memKey, entry);
    return true;
  }

  clear(): void {
    this.map.clear();
    this.fast.clear();
    this.seenOnce.clear();
    this.bytes = 0;
  }

  private forget(memKey: string, entry: MemoryEntry): void {
    this.map.delete(memKey);
    if (entry.fastArgs !== undefined) this.fast.delete(entry.fastArgs, entry);
    this.bytes -= entry.snapshot.bytes;
  }

  private evict(): void {
    while (this.map.size > this.maxEntries || this.bytes > this.maxBytes) {
      const oldest = this.map.entries().next();
      if (oldest.done === true) return;
      const [memKey, entry] = oldest.value;
      if (entry.used) {
        // Second chance: move behind the hand.
        entry.used = false;
        this.map.delete(memKey);
        this.map.set(memKey, entry);
      } else {
        this.forget(memKey, entry);
      }
    }
  }
}
