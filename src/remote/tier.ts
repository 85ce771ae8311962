import { STORE_FORMAT_VERSION, type EntryMeta, type ReadEntry, type RemoteStatsDelta, type Store } from '../store';
import { Bridge } from './bridge';
import type { RemoteConfig } from './config';
import type { Rejection } from './connection';
import type { GetResult, Reply } from './protocol';
import { deliverImmediately, remoteWarning } from './warnings';

/** What the caller knows the entry of a key must be: a verified entry naming anything else is a miss. */
export interface Expect {
  readonly fn: string;
  readonly fingerprint: string;
}

export type RemoteCounters = { -readonly [K in keyof RemoteStatsDelta]: number };

export function zeroCounters(): RemoteCounters {
  return { hits: 0, misses: 0, errors: 0, timeouts: 0, rejected: 0, tooLarge: 0, uploads: 0, bytesIn: 0, bytesOut: 0 };
}

/**
 * Writes a verified entry into the local store and reads it back through the store's checks.
 * Undefined (and the file removed) when the store rejects it or it belongs to another function.
 * Errors of the local store itself (an unwritable root) are thrown.
 */
export function adoptEntry(store: Store, key: string, entry: Uint8Array, expect: Expect): ReadEntry | undefined {
  store.writeBytes(key, entry);
  const read = store.read(key);
  if (read === undefined) return undefined;
  if (read.meta.fn === expect.fn && read.meta.fingerprint === expect.fingerprint) return read;
  store.delete(key);
  remoteWarning('ERR_CORRUPT_ENTRY', `a signed entry for key ${key.slice(0, 12)}… belongs to ${JSON.stringify(read.meta.fn)}, not ${JSON.stringify(expect.fn)} (treated as a miss)`, 'mismatch');
  return undefined;
}

/** How long a process that ends normally waits for its uploads (README, "Team cache"). */
export const EXIT_FLUSH_MS = 2000;

/**
 * The team cache as the call path sees it: a second tier behind the local store. A lookup asks
 * the server (through the worker), and a verified record's entry is written into the local store
 * and read back through the store's own checks (format, checksum, and whatever else the store
 * verifies on every read), so a downloaded entry is trusted exactly as far as a local file is.
 * An upload is queued and never waited for. Nothing here throws for a remote problem; errors of
 * the local store (writing the downloaded entry) reach the caller, which handles them as it
 * handles any store failure.
 *
 * Counters are per process; `counters()` is what the summary line and the stats log show.
 */
/**
 * What to check after a refused upload: the credentials when the server did not accept them
 * (`WRONGPASS`, `NOAUTH`), else the user's rights (`NOPERM`: a read-only user asked to write).
 */
function deniedHint(message: string | undefined): string {
  return /\b(WRONGPASS|NOAUTH)\b/.test(message ?? '')
    ? 'check SMARTCACHE_REMOTE_USER and SMARTCACHE_REMOTE_PASSWORD, or the credentials in SMARTCACHE_REMOTE'
    : 'is SMARTCACHE_REMOTE_WRITE=1 meant for a read-only user?';
}

export class RemoteTier {
  private readonly bridge: Bridge;
  private readonly tally = zeroCounters();
  private readonly persisted = zeroCounters();

  constructor(readonly config: RemoteConfig) {
    this.bridge = new Bridge(config, STORE_FORMAT_VERSION, {
      onReply: (reply) => this.onReply(reply),
      onOff: (reason) =>
        remoteWarning('ERR_REMOTE_UNAVAILABLE', `${config.shown} failed (${reason}); the team cache is off for the rest of this process, results are computed or read locally`),
    });
  }

  /** Blocking lookup for synchronous functions (the sync bridge: Atomics.wait with a hard deadline). */
  fetchSync(store: Store, key: string, expect: Expect): ReadEntry | undefined {
    if (this.bridge.off) return undefined;
    return this.finish(store, key, expect, this.bridge.getSync(key));
  }

  async fetch(store: Store, key: string, expect: Expect): Promise<ReadEntry | undefined> {
    if (this.bridge.off) return undefined;
    return this.finish(store, key, expect, await this.bridge.get(key));
  }

  /**
   * Queues the upload of the entry `key` just written to `store` (read back from the file by the
   * worker: the caller neither copies nor waits). A read-only client uploads nothing.
   */
  put(store: Store, key: string, meta: EntryMeta): void {
    if (!this.config.write) return;
    this.bridge.put({ t: 'put', root: store.root, key, fn: meta.fn, fingerprint: meta.fingerprint, expires: meta.expires });
  }

  /** At exit: waits up to `maxMs` for queued uploads, then drops what is left. */
  flush(maxMs: number = EXIT_FLUSH_MS): void {
    deliverImmediately();
    this.bridge.flushSync(maxMs);
  }

  counters(): RemoteCounters {
    return { ...this.tally };
  }

  /** Counts since the last call (for appending to the stats log once per process, or per flush). */
  takeDelta(): RemoteCounters {
    const delta = zeroCounters();
    for (const k of Object.keys(delta) as Array<keyof RemoteCounters>) {
      delta[k] = this.tally[k] - this.persisted[k];
      this.persisted[k] = this.tally[k];
    }
    return delta;
  }

  private finish(store: Store, key: string, expect: Expect, result: GetResult): ReadEntry | undefined {
    const t = this.tally;
    switch (result.kind) {
      case 'off':
        return undefined;
      case 'failed':
        if (result.timeout) t.timeouts++;
        else t.errors++;
        return undefined;
      case 'miss':
        this.reject(result.rejected);
        t.tooLarge += result.tooLarge;
        t.misses++;
        return undefined;
      case 'hit': {
        this.reject(result.rejected);
        t.bytesIn += result.recordBytes;
        // Counted a miss until the store has accepted it (a store error then propagates as a miss).
        t.misses++;
        const read = adoptEntry(store, key, result.entry, expect);
        if (read === undefined) {
          t.rejected++;
          return undefined;
        }
        t.misses--;
        t.hits++;
        return read;
      }
    }
  }

  private reject(rejected: readonly Rejection[]): void {
    for (const r of rejected) {
      this.tally.rejected++;
      remoteWarning('ERR_REMOTE_SIGNATURE', `an entry in namespace ${JSON.stringify(r.namespace)} was refused: ${r.why} (treated as a miss; the function runs)`, r.namespace);
    }
  }

  private onReply(reply: Extract<Reply, { t: 'put' | 'error' }>): void {
    const t = this.tally;
    if (reply.t === 'error') {
      if (reply.timeout) t.timeouts++;
      else t.errors++;
      return;
    }
    switch (reply.outcome) {
      case 'stored':
        t.uploads++;
        t.bytesOut += reply.bytes;
        break;
      case 'too-large':
        t.tooLarge++;
        break;
      case 'failed':
        t.errors++;
        break;
      case 'timeout':
        t.timeouts++;
        break;
      case 'denied':
        t.errors++;
        remoteWarning('ERR_REMOTE_DENIED', `${this.config.shown} refused an upload (${reply.message ?? 'denied'}); this client will not upload again in this process (${deniedHint(reply.message)})`);
        break;
      case 'exists':
      case 'missing':
      case 'dropped':
        break;
    }
  }
}
