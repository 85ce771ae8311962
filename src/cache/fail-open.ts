import { SmartCacheError, type SmartCacheErrorCode } from '../errors';
import { type WarningCode, warnOnce } from '../warn';

/**
 * Failures of the cache itself never fail the user's call: one warning per function and cause,
 * and the call goes on uncached. With `strict: true` they are thrown instead.
 */
export function cacheFailure(name: string, strict: boolean, cause: string, error: unknown, code: FailureCode = 'ERR_STORE_IO'): void {
  if (strict) throw asSmartCacheError(error, code, `${name}: ${cause}`);
  warnOnce(name, cause, error, code);
}

/** A failure has one code, thrown under `strict` and carried by the warning otherwise. */
export type FailureCode = Extract<SmartCacheErrorCode, WarningCode>;

/** The errno behind a store error (`ENOSPC`, `EACCES`, `ENOTDIR`...), for one warning per cause. */
export function errnoOf(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The warning's cause for a store failure: one per distinct errno, whatever the operation (an
 * unwritable root fails the record, the entry and the stats alike; that is one problem to tell).
 * The error's own message, printed after it, says which operation and file.
 */
export function ioCause(error: unknown): string {
  const errno = errnoOf(error);
  return `the cache is unavailable${errno === undefined ? '' : ` (${errno})`}; results are not stored (calls compute, or hit this process's memory layer)`;
}

function asSmartCacheError(error: unknown, code: SmartCacheErrorCode, message: string): SmartCacheError {
  if (error instanceof SmartCacheError) return error;
  return new SmartCacheError(code, message, { cause: error });
}
