import type { CallBill, FunctionStats } from '../accounting';
import { firstCallNote, judge, logHit, logMiss, logUncached } from '../process';

/** Fast-path memory hits are timed on one call in SAMPLE (a power of two): two clock reads cost ~80 ns. */
const SAMPLE = 64;
/** Stats are judged at 20, 40, 80... calls and at exit. */
const FIRST_JUDGEMENT = 20;

/**
 * What each call's outcome leaves behind: its bill settled into the function's tally
 * (accounting.ts), the "costs more than it saves" judgement when one is due, and with
 * SMARTCACHE_LOG=1 its log line (whose time includes the first call's setup, and says so).
 */
export class Outcomes {
  private nextJudgement = FIRST_JUDGEMENT;
  private tick = 0;

  constructor(
    private readonly name: string,
    private readonly logCalls: boolean,
  ) {}

  /** Whether a call starts its bill before the fast path: the first call (it pays the setup), every call when logging, else one in SAMPLE. */
  timed(setupMs: number): boolean {
    return setupMs > 0 || this.logCalls || (++this.tick & (SAMPLE - 1)) === 0;
  }

  /**
   * A memory hit. `bill` is undefined on the fast path's untimed calls; a timed fast-path call
   * (`sampled`) stands for the SAMPLE - 1 untimed ones (two clock reads would cost more than the hit).
   */
  memoryHit(stats: FunctionStats, key: string, savedMs: number, bill: CallBill | undefined, sampled: boolean): void {
    const tally = stats.tally;
    if (bill === undefined) {
      tally.calls++;
      tally.hits++;
      tally.savedMs += savedMs;
    } else {
      const ms = bill.settle(tally, 'hit', savedMs);
      const weight = sampled && !this.logCalls ? SAMPLE : 1;
      if (weight > 1) tally.overheadMs += (ms - bill.setupMs) * (weight - 1);
      if (this.logCalls) logHit(this.name, key, ms, firstCallNote(bill.setupMs));
    }
    this.judgeDue(stats);
  }

  /** A hit from disk, the team cache or a peer process's entry (`note` says which, but disk). */
  hit(stats: FunctionStats, bill: CallBill, key: string, savedMs: number, note?: string): void {
    const ms = bill.settle(stats.tally, 'hit', savedMs);
    this.judgeDue(stats);
    if (this.logCalls) logHit(this.name, key, ms, firstCallNote(bill.setupMs, note));
  }

  /** A call that joined an identical running one: it saved that computation. */
  shared(stats: FunctionStats, bill: CallBill, key: string, savedMs: number): void {
    const ms = bill.shared(stats.tally, savedMs);
    this.judgeDue(stats);
    if (this.logCalls) logHit(this.name, key, ms, firstCallNote(bill.setupMs, 'shared a running call'));
  }

  /** The running call it joined failed: a miss, told by that call's own line. */
  sharedFailed(stats: FunctionStats, bill: CallBill): void {
    bill.settle(stats.tally, 'miss', 0);
  }

  /** A computed call (`note`: why it missed, or that it threw). */
  miss(stats: FunctionStats, bill: CallBill, key: string, note: string): void {
    const ms = bill.settle(stats.tally, 'miss', 0);
    this.judgeDue(stats);
    if (this.logCalls) logMiss(this.name, key, ms, firstCallNote(bill.setupMs, note));
  }

  /** A call run without a key (an argument that cannot be hashed): computed, nothing stored. */
  uncached(stats: FunctionStats, bill: CallBill, note: string): void {
    const ms = bill.settle(stats.tally, 'miss', 0);
    this.judgeDue(stats);
    if (this.logCalls) logUncached(this.name, ms, firstCallNote(bill.setupMs, note));
  }

  private judgeDue(stats: FunctionStats): void {
    if (stats.tally.calls < this.nextJudgement) return;
    this.nextJudgement = stats.tally.calls * 2;
    judge(stats);
  }
}
