/**
 * Warnings about what a cached function reads from outside its code, through
 * `process.emitWarning` (so `--no-warnings`, `process.on('warning')` and `--trace-warnings`
 * apply), at most once per function and cause.
 */
export const WARNING_TYPE = 'SmartCacheWarning';

/** Stable codes. */
export const CODES = {
  /** `Date.now()`, `new Date()`, `performance.now()` during a call. */
  clock: 'SMARTCACHE_CLOCK',
  /** `Math.random()`, `crypto.random*` during a call. */
  random: 'SMARTCACHE_RANDOM',
  /** `process.env[name]` with a computed name in the reached code. */
  dynamicEnv: 'SMARTCACHE_DYNAMIC_ENV',
  /** A read that can never be checked (a pipe, stdin, a descriptor opened elsewhere). */
  opaque: 'SMARTCACHE_OPAQUE_INPUT',
} as const;

const seen = new Set<string>();

/** True once `warnInputOnce` was called for this function and cause: no need to look again. */
export function warnedInput(fnName: string, cause: string): boolean {
  return seen.has(`${fnName}\u0000${cause}`);
}

export function warnInputOnce(fnName: string, cause: string, code: string, message: string): void {
  const id = `${fnName}\u0000${cause}`;
  if (seen.has(id)) return;
  seen.add(id);
  try {
    process.emitWarning(message, { type: WARNING_TYPE, code });
  } catch {
    // A warning must never break the call it is about.
  }
}
