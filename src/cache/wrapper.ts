import { types } from 'node:util';
import { nowMs } from '../elapsed';
import { fingerprint as fingerprintOf } from '../fingerprint';
import { primitiveKey } from '../key';
import type { ResolvedOptions } from '../options';
import { type EncodedResult, type EntryMeta, type ReadEntry, type Store, type Snapshot, snapshotOf, snapshotOfEntry } from '../store';
import { type LogMode, logHit, logMiss, judge, firstCallNote, startSession, resolveRoot, usableStore } from './process';
import { cacheFailure, errnoOf, ioCause } from './failures';
import { SmartCacheError } from '../errors';
import { holdsClaims, type Outcome, takeTurn, WAIT_LIMIT_MS, waitAsync, waitSync } from '../flight';
import { warnOnce } from '../warn';
import { type CallInputs, type InputPlan, type KeyIdentity, NO_SELF, callInputs, composeKey, identityDigest, memoryKey, type Opened, envelope, openEnvelope, selfModeOf, type SelfMode } from './inputs';
import { MemoryLayer, type MemoryEntry } from './memory-layer';
import { MissReasons } from './reasons';
import { recordFingerprint } from './code-change';
import { CallBill, type FunctionStats, statsFor, takeStartupCost } from './accounting';
import { cancelPending, isPending, writeEntry } from './writer';
import type { Manifest } from '../tracking';
import { InputTracker } from './input-tracker';
import type { Expect, RemoteTier } from '../remote';
import { noteRemoteRoot, remoteTier } from './process';

export type { SelfMode };

export interface WrapPlan {
  readonly fn: Function;
  readonly name: string;
  /** Project-relative file of the function, for the FunctionRecord. */
  readonly file: string | undefined;
  readonly options: ResolvedOptions;
  readonly ignore: ReadonlySet<number> | undefined;
  readonly self: SelfMode;
  readonly log: LogMode;
  /** From an annotation: an unhashable argument runs the call uncached instead of throwing (unless `strict`). */
  readonly lenient: boolean;
}

/** Everything a call needs once the function's fingerprint is known. */
interface Ready {
  readonly store: Store;
  readonly stats: FunctionStats;
  readonly identity: KeyIdentity;
  /** `identityDigest(identity)`: hashed once per fingerprint, not per call. */
  readonly digest: string;
  /** The code's fingerprint; `identity.fingerprint` also folds in environment variables (src/inputs). */
  readonly code: string;
}

/**
 * Where one call's result lives. The store key (a second sha256 over every component) is
 * computed on first use: a memory hit does not need it.
 */
class Slot {
  private storeKey: string | undefined;

  constructor(
    private readonly digest: string,
    readonly inputs: CallInputs,
    readonly memKey: string,
    /** The arguments, when all primitive and eligible for the memory layer's fast index. */
    readonly fastArgs: readonly unknown[] | undefined,
  ) {}

  get key(): string {
    return (this.storeKey ??= composeKey(this.digest, this.inputs));
  }

  /** Set when reading the store failed: the miss reason. */
  unavailable: string | undefined;
  /** Set when this call's result could not be stored, with why. */
  notStored: string | undefined;
  /** Set while this process holds the cross-process claim on the key: called once the entry is written or will not be. */
  release: ((stored: boolean) => void) | undefined;
}

/** An async computation shared by concurrent identical calls. */
interface Settled {
  readonly value: unknown;
  readonly snapshot: Snapshot | undefined;
  readonly computeMs: number;
  readonly manifest: Manifest | undefined;
}

/**
 * Functions whose computations in this process took less than this on average skip the
 * cross-process claim (README: "Several processes"): a claim costs a file create and remove
 * (0.13-0.26 ms per key measured on the busy 2-core team machine, Node 20, ext4), and waiting for
 * a peer only pays when computing again would cost more.
 */
export const CLAIM_MIN_COMPUTE_MS = 50;
/**
 * Entries are marked used (their mtime set, one utimes each at exit) only when their last mark is
 * older than this: prune evicts by days, and a re-run every few seconds then touches nothing.
 */
const LRU_GRAIN_MS = 60 * 60 * 1000;

/** A claim taken over from a dead owner can be lost again to another waiter; bounded retries. */
const MAX_TURNS = 4;

/** Memory hits are timed on one call in SAMPLE (a power of two): two clock reads cost ~80 ns. */
const SAMPLE = 64;
/** Stats are judged at 20, 40, 80... calls and at exit. */
const FIRST_JUDGEMENT = 20;

/**
 * Only a real Promise (of any realm: `types.isPromise` reads the internal slot, runs no user code)
 * takes the async path, as every `async` function's result is one. Any other thenable returned
 * by a sync function (a lazy query builder, whose `then` would run the query) is that function's
 * value: never awaited, never turned into a Promise. The store then stores it or, being no plain
 * value, refuses it and returns it uncached with one warning (README, "Results").
 */
