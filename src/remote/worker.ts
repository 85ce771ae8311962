/**
 * The remote worker thread: it holds the connections to the server, answers lookups (the main
 * thread may be blocked in `Atomics.wait` for a synchronous function), and uploads entries from a
 * queue, reading each entry file itself so the caller never copies or waits. Signatures are
 * verified here, so unverified bytes never reach the thread that decodes entries.
 *
 * Start-up: a plain socket probes the server first; the Redis client is loaded only once the
 * server accepted a connection, so a server that is down costs a refused connect, not the
 * client's load (see limits.ts).
 */
import { parentPort, workerData as data, type MessagePort } from 'node:worker_threads';
import type { Connection } from './connection';
import { describeFailure, isDenied } from './failures';
import { probe, RemoteTimeoutError, transferAllowanceMs } from './limits';
import type { GetResult, PutOutcome, Reply, Request, WorkerData } from './protocol';
import { isOff, recordFailure, SLOT } from './shared';

const { config, state, storeFormat } = data as WorkerData;
const replies: MessagePort = (data as WorkerData).replies;
/** Uploads in flight at once: enough to hide a round trip, few enough to leave the link to reads. */
const UPLOAD_CONCURRENCY = 2;
/** Queued uploads beyond this are dropped (counted): a burst of misses cannot grow memory unbounded. */
const MAX_QUEUED = 10_000;
/** Records at least this large are handed to the main thread without a copy when they own their memory. */
const TRANSFER_MIN_BYTES = 64 * 1024;

type PutRequest = Extract<Request, { t: 'put' }>;

let syncRequest = 0;
/**
 * Lookups and uploads use separate connections: the server answers one connection's commands in
 * order, so a lookup queued behind a large or stalled upload would wait for it (and time out).
 */
let reader: Promise<Connection> | undefined;
let writer: Promise<Connection> | undefined;
let probed = false;

/** A connection, after a successful probe of the server (retried by the next request on failure). */
function connection(kind: 'reader' | 'writer'): Promise<Connection> {
  const existing = kind === 'reader' ? reader : writer;
  if (existing !== undefined) return existing;
  const made = (probed ? Promise.resolve() : probe(config.endpoint, config.shown, config.timeoutMs)).then(() => {
    probed = true;
    const { Connection: ConnectionClass } = require('./connection') as typeof import('./connection');
    Atomics.store(state, SLOT.READY, 1);
    Atomics.notify(state, SLOT.READY);
    const onSize = (bytes: number): void => {
      if (syncRequest !== 0) Atomics.store(state, SLOT.EXTEND_MS, transferAllowanceMs(bytes));
    };
    return new ConnectionClass(config, storeFormat, kind === 'reader' ? { onSize } : {});
  });
  made.catch(() => {
    if (reader === made) reader = undefined;
    if (writer === made) writer = undefined;
  });
  if (kind === 'reader') reader = made;
  else writer = made;
  return made;
}

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
  for (const made of [reader, writer]) made?.then((c) => c.destroy(), () => undefined);
  for (const job of queue.splice(0)) post({ t: 'put', root: job.root, outcome: 'dropped', bytes: 0 });
  settleFlushes();
}

/**
 * The entry bytes as a buffer of their own, for transfer: a large record that owns its memory is
 * passed as it is (a view of the entry inside it); anything else is copied, since a small reply
 * may be a view of node-redis's socket chunk, which must not be detached.
 */
function ownBuffer(record: Buffer, entry: Buffer): { buffer: ArrayBuffer; offset: number } {
  const whole = record.byteOffset === 0 && record.byteLength === record.buffer.byteLength && record.byteLength >= TRANSFER_MIN_BYTES;
  if (whole) return { buffer: record.buffer as ArrayBuffer, offset: entry.byteOffset };
  const copy = new Uint8Array(entry.byteLength);
  copy.set(entry);
  return { buffer: copy.buffer, offset: 0 };
}

async function get(id: number, key: string, sync: boolean): Promise<void> {
  let result: GetResult;
  let transfer: ArrayBuffer[] = [];
  if (isOff(state)) {
    result = { kind: 'off' };
  } else {
    try {
      const outcome = await (await connection('reader')).fetch(key);
      if (outcome.kind === 'hit') {
        const { buffer, offset } = ownBuffer(outcome.record, outcome.entry);
        transfer = [buffer];
        result = { kind: 'hit', namespace: outcome.namespace, entry: new Uint8Array(buffer, offset, outcome.entry.byteLength), recordBytes: outcome.recordBytes, rejected: outcome.rejected };
      } else {
        result = outcome;
      }
    } catch (error) {
      result = { kind: 'failed', ...fail(error) };
    }
  }
  post({ t: 'got', id, sync, result }, transfer);
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
    void upload(job)
      .then((reply) => post(reply))
      .finally(() => {
        uploading--;
        pump();
        settleFlushes();
      });
  }
}

/** Loaded on the first upload: lookups, the latency that matters, do not wait for the store's codec. */
let storeModule: typeof import('../store') | undefined;

async function upload(job: PutRequest): Promise<Reply> {
  const done = (outcome: PutOutcome, bytes = 0, message?: string): Reply =>
    message === undefined ? { t: 'put', root: job.root, outcome, bytes } : { t: 'put', root: job.root, outcome, bytes, message };
  if (isOff(state) || Atomics.load(state, SLOT.UPLOADS_OFF) === 1) return done('dropped');
  let bytes: Buffer | { tooLarge: number } | undefined;
  try {
    storeModule ??= require('../store') as typeof import('../store');
    // The exact bytes of the local entry file, checksum verified (a damaged local file is not shared).
    bytes = storeModule.Store.open(job.root).readBytes(job.key, config.maxBytes);
  } catch {
    return done('missing');
  }
  if (bytes === undefined) return done('missing');
  if (!Buffer.isBuffer(bytes)) return done('too-large');
  try {
    const c = await connection('writer');
    if (!checkWritten) {
      checkWritten = true;
      await c.writeCheck();
    }
    const outcome = await c.put(job.key, bytes, job.expires, job.fn, job.fingerprint);
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

// Connect now: the first lookup usually follows soon, and its caller should not pay the handshake.
connection('reader')
  .then((c) => c.ping())
  .catch((error: unknown) => {
    if (!isOff(state)) post({ t: 'error', ...fail(error) });
  });
