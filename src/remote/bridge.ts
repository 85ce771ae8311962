import path = require('node:path');
import { clearTimeout as nodeClearTimeout, setTimeout as nodeSetTimeout } from 'node:timers';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { RemoteConfig } from './config';
import { transferAllowanceMs } from './limits';
import type { GetResult, Reply, Request, WorkerData } from './protocol';
import { isOff, recordFailure, sharedState, SLOT } from './shared';
import { detachStdio, OWN_STDIO } from '../worker-stdio';

/**
 * The main thread's side of the remote worker. Synchronous lookups post a request and block in
 * `Atomics.wait` on a shared slot the worker sets after posting its answer, then take the answer
 * off the reply port with `receiveMessageOnPort` (no event loop turn needed). Asynchronous
 * lookups await the same answer through the port's 'message' event. Uploads are posted and
 * forgotten; the worker reports each outcome.
 *
 * The worker thread is unref'd, and the reply port is ref'd only while an asynchronous lookup is
 * pending: the remote never keeps a process alive that would otherwise end. At exit,
 * `flushSync` blocks for pending uploads up to a bound (worker threads keep running while the
 * main thread's 'exit' listeners run).
 */

export interface BridgeEvents {
  /** An upload's outcome, or a background failure. */
  readonly onReply: (reply: Extract<Reply, { t: 'put' | 'error' }>) => void;
  /** The remote was switched off (by the worker or by this side): warn once. */
  readonly onOff: (reason: string) => void;
}

/**
 * How long a synchronous lookup may wait for the worker to load the client, on top of the
 * request's own budget. It covers a thread start and loading the Redis client (150-190 ms of
 * CPU measured on the team machine while other jobs ran), not the server: only the first lookup
 * can pay it.
 */
const STARTUP_MIN_MS = 2000;

