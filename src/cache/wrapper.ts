import { types } from 'node:util';
import { performance } from 'node:perf_hooks';
import { fingerprint as fingerprintOf } from '../fingerprint';
import { primitiveKey } from '../key';
import type { ResolvedOptions } from '../options';
import { type EncodedResult, type EntryMeta, type ReadEntry, type Store, type Snapshot, snapshotOf, snapshotOfEntry } from '../store';
import { type LogMode, logHit, logMiss, judge, startSession, resolveRoot, storeFor } from './process';
import { cacheFailure, errnoOf, ioCause } from './failures';
import { SmartCacheError } from '../errors';
import { holdsClaims, type Outcome, takeTurn, WAIT_LIMIT_MS, waitAsync, waitSync } from '../flight';
import { warnOnce } from '../warn';
import { type CallInputs, type InputPlan, type KeyIdentity, NO_SELF, callInputs, composeKey, identityDigest, memoryKey, type Opened, envelope, openEnvelope, selfModeOf, type SelfMode } from './inputs';
import { MemoryLayer, type MemoryEntry } from './memory-layer';
import { MissReasons } from './reasons';
import { recordFingerprint } from './code-change';
import { type FunctionStats, statsFor } from './accounting';
import { cancelPending, isPending, writeEntry } from './writer';

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
}

/**
 * Functions whose computations in this process took less than this on average skip the
 * cross-process claim (README: "Several processes"): a claim costs a file create and remove
 * (0.13-0.26 ms per key measured on the busy 2-core team machine, Node 20, ext4), and waiting for
 * a peer only pays when computing again would cost more.
 */
export const CLAIM_MIN_COMPUTE_MS = 50;
/** A claim taken over from a dead owner can be lost again to another waiter; bounded retries. */
const MAX_TURNS = 4;

/** Memory hits are timed on one call in SAMPLE (a power of two): two clock reads cost ~80 ns. */
const SAMPLE = 64;
/** Stats are judged at 20, 40, 80... calls and at exit. */
const FIRST_JUDGEMENT = 20;

/**
 * Never throws: a Proxy result (strict-config objects throw on unknown keys such as `then`) or an
 * object whose `then` getter throws is simply not a thenable; the store then refuses it and it is
 * returned uncached with one warning. The cache must never break a call that works without it.
 */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  if (types.isPromise(value)) return true;
  if (types.isProxy(value)) return false;
  try {
    return typeof (value as { then?: unknown }).then === 'function';
  } catch {
    return false;
  }
}

/** `this` worth hashing: not absent, not the global object, not an ES module namespace. */
function isSelfInput(self: unknown): boolean {
  if (self === undefined || self === null || self === globalThis) return false;
  if (typeof self !== 'object') return true;
  // An ES module namespace; read without running user code (a Proxy `this` is hashed, or refused).
  return types.isProxy(self) || !types.isModuleNamespaceObject(self);
}

