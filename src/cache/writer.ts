import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { SmartCacheError } from '../errors';
import type { EncodedEntry, EntryMeta, Store } from '../store';

/**
 * Entry writes. Small entries are written synchronously by the store (a few µs to ms). An entry
 * of BACKGROUND_MIN_BYTES or more is copied and handed to a worker thread that writes it with
 * the same atomic store write, so the caller waits for encoding and one memory copy instead of
 * the disk: at 100 MB a copy is tens of ms where the write took hundreds (bench/cache.js).
 *
 * Guarantees kept: an entry is never visible half-written (the worker uses the store's temp
 * file + rename); the copy is taken before the caller gets its value back, so mutating the
 * result cannot change what is stored; while writes are pending the worker keeps the process
 * alive, so a program that ends normally ends after its writes; on `process.exit()` or a signal
 * a pending write is dropped (its temp file is never renamed; `smartcache prune` removes such
 * leftovers) and the next run computes again.
 */
export const BACKGROUND_MIN_BYTES = 8 * 1024 * 1024;

export interface WriteJob {
  readonly id: number;
  readonly root: string;
  readonly key: string;
  readonly meta: EntryMeta;
  readonly chunks: Uint8Array[];
  readonly bytes: number;
}

export type WriteDone =
  | { readonly id: number; readonly ok: true }
  | { readonly id: number; readonly ok: false; readonly message: string; readonly errno: string | undefined };

interface Pending {
  readonly store: Store;
  readonly key: string;
  readonly fn: string;
  readonly onError: (error: unknown) => void;
  cancelled: boolean;
}

const pending = new Map<number, Pending>();
let worker: Worker | undefined;
let workerBroken = false;
let nextId = 1;

function startWorker(): Worker | undefined {
  if (worker !== undefined || workerBroken) return worker;
  try {
    const w = new Worker(path.join(__dirname, 'write-worker.js'));
    w.on('message', settle);
    w.on('error', (error) => abandon(error));
    w.on('exit', () => abandon(new Error('the background writer stopped')));
    w.unref();
    worker = w;
  } catch {
    // No worker threads here (a bundle without the worker file, a locked-down runtime): write in line.
    workerBroken = true;
  }
  return worker;
}

function settle(done: WriteDone): void {
  const job = pending.get(done.id);
  if (job === undefined) return;
  pending.delete(done.id);
  if (pending.size === 0) worker?.unref();
  if (!done.ok) {
    const cause = Object.assign(new Error(done.message), { code: done.errno });
    job.onError(new SmartCacheError('ERR_STORE_IO', done.message, { cause }));
    return;
  }
  // deleted or cleared while it was being written: take it back out.
  if (job.cancelled) deleteQuiet(job.store, job.key);
}

function abandon(error: unknown): void {
  worker = undefined;
  workerBroken = true;
  for (const job of pending.values()) job.onError(new SmartCacheError('ERR_STORE_IO', 'background write lost', { cause: error }));
  pending.clear();
}

function deleteQuiet(store: Store, key: string): void {
  try {
    store.delete(key);
  } catch {
    // A failed delete of a cancelled write leaves a valid entry: a hit later, never a wrong one.
  }
}

/** Exact-size copies of the chunks (a chunk may view a much larger buffer, or the caller's). */
function ownedChunks(chunks: readonly Uint8Array[]): Uint8Array[] {
  return chunks.map((chunk) => {
    const copy = new Uint8Array(chunk.byteLength);
    copy.set(chunk);
    return copy;
  });
}

/**
 * Writes an encoded entry; a failure goes to `onError` (now or, for a background write, later),
 * never to the caller. `inline` forces a synchronous write (`strict` needs the error now).
 */
export function writeEntry(store: Store, key: string, encoded: EncodedEntry, onError: (error: unknown) => void, inline = false): void {
  const w = inline || encoded.bytes < BACKGROUND_MIN_BYTES ? undefined : startWorker();
  if (w === undefined) {
    try {
      store.write(key, encoded);
    } catch (error) {
      onError(error);
    }
    return;
  }
  const id = nextId++;
  const chunks = ownedChunks(encoded.chunks);
  const job: WriteJob = { id, root: store.root, key, meta: encoded.meta, chunks, bytes: encoded.bytes };
  pending.set(id, { store, key, fn: encoded.meta.fn, onError, cancelled: false });
  w.ref();
  w.postMessage(job, chunks.map((c) => c.buffer as ArrayBuffer));
}

/** A write of `key` is still in flight (it will land unless cancelled). */
export function isPending(store: Store, key: string): boolean {
  for (const job of pending.values()) if (!job.cancelled && job.key === key && job.store.root === store.root) return true;
  return false;
}

/** Pending writes of `key` (or of every key of function `fn`) are removed again once written. */
export function cancelPending(store: Store, match: { readonly key?: string; readonly fn?: string }): void {
  for (const job of pending.values()) {
    if (job.store.root === store.root && (job.key === match.key || job.fn === match.fn)) job.cancelled = true;
  }
}
