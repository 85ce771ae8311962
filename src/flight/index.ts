/**
 * Cross-process single flight: when several processes sharing a cache root miss the same key at
 * once, one computes and the others wait for its entry instead of computing it again (a paid API
 * called once, not once per process).
 *
 * The owner holds `<key>.claim` (see claim.ts) from its miss until its entry is written (or its
 * computation failed). Another process asking for the key then waits, polling every 2..50 ms:
 * - the entry appears: it reads it;
 * - the claim is released without an entry (the computation threw, or its result cannot be
 *   stored): it computes itself, at once, rather than queueing behind other waiters;
 * - the owner is gone (killed: its pid no longer runs, or now runs another process): its claim
 *   is broken and the waiters race for a new one, so one of them computes, promptly;
 * - WAIT_LIMIT_MS passes while the owner still runs: it computes itself (bounded wait).
 * A process never waits on its own claim (re-entrant calls), and never blocks synchronously
 * while it holds a claim itself: two processes each waiting for the other would stall.
 */
import { create, type HeldClaim, inspect, markPromise, markReleased, removeIfSame, type SeenClaim, touch } from './claim';
import { currentOwner, isGone, isSelf } from './owner';
import { FIRST_DELAY_MS, nextDelay, sleepAsync, sleepSync } from './sleep';

/** How long a waiter waits for a live owner before computing itself. */
export const WAIT_LIMIT_MS = 120_000;
/** A claim whose creator never wrote its content (killed between open and write) is stale after this. */
const UNWRITTEN_STALE_MS = 10_000;
const { setInterval: nodeSetInterval, clearInterval: nodeClearInterval } = require('node:timers') as typeof import('node:timers');
/** How often an async owner refreshes its claim's modification time. */
const HEARTBEAT_MS = 2_000;
/** Claim attempts before giving up and computing without one (each lost race means a new owner). */
const ATTEMPTS = 4;

export type Turn =
  /**
   * This process computes; `release(stored)` once the entry is written (true) or will not be
   * (false); `promised()` as soon as its call returned a promise.
   */
  | { readonly kind: 'owner'; release(stored: boolean): void; promised(): void }
  /** Another live process computes: wait for it. */
  | { readonly kind: 'wait'; readonly file: string; readonly claim: SeenClaim }
  /** Compute without a claim (our own claim, an I/O error, races lost). */
  | { readonly kind: 'alone' };

/**
 * Why a wait ended: its entry exists; try for the claim again; compute here; waited too long;
 * (a blocking wait only) the owner's call returned a promise, so this one will too: wait on timers.
 */
export type Outcome = 'entry' | 'retry' | 'compute' | 'timeout' | 'promise';

let held = 0;

/** True while this process holds a claim (is computing an entry others may wait for). */
export function holdsClaims(): boolean {
  return held > 0;
}

/**
 * A claim nobody will complete: released, never written, its owner gone, or older than any wait
 * (a waiter computes itself after WAIT_LIMIT_MS anyway: a claim left by a process on another
 * machine, whose liveness cannot be checked, no longer holds anyone that long, run after run; a
 * local owner is judged by its pid). A worker thread's claim is also judged by its
 * age: its process outlives it (a pool terminating a worker mid-call), and an async owner keeps
 * its claim fresh (HEARTBEAT_MS) while its call runs.
 */
function isStale(claim: SeenClaim): boolean {
  if (claim.released) return true;
  const age = Date.now() - claim.mtimeMs;
  if (claim.owner === undefined) return age > UNWRITTEN_STALE_MS;
  // Only an owner that cannot be judged by its pid (another host) ages out: a live local owner
  // of a long synchronous call never refreshes its claim, and its waiters wait for it.
  if (age > WAIT_LIMIT_MS && claim.owner.host !== currentOwner().host) return true;
  if (claim.owner.thread !== 0 && age > UNWRITTEN_STALE_MS) return true;
  return isGone(claim.owner);
}

