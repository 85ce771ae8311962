import { types } from 'node:util';
import { nowMs } from '../../elapsed';
import { beginMoment, checkWatch, endMoment, fingerprint, retakeWatch } from '../../fingerprint';
import type { RemoteTier } from '../../remote';
import type { ReadEntry } from '../../store';
import type { Frame, Manifest } from '../../tracking';
import { CallBill } from '../accounting';
import { NO_SELF, type Opened, type Slot, selfInput, slotFor } from '../inputs';
import type { MemoryEntry, MemoryLayer } from '../memory-layer';
import { type SelfClass, unavailable, withStorage } from '../reasons';
import { computeOnce, NOT_SERVED } from './claims';
import { Joins, type Settled } from './joins';
import type { FunctionParts } from './parts';
import { keepRead, save, trySnapshot } from './save';
import type { Snapshot } from '../../store';
import type { Ready, Setup } from './setup';
import { fetchAsync, fetchSync } from './team';

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

/** Synchronous parts of cached bodies on the stack (with `track: false` no frame says so). */
let bodies = 0;

/**
 * Cached bodies nested on the stack past which a call takes the deep path. A cached call on the
 * normal path holds ~20 frames (~3 KB of stack) while its body runs, so annotated recursion
 * (`sumTo(n - 1)`, a recursive DP over a long string) overflowed V8's ~1 MB stack at ~340
 * levels where plain code goes ~30 times deeper (native-notes/deep-recursion.md).
 */
/** The log note of a hit served by the team cache. */
const TEAM_NOTE = 'team cache';

const DEEP_BODIES = 64;
/** A deep call's value and how long its body ran. */
interface DeepResult {
  readonly snapshot: Snapshot;
  readonly computeMs: number;
  /** What its body read: checked before the value is served again. */
  readonly manifest?: Manifest;
}
/** Deep-path results per function, kept while the outermost cached body runs (`call`). */
const deepMemos = new Set<Map<string, DeepResult>>();
/** What a computed deep call's log line says. */
const DEEP_NOTE = `${DEEP_BODIES} cached calls deep: kept in memory until the outermost call returns, not stored`;

/** A deep call that computes: what its outcome needs once the body returns. */
interface DeepMiss {
  readonly ready: Ready;
  readonly slot: Slot;
  readonly started: number;
}

function insideBody(): boolean {
  return bodies > 0;
}

/** A computation under way: when it started, and the frame recording what it reads. */
interface Running {
  /** When the body began: the cache's own work before it (a frame, the watch check) is not the function's time. */
  started: number;
  readonly frame: Frame | undefined;
}

/**
 * One call of a cached function, and nothing else, in the order a call takes:
 *
 *   memory → (an identical call running) → disk → team cache → compute (once across processes) → save
 *
 * Every hit passes the same checks first (hit-check.ts). Around the steps: setup.ts (store and
 * fingerprint), save.ts (what a computed or read result leaves behind), outcomes.ts (what each
 * outcome counts and logs), joins.ts and claims.ts (sharing a computation within this process
 * and with others), team.ts (the team cache). Synchronous and async functions take the same
 * steps; where a promise must be awaited, the async twin sits right below its synchronous one.
 */
export class CallPath {
  private readonly joins = new Joins();

  constructor(
    private readonly parts: FunctionParts,
    private readonly setup: Setup,
  ) {}

  call(self: unknown, args: unknown[]): unknown {
    if (bodies >= DEEP_BODIES) {
      // The deep path, inline: every frame a level holds while its body runs costs depth.
      const found = this.parts.isAsync ? undefined : this.deepLookup(self, args);
      if (found !== undefined && 'value' in found) return found.value;
      // A frame of its own, outside async context (the body is synchronous): every read made while
      // it is open is charged to it, so its remembered value is checked like a memory entry.
      const frame = found === undefined ? undefined : this.parts.tracker.begin();
      let result: unknown;
      let returned = false;
      bodies++;
      try {
        result = Reflect.apply(this.parts.fn, self, args);
        returned = true;
      } finally {
        bodies--;
        if (!returned) frame?.close();
      }
      if (found !== undefined) this.deepComputed(found, result, frame);
      return result;
    }
    return this.shallowCall(self, args);
  }

