import type { StatsDelta } from './store';

/** Calls seen before judging a function: a fair sample, so one slow cold start is not a verdict. */
export const MIN_CALLS_TO_JUDGE = 20;

/**
 * Caching costs more than it saves when its own work (hashing, I/O, decoding) exceeds the
 * computation it could avoid: every call either computed (`computeMs`) or skipped a computation
 * (`savedMs`), so their sum is what the function itself costs over the same calls. Shared by the
 * log line at run time and `smartcache stats`, so the two never disagree.
 */
export function costsMoreThanSaves(s: StatsDelta): boolean {
  return s.calls >= MIN_CALLS_TO_JUDGE && s.overheadMs > s.computeMs + s.savedMs;
}
