/**
 * The team cache's warnings: `process.emitWarning` with name `SmartCacheWarning` and a stable
 * code, each at most once per process and cause, so `--no-warnings`, `process.on('warning')`
 * and `--trace-warnings` work as for Node's own.
 */
export type RemoteWarningCode =
  /** A SMARTCACHE_REMOTE_* variable is missing or malformed: the remote is not used. */
  | 'ERR_REMOTE_CONFIG'
  /** A record's signature did not verify: a miss. */
  | 'ERR_REMOTE_SIGNATURE'
  /** The breaker tripped: the remote is off for the rest of the process. */
  | 'ERR_REMOTE_UNAVAILABLE'
  /** The server refused this user a write: uploads are off, reads go on. */
  | 'ERR_REMOTE_DENIED'
  /** A verified record's entry failed the local store's checks or names another function. */
  | 'ERR_CORRUPT_ENTRY';

const seen = new Set<string>();
let exiting = false;

/**
 * From now on warnings are delivered at once: `emitWarning` defers to the next tick, and no tick
 * runs after the 'exit' event (measured on Node 20: a warning emitted there is lost).
 */
export function deliverImmediately(): void {
  exiting = true;
}

export function remoteWarning(code: RemoteWarningCode, message: string, cause: string = code): void {
  const id = `${code}\u0000${cause}`;
  if (seen.has(id)) return;
  seen.add(id);
  const warning = Object.assign(new Error(`team cache: ${message}`), { name: 'SmartCacheWarning', code });
  if (exiting) process.emit('warning', warning);
  else process.emitWarning(warning);
}