export class Bridge {
  private readonly state = sharedState();
  private readonly replies: MessagePort;
  private readonly worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (r: GetResult) => void; timer: NodeJS.Timeout }>();
  private syncId = 0;
  private syncResult: GetResult | undefined;
  private unflushed = 0;

  constructor(
    private readonly config: RemoteConfig,
    storeFormat: number,
    private readonly events: BridgeEvents,
  ) {
    const channel = new MessageChannel();
    this.replies = channel.port1;
    this.replies.on('message', (reply: Reply) => this.dispatch(reply));
    this.replies.unref();
    const data: WorkerData = { config, storeFormat, state: this.state, replies: channel.port2 };
    try {
      // execArgv []: the worker must not inherit a preload (`--require smartcache/register`).
      const worker = new Worker(path.join(__dirname, 'worker.js'), { execArgv: [], workerData: data, transferList: [channel.port2], ...OWN_STDIO });
      detachStdio(worker);
      worker.unref();
      worker.on('error', (error) => this.broken(`the remote worker failed: ${error instanceof Error ? error.message : String(error)}`));
      worker.on('exit', () => this.broken('the remote worker stopped'));
      this.worker = worker;
    } catch (error) {
      this.worker = undefined;
      this.broken(`the remote worker cannot start: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  get off(): boolean {
    return isOff(this.state);
  }

  /** Blocks until the answer, the worker's own timeout, or this side's hard deadline. */
  getSync(key: string): GetResult {
    if (this.off || this.worker === undefined) return { kind: 'off' };
    const id = this.nextId++;
    const started = performance.now();
    const startup = Atomics.load(this.state, SLOT.READY) === 1 ? 0 : Math.max(STARTUP_MIN_MS, 4 * this.config.timeoutMs);
    this.syncId = id;
    this.syncResult = undefined;
    Atomics.store(this.state, SLOT.EXTEND_MS, 0);
    let seen = Atomics.load(this.state, SLOT.DONE);
    this.post({ t: 'get', id, key, sync: true });
    try {
      for (;;) {
        this.drain();
        const result = this.syncResult as GetResult | undefined;
        if (result !== undefined) return result;
        if (this.off) return { kind: 'off' };
        // The worker's connect, STRLEN and GETRANGE each have the timeout; one more is the margin.
        const budget = startup + 4 * this.config.timeoutMs + Atomics.load(this.state, SLOT.EXTEND_MS);
        const remaining = started + budget - performance.now();
        if (remaining <= 0) return this.hardTimeout(budget);
        Atomics.wait(this.state, SLOT.DONE, seen, remaining);
        seen = Atomics.load(this.state, SLOT.DONE);
      }
    } finally {
      this.syncId = 0;
      this.syncResult = undefined;
    }
  }

  get(key: string): Promise<GetResult> {
    if (this.off || this.worker === undefined) return Promise.resolve({ kind: 'off' });
    const id = this.nextId++;
    return new Promise<GetResult>((resolve) => {
      // Backstop for a stuck worker; the worker's own timeouts (transfer allowance included) answer first.
      const budget = Math.max(STARTUP_MIN_MS, 4 * this.config.timeoutMs) + 4 * this.config.timeoutMs + transferAllowanceMs(this.config.maxBytes);
      const timer = nodeSetTimeout(() => {
        if (this.settle(id, { kind: 'failed', timeout: true, message: `no answer from the remote worker within ${budget} ms` })) this.tripTimeout(budget);
      }, budget);
      timer.unref();
      this.waiting.set(id, { resolve, timer });
      this.replies.ref();
      this.post({ t: 'get', id, key, sync: false });
    });
  }

  put(job: Extract<Request, { t: 'put' }>): boolean {
    if (this.off || this.worker === undefined || Atomics.load(this.state, SLOT.UPLOADS_OFF) === 1) return false;
    this.unflushed++;
    this.post(job);
    return true;
  }

  /** Waits up to `maxMs` for queued uploads (at exit), then takes in every outcome reported. */
  flushSync(maxMs: number): void {
    if (this.worker === undefined || this.unflushed === 0) {
      this.drain();
      return;
    }
    const id = this.nextId++;
    const deadline = performance.now() + maxMs;
    this.post({ t: 'flush', id });
    for (;;) {
      const done = Atomics.load(this.state, SLOT.FLUSHED);
      if (done === id) break;
      const remaining = deadline - performance.now();
      if (remaining <= 0) break;
      Atomics.wait(this.state, SLOT.FLUSHED, done, remaining);
    }
    this.unflushed = 0;
    this.drain();
  }

  private post(request: Request): void {
    try {
      this.worker?.postMessage(request);
    } catch (error) {
      this.broken(`cannot reach the remote worker: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Takes every reply already posted, without waiting for the event loop. */
  private drain(): void {
    for (let m = receiveMessageOnPort(this.replies); m !== undefined; m = receiveMessageOnPort(this.replies)) this.dispatch(m.message as Reply);
  }

  private dispatch(reply: Reply): void {
    switch (reply.t) {
      case 'got':
        if (reply.sync) {
          if (reply.id === this.syncId) this.syncResult = reply.result;
          // else: the late answer to a lookup that already timed out on this side.
        } else {
          this.settle(reply.id, reply.result);
        }
        break;
      case 'put':
      case 'error':
        this.events.onReply(reply);
        break;
      case 'off':
        this.events.onOff(reply.reason);
        break;
      case 'flushed':
        break;
    }
  }

  private settle(id: number, result: GetResult): boolean {
    const waiter = this.waiting.get(id);
    if (waiter === undefined) return false;
    this.waiting.delete(id);
    nodeClearTimeout(waiter.timer);
    if (this.waiting.size === 0) this.replies.unref();
    waiter.resolve(result);
    return true;
  }

  private hardTimeout(budget: number): GetResult {
    this.tripTimeout(budget);
    return { kind: 'failed', timeout: true, message: `no answer within ${Math.round(budget)} ms` };
  }

  private tripTimeout(budget: number): void {
    if (recordFailure(this.state, 'timeout')) this.events.onOff(`a lookup got no answer within ${Math.round(budget)} ms`);
  }

  /** The worker is gone or unusable: the remote is off, pending lookups are misses. */
  private broken(reason: string): void {
    const tripped = recordFailure(this.state, 'timeout');
    for (const id of [...this.waiting.keys()]) this.settle(id, { kind: 'failed', timeout: false, message: reason });
    if (tripped) this.events.onOff(reason);
  }
}
