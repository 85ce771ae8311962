import type { StatsDelta } from '../store';


/**
 * Counters of one cached function (by cache root and name) for this process. Kept apart from the
 * wrapper so that wrappers created on the fly can be garbage-collected while their counts still
 * reach the store at exit; all times are milliseconds.
 */
export class FunctionStats {
  calls = 0;
  hits = 0;
  misses = 0;
  /** Sum of the compute time of the entries hit: what the cache saved. */
  savedMs = 0;
  /** Time spent in the cache itself: hashing, reading, decoding, encoding, writing. */
  overheadMs = 0;
  /** Time spent in the real function on misses. */
  computeMs = 0;
  fingerprint: string | undefined;
  /** Disk keys hit in this process, for the store's LRU (`markUsed`) at exit. */
  readonly hitKeys = new Set<string>();
  /** Set once the "costs more than it saves" verdict was told. */
  judged = false;
  /** A read or write of this function's entries failed (and was warned about). */
  storeFailed = false;
  private flushed: StatsDelta = { calls: 0, hits: 0, misses: 0, savedMs: 0, overheadMs: 0, computeMs: 0 };

  constructor(
    readonly root: string,
    readonly name: string,
    readonly file: string | undefined,
  ) {}

  /** What has not been appended to the store yet; marks it appended. */
  takeDelta(): StatsDelta {
    const now: StatsDelta = { calls: this.calls, hits: this.hits, misses: this.misses, savedMs: this.savedMs, overheadMs: this.overheadMs, computeMs: this.computeMs };
    const before = this.flushed;
    this.flushed = now;
    return {
      calls: now.calls - before.calls,
      hits: now.hits - before.hits,
      misses: now.misses - before.misses,
      savedMs: now.savedMs - before.savedMs,
      overheadMs: now.overheadMs - before.overheadMs,
      computeMs: now.computeMs - before.computeMs,
    };
  }
}


const all = new Map<string, FunctionStats>();

/** The shared counters of (root, name), created on first use. */
export function statsFor(root: string, name: string, file: string | undefined): FunctionStats {
  const id = `${root}\u0000${name}`;
  let stats = all.get(id);
  if (stats === undefined) {
    stats = new FunctionStats(root, name, file);
    all.set(id, stats);
  }
  return stats;
}

export function allStats(): Iterable<FunctionStats> {
  return all.values();
}

