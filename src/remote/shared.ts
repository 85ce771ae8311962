/**
 * State shared by the main thread and the remote worker through one SharedArrayBuffer (Int32
 * slots, read and written with Atomics), so either side can see and trip the breaker without a
 * message round trip, and the main thread can block on a slot with `Atomics.wait`.
 */
export const SLOT = {
  /** Id of the last synchronous request answered (the worker notifies on it). */
  DONE: 0,
  /** 1: the remote is off for this process (the circuit breaker tripped). */
  OFF: 1,
  /** Errors so far (connection refused, reset, protocol errors). */
  ERRORS: 2,
  /** 1 once the worker has loaded the client; 2 if it could not. */
  READY: 3,
  /** Extra ms the current synchronous request may take (a large record's transfer allowance). */
  EXTEND_MS: 4,
  /** Id of the last flush request completed. */
  FLUSHED: 5,
  /** 1: uploads are off (the server refused a write for this user); reads go on. */
  UPLOADS_OFF: 6,
} as const;

const SLOTS = 8;

/**
 * After this many errors the remote is off for the rest of the process. A timeout trips it at
 * once: a server that stalls one request will stall the next, and the contract bounds the cost
 * of a stalled server to one timeout per process.
 */
export const ERRORS_TO_TRIP = 3;

export function sharedState(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT));
}

export function isOff(state: Int32Array): boolean {
  return Atomics.load(state, SLOT.OFF) === 1;
}

/** Records a failure; true when this one switched the remote off. */
export function recordFailure(state: Int32Array, kind: 'error' | 'timeout'): boolean {
  if (kind === 'timeout') return trip(state);
  const errors = Atomics.add(state, SLOT.ERRORS, 1) + 1;
  return errors >= ERRORS_TO_TRIP ? trip(state) : false;
}

/** True for the caller that switched it off (exactly one caller ever gets true). */
export function trip(state: Int32Array): boolean {
  return Atomics.compareExchange(state, SLOT.OFF, 0, 1) === 0;
}
