import path = require('node:path');
import { nowMs } from '../elapsed';
import type { Worker } from 'node:worker_threads';
import { detachStdio, OWN_STDIO } from '../worker-stdio';
import { SmartCacheError } from '../errors';
import type { EncodedEntry, EntryMeta, Store } from '../store';

/**
 * Entry writes. At first they are written synchronously by the store. An entry of
 * BACKGROUND_MIN_BYTES or more, and every entry once the process has spent BACKGROUND_AFTER_MS
 * in synchronous writes, is copied and handed to a worker thread that writes it with the same
 * atomic store write: the caller then waits for encoding and one memory copy instead of the disk.
 * Measured on the team machine (Node 20, ext4, bench/cache.js): a small entry's atomic write
 * (open, write, close, rename, often a new fan-out folder) costs 0.2-1 ms, posting it ~2 µs. For
 * a 100 MB Buffer the copy (60-90 ms) costs about what a write into an idle page cache does
 * (45-70 ms), but writes under I/O pressure took 350-850 ms where the copy took ~190 ms: the
 * background write bounds the worst case. (Waiting for encoding alone would need a zero-copy
 * async write in the store, with the checksum taken before returning.) Short scripts never start
 * the worker (its start costs ~50 ms of CPU, and exit would wait for it).
 *
 * At most MAX_PENDING_BYTES of copies wait for the writer; past that, writes happen in line, so
 * a loop of large results cannot queue unbounded memory.
 *
 * Guarantees kept: an entry is never visible half-written (the worker uses the store's temp
 * file + rename); the copy is taken before the caller gets its value back, so mutating the
 * result cannot change what is stored; while writes are pending the worker keeps the process
 * alive, so a program that ends normally ends after its writes; on `process.exit()` or a signal
 * a pending write is dropped (its temp file is never renamed; `smartcache prune` removes such
 * leftovers) and the next run computes again.
 */
export const BACKGROUND_MIN_BYTES = 8 * 1024 * 1024;
export const BACKGROUND_AFTER_MS = 25;
/** Copies queued for the writer beyond this are not made: the write happens in line instead. */
export const MAX_PENDING_BYTES = 256 * 1024 * 1024;

let pendingBytes = 0;

/** Time this process has spent in synchronous entry writes. */
let syncWriteMs = 0;

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
  readonly bytes: number;
  readonly onError: (error: unknown) => void;
  readonly onSettled: ((ok: boolean) => void) | undefined;
  readonly onWritten: (() => void) | undefined;
  cancelled: boolean;
}

const pending = new Map<number, Pending>();
let worker: Worker | undefined;
let workerBroken = false;
let nextId = 1;

function startWorker(): Worker | undefined {
  if (worker !== undefined || workerBroken) return worker;
  try {
    // execArgv []: the writer needs no flags, and must not inherit a preload (`--require
    // smartcache/register`), which would hook and fingerprint inside the writer thread too.
    // Required here, not at the top: worker_threads (26 built-in modules) loads only with the first
    // background write, never on a process that only reads its cache.
    const { Worker: WorkerThread } = require('node:worker_threads') as typeof import('node:worker_threads');
    const w = new WorkerThread(path.join(__dirname, 'write-worker.js'), { execArgv: [], ...OWN_STDIO });
    detachStdio(w);
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
  pendingBytes -= job.bytes;
  if (pending.size === 0) worker?.unref();
  if (!done.ok) {
    const cause = Object.assign(new Error(done.message), { code: done.errno });
    job.onSettled?.(false);
    job.onError(new SmartCacheError('ERR_STORE_IO', done.message, { cause }));
    return;
  }
  // deleted or cleared while it was being written: take it back out.
  if (job.cancelled) deleteQuiet(job.store, job.key);
  job.onSettled?.(true);
  if (!job.cancelled) job.onWritten?.();
}

function abandon(error: unknown): void {
  worker = undefined;
  workerBroken = true;
  for (const job of pending.values()) {
    job.onSettled?.(false);
    job.onError(new SmartCacheError('ERR_STORE_IO', 'background write lost', { cause: error }));
  }
  pending.clear();
  pendingBytes = 0;
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
 * `inline`: always synchronous (`strict` needs the error now). `large-only`: background only for
 * large entries, because the memory layer will not hold this one and, while its write is
 * pending, the next identical call would compute again. `auto`: as described above.
 */
export type WriteMode = 'inline' | 'large-only' | 'auto';

/**
 * Writes an encoded entry; a failure goes to `onError` (now or, for a background write, later),
 * never to the caller. `onSettled`, when given, is told once the entry is on disk (true) or will
 * not be (false): a cross-process claim on the key is released then. `onWritten` runs once the
 * entry is on disk (the team cache uploads it).
 */
export function writeEntry(
  store: Store,
  key: string,
  encoded: EncodedEntry,
  onError: (error: unknown) => void,
  mode: WriteMode,
  onSettled?: (ok: boolean) => void,
  onWritten?: () => void,
): void {
  const background =
    mode !== 'inline' &&
    pendingBytes + encoded.bytes <= MAX_PENDING_BYTES &&
    (encoded.bytes >= BACKGROUND_MIN_BYTES || (mode === 'auto' && syncWriteMs >= BACKGROUND_AFTER_MS));
  const w = background ? startWorker() : undefined;
  if (w === undefined) {
    const started = nowMs();
    let failure: { readonly error: unknown } | undefined;
    let ok = false;
    try {
      store.write(key, encoded);
      ok = true;
    } catch (error) {
      failure = { error };
    }
    syncWriteMs += nowMs() - started;
    // Settled first: under `strict`, onError throws.
    onSettled?.(failure === undefined);
    if (failure !== undefined) onError(failure.error);
    if (ok) onWritten?.();
    return;
  }
  const id = nextId++;
  const chunks = ownedChunks(encoded.chunks);
  const job: WriteJob = { id, root: store.root, key, meta: encoded.meta, chunks, bytes: encoded.bytes };
  pending.set(id, { store, key, fn: encoded.meta.fn, bytes: encoded.bytes, onError, onSettled, onWritten, cancelled: false });
  pendingBytes += encoded.bytes;
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
