import type * as Flight from '../../flight';
import type { Outcome } from '../../flight';
import { warnOnce } from '../../warn';
import type { Tally } from '../accounting';

/**
 * Functions whose computations in this process took less than this on average skip the
 * cross-process claim (README: "Several processes"): a claim costs a file create and remove
 * (0.13-0.26 ms per key measured on the busy 2-core team machine, Node 20, ext4), and waiting for
 * a peer only pays when computing again would cost more.
 */
export const CLAIM_MIN_COMPUTE_MS = 50;

/** Claims are taken on a miss only: src/flight/ is loaded by the first one, not by a process that only hits. */
const flight = (): typeof Flight => require('../../flight') as typeof Flight;

/** A claim taken over from a dead owner can be lost again to another waiter; bounded retries. */
const MAX_TURNS = 4;

/** `servePeer`'s answer when the peer's entry cannot be served. */
export const NOT_SERVED: unique symbol = Symbol('smartcache.notServed');

/** What a miss offers to share its computation with other processes (see src/flight/). */
export interface Miss {
  readonly name: string;
  readonly tally: Tally;
  /**
   * The function is declared `async`: a peer is awaited on timers. Otherwise the wait blocks until
   * the peer's claim says its call returned a promise (flight/ 'promise'): a function that returned
   * one for other arguments may return a plain value for these.
   */
  readonly declaredAsync: boolean;
  claimPath(): string;
  /** A fresh entry of the key is on disk (from its meta alone). */
  freshOnDisk(): boolean;
  /** The entry a peer stored, served as a hit (its inputs checked as for any); NOT_SERVED otherwise. */
  servePeer(): unknown;
  /**
   * Computes here; `release`, when given, ends this process's claim once the entry is written or
   * will not be; `promised`, when given, tells its waiters the call returned a promise.
   */
  compute(release?: (stored: boolean) => void, promised?: () => void): unknown;
}

/** A miss is computed here, unless another process is computing the same key: then its entry is read. */
export function computeOnce(miss: Miss, turnNo = 1): unknown {
  const t = miss.tally;
  if (turnNo > MAX_TURNS || (t.misses > 0 && t.computeMs / t.misses < CLAIM_MIN_COMPUTE_MS)) return miss.compute();
  const { holdsClaims, takeTurn, waitAsync, waitSync } = flight();
  const turn = takeTurn(() => miss.claimPath());
  if (turn.kind === 'alone') return miss.compute();
  if (turn.kind === 'owner') {
    // Another process may have stored it between our read and our claim.
    if (miss.freshOnDisk()) {
      turn.release(true);
      return afterWait(miss, 'entry', turnNo);
    }
    return miss.compute((stored) => turn.release(stored), () => turn.promised());
  }
  const hasEntry = (): boolean => miss.freshOnDisk();
  if (miss.declaredAsync) return waitAsync(turn, hasEntry).then((outcome) => afterWait(miss, outcome, turnNo));
  // Blocking while holding a claim of our own could stall a peer waiting for it.
  if (holdsClaims()) return miss.compute();
  const outcome = waitSync(turn, hasEntry);
  // The owner's call returned a promise: so does this one (same function, same arguments), and
  // its event loop keeps running while it waits.
  if (outcome === 'promise') return waitAsync(turn, hasEntry).then((next) => afterWait(miss, next, turnNo));
  return afterWait(miss, outcome, turnNo);
}

function afterWait(miss: Miss, outcome: Outcome, turnNo: number): unknown {
  if (outcome === 'entry') {
    const served = miss.servePeer();
    if (served !== NOT_SERVED) return served;
  }
  if (outcome === 'retry' || outcome === 'entry') return computeOnce(miss, turnNo + 1);
  if (outcome === 'timeout') {
    warnOnce(miss.name, `waited ${flight().WAIT_LIMIT_MS / 1000} s for another process computing the same call; computing it here`, undefined, 'SMARTCACHE_WAIT');
  }
  return miss.compute();
}
