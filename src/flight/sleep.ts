/**
 * Waiting without spinning. A synchronous caller cannot yield to the event loop, so it sleeps
 * in the kernel with Atomics.wait on a private SharedArrayBuffer (allowed on Node's main thread);
 * an asynchronous caller waits on a timer.
 */
const cell = new Int32Array(new SharedArrayBuffer(4));
/** Node's own timer: a program's fake timers (a test waiting on a cached call) never fire on their own. */
const { setTimeout: nodeSetTimeout } = require('node:timers') as typeof import('node:timers');

export function sleepSync(ms: number): void {
  Atomics.wait(cell, 0, 0, ms);
}

export function sleepAsync(ms: number): Promise<void> {
  return new Promise((resolve) => nodeSetTimeout(resolve, ms));
}

/** Poll intervals: 2, 4, 8... capped at 50 ms (a takeover after a dead owner costs at most that). */
export function nextDelay(previous: number): number {
  return Math.min(previous * 2, 50);
}

export const FIRST_DELAY_MS = 2;