/**
 * Claims this process marked released: they told the processes waiting then to compute; once this
 * process ends they have said it, and are removed rather than left beside the entry for good.
 */
const released: HeldClaim[] = [];

function removeAtExit(claim: HeldClaim): void {
  if (released.length === 0) process.once('exit', () => {
    for (const c of released) removeIfSame(c.file, c);
  });
  released.push(claim);
}

function ownerTurn(first: HeldClaim): Turn {
  held++;
  let done = false;
  let claim = first;
  let promised = false;
  let heartbeat: NodeJS.Timeout | undefined;
  return {
    kind: 'owner',
    release(stored: boolean): void {
      if (done) return;
      done = true;
      held--;
      if (heartbeat !== undefined) nodeClearInterval(heartbeat);
      if (stored) removeIfSame(claim.file, claim);
      else {
        const marked = markReleased(claim, currentOwner());
        if (marked !== undefined) removeAtExit(marked);
      }
    },
    promised(): void {
      if (done || promised) return;
      promised = true;
      const now = markPromise(claim, currentOwner());
      if (now !== undefined) claim = now;
      // An async call keeps its event loop: the claim says it is still being computed.
      // Node's own timer: a test's fake timers replace the global one (and would run this
      // forever under runAllTimers), browser-style ones return a number.
      heartbeat = nodeSetInterval(() => touch(claim), HEARTBEAT_MS);
      heartbeat.unref();
    },
  };
}

/** Claims `file` for this process, or says who holds it. Never throws. */
export function takeTurn(file: () => string): Turn {
  try {
    const path = file();
    const owner = currentOwner();
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const claim = create(path, owner);
      if (claim !== undefined) return ownerTurn(claim);
      const seen = inspect(path);
      if (seen === undefined) continue;
      if (seen.owner !== undefined && isSelf(seen.owner) && !seen.released) return { kind: 'alone' };
      if (isStale(seen)) {
        removeIfSame(path, seen);
        continue;
      }
      return { kind: 'wait', file: path, claim: seen };
    }
  } catch {
    // An unwritable folder, a full disk: the store reports those; single flight is only an optimization.
  }
  return { kind: 'alone' };
}

/** One look at a waited-for claim: undefined = keep waiting. `blocking`: a promise-returning owner ends the wait ('promise'). */
function look(file: string, hasEntry: () => boolean, deadline: number, blocking = false): Outcome | undefined {
  if (hasEntry()) return 'entry';
  const now = inspect(file);
  if (now === undefined) return hasEntry() ? 'entry' : 'retry';
  if (now.released) return hasEntry() ? 'entry' : 'compute';
  if (isStale(now)) return 'retry';
  if (blocking && now.promise) return 'promise';
  return Date.now() > deadline ? 'timeout' : undefined;
}

/**
 * Waits synchronously (sleeping, not spinning) until the owner's entry exists or the wait must
 * end; 'promise' as soon as the claim says the owner's call returned a promise.
 */
export function waitSync(turn: Extract<Turn, { kind: 'wait' }>, hasEntry: () => boolean): Outcome {
  if (turn.claim.promise) return 'promise';
  const deadline = Date.now() + WAIT_LIMIT_MS;
  for (let delay = FIRST_DELAY_MS; ; delay = nextDelay(delay)) {
    sleepSync(delay);
    const outcome = look(turn.file, hasEntry, deadline, true);
    if (outcome !== undefined) return outcome;
  }
}

/** The same, on timers: the event loop keeps running meanwhile. */
export async function waitAsync(turn: Extract<Turn, { kind: 'wait' }>, hasEntry: () => boolean): Promise<Outcome> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  for (let delay = FIRST_DELAY_MS; ; delay = nextDelay(delay)) {
    await sleepAsync(delay);
    const outcome = look(turn.file, hasEntry, deadline);
    if (outcome !== undefined) return outcome;
  }
}
