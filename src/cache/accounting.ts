import type { StatsDelta } from '../store';
import { nowMs } from '../elapsed';

/**
 * What the cache did and cost, in one record shape (`Tally`, the store's `StatsDelta`) used
 * everywhere: a function's running totals, what is appended to the store at exit, the live view,
 * the summary line and `smartcache stats`. All times are milliseconds.
 *
 * Honest accounting (issue 11): the cache's cost is everything a call waited for that was not the
 * function itself. That includes the first call's setup (loading the cache layer, opening the
 * store, fingerprinting the code), which a user pays once per process and which used to be
 * invisible: a run 180 ms slower than uncached once reported "7 ms overhead".
 */
export type Tally = { -readonly [K in keyof StatsDelta]: StatsDelta[K] };

export const emptyTally = (): Tally => ({ calls: 0, hits: 0, misses: 0, savedMs: 0, overheadMs: 0, computeMs: 0 });

function minus(a: StatsDelta, b: StatsDelta): Tally {
  return { calls: a.calls - b.calls, hits: a.hits - b.hits, misses: a.misses - b.misses, savedMs: a.savedMs - b.savedMs, overheadMs: a.overheadMs - b.overheadMs, computeMs: a.computeMs - b.computeMs };
}

/** Entries are marked used (their mtime set, one utimes each at exit) at most once an hour. */
const LRU_GRAIN_MS = 60 * 60 * 1000;

/**
 * Counters of one cached function (by cache root and name) for this process. Kept apart from the
 * wrapper so that wrappers created on the fly can be garbage-collected while their counts still
 * reach the store at exit.
 */
export class FunctionStats {
  /** Since the process started. */
  readonly tally: Tally = emptyTally();
  fingerprint: string | undefined;
  /** Disk keys hit in this process whose use must be marked, for the store's LRU (`markUsed`) at exit. */
  readonly hitKeys = new Set<string>();
  /** An entry of this function was served from disk: its fingerprint's record is current again. */
  usedOnDisk = false;
  /** Set once the "costs more than it saves" verdict was told. */
  judged = false;
  /** A read or write of this function's entries failed (and was warned about). */
  storeFailed = false;
  private flushed: StatsDelta = emptyTally();

  constructor(
    readonly root: string,
    readonly name: string,
    readonly file: string | undefined,
  ) {}

  /**
   * An entry was served from disk (or the team cache, through the disk): its fingerprint's record
   * is current again, and its key is marked used at exit unless its file says it was used within
   * the last LRU_GRAIN_MS (prune's order needs no finer grain; a re-run every few seconds then
   * touches nothing).
   */
  servedFromDisk(key: string, mtimeMs: number | undefined): void {
    this.usedOnDisk = true;
    if (mtimeMs === undefined || Date.now() - mtimeMs > LRU_GRAIN_MS) this.hitKeys.add(key);
  }

  /** What has not been appended to the store yet; marks it appended. */
  takeDelta(): StatsDelta {
    const now = { ...this.tally };
    const delta = minus(now, this.flushed);
    this.flushed = now;
    return delta;
  }
}

/**
 * One call's timing, from its start to its outcome. The cache's cost is derived, never threaded
 * through parameters: whatever the call waited for, minus the time the function itself ran, plus
 * the setup it paid for (the first call of a function in a process).
 */
export class CallBill {
  private computeMs = 0;

  constructor(
    private readonly t0: number,
    /** First-call setup charged to this call (0 for every later call). */
    readonly setupMs: number,
  ) {}

  /** Time the caller waited for this call so far, setup included. */
  elapsed(now = nowMs()): number {
    return now - this.t0 + this.setupMs;
  }

  /** The function itself ran for `ms` during this call. */
  computed(ms: number): void {
    this.computeMs += ms;
  }

  /** Writes the outcome into `tally`; returns the time waited (for the log line). */
  settle(tally: Tally, outcome: 'hit' | 'miss', savedMs: number): number {
    const waited = this.elapsed();
    tally.calls++;
    if (outcome === 'hit') tally.hits++;
    else tally.misses++;
    tally.overheadMs += waited - this.computeMs;
    tally.computeMs += this.computeMs;
    tally.savedMs += savedMs;
    return waited;
  }

  /** A call that shared another call's computation: it saved that, and cost nothing of its own. */
  shared(tally: Tally, savedMs: number): number {
    tally.calls++;
    tally.hits++;
    tally.savedMs += savedMs;
    return this.elapsed();
  }
}

/**
 * Setup not yet charged to any call: loading the cache layer (cache/index.ts measures its own
 * load), charged to the first call that prepares.
 */
let unbilledMs = 0;

export function addStartupCost(ms: number): void {
  if (Number.isFinite(ms) && ms > 0) unbilledMs += ms;
}

export function takeStartupCost(): number {
  const ms = unbilledMs;
  unbilledMs = 0;
  return ms;
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