  private shallowCall(self: unknown, args: unknown[]): unknown {
    const tracker = this.parts.tracker;
    const outer = tracker.outer();
    // Until the function runs, no code of the program does: one fingerprint snapshot serves the
    // whole lookup (fingerprint/index.ts, `beginMoment`). Every way to the function ends it first.
    // Inside a cached body, fingerprints are taken as they are (`beginMoment`).
    beginMoment(outer !== undefined || insideBody());
    try {
      // Inside another tracked call, this function's cache work (store, clock, fingerprint) is not its input.
      if (outer !== undefined) return tracker.aside(outer, () => this.callHere(self, args));
      return tracker.own(() => this.callHere(self, args));
    } finally {
      endMoment();
    }
  }

  /**
   * The deep path (`call`, past `DEEP_BODIES`): a call's memory entry, else what an identical deep
   * call returned earlier in the same outermost body while the files and variables it read still
   * hold (`knownDeep`), else a `DeepMiss`: the body runs directly, nothing is stored, and its value
   * is remembered until the outermost cached body returns. Memoized recursion stays linear
   * (`fib(1000)` runs each level once) in a few frames a level. Undefined: no key (the body runs).
   */
  private deepLookup(self: unknown, args: unknown[]): { readonly value: unknown } | DeepMiss | undefined {
    const { parts, setup } = this;
    const started = nowMs();
    beginMoment(true);
    let slot: Slot | undefined;
    let ready: Ready | undefined;
    try {
      ready = setup.current();
      const mode = setup.self;
      slot = ready === undefined ? undefined : slotFor(parts, ready.digest, args, mode.kind === 'none' ? NO_SELF : selfInput(mode, self));
    } finally {
      endMoment();
    }
    if (slot === undefined || ready === undefined) return undefined;
    // Logged and counted like any call (SMARTCACHE_LOG=1: one line per cached call).
    const bill = parts.logCalls ? new CallBill(started, 0) : undefined;
    const entry = parts.memory?.get(slot.memKey);
    if (entry !== undefined && !entry.promise && parts.check.memory(entry) === undefined) {
      if (entry.manifest !== undefined) parts.tracker.served(entry.manifest);
      const value = entry.snapshot.read();
      parts.outcomes.memoryHit(ready.stats, entry.key, entry.computeMs, bill, false);
      return { value };
    }
    const known = this.knownDeep(slot.memKey);
    if (known === undefined) return { ready, slot, started };
    const value = known.snapshot.read();
    parts.outcomes.memoryHit(ready.stats, slot.key, known.computeMs, bill, false);
    return { value };
  }

  /**
   * What an identical deep call returned earlier in this outermost body, if what it read (files,
   * variables) still holds; its inputs are then the enclosing calls' too.
   */
  private knownDeep(memKey: string): DeepResult | undefined {
    const known = this.deepMemo.get(memKey);
    if (known === undefined) return undefined;
    if (known.manifest !== undefined) {
      if (this.parts.tracker.check(known.manifest) !== undefined) {
        this.deepMemo.delete(memKey);
        return undefined;
      }
      this.parts.tracker.served(known.manifest);
    }
    return known;
  }

  /** A deep call's body returned: its value is kept until the outermost body returns (`call`). */
  private deepComputed(miss: DeepMiss, result: unknown, frame: Frame | undefined): void {
    const computeMs = nowMs() - miss.started;
    const bill = new CallBill(miss.started, 0);
    bill.computed(computeMs);
    const manifest = this.parts.tracker.finish(frame);
    const snapshot = isAsyncResult(result) ? undefined : trySnapshot(result);
    // An input that can never be checked (a pipe): not remembered, as it would never hit.
    if (snapshot !== undefined && (manifest?.opaque ?? []).length === 0) {
      this.deepMemo.set(miss.slot.memKey, manifest === undefined ? { snapshot, computeMs } : { snapshot, computeMs, manifest });
      deepMemos.add(this.deepMemo);
    }
    this.parts.outcomes.miss(miss.ready.stats, bill, miss.slot.key, DEEP_NOTE);
  }

  private readonly deepMemo = new Map<string, DeepResult>();