function isAsyncResult(value: unknown): value is Promise<unknown> {
  return types.isPromise(value);
}

/** `this` worth hashing: not absent, not the global object, not an ES module namespace. */
function isSelfInput(self: unknown): boolean {
  if (self === undefined || self === null || self === globalThis) return false;
  if (typeof self !== 'object') return true;
  // An ES module namespace; read without running user code (a Proxy `this` is hashed, or refused).
  return types.isProxy(self) || !types.isModuleNamespaceObject(self);
}

/**
 * Whether an entry created at `created` is still fresh under the ttl the function declares NOW
 * (not one stored with the entry: shortening `ttl` in the code applies to entries already
 * written). An entry stamped in the future (written while the clock ran ahead) is expired: its
 * age cannot be known. Without a ttl, entries never expire.
 */
function isFresh(created: number, ttl: number | undefined): boolean {
  if (ttl === undefined) return true;
  const now = Date.now();
  return created <= now && now - created < ttl;
}

const settledValue = (s: Settled): unknown => s.value;

/** A miss reason for the log, from a store failure: "cache unavailable (ENOSPC)". */
function unavailable(error: unknown): string {
  const errno = errnoOf(error);
  return `cache unavailable${errno === undefined ? '' : ` (${errno})`}`;
}

/** The reason, plus whether this call's result went unstored. */
function withStorage(reason: string | undefined, slot: Slot): string {
  const why = reason ?? 'new arguments';
  return slot.notStored === undefined || why.startsWith('not stored') || why === slot.notStored ? why : `${why}; not stored: ${slot.notStored}`;
}

/**
 * One cached function: fingerprint -> key -> memory -> disk -> compute -> store. The fast path
 * (all arguments primitive, no `key`/`dependsOn`/`ignore`, `this` not an input) finds warm
 * results in the memory layer's FastIndex before any key is built or hashed.
 */
export class CachedFunction {
  readonly name: string;
  private readonly fn: Function;
  private readonly options: ResolvedOptions;
  private readonly plan: InputPlan;
  private readonly memory: MemoryLayer | undefined;
  private readonly inputs: InputTracker;
  private readonly fast: boolean;
  private readonly logCalls: boolean;
  private readonly ttl: number | undefined;
  private self: SelfMode;
  private ready: Ready | undefined;
  private bypass = false;
  /** The first call's setup cost, until a call is charged with it (accounting.ts). */
  private setupMs = 0;
  private nextJudgement = FIRST_JUDGEMENT;
  private tick = 0;
  private readonly inflight = new Map<string, Promise<Settled>>();
  private readonly reasons: MissReasons;
  /** Calls return promises (an async function, or one seen returning a thenable or stored as a promise): wait for peers on timers. */
  private promises: boolean;
  /** The fingerprint whose FunctionRecord this wrapper has checked. */
  private recordedFor: string | undefined;

  /** The team cache, when one is configured and the `remote` option allows it. */
  private readonly remote: RemoteTier | undefined;
  /**
   * An `async function` always returns a promise, so a local miss can await the team cache
   * instead of blocking; any other function is looked up through the synchronous bridge.
   */
  private readonly isAsync: boolean;

  constructor(private readonly wrap: WrapPlan) {
    this.name = wrap.name;
    this.reasons = new MissReasons(wrap.name);
    this.fn = wrap.fn;
    this.promises = types.isAsyncFunction(wrap.fn);
    this.options = wrap.options;
    this.self = wrap.self;
    this.ttl = wrap.options.ttlMs;
    this.logCalls = wrap.log === 'calls';
    const selfLabel = wrap.self.kind === 'watch' ? 'watch()' : 'this';
    this.inputs = new InputTracker(wrap.name, wrap.options.track, wrap.fn);
    // `key` and `dependsOn` are the user's code: inside a tracked call, what they read counts for it.
    const { key, dependsOn } = wrap.options;
    this.plan = {
      key: key === undefined ? undefined : (...a: readonly unknown[]) => this.inputs.resume(() => key(...a)),
      ignore: wrap.ignore,
      dependsOn: dependsOn === undefined ? undefined : () => this.inputs.resume(dependsOn),
      selfLabel,
    };
    const memory = wrap.options.memory;
    this.memory = memory.enabled && memory.maxEntries > 0 ? new MemoryLayer(memory.maxEntries, memory.maxBytes) : undefined;
    this.fast = this.memory !== undefined && this.plan.key === undefined && this.plan.dependsOn === undefined && this.plan.ignore === undefined;
    // Created now, not on the first call: the worker loads the client meanwhile.
    this.remote = wrap.options.remote ? remoteTier() : undefined;
    this.isAsync = types.isAsyncFunction(wrap.fn);
  }

