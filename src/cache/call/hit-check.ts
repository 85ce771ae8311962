import type { ReadEntry, Store } from '../../store';
import type { InputTracker } from '../input-tracker';
import { type Opened, openEnvelope } from '../inputs';
import type { MemoryEntry } from '../memory-layer';

/**
 * Whether an entry created at `created` is still fresh under the ttl the function declares NOW
 * (not one stored with the entry: shortening `ttl` in the code applies to entries already
 * written). An entry stamped in the future (written while the clock ran ahead) is expired: its
 * age cannot be known. Without a ttl, entries never expire.
 */
export function isFresh(created: number, ttl: number | undefined): boolean {
  if (ttl === undefined) return true;
  const now = Date.now();
  return created <= now && now - created < ttl;
}

/** A stored entry judged: opened when it may be served, else why not (undefined: not this layer's value). */
export type Verdict = { readonly opened: Opened; readonly stale?: undefined } | { readonly opened?: undefined; readonly stale: string | undefined };

const NOT_OURS: Verdict = { stale: undefined };
const EXPIRED: Verdict = { stale: 'expired' };

/**
 * The checks made before every hit, wherever the result comes from (memory, disk, the team
 * cache, a peer process's entry, and `.has()`): fresh under the current ttl, written by this
 * layer, and the inputs it recorded (files read, see src/tracking) unchanged. The store has
 * already checked that the entry names this key and this function (store/entry/format.ts,
 * `checkIdentity`). When in doubt, it is not served: a miss costs a computation, a stale hit a
 * wrong answer.
 */
export class HitCheck {
  constructor(
    private readonly ttl: number | undefined,
    private readonly tracker: InputTracker,
  ) {}

  /** Undefined when the memory entry may be served, else why not. Cheap checks first: this runs on every warm hit. */
  memory(entry: MemoryEntry): string | undefined {
    if (entry.expires !== undefined && !this.memoryFresh(entry)) return 'expired';
    return entry.manifest === undefined ? undefined : this.tracker.checkMemory(entry);
  }

  /** An entry read from the store (or downloaded into it). */
  stored(read: ReadEntry): Verdict {
    if (!isFresh(read.meta.created, this.ttl)) return EXPIRED;
    const opened = openEnvelope(read.value);
    if (opened === undefined) return NOT_OURS;
    const stale = this.tracker.check(opened.manifest);
    return stale === undefined ? { opened } : { stale };
  }

  /** `stored` without the reason: the opened entry, when there is one to serve. */
  servable(read: ReadEntry | undefined): Opened | undefined {
    return read === undefined ? undefined : this.stored(read).opened;
  }

  /** Whether a fresh entry of `key` is on disk, from its meta alone (a peer process may have just written it). */
  freshOnDisk(store: Store, key: string): boolean {
    try {
      const meta = store.peekMeta(key);
      return meta !== undefined && isFresh(meta.created, this.ttl);
    } catch {
      return false;
    }
  }

  /** Memory entries hold `expires` = created + ttl (the ttl is fixed per function). */
  private memoryFresh(entry: MemoryEntry): boolean {
    const ttl = this.ttl;
    return entry.expires === undefined || ttl === undefined || isFresh(entry.expires - ttl, ttl);
  }
}
