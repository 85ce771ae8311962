/**
 * Every error the library throws carries a stable `code`. API misuse (a bad option) is also a
 * `TypeError`, as Node's own APIs do; both classes answer `instanceof SmartCacheError`, because
 * the brand is checked instead of the prototype chain (this also survives two copies of the
 * package loaded side by side, e.g. one through `require` and one through `import`).
 */
export type SmartCacheErrorCode =
  | 'ERR_UNHASHABLE_ARGUMENT'
  | 'ERR_UNSERIALIZABLE_RESULT'
  | 'ERR_CORRUPT_ENTRY'
  | 'ERR_STORE_IO'
  | 'ERR_UNTRUSTED_ROOT'
  | 'ERR_INVALID_OPTION'
  | 'ERR_UNSUPPORTED_FUNCTION'
  | 'ERR_FINGERPRINT'
  | 'ERR_USAGE'
  /** The team cache cannot be reached, or answered with an error (`smartcache push/pull/remote check`). */
  | 'ERR_REMOTE_UNAVAILABLE'
  /** The team cache refused this user a command it needs (ACL). */
  | 'ERR_REMOTE_DENIED'
  /** The team cache holds entries signed with another secret under this key id. */
  | 'ERR_REMOTE_SIGNATURE';

const BRAND = Symbol.for('smartcache.error');

export interface SmartCacheErrorDetails {
  readonly cause?: unknown;
  /** Where in the arguments the problem is, e.g. `args[1].conn`. */
  readonly path?: string;
  /** The option at fault, for `ERR_INVALID_OPTION`. */
  readonly option?: string;
  /** Cached function the error is about. */
  readonly functionName?: string;
  /** Entry or file the error is about. */
  readonly file?: string;
}

function brand(target: Error, code: SmartCacheErrorCode, details: SmartCacheErrorDetails): void {
  Object.defineProperty(target, BRAND, { value: true });
  const fields = target as unknown as Record<string, unknown>;
  fields['code'] = code;
  for (const [k, v] of Object.entries(details)) if (k !== 'cause' && v !== undefined) fields[k] = v;
}

export class SmartCacheError extends Error {
  declare readonly code: SmartCacheErrorCode;
  declare readonly path?: string;
  declare readonly option?: string;
  declare readonly functionName?: string;
  declare readonly file?: string;

  constructor(code: SmartCacheErrorCode, message: string, details: SmartCacheErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'SmartCacheError';
    brand(this, code, details);
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

/**
 * A bad option given to `cache()` (or, with `ERR_UNSUPPORTED_FUNCTION`, a non-function given to
 * it): a `TypeError` that is also a `SmartCacheError`.
 */
export class SmartCacheTypeError extends TypeError {
  declare readonly code: SmartCacheErrorCode;
  declare readonly option?: string;

  constructor(message: string, details: SmartCacheErrorDetails = {}, code: 'ERR_INVALID_OPTION' | 'ERR_UNSUPPORTED_FUNCTION' = 'ERR_INVALID_OPTION') {
    super(message);
    this.name = 'SmartCacheError';
    brand(this, code, details);
  }
}

export function isSmartCacheError(value: unknown): value is SmartCacheError {
  return value instanceof SmartCacheError;
}

/** The message of anything thrown, for one-line warnings. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