  // ---------------------------------------------------------------------------------------------
  // The call path

  call(self: unknown, args: unknown[]): unknown {
    // Inside another tracked call, this wrapper's own work (store, clock, fingerprint) is not its input.
    const outer = this.inputs.outer();
    if (outer !== undefined) return this.inputs.aside(outer, () => this.callHere(self, args));
    return this.callHere(self, args);
  }

  private callHere(self: unknown, args: unknown[]): unknown {
    const ready = this.current();
    if (ready === undefined) return Reflect.apply(this.fn, self, args);
    const setupMs = this.takeSetup();
    // Memory hits are timed on one call in SAMPLE; the first call (which pays the setup) always.
    const t0 = setupMs > 0 || this.logCalls || (++this.tick & (SAMPLE - 1)) === 0 ? nowMs() : 0;
    const selfValue = this.self.kind === 'none' ? NO_SELF : this.selfInput(self);
    if (this.fast && selfValue === NO_SELF) {
      // `fast` implies a memory layer.
      const entry = (this.memory as MemoryLayer).getFast(args);
      if (entry !== undefined && (entry.expires === undefined || this.memoryFresh(entry)) && (entry.manifest === undefined || this.inputs.checkMemory(entry) === undefined)) {
        entry.used = true;
        return this.memoryHit(ready, entry, t0 === 0 ? undefined : new CallBill(t0, setupMs), this.logCalls ? 1 : SAMPLE);
      }
    }
    return this.lookup(ready, self, selfValue, args, new CallBill(t0 === 0 ? nowMs() : t0, setupMs));
  }

  private lookup(ready: Ready, self: unknown, selfValue: unknown, args: unknown[], bill: CallBill): unknown {
    const slot = this.slot(ready, args, selfValue);
    if (slot === undefined) return Reflect.apply(this.fn, self, args);
    const memory = this.memory;
    /** Why a stored result was not served: expired, or an input (a file) changed. */
    let stale: string | undefined;
    if (memory !== undefined) {
      const entry = memory.get(slot.memKey);
      if (entry !== undefined) {
        stale = this.memoryFresh(entry) ? this.inputs.checkMemory(entry) : 'expired';
        if (stale === undefined) {
          this.reasons.sawDepends(slot.inputs.depends);
          return this.memoryHit(ready, entry, bill, 1);
        }
        memory.delete(slot.memKey);
      }
    }
    const pending = this.inflight.get(slot.key);
    if (pending !== undefined) return this.join(ready, pending, slot, bill);
    const read = this.readDisk(ready, slot);
    if (read !== undefined) {
      if (isFresh(read.meta.created, this.ttl)) {
        const opened = openEnvelope(read.value);
        if (opened !== undefined) {
          stale = this.inputs.check(opened.manifest);
          if (stale === undefined) {
            this.reasons.sawDepends(slot.inputs.depends);
            return this.diskHit(ready, read, opened, slot, bill);
          }
        }
      } else {
        stale = 'expired';
      }
    } else if (this.remote !== undefined) {
      // A local miss asks the team cache: awaited by async functions, blocking for the others.
      if (this.isAsync) return this.remoteThenMiss(ready, this.remote, self, args, slot, bill);
      const fetched = this.readRemote(ready, this.remote, slot.key);
      const opened = this.servable(fetched);
      if (fetched !== undefined && opened !== undefined) return this.diskHit(ready, fetched, opened, slot, bill, 'team cache');
    }
    return this.computeOnce(ready, self, args, slot, stale, bill, 1);
  }

  // ---------------------------------------------------------------------------------------------
  // The team cache (see src/remote/): asked after a local miss, before computing

  /** The opened envelope of a downloaded entry, when it may be served (fresh, inputs unchanged). */
  private servable(fetched: ReadEntry | undefined): Opened | undefined {
    if (fetched === undefined || !isFresh(fetched.meta.created, this.ttl)) return undefined;
    const opened = openEnvelope(fetched.value);
    return opened !== undefined && this.inputs.check(opened.manifest) === undefined ? opened : undefined;
  }

