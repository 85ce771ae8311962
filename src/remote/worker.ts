/**
 * The remote worker thread: it holds the one connection to the server, answers lookups (the
 * main thread may be blocked in `Atomics.wait` for a synchronous function), and uploads entries
 * from a queue, reading each entry file itself so the caller never copies or waits. Verification
 * of signatures happens here, so unverified bytes never reach the thread that decodes entries.
 */
import { parentPort, workerData as data, type MessagePort } from 'node:worker_threads';
import { Connection, describeFailure, isDenied, RemoteTimeoutError } from './connection';
import { transferAllowanceMs } from './transfer';
import type { GetResult, PutOutcome, Reply, Request, WorkerData } from './protocol';
import { isOff, recordFailure, SLOT } from './shared';

const { config, state, storeFormat } = data as WorkerData;
const replies: MessagePort = (data as WorkerData).replies;
/** Uploads in flight at once: enough to hide a round trip, few enough to leave the link to reads. */
const UPLOAD_CONCURRENCY = 2;
/** Queued uploads beyond this are dropped (counted): a burst of misses cannot grow memory unbounded. */
const MAX_QUEUED = 10_000;

type PutRequest = Extract<Request, { t: 'put' }>;

let syncRequest = 0;
/**
 * Lookups and uploads use separate connections: the server answers one connection's commands in
 * order, so a lookup queued behind a large or stalled upload would wait for it (and time out).
 */
const reader = new Connection(config, storeFormat, {
  onSize: (bytes) => {
    if (syncRequest !== 0) Atomics.store(state, SLOT.EXTEND_MS, transferAllowanceMs(bytes));
  },
});
let writer: Connection | undefined;
const queue: PutRequest[] = [];
let uploading = 0;
const flushes: number[] = [];
let checkWritten = false;

function post(reply: Reply, transfer: ArrayBuffer[] = []): void {
  replies.postMessage(reply, transfer);
}

/** Counts a failure toward the breaker; when it trips, stops everything and tells the main thread. */
function fail(error: unknown): { timeout: boolean; message: string } {
  const timeout = error instanceof RemoteTimeoutError;
  const message = describeFailure(error, config);
  if (recordFailure(state, timeout ? 'timeout' : 'error')) stop(message);
  return { timeout, message };
}

function stop(reason: string): void {
  post({ t: 'off', reason });
  reader.destroy();
  writer?.destroy();
  for (const job of queue.splice(0)) post({ t: 'put', root: job.root, outcome: 'dropped', bytes: 0 });
  settleFlushes();
}

async function get(id: number, key: string, sync: boolean): Promise<void> {
  let result: GetResult;
  if (isOff(state)) {
    result = { kind: 'off' };
  } else {
    try {
      const outcome = await reader.fetch(key);
      if (outcome.kind === 'hit') {
        // Its own buffer: the reply transfers it, and a view of node-redis's socket chunk must not be detached.
        const entry = new Uint8Array(outcome.entry.byteLength);
        entry.set(outcome.entry);
        result = { kind: 'hit', namespace: outcome.namespace, entry, recordBytes: outcome.recordBytes, rejected: outcome.rejected };
      } else {
        result = outcome;
      }
    } catch (error) {
      result = { kind: 'failed', ...fail(error) };
    }
  }
  post({ t: 'got', id, sync, result }, result.kind === 'hit' ? [result.entry.buffer as ArrayBuffer] : []);
  if (sync) {
    syncRequest = 0;
    Atomics.store(state, SLOT.DONE, id);
    Atomics.notify(state, SLOT.DONE);
  }
}

function enqueue(job: PutRequest): void {
  if (isOff(state) || Atomics.load(state, SLOT.UPLOADS_OFF) === 1 || queue.length >= MAX_QUEUED) {
    post({ t: 'put', root: job.root, outcome: 'dropped', bytes: 0 });
    return;
  }
  queue.push(job);
  pump();
}

function pump(): void {
  while (uploading < UPLOAD_CONCURRENCY && queue.length > 0) {
    const job = queue.shift() as PutRequest;
    uploading++;
    upload(job).then(
      (reply) => post(reply),
      () => undefined,
    ).finally(() => {
      uploading--;
      pump();
      settleFlushes();
    });
  }
}

async function upload(job: PutRequest): Promise<Reply> {
  const done = (outcome: PutOutcome, bytes = 0, message?: string): Reply =>
    message === undefined ? { t: 'put', root: job.root, outcome, bytes } : { t: 'put', root: job.root, outcome, bytes, message };
  if (isOff(state) || Atomics.load(state, SLOT.UPLOADS_OFF) === 1) return done('dropped');
  let bytes: Buffer | { tooLarge: number } | undefined;
  try {
    // The exact bytes of the local entry file, checksum verified (a corrupt local file is not shared).
    bytes = storeModule().Store.open(job.root).readBytes(job.key, config.maxBytes);
  } catch {
    return done('missing');
  }
  if (bytes === undefined) return done('missing');
  if (!Buffer.isBuffer(bytes)) return done('too-large');
  try {
    writer ??= new Connection(config, storeFormat);
    if (!checkWritten) {
      checkWritten = true;
      await writer.writeCheck();
    }
    const outcome = await writer.put(job.key, bytes, job.expires, job.fn, job.fingerprint);
    return done(outcome, outcome === 'stored' ? bytes.length : 0);
  } catch (error) {
    if (isDenied(error)) {
      // This user may not write here: a configuration problem, not an outage. Reads go on.
      Atomics.store(state, SLOT.UPLOADS_OFF, 1);
      for (const queued of queue.splice(0)) post({ t: 'put', root: queued.root, outcome: 'dropped', bytes: 0 });
      return done('denied', 0, describeFailure(error, config));
    }
    const failure = fail(error);
    return done(failure.timeout ? 'timeout' : 'failed', 0, failure.message);
  }
}

/** Loaded on the first upload: lookups, the latency that matters, do not wait for the store's codec. */
let store: typeof import('../store') | undefined;
function storeModule(): typeof import('../store') {
  return (store ??= require('../store') as typeof import('../store'));
}

function settleFlushes(): void {
  if (queue.length > 0 || uploading > 0) return;
  for (const id of flushes.splice(0)) {
    post({ t: 'flushed', id });
    Atomics.store(state, SLOT.FLUSHED, id);
    Atomics.notify(state, SLOT.FLUSHED);
  }
}

parentPort?.on('message', (request: Request) => {
  switch (request.t) {
    case 'get':
      if (request.sync) syncRequest = request.id;
      void get(request.id, request.key, request.sync);
      break;
    case 'put':
      enqueue(request);
      break;
    case 'flush':
      flushes.push(request.id);
      settleFlushes();
      break;
  }
});

Atomics.store(state, SLOT.READY, 1);
Atomics.notify(state, SLOT.READY);
// Connect now: the first lookup usually follows soon, and its caller should not pay the handshake.
reader.ping().catch((error: unknown) => {
  if (!isOff(state)) post({ t: 'error', ...fail(error) });
});