  private callHere(self: unknown, args: unknown[]): unknown {
    const { parts, setup } = this;
    const ready = setup.current();
    if (ready === undefined) {
      endMoment();
      // The user's code, in the enclosing call's frame: its reads are that call's inputs.
      return parts.tracker.run(undefined, () => Reflect.apply(parts.fn, self, args));
    }
    const setupMs = setup.takeCharge();
    const timed = parts.outcomes.timed(setupMs) ? new CallBill(nowMs(), setupMs) : undefined;
    const mode = setup.self;
    const selfValue = mode.kind === 'none' ? NO_SELF : selfInput(mode, self);
    // Memory, warm path: all-primitive arguments find their entry before any key is built or hashed.
    if (parts.fast && selfValue === NO_SELF) {
      const entry = (parts.memory as MemoryLayer).getFast(args);
      if (entry !== undefined && parts.check.memory(entry) === undefined) {
        entry.used = true;
        return this.memoryHit(ready, entry, timed, true);
      }
    }
    return this.lookup(ready, self, selfValue, args, timed ?? new CallBill(nowMs(), setupMs));
  }

  private lookup(ready: Ready, self: unknown, selfValue: unknown, args: unknown[], bill: CallBill): unknown {
    const { parts } = this;
    const slot = slotFor(parts, ready.digest, args, selfValue);
    if (slot === undefined) {
      // An argument that cannot be hashed, from an annotation (slotFor warned): the call runs as
      // if uncached, and with SMARTCACHE_LOG=1 still has its line.
      endMoment();
      const result = parts.tracker.run(undefined, () => Reflect.apply(parts.fn, self, args));
      parts.outcomes.uncached(ready.stats, bill, 'an argument cannot be hashed: ran uncached');
      return result;
    }
    /** Why a stored result was not served: expired, or an input (a file) changed. */
    let stale: string | undefined;

    // 0. Computed by a deep call in the outermost body still running (`deepCall`).
    if (deepMemos.size > 0) {
      const deep = this.knownDeep(slot.memKey);
      if (deep !== undefined) {
        endMoment();
        const value = deep.snapshot.read();
        parts.outcomes.memoryHit(ready.stats, slot.key, deep.computeMs, bill, false);
        return value;
      }
    }

    // 1. Memory.
    const entry = parts.memory?.get(slot.memKey);
    if (entry !== undefined) {
      stale = parts.check.memory(entry);
      if (stale === undefined) {
        parts.reasons.sawDepends(slot.inputs.depends);
        return this.memoryHit(ready, entry, bill, false);
      }
      parts.memory?.delete(slot.memKey);
    }

    // 2. The same call running in this process: its result, shared.
    const running = this.joins.get(slot.key);
    if (running !== undefined) return this.join(ready, running, slot, bill);

    // 3. Disk.
    const read = this.readDisk(ready, slot);
    if (read !== undefined) {
      const found = parts.check.stored(read);
      if (found.opened !== undefined) {
        parts.reasons.sawDepends(slot.inputs.depends);
        return this.storedHit(ready, read, found.opened, slot, bill);
      }
      stale = found.stale ?? stale;
    } else if (parts.remote !== undefined) {
      // 4. The team cache, after a local miss: awaited by async functions, blocking for the others.
      if (parts.isAsync) return this.teamThenCompute(ready, parts.remote, self, args, slot, bill);
      const fetched = fetchSync(parts, parts.remote, ready, slot.key);
      const opened = parts.check.servable(fetched);
      if (fetched !== undefined && opened !== undefined) return this.storedHit(ready, fetched, opened, slot, bill, TEAM_NOTE);
    }

    // 5. Compute, once across processes, and save.
    return this.computeOnce(ready, self, args, slot, stale, bill);
  }

  /** Step 4 for an async function: the team cache awaited; identical calls meanwhile join the lookup (and so the computation). */
  private teamThenCompute(ready: Ready, remote: RemoteTier, self: unknown, args: unknown[], slot: Slot, bill: CallBill): Promise<unknown> {
    const shared = fetchAsync(this.parts, remote, ready, slot.key).then(async (fetched): Promise<Settled> => {
      const opened = this.parts.check.servable(fetched);
      if (fetched !== undefined && opened !== undefined) {
        this.storedHit(ready, fetched, opened, slot, bill, TEAM_NOTE);
        // Callers joined meanwhile each read their own copy.
        return { value: opened.value, snapshot: trySnapshot(opened.value), computeMs: fetched.meta.computeMs, manifest: opened.manifest };
      }
      // The computation registers its own shared promise for callers that come from now on.
      this.joins.close(slot.key, shared);
      const value = await this.computeOnce(ready, self, args, slot, undefined, bill);
      return { value, snapshot: trySnapshot(value), computeMs: 0, manifest: undefined };
    });
    return this.joins.share(slot.key, shared);
  }