  /**
   * An async function's local miss: the team cache is awaited, then either its entry is served or
   * the function runs. Concurrent identical calls join the lookup (and so the computation).
   */
  private remoteThenMiss(ready: Ready, remote: RemoteTier, self: unknown, args: unknown[], slot: Slot, bill: CallBill): Promise<unknown> {
    const shared = this.readRemoteAsync(ready, remote, slot.key).then(async (fetched): Promise<Settled> => {
      const opened = this.servable(fetched);
      if (fetched !== undefined && opened !== undefined) {
        this.diskHit(ready, fetched, opened, slot, bill, 'team cache');
        // Callers joined meanwhile each read their own copy.
        return { value: opened.value, snapshot: this.trySnapshot(opened.value), computeMs: fetched.meta.computeMs, manifest: opened.manifest };
      }
      // The computation registers its own shared promise for callers that come from now on.
      if (this.inflight.get(slot.key) === shared) this.inflight.delete(slot.key);
      const value = await this.computeOnce(ready, self, args, slot, undefined, bill, 1);
      return { value, snapshot: this.trySnapshot(value), computeMs: 0, manifest: undefined };
    });
    this.inflight.set(slot.key, shared);
    const done = (): void => {
      if (this.inflight.get(slot.key) === shared) this.inflight.delete(slot.key);
    };
    shared.then(done, done);
    return shared.then(settledValue);
  }

  private readRemote(ready: Ready, remote: RemoteTier, key: string): ReadEntry | undefined {
    try {
      return remote.fetchSync(ready.store, key, this.expect(ready));
    } catch (error) {
      // Only the local store throws here (writing the downloaded entry): a store failure.
      this.storeFailure(ready, error);
      return undefined;
    }
  }

  private readRemoteAsync(ready: Ready, remote: RemoteTier, key: string): Promise<ReadEntry | undefined> {
    return remote.fetch(ready.store, key, this.expect(ready)).catch((error: unknown) => {
      this.storeFailure(ready, error);
      return undefined;
    });
  }

  private expect(ready: Ready): Expect {
    return { fn: this.name, fingerprint: ready.identity.fingerprint };
  }

  /** Memory entries hold `expires` = created + ttl (the ttl is fixed per wrapper). */
  private memoryFresh(entry: MemoryEntry): boolean {
    const ttl = this.ttl;
    return entry.expires === undefined || ttl === undefined || isFresh(entry.expires - ttl, ttl);
  }

  // ---------------------------------------------------------------------------------------------
  // Cross-process single flight (see src/flight/)

  /** A miss: computed here, unless another process is computing this key; then its entry is read. */
  private computeOnce(ready: Ready, self: unknown, args: unknown[], slot: Slot, reason: string | undefined, bill: CallBill, turnNo: number): unknown {
    const stats = ready.stats;
    if (turnNo > MAX_TURNS || (stats.tally.misses > 0 && stats.tally.computeMs / stats.tally.misses < CLAIM_MIN_COMPUTE_MS)) return this.miss(ready, self, args, slot, reason, bill);
    const turn = takeTurn(() => ready.store.claimPath(slot.key));
    if (turn.kind === 'alone') return this.miss(ready, self, args, slot, reason, bill);
    if (turn.kind === 'owner') {
      // Another process may have stored it between our read and our claim.
      if (this.freshOnDisk(ready, slot.key)) {
        turn.release(true);
        return this.afterWait(ready, self, args, slot, reason, bill, 'entry', turnNo);
      }
      slot.release = (stored) => turn.release(stored);
      return this.miss(ready, self, args, slot, reason, bill);
    }
    const hasEntry = (): boolean => this.freshOnDisk(ready, slot.key);
    if (this.promises) return waitAsync(turn, hasEntry).then((outcome) => this.afterWait(ready, self, args, slot, reason, bill, outcome, turnNo));
    // Blocking while holding a claim of our own could stall a peer waiting for it.
    if (holdsClaims()) return this.miss(ready, self, args, slot, reason, bill);
    return this.afterWait(ready, self, args, slot, reason, bill, waitSync(turn, hasEntry), turnNo);
  }

  private afterWait(ready: Ready, self: unknown, args: unknown[], slot: Slot, reason: string | undefined, bill: CallBill, outcome: Outcome, turnNo: number): unknown {
    if (outcome === 'entry') {
      const read = this.readDisk(ready, slot);
      const opened = read !== undefined && isFresh(read.meta.created, this.ttl) ? openEnvelope(read.value) : undefined;
      // Its recorded inputs (files) are checked as for any disk hit.
      if (read !== undefined && opened !== undefined && this.inputs.check(opened.manifest) === undefined) return this.diskHit(ready, read, opened, slot, bill, 'computed by another process');
    }
    if (outcome === 'retry' || outcome === 'entry') return this.computeOnce(ready, self, args, slot, reason, bill, turnNo + 1);
    if (outcome === 'timeout') {
      warnOnce(this.name, `waited ${WAIT_LIMIT_MS / 1000} s for another process computing the same call; computing it here`, undefined, 'SMARTCACHE_WAIT');
    }
    return this.miss(ready, self, args, slot, reason, bill);
  }

