import { describeError } from './errors';

/**
 * Warnings go through `process.emitWarning` as errors named `SmartCacheWarning` with a stable
 * `code`, so `--no-warnings`, `--trace-warnings`, `--redirect-warnings` and
 * `process.on('warning')` work as for Node's own. One per (subject, cause) per process: the
 * cache must never break or flood the user's program (a disk that stays full warns once, not
 * once per call).
 */
export type WarningCode =
  /** The cache root cannot be read or written; calls run uncached (what `strict` throws). */
  | 'ERR_STORE_IO'
  /** A result cannot be stored exactly; it is returned uncached. */
  | 'ERR_UNSERIALIZABLE_RESULT'
  /** A function's code cannot be fingerprinted; it runs uncached or always misses. */
  | 'ERR_FINGERPRINT'
  /** A corrupt entry or record was found, removed, and treated as a miss. */
  | 'ERR_CORRUPT_ENTRY'
  /** An annotated function got an argument that cannot be hashed; that call runs uncached. */
  | 'ERR_UNHASHABLE_ARGUMENT'
  /** Two live functions asked for one name; the second is kept apart under a suffixed name. */
  | 'SMARTCACHE_NAME_COLLISION'
  /** An annotation that is ignored or only partly understood (`// @cache`, unknown settings...). */
  | 'SMARTCACHE_ANNOTATION'
  /** The preload cannot do its job here (a hook failed, wrong hook order, vitest workers). */
  | 'SMARTCACHE_PRELOAD'
  /** SMARTCACHE_LOG measured that caching a function costs more time than it saves. */
  | 'SMARTCACHE_COSTS_MORE'
  /** Waiting for another process computing the same entry took too long; computed here. */
  | 'SMARTCACHE_WAIT'
  /** The cache root is not the user's own (or others may write it); calls run uncached. */
  | 'ERR_UNTRUSTED_ROOT'
  /** Anything else. */
  | 'SMARTCACHE_WARNING';

export const WARNING_NAME = 'SmartCacheWarning';

/** What `process.on('warning')` receives: an Error named `SmartCacheWarning` with a `code`. */
export interface SmartCacheWarning extends Error {
  readonly code: WarningCode;
}

const seen = new Set<string>();

/**
 * During 'exit' listeners no nextTick runs, so `process.emitWarning` (which emits on the next
 * tick, Node 20-24: lib/internal/process/warning.js) would drop the warning; then the event is
 * emitted in line. Node's own printing listener is absent under --no-warnings, so that flag
 * still silences it.
 */
let exiting = false;
process.once('exit', () => {
  exiting = true;
});

/** Called first by the cache's own exit tasks (which may run before the listener above). */
export function markExiting(): void {
  exiting = true;
}

function emit(warning: SmartCacheWarning): void {
  if (!exiting) {
    try {
      process.emitWarning(warning);
    } catch {
      // jest runs modules in a vm context: our Error is that realm's, and emitWarning's
      // `instanceof Error` check (Node 20-24) refuses it with a TypeError. The string form with
      // the same type and code is printed and delivered alike (minus the `cause`); a warning
      // must never break the user's call.
      try {
        process.emitWarning(warning.message, { type: WARNING_NAME, code: warning.code });
      } catch {
        // Nothing left to tell it with.
      }
    }
    return;
  }
  try {
    process.emit('warning', warning);
  } catch {
    // A throwing 'warning' listener must not turn the exit into a crash.
  }
}

type Sink = (line: string, warning: SmartCacheWarning) => void;

let sink: Sink = (_line, warning) => emit(warning);

/**
 * Warns once per (subject, cause). `subject` names what it is about (a function, a file:line),
 * `cause` what happened; `error`, when given, is appended and becomes the warning's `cause`.
 * Returns whether this call warned.
 */
export function warnOnce(subject: string, cause: string, error?: unknown, code: WarningCode = 'SMARTCACHE_WARNING'): boolean {
  const id = `${subject}\u0000${cause}`;
  if (seen.has(id)) return false;
  seen.add(id);
  const detail = error === undefined ? '' : `: ${describeError(error)}`;
  const message = `${subject}: ${cause}${detail}`;
  const warning = Object.assign(new Error(message, error === undefined ? undefined : { cause: error }), { code }) as SmartCacheWarning;
  warning.name = WARNING_NAME;
  sink(`[smartcache] warning: ${message}`, warning);
  return true;
}

/**
 * Emits a warning made in another thread (Node 20's module-hooks thread), as that thread worded
 * it; the same once-per-process rule holds, keyed by the whole message.
 */
export function relayWarning(message: string, code: WarningCode): void {
  const id = `relayed\u0000${message}`;
  if (seen.has(id)) return;
  seen.add(id);
  const warning = Object.assign(new Error(message), { code }) as SmartCacheWarning;
  warning.name = WARNING_NAME;
  sink(`[smartcache] warning: ${message}`, warning);
}

/** Tests redirect warnings (each as a `[smartcache] warning: …` line); returns the previous sink. */
export function setWarningSink(next: Sink): Sink {
  const previous = sink;
  sink = next;
  return previous;
}

export function resetWarnings(): void {
  seen.clear();
}