function isFresh(expires: number | undefined): boolean {
  return expires === undefined || expires > Date.now();
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
  private readonly fast: boolean;
  private readonly logCalls: boolean;
  private readonly ttl: number | undefined;
  private self: SelfMode;
  private ready: Ready | undefined;
  private bypass = false;
  private nextJudgement = FIRST_JUDGEMENT;
  private tick = 0;
  private readonly inflight = new Map<string, Promise<Settled>>();
  private readonly reasons: MissReasons;
  /** Calls return promises (an async function, or one seen returning a thenable or stored as a promise): wait for peers on timers. */
  private promises: boolean;
  /** The fingerprint whose FunctionRecord this wrapper has checked. */
  private recordedFor: string | undefined;

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
    this.plan = { key: wrap.options.key, ignore: wrap.ignore, dependsOn: wrap.options.dependsOn, selfLabel };
    const memory = wrap.options.memory;
    this.memory = memory.enabled && memory.maxEntries > 0 ? new MemoryLayer(memory.maxEntries, memory.maxBytes) : undefined;
    this.fast = this.memory !== undefined && this.plan.key === undefined && this.plan.dependsOn === undefined && this.plan.ignore === undefined;
  }

  // ---------------------------------------------------------------------------------------------
  // The call path

  call(self: unknown, args: unknown[]): unknown {
    const ready = this.current();
    if (ready === undefined) return Reflect.apply(this.fn, self, args);
    const t0 = this.logCalls || (++this.tick & (SAMPLE - 1)) === 0 ? performance.now() : 0;
    const selfValue = this.self.kind === 'none' ? NO_SELF : this.selfInput(self);
    if (this.fast && selfValue === NO_SELF) {
      // `fast` implies a memory layer.
      const entry = (this.memory as MemoryLayer).getFast(args);
      if (entry !== undefined && (entry.expires === undefined || entry.expires > Date.now())) {
        entry.used = true;
        return this.memoryHit(ready, entry, t0, this.logCalls ? 1 : SAMPLE);
      }
    }
    return this.lookup(ready, self, selfValue, args, t0 === 0 ? performance.now() : t0);
  }

  private lookup(ready: Ready, self: unknown, selfValue: unknown, args: unknown[], t0: number): unknown {
    const slot = this.slot(ready, args, selfValue);
    if (slot === undefined) return Reflect.apply(this.fn, self, args);
    const memory = this.memory;
    if (memory !== undefined) {
      const entry = memory.get(slot.memKey);
      if (entry !== undefined) {
        if (isFresh(entry.expires)) {
          this.reasons.sawDepends(slot.inputs.depends);
          return this.memoryHit(ready, entry, t0, 1);
        }
        memory.delete(slot.memKey);
      }
    }
    const pending = this.inflight.get(slot.key);
    if (pending !== undefined) return this.join(ready, pending, slot, t0);
    let expired = false;
    const read = this.readDisk(ready, slot);
    if (read !== undefined) {
      if (isFresh(read.meta.expires)) {
        const opened = openEnvelope(read.value);
        if (opened !== undefined) {
          this.reasons.sawDepends(slot.inputs.depends);
          return this.diskHit(ready, read.meta, opened, slot, t0);
        }
      } else {
        expired = true;
      }
    }
    return this.computeOnce(ready, self, args, slot, expired ? 'expired' : undefined, t0, 1);
  }

  // ---------------------------------------------------------------------------------------------
  // Cross-process single flight (see src/flight/)

  /** A miss: computed here, unless another process is computing this key; then its entry is read. */
  private computeOnce(ready: Ready, self: unknown, args: unknown[], slot: Slot, reason: string | undefined, t0: number, turnNo: number): unknown {
    const stats = ready.stats;
    if (turnNo > MAX_TURNS || (stats.misses > 0 && stats.computeMs / stats.misses < CLAIM_MIN_COMPUTE_MS)) return this.miss(ready, self, args, slot, reason, t0);
    const turn = takeTurn(() => ready.store.claimPath(slot.key));
    if (turn.kind === 'alone') return this.miss(ready, self, args, slot, reason, t0);
    if (turn.kind === 'owner') {
      // Another process may have stored it between our read and our claim.
      if (this.freshOnDisk(ready, slot.key)) {
        turn.release(true);
        return this.afterWait(ready, self, args, slot, reason, t0, 'entry', turnNo);
      }
      slot.release = (stored) => turn.release(stored);
      return this.miss(ready, self, args, slot, reason, t0);
    }
    const hasEntry = (): boolean => this.freshOnDisk(ready, slot.key);
    if (this.promises) return waitAsync(turn, hasEntry).then((outcome) => this.afterWait(ready, self, args, slot, reason, t0, outcome, turnNo));
    // Blocking while holding a claim of our own could stall a peer waiting for it.
    if (holdsClaims()) return this.miss(ready, self, args, slot, reason, t0);
    return this.afterWait(ready, self, args, slot, reason, t0, waitSync(turn, hasEntry), turnNo);
  }

  private afterWait(ready: Ready, self: unknown, args: unknown[], slot: Slot, reason: string | undefined, t0: number, outcome: Outcome, turnNo: number): unknown {
    if (outcome === 'entry') {
      const read = this.readDisk(ready, slot);
      const opened = read !== undefined && isFresh(read.meta.expires) ? openEnvelope(read.value) : undefined;
      if (read !== undefined && opened !== undefined) return this.diskHit(ready, read.meta, opened, slot, t0, 'computed by another process');
    }
    if (outcome === 'retry' || outcome === 'entry') return this.computeOnce(ready, self, args, slot, reason, t0, turnNo + 1);
    if (outcome === 'timeout') {
      warnOnce(this.name, `waited ${WAIT_LIMIT_MS / 1000} s for another process computing the same call; computing it here`, undefined, 'SMARTCACHE_WAIT');
    }
    return this.miss(ready, self, args, slot, reason, t0);
  }

  private freshOnDisk(ready: Ready, key: string): boolean {
    try {
      const meta = ready.store.peekMeta(key);
      return meta !== undefined && isFresh(meta.expires);
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

  private memoryHit(ready: Ready, entry: MemoryEntry, t0: number, weight: number): unknown {
    const stats = ready.stats;
    stats.calls++;
    stats.hits++;
    stats.savedMs += entry.computeMs;
    const value = entry.snapshot.read();
    if (t0 !== 0) {
      const ms = performance.now() - t0;
      stats.overheadMs += ms * weight;
      if (this.logCalls) logHit(this.name, entry.key, ms);
    }
    if (stats.calls >= this.nextJudgement) this.judgeNow(stats);
    return entry.promise ? Promise.resolve(value) : value;
  }

  private diskHit(ready: Ready, meta: EntryMeta, opened: Opened, slot: Slot, t0: number, note?: string): unknown {
    if (opened.promise) this.promises = true;
    if (this.memory !== undefined && this.memory.admit(slot.memKey)) {
      // The value read is the caller's own; memory keeps an independent copy.
      const snapshot = this.trySnapshot(opened.value);
      if (snapshot !== undefined) this.remember(slot, snapshot, meta.expires, meta.computeMs, opened.promise);
    }
    const stats = ready.stats;
    stats.hitKeys.add(slot.key);
    const ms = performance.now() - t0;
    this.count(stats, 'hit', ms, 0, meta.computeMs);
    if (this.logCalls) logHit(this.name, slot.key, ms, note);
    return opened.promise ? Promise.resolve(opened.value) : opened.value;
  }

  private miss(ready: Ready, self: unknown, args: unknown[], slot: Slot, given: string | undefined, t0: number): unknown {
    this.noteFingerprint(ready);
    // Told before computing: what this call stores (or fails to) must not answer for it.
    const reason = this.logCalls ? given ?? this.missReason(ready, slot) : given;
    if (slot.inputs.depends !== undefined) this.reasons.rememberDepends(ready.store, slot.inputs.depends);
    const started = performance.now();
    let result: unknown;
    try {
      result = Reflect.apply(this.fn, self, args);
    } catch (error) {
      slot.release?.(false);
      const ended = performance.now();
      this.count(ready.stats, 'miss', started - t0, ended - started, 0);
      if (this.logCalls) logMiss(this.name, slot.key, ended - t0, 'threw, nothing stored');
      throw error;
    }
    if (isThenable(result)) {
      this.promises = true;
      return this.missAsync(ready, result, slot, reason, t0, started);
    }
    const saving = performance.now();
    const computeMs = saving - started;
    this.save(ready, slot, result, computeMs, false);
    const ended = performance.now();
    this.count(ready.stats, 'miss', started - t0 + (ended - saving), computeMs, 0);
    if (this.logCalls) logMiss(this.name, slot.key, ended - t0, withStorage(reason, slot));
    return result;
  }

  private missAsync(ready: Ready, result: PromiseLike<unknown>, slot: Slot, reason: string | undefined, t0: number, started: number): Promise<unknown> {
    const before = started - t0;
    const settle = (value: unknown): Settled => {
      const saving = performance.now();
      const computeMs = saving - started;
      const snapshot = this.save(ready, slot, value, computeMs, true);
      const ended = performance.now();
      this.count(ready.stats, 'miss', before + (ended - saving), computeMs, 0);
      if (this.logCalls) logMiss(this.name, slot.key, ended - t0, withStorage(reason, slot));
      return { value, snapshot, computeMs };
    };
    const reject = (error: unknown): never => {
      slot.release?.(false);
      const ended = performance.now();
      this.count(ready.stats, 'miss', before, ended - started, 0);
      if (this.logCalls) logMiss(this.name, slot.key, ended - t0, 'rejected, nothing stored');
      throw error;
    };
    const shared = Promise.resolve(result).then(settle, reject);
    this.inflight.set(slot.key, shared);
    const done = (): void => {
      if (this.inflight.get(slot.key) === shared) this.inflight.delete(slot.key);
    };
    shared.then(done, done);
    return shared.then(settledValue);
  }

  /** A concurrent identical call: waits for the running one; gets its own copy of the value. */
  private join(ready: Ready, pending: Promise<Settled>, slot: Slot, t0: number): Promise<unknown> {
    return pending.then(
      (s) => {
        const ms = performance.now() - t0;
        this.count(ready.stats, 'hit', 0, 0, s.computeMs);
        if (this.logCalls) logHit(this.name, slot.key, ms, 'shared a running call');
        return s.snapshot === undefined ? s.value : s.snapshot.read();
      },
      (error: unknown) => {
        this.count(ready.stats, 'miss', 0, 0, 0);
        throw error;
      },
    );
  }

  private count(stats: FunctionStats, outcome: 'hit' | 'miss', overheadMs: number, computeMs: number, savedMs: number): void {
    stats.calls++;
    if (outcome === 'hit') stats.hits++;
    else stats.misses++;
    stats.overheadMs += overheadMs;
    stats.computeMs += computeMs;
    stats.savedMs += savedMs;
    if (stats.calls >= this.nextJudgement) this.judgeNow(stats);
  }

  private judgeNow(stats: FunctionStats): void {
    this.nextJudgement = stats.calls * 2;
    judge(stats);
  }

  // ---------------------------------------------------------------------------------------------
  // Store access: every failure is warned once (or thrown with `strict`), never fails the call

  private readDisk(ready: Ready, slot: Slot): ReadEntry | undefined {
    try {
      return ready.store.read(slot.key);
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
  private save(ready: Ready, slot: Slot, value: unknown, computeMs: number, promise: boolean): Snapshot | undefined {
    const created = Date.now();
    const meta: EntryMeta = this.ttl === undefined
      ? { fn: this.name, fingerprint: ready.identity.fingerprint, created, computeMs }
      : { fn: this.name, fingerprint: ready.identity.fingerprint, created, computeMs, expires: created + this.ttl };
    let encoded: EncodedResult;
    let snapshot: Snapshot | undefined;
    let kept = false;
    try {
      encoded = ready.store.encode(meta, envelope(value, promise));
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
    writeEntry(ready.store, slot.key, encoded, failed, mode, slot.release);
    if (snapshot !== undefined) this.remember(slot, snapshot, meta.expires, computeMs, promise);
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

  private remember(slot: Slot, snapshot: Snapshot, expires: number | undefined, computeMs: number, promise: boolean): void {
    this.memory?.set(slot.memKey, { key: slot.key, snapshot, expires, computeMs, promise, used: true, fastArgs: slot.fastArgs });
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
      this.reasons.change = recordFingerprint(ready.store, this.name, this.fn, ready.identity.fingerprint, this.wrap.file);
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
    const fingerprint = this.fingerprintNow();
    if (fingerprint === ready.identity.fingerprint) return ready;
    if (fingerprint === undefined) return undefined;
    // The code's inputs changed within this process: nothing in memory may be served.
    this.memory?.clear();
    this.reasons.change = null;
    ready.stats.fingerprint = fingerprint;
    const identity = { ...ready.identity, fingerprint };
    this.ready = { ...ready, identity, digest: identityDigest(identity) };
    return this.ready;
  }

  /** Root, store, stats, fingerprint: on the first call. */
  private prepare(): Ready | undefined {
    if (this.bypass) return undefined;
    const root = resolveRoot(this.options.dir);
    startSession(root, this.wrap.log);
    const stats = statsFor(root, this.name, this.wrap.file);
    const fingerprint = this.fingerprintNow();
    if (fingerprint === undefined) return undefined;
    stats.fingerprint = fingerprint;
    if (this.self.kind === 'auto') this.self = selfModeOf(this.fn);
    const identity: KeyIdentity = { name: this.name, fingerprint, version: this.options.version };
    this.ready = { store: storeFor(root), stats, identity, digest: identityDigest(identity) };
    return this.ready;
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
    if (entry !== undefined && isFresh(entry.expires)) return true;
    if (isPending(ready.store, slot.key)) return true;
    try {
      if (this.ttl === undefined) return ready.store.has(slot.key);
      const read = ready.store.read(slot.key);
      return read !== undefined && isFresh(read.meta.expires);
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
    return this.miss(ready, self, args, slot, 'refresh', performance.now());
  }

  clear(): void {
    this.memory?.clear();
    const root = resolveRoot(this.options.dir);
    try {
      const store = storeFor(root);
      cancelPending(store, { fn: this.name });
      store.clearFunction(this.name);
    } catch (error) {
      cacheFailure(this.name, this.options.strict, ioCause(error), error);
    }
  }

  /** The slot a call with this `this` and these arguments uses, fast-path memory key included. */
  private controlSlot(ready: Ready, self: unknown, args: readonly unknown[]): Slot | undefined {
    return this.slot(ready, args, this.self.kind === 'none' ? NO_SELF : this.selfInput(self));
  }
}