  private freshOnDisk(ready: Ready, key: string): boolean {
    try {
      const meta = ready.store.peekMeta(key);
      return meta !== undefined && isFresh(meta.created, this.ttl);
    } catch {
      return false;
    }
  }

  /**
   * Undefined when an argument cannot be hashed and the function came from an annotation: the
   * preload must never break a call that works without it, so that call runs uncached (one
   * warning per function and argument path). Otherwise ERR_UNHASHABLE_ARGUMENT, naming the function.
   */
  private slot(ready: Ready, args: readonly unknown[], selfValue: unknown): Slot | undefined {
    let inputs: CallInputs;
    try {
      inputs = callInputs(this.plan, args, selfValue);
    } catch (error) {
      if (!(error instanceof SmartCacheError) || error.code !== 'ERR_UNHASHABLE_ARGUMENT') throw error;
      if (this.wrap.lenient && !this.options.strict) {
        warnOnce(this.name, `${error.path ?? 'an argument'} cannot be hashed, so calls with it run uncached`, error, 'ERR_UNHASHABLE_ARGUMENT');
        return undefined;
      }
      throw new SmartCacheError('ERR_UNHASHABLE_ARGUMENT', `smartcache: ${this.name}: ${error.message}`, { path: error.path, functionName: this.name, cause: error });
    }
    const fastKey = this.fast && selfValue === NO_SELF ? primitiveKey(args) : undefined;
    return new Slot(ready.digest, inputs, fastKey ?? memoryKey(inputs), fastKey === undefined ? undefined : args);
  }

  private selfInput(self: unknown): unknown {
    if (!isSelfInput(self)) return NO_SELF;
    const mode = this.self;
    if (mode.kind !== 'watch') return self;
    // The class joins the watched parts: its fingerprint covers every method `this.x()` may call.
    return [(self as { constructor?: unknown }).constructor, ...mode.watch(self as never)];
  }

  /**
   * A memory hit. `bill` is undefined on the fast path's untimed calls: one call in `weight` is
   * timed and stands for the others (two clock reads would cost more than the hit).
   */
  private memoryHit(ready: Ready, entry: MemoryEntry, bill: CallBill | undefined, weight: number): unknown {
    const stats = ready.stats;
    const tally = stats.tally;
    if (entry.manifest !== undefined) this.inputs.served(entry.manifest);
    const value = entry.snapshot.read();
    if (bill === undefined) {
      tally.calls++;
      tally.hits++;
      tally.savedMs += entry.computeMs;
    } else {
      const ms = bill.settle(tally, 'hit', entry.computeMs);
      if (weight > 1) tally.overheadMs += (ms - bill.setupMs) * (weight - 1);
      if (this.logCalls) logHit(this.name, entry.key, ms, firstCallNote(bill.setupMs));
    }
    this.judgeDue(stats);
    return entry.promise ? Promise.resolve(value) : value;
  }

  private diskHit(ready: Ready, read: ReadEntry, opened: Opened, slot: Slot, bill: CallBill, note?: string): unknown {
    const meta = read.meta;
    if (opened.promise) this.promises = true;
    // A small entry comes with a copy made from the bytes just read: kept on the first read.
    // Otherwise the value must be encoded again, which only pays for a key read twice.
    if (this.memory !== undefined && (read.snapshot !== undefined || this.memory.admit(slot.memKey))) {
      // The value read is the caller's own; memory keeps an independent copy.
      const snapshot = read.snapshot ?? this.trySnapshot(opened.value);
      if (snapshot !== undefined) this.remember(slot, snapshot, this.expiry(meta.created), meta.computeMs, opened.promise, opened.manifest);
    }
    this.inputs.served(opened.manifest);
    const stats = ready.stats;
    stats.usedOnDisk = true;
    // The LRU (prune's order) needs no finer grain than an hour: an entry used since is not touched again.
    if (read.mtimeMs === undefined || Date.now() - read.mtimeMs > LRU_GRAIN_MS) stats.hitKeys.add(slot.key);
    const ms = this.settle(stats, bill, 'hit', meta.computeMs);
    if (this.logCalls) logHit(this.name, slot.key, ms, firstCallNote(bill.setupMs, note));
    return opened.promise ? Promise.resolve(opened.value) : opened.value;
  }