  /** Step 5: computed here, unless another process is computing this key; then its entry is served (claims.ts). */
  private computeOnce(ready: Ready, self: unknown, args: unknown[], slot: Slot, stale: string | undefined, bill: CallBill): unknown {
    return computeOnce({
      name: this.parts.name,
      tally: ready.stats.tally,
      declaredAsync: this.parts.isAsync,
      claimPath: () => ready.store.claimPath(slot.key),
      freshOnDisk: () => this.parts.check.freshOnDisk(ready.store, slot.key),
      servePeer: () => {
        const read = this.readDisk(ready, slot);
        const opened = this.parts.check.servable(read);
        return read !== undefined && opened !== undefined ? this.storedHit(ready, read, opened, slot, bill, 'computed by another process') : NOT_SERVED;
      },
      compute: (release, promised) => {
        if (release !== undefined) slot.release = release;
        if (promised !== undefined) slot.promised = promised;
        return this.compute(ready, self, args, slot, stale, bill);
      },
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Hits

  /** `bill` is undefined on the fast path's untimed calls (outcomes.ts). */
  private memoryHit(ready: Ready, entry: MemoryEntry, bill: CallBill | undefined, sampled: boolean): unknown {
    if (entry.manifest !== undefined) this.parts.tracker.served(entry.manifest);
    const value = entry.snapshot.read();
    this.parts.outcomes.memoryHit(ready.stats, entry.key, entry.computeMs, bill, sampled);
    return entry.promise ? Promise.resolve(value) : value;
  }

  /** A hit on a stored entry: from disk, the team cache or a peer process (`note` says which, but disk). */
  private storedHit(ready: Ready, read: ReadEntry, opened: Opened, slot: Slot, bill: CallBill, note?: string): unknown {
    // `remote: false` marks the fingerprint's record (once a process) even when every call hits:
    // entries computed while the option said otherwise must not be pushed from now on. An entry
    // from the team cache is this root's first of its fingerprint: its record (the explain tree
    // `explain` reads, what a later miss compares against) is written as a miss would write it.
    if (!this.parts.options.remote || note === TEAM_NOTE) this.setup.recordFingerprint(ready);
    keepRead(this.parts, slot, read, opened);
    this.parts.tracker.served(opened.manifest);
    ready.stats.servedFromDisk(slot.key, read.mtimeMs);
    this.parts.outcomes.hit(ready.stats, bill, slot.key, read.meta.computeMs, note);
    return opened.promise ? Promise.resolve(opened.value) : opened.value;
  }

  /** A concurrent identical call: waits for the running one; gets its own copy of the value. */
  private join(ready: Ready, running: Promise<Settled>, slot: Slot, bill: CallBill): Promise<unknown> {
    const into = this.parts.tracker.enclosing();
    return running.then(
      (s) => {
        this.parts.tracker.served(s.manifest, into);
        this.parts.outcomes.shared(ready.stats, bill, slot.key, s.computeMs);
        return s.snapshot === undefined ? s.value : s.snapshot.read();
      },
      (error: unknown) => {
        this.parts.outcomes.sharedFailed(ready.stats, bill);
        throw error;
      },
    );
  }

  // ---------------------------------------------------------------------------------------------
  // A miss

  /**
   * Runs the function and saves what it returns: at once for a value; for a promise once it
   * settles, identical calls meanwhile sharing it. What it throws or rejects with is the
   * caller's, and nothing is stored. `given`: the miss reason when the caller knows it.
   * Also `.refresh()`'s path (control.ts).
   */
  compute(ready: Ready, self: unknown, args: unknown[], slot: Slot, given: string | undefined, bill: CallBill): unknown {
    const reason = this.beforeCompute(ready, slot, given, self);
    const tracker = this.parts.tracker;
    const run: Running = { started: nowMs(), frame: tracker.begin() };
    let result: unknown;
    // No catch and rethrow: what the function throws leaves from where it threw, so Node's report
    // of an uncaught error shows the user's line, not one of smartcache's.
    let returned = false;
    // A body run outside any other: what the rest of the program changed so far is told apart
    // from what the body changes (fingerprint/watch.ts). Checked before it, taken as expected
    // after its synchronous part (before an identical call can join an async body still running).
    const held = !insideBody() && tracker.enclosing() === undefined ? checkWatch(this.parts.fn) : undefined;
    try {
      endMoment();
      bodies++;
      run.started = nowMs();
      result = tracker.run(run.frame, () => Reflect.apply(this.parts.fn, self, args));
      returned = true;
    } finally {
      if (--bodies === 0 && deepMemos.size > 0) {
        for (const memo of deepMemos) memo.clear();
        deepMemos.clear();
      }
      if (held !== undefined) retakeWatch(held);
      if (!returned) this.failed(ready, slot, bill, run, 'threw, nothing stored');
    }
    if (!isAsyncResult(result)) return this.computed(ready, slot, bill, run, reason, result, false).value;
    // Processes waiting on this key's claim learn it, and wait on timers from now on (flight/).
    slot.promised?.();
    // Storing is the wrapper's own work, not a read of the calls still open (see `own`).
    const settled = result.then(
      (value) => tracker.own(() => this.computed(ready, slot, bill, run, reason, value, true)),
      (error: unknown) => {
        tracker.own(() => this.failed(ready, slot, bill, run, 'rejected, nothing stored'));
        throw error;
      },
    );
    return this.joins.share(slot.key, settled);
  }

  /** The first miss of a fingerprint records it; the reason is told before computing (what this call stores, or fails to, must not answer for it). */
  private beforeCompute(ready: Ready, slot: Slot, given: string | undefined, self: unknown): string | undefined {
    const { parts } = this;
    this.setup.recordFingerprint(ready);
    const selfClass = parts.logCalls && slot.inputs.self !== undefined ? classOf(self) : undefined;
    const reason = parts.logCalls ? given ?? parts.reasons.explain(ready.store, ready.identity, slot.inputs, slot.key, slot.inputs.self !== undefined, slot.unavailable, selfClass) : given;
    if (slot.inputs.depends !== undefined) parts.reasons.rememberDepends(ready.store, slot.inputs.depends);
    parts.reasons.rememberVersion(ready.store, ready.identity.version);
    parts.reasons.rememberSelfClass(ready.store, selfClass);
    return reason;
  }

  /** The function returned, or its promise fulfilled (the time until then is its own, not the cache's). */
  private computed(ready: Ready, slot: Slot, bill: CallBill, run: Running, reason: string | undefined, value: unknown, promise: boolean): Settled {
    const computeMs = nowMs() - run.started;
    bill.computed(computeMs);
    const manifest = this.parts.tracker.finish(run.frame);
    const snapshot = save(this.parts, ready, slot, value, computeMs, promise, manifest);
    this.parts.outcomes.miss(ready.stats, bill, slot.key, withStorage(reason, slot.notStored));
    return { value, snapshot, computeMs, manifest };
  }

  /** The function threw, or its promise rejected: a miss with nothing stored (and the claim released). */
  private failed(ready: Ready, slot: Slot, bill: CallBill, run: Running, note: string): void {
    slot.release?.(false);
    run.frame?.close();
    bill.computed(nowMs() - run.started);
    this.parts.outcomes.miss(ready.stats, bill, slot.key, note);
  }

  /** Every failure to read is warned once (or thrown with `strict`) and reads as a miss. */
  private readDisk(ready: Ready, slot: Slot): ReadEntry | undefined {
    try {
      // The entry must name this key and this function (store/entry/format.ts, checkIdentity).
      // The copy of its bytes is wanted only when the memory layer will keep it (save.ts keepRead).
      return ready.store.read(slot.key, this.parts.name, this.parts.memory?.readOnce(slot.memKey) === true);
    } catch (error) {
      this.parts.storeFailure(ready.stats, error);
      slot.unavailable = unavailable(error);
      return undefined;
    }
  }
}

/**
 * The class of a method's `this` (its constructor, a user class), for the miss reason: its name
 * and fingerprint. Only asked with SMARTCACHE_LOG on; undefined when there is none to tell.
 */
function classOf(self: unknown): SelfClass | undefined {
  if ((typeof self !== 'object' && typeof self !== 'function') || self === null || types.isProxy(self)) return undefined;
  try {
    const proto: unknown = Object.getPrototypeOf(self);
    if (typeof proto !== 'object' || proto === null || proto === Object.prototype || types.isProxy(proto)) return undefined;
    const ctor: unknown = Reflect.getOwnPropertyDescriptor(proto, 'constructor')?.value;
    if (typeof ctor !== 'function') return undefined;
    const name = Reflect.getOwnPropertyDescriptor(ctor, 'name')?.value;
    return { name: typeof name === 'string' && name !== '' ? name : 'anonymous', note: `${String(name)} ${fingerprint(ctor)}` };
  } catch {
    return undefined;
  }
}