  private miss(ready: Ready, self: unknown, args: unknown[], slot: Slot, given: string | undefined, bill: CallBill): unknown {
    this.noteFingerprint(ready);
    // Told before computing: what this call stores (or fails to) must not answer for it.
    const reason = this.logCalls ? given ?? this.missReason(ready, slot) : given;
    if (slot.inputs.depends !== undefined) this.reasons.rememberDepends(ready.store, slot.inputs.depends);
    const started = nowMs();
    const frame = this.inputs.begin();
    let result: unknown;
    try {
      result = this.inputs.run(frame, () => Reflect.apply(this.fn, self, args));
    } catch (error) {
      slot.release?.(false);
      frame?.close();
      bill.computed(nowMs() - started);
      const ms = this.settle(ready.stats, bill, 'miss', 0);
      if (this.logCalls) logMiss(this.name, slot.key, ms, firstCallNote(bill.setupMs, 'threw, nothing stored'));
      throw error;
    }
    if (isAsyncResult(result)) {
      this.promises = true;
      return this.missAsync(ready, result, slot, reason, bill, started, frame);
    }
    const computeMs = nowMs() - started;
    bill.computed(computeMs);
    this.save(ready, slot, result, computeMs, false, this.inputs.finish(frame));
    const ms = this.settle(ready.stats, bill, 'miss', 0);
    if (this.logCalls) logMiss(this.name, slot.key, ms, firstCallNote(bill.setupMs, withStorage(reason, slot)));
    return result;
  }

  private missAsync(
    ready: Ready,
    result: Promise<unknown>,
    slot: Slot,
    reason: string | undefined,
    bill: CallBill,
    started: number,
    frame: ReturnType<InputTracker['begin']>,
  ): Promise<unknown> {
    // Until the promise settles the function is running: that time is its own, not the cache's.
    const settle = (value: unknown): Settled => {
      const computeMs = nowMs() - started;
      bill.computed(computeMs);
      const manifest = this.inputs.finish(frame);
      const snapshot = this.save(ready, slot, value, computeMs, true, manifest);
      const ms = this.settle(ready.stats, bill, 'miss', 0);
      if (this.logCalls) logMiss(this.name, slot.key, ms, firstCallNote(bill.setupMs, withStorage(reason, slot)));
      return { value, snapshot, computeMs, manifest };
    };
    const reject = (error: unknown): never => {
      slot.release?.(false);
      frame?.close();
      bill.computed(nowMs() - started);
      const ms = this.settle(ready.stats, bill, 'miss', 0);
      if (this.logCalls) logMiss(this.name, slot.key, ms, firstCallNote(bill.setupMs, 'rejected, nothing stored'));
      throw error;
    };
    const shared = result.then(settle, reject);
    this.inflight.set(slot.key, shared);
    const done = (): void => {
      if (this.inflight.get(slot.key) === shared) this.inflight.delete(slot.key);
    };
    shared.then(done, done);
    return shared.then(settledValue);
  }

  /** A concurrent identical call: waits for the running one; gets its own copy of the value. */
  private join(ready: Ready, pending: Promise<Settled>, slot: Slot, bill: CallBill): Promise<unknown> {
    const into = this.inputs.enclosing();
    return pending.then(
      (s) => {
        this.inputs.served(s.manifest, into);
        const ms = bill.shared(ready.stats.tally, s.computeMs);
        this.judgeDue(ready.stats);
        if (this.logCalls) logHit(this.name, slot.key, ms, firstCallNote(bill.setupMs, 'shared a running call'));
        return s.snapshot === undefined ? s.value : s.snapshot.read();
      },
      (error: unknown) => {
        bill.settle(ready.stats.tally, 'miss', 0);
        throw error;
      },
    );
  }

  /** Records a call's outcome; returns the time the caller waited (for the log line). */
  private settle(stats: FunctionStats, bill: CallBill, outcome: 'hit' | 'miss', savedMs: number): number {
    const ms = bill.settle(stats.tally, outcome, savedMs);
    this.judgeDue(stats);
    return ms;
  }

  /** Stats are judged at 20, 40, 80... calls and at exit. */
  private judgeDue(stats: FunctionStats): void {
    if (stats.tally.calls < this.nextJudgement) return;
    this.nextJudgement = stats.tally.calls * 2;
    judge(stats);
  }

  // ---------------------------------------------------------------------------------------------
  // Store access: every failure is warned once (or thrown with `strict`), never fails the call

  private readDisk(ready: Ready, slot: Slot): ReadEntry | undefined {
    try {
      // The entry must name this key and this function (store/format.ts, checkIdentity).
      return ready.store.read(slot.key, this.name);
    } catch (error) {
      this.storeFailure(ready, error);
      slot.unavailable = unavailable(error);
      return undefined;
    }
  }

  /**
   * Encodes and stores a computed value; returns the independent copy that the memory layer and
   * joined concurrent callers read from (undefined when the value cannot be stored).
   */
  private save(ready: Ready, slot: Slot, value: unknown, computeMs: number, promise: boolean, manifest: Manifest | undefined): Snapshot | undefined {
    const created = Date.now();
    // `expires` is kept for `smartcache prune`; reads judge `created` against the ttl declared then.
    const meta: EntryMeta = this.ttl === undefined
      ? { fn: this.name, fingerprint: ready.identity.fingerprint, created, computeMs }
      : { fn: this.name, fingerprint: ready.identity.fingerprint, created, computeMs, expires: created + this.ttl };
    let encoded: EncodedResult;
    let snapshot: Snapshot | undefined;
    let kept = false;
    try {
      encoded = ready.store.encode(meta, envelope(value, promise, manifest));
      kept = this.memory !== undefined && encoded.bytes <= this.options.memory.maxBytes;
      // A copy only where one is read: the memory layer, and callers joined to a running promise.
      if (kept || promise) snapshot = snapshotOfEntry(encoded, value);
    } catch (error) {
      slot.release?.(false);
      this.notSaved(slot, 'its result cannot be stored exactly');
      cacheFailure(this.name, this.options.strict, 'its result cannot be stored exactly, so it is returned uncached', error, 'ERR_UNSERIALIZABLE_RESULT');
      return undefined;
    }
    // While a background write is pending, only the memory layer can serve this key.
    const mode = this.options.strict ? 'inline' : kept ? 'auto' : 'large-only';
    this.reasons.saved(slot.key);
    const failed = (error: unknown): void => {
      this.notSaved(slot, unavailable(error));
      this.storeFailure(ready, error);
    };
    const remote = this.remote;
    // Uploaded once written: the worker reads the entry file itself, so the caller never waits.
    const written = remote === undefined ? undefined : (): void => remote.put(ready.store, slot.key, meta);
    writeEntry(ready.store, slot.key, encoded, failed, mode, slot.release, written);
    if (snapshot !== undefined) this.remember(slot, snapshot, meta.expires, computeMs, promise, manifest);
    return snapshot;
  }

  /** A snapshot of a value read from disk (it was stored, so it encodes; a failure only skips memory). */
  private trySnapshot(value: unknown): Snapshot | undefined {
    try {
      return snapshotOf(value);
    } catch {
      return undefined;
    }
  }

  private expiry(created: number): number | undefined {
    return this.ttl === undefined ? undefined : created + this.ttl;
  }

  private remember(slot: Slot, snapshot: Snapshot, expires: number | undefined, computeMs: number, promise: boolean, manifest: Manifest | undefined): void {
    this.memory?.set(slot.memKey, { key: slot.key, snapshot, expires, computeMs, promise, used: true, fastArgs: slot.fastArgs, manifest });
  }

  private notSaved(slot: Slot, why: string): void {
    slot.notStored = why;
    this.reasons.notSaved(slot.key, why);
  }

  private storeFailure(ready: Ready, error: unknown): void {
    ready.stats.storeFailed = true;
    this.reasons.unavailable = unavailable(error);
    cacheFailure(this.name, this.options.strict, ioCause(error), error);
  }

  /** First miss of the process: record the fingerprint; remember what changed since the last one. */
  private noteFingerprint(ready: Ready): void {
    if (this.recordedFor === ready.identity.fingerprint) return;
    this.recordedFor = ready.identity.fingerprint;
    try {
      this.reasons.change = recordFingerprint(ready.store, this.name, this.fn, ready.identity.fingerprint, this.wrap.file, (tree) => this.inputs.decorate(tree));
    } catch (error) {
      this.storeFailure(ready, error);
    }
  }

  /** Why a key is missing (see reasons.ts). */
  private missReason(ready: Ready, slot: Slot): string {
    return this.reasons.explain(ready.store, ready.identity, slot.inputs, slot.key, slot.inputs.self !== undefined, slot.unavailable);
  }

  // ---------------------------------------------------------------------------------------------
  // Setup

  /**
   * What calls need, with the fingerprint asked for on every call: once settled it is one WeakMap
   * lookup in the fingerprint module, and a fingerprint that can still change (a binding read
   * while `undefined`, a global that may appear) must be re-read, or a hit could be stale.
   * Undefined = run uncached (already warned).
   */
  private current(): Ready | undefined {
    const ready = this.ready;
    if (ready === undefined) return this.prepare();
    const code = this.fingerprintNow();
    if (code === ready.code) return ready;
    if (code === undefined) return undefined;
    // The code's inputs changed within this process: nothing in memory may be served.
    this.memory?.clear();
    this.reasons.change = null;
    const fingerprint = this.inputs.fingerprint(code);
    ready.stats.fingerprint = fingerprint;
    const identity = { ...ready.identity, fingerprint };
    this.ready = { ...ready, identity, digest: identityDigest(identity), code };
    return this.ready;
  }

  /** Root, store, stats, fingerprint: on the first call. */
  private prepare(): Ready | undefined {
    if (this.bypass) return undefined;
    const began = nowMs();
    const root = resolveRoot(this.options.dir);
    const store = usableStore(root, this.options.strict);
    if (store === undefined) {
      // Not the user's own root (warned once per root): uncached for the rest of the process.
      this.bypass = true;
      return undefined;
    }
    InputTracker.ignoreRoot(root);
    if (this.remote !== undefined) noteRemoteRoot(root);
    startSession(store, this.wrap.log);
    const stats = statsFor(root, this.name, this.wrap.file);
    const code = this.fingerprintNow();
    if (code === undefined) return undefined;
    const fingerprint = this.inputs.fingerprint(code);
    stats.fingerprint = fingerprint;
    if (this.self.kind === 'auto') this.self = selfModeOf(this.fn);
    const identity: KeyIdentity = { name: this.name, fingerprint, version: this.options.version };
    this.ready = { store, stats, identity, digest: identityDigest(identity), code };
    // The first call pays for this (store, session, fingerprint) and for loading the cache layer.
    this.setupMs = nowMs() - began + takeStartupCost();
    return this.ready;
  }

  /** First-call setup not yet charged to a call: charged once. */
  private takeSetup(): number {
    const ms = this.setupMs;
    this.setupMs = 0;
    return ms;
  }

  /** Undefined when the code cannot be fingerprinted: then it runs uncached for good (warned once). */
  private fingerprintNow(): string | undefined {
    if (this.bypass) return undefined;
    try {
      return fingerprintOf(this.fn);
    } catch (error) {
      this.ready = undefined;
      this.memory?.clear();
      cacheFailure(this.name, this.options.strict, 'cannot fingerprint its code, so it runs uncached (a stale hit would be worse)', error, 'ERR_FINGERPRINT');
      // Not strict: uncached for good. Strict: the next call tries (and throws) again.
      this.bypass = true;
      return undefined;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Per-entry control: .has() .delete() .refresh() .clear()

  has(self: unknown, args: unknown[]): boolean {
    const ready = this.current();
    if (ready === undefined) return false;
    const slot = this.controlSlot(ready, self, args);
    if (slot === undefined) return false;
    const entry = this.memory?.get(slot.memKey);
    if (entry !== undefined && this.memoryFresh(entry) && this.inputs.checkMemory(entry) === undefined) return true;
    if (isPending(ready.store, slot.key)) return true;
    try {
      if (this.ttl === undefined && !this.inputs.enabled) return ready.store.has(slot.key);
      const read = ready.store.read(slot.key, this.name);
      if (read === undefined || !isFresh(read.meta.created, this.ttl)) return false;
      // An entry whose recorded files changed would not be served: it is not there.
      return this.inputs.check(openEnvelope(read.value)?.manifest) === undefined;
    } catch (error) {
      this.storeFailure(ready, error);
      return false;
    }
  }

  delete(self: unknown, args: unknown[]): boolean {
    const ready = this.current();
    if (ready === undefined) return false;
    const slot = this.controlSlot(ready, self, args);
    if (slot === undefined) return false;
    const inMemory = this.memory?.delete(slot.memKey) ?? false;
    const wasPending = isPending(ready.store, slot.key);
    cancelPending(ready.store, { key: slot.key });
    try {
      return ready.store.delete(slot.key) || inMemory || wasPending;
    } catch (error) {
      this.storeFailure(ready, error);
      return inMemory;
    }
  }

  refresh(self: unknown, args: unknown[]): unknown {
    const ready = this.current();
    const slot = ready === undefined ? undefined : this.controlSlot(ready, self, args);
    if (ready === undefined || slot === undefined) return Reflect.apply(this.fn, self, args);
    return this.miss(ready, self, args, slot, 'refresh', new CallBill(nowMs(), this.takeSetup()));
  }

  clear(): void {
    this.memory?.clear();
    const root = resolveRoot(this.options.dir);
    try {
      const store = usableStore(root, this.options.strict);
      if (store === undefined) return;
      cancelPending(store, { fn: this.name });
      store.clearFunction(this.name);
    } catch (error) {
      cacheFailure(this.name, this.options.strict, ioCause(error), error);
    }
  }

  /** `.fingerprint()`: the code's, with the environment variables it reads folded in. */
  fingerprint(): string {
    return this.inputs.fingerprint(fingerprintOf(this.fn));
  }

  /** `.explain()`: the code's tree, plus the variables read and the latest entry's files. */
  explain(): ReturnType<InputTracker['explain']> {
    return this.inputs.explain();
  }

  /** The slot a call with this `this` and these arguments uses, fast-path memory key included. */
  private controlSlot(ready: Ready, self: unknown, args: readonly unknown[]): Slot | undefined {
    return this.slot(ready, args, this.self.kind === 'none' ? NO_SELF : this.selfInput(self));
  }
}
