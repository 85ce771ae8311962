import { nowMs } from '../../elapsed';
import { fingerprint as fingerprintOf } from '../../fingerprint';
import type { Store } from '../../store';
import { type FunctionStats, statsFor, takeStartupCost } from '../accounting';
import type * as CodeChange from '../code-change';
import { cacheFailure } from '../fail-open';
import { InputTracker } from '../input-tracker';
import { identityDigest, type KeyIdentity, selfModeOf, type SelfMode } from '../inputs';
import { noteRemoteRoot, resolveRoot, startSession, usableStore } from '../process';
import type { FunctionParts } from './parts';

/** Recording a fingerprint (and the tree it came from) happens on a miss only: loaded then. */
const codeChange = (): typeof CodeChange => require('../code-change') as typeof CodeChange;

/** Everything a call needs once the function's fingerprint is known. */
export interface Ready {
  readonly store: Store;
  readonly stats: FunctionStats;
  readonly identity: KeyIdentity;
  /** `identityDigest(identity)`: hashed once per fingerprint, not per call. */
  readonly digest: string;
  /** The code's fingerprint; `identity.fingerprint` also folds in environment variables (src/tracking). */
  readonly code: string;
}

/**
 * A cached function's setup: on the first call its root, store, session, stats and fingerprint;
 * on every call the fingerprint asked again; on its first miss the fingerprint recorded. What
 * cannot be set up (an untrusted root, code that cannot be fingerprinted) makes the function run
 * uncached, with one warning: the cache never breaks the call.
 */
export class Setup {
  /** Which `this` is an input: 'auto' is decided from the code on the first call. */
  self: SelfMode;
  private ready: Ready | undefined;
  private bypass = false;
  /** The first call's setup cost, until a call is charged with it (accounting.ts). */
  private setupMs = 0;
  /** The fingerprint whose FunctionRecord this function has checked. */
  private recordedFor: string | undefined;

  constructor(private readonly parts: FunctionParts) {
    this.self = parts.self;
  }

  /**
   * What calls need, with the fingerprint asked for on every call: once settled it is one WeakMap
   * lookup in the fingerprint module, and a fingerprint that can still change (a binding read
   * while `undefined`, a global that may appear) must be re-read, or a hit could be stale.
   * Undefined = run uncached (already warned).
   */
  current(): Ready | undefined {
    const ready = this.ready;
    if (ready === undefined) return this.prepare();
    const code = this.fingerprintNow();
    if (code === ready.code) return ready;
    if (code === undefined) return undefined;
    // The code's inputs changed within this process: nothing in memory may be served.
    this.parts.memory?.clear();
    this.parts.reasons.change = null;
    const fingerprint = this.parts.tracker.fingerprint(code);
    ready.stats.fingerprint = fingerprint;
    const identity = { ...ready.identity, fingerprint };
    this.ready = { ...ready, identity, digest: identityDigest(identity), code };
    return this.ready;
  }

  /** First-call setup not yet charged to a call: charged once. */
  takeCharge(): number {
    const ms = this.setupMs;
    this.setupMs = 0;
    return ms;
  }

  /** First miss of the process: record the fingerprint; remember what changed since the last one. */
  recordFingerprint(ready: Ready): void {
    if (this.recordedFor === ready.identity.fingerprint) return;
    this.recordedFor = ready.identity.fingerprint;
    const { parts } = this;
    try {
      parts.reasons.change = codeChange().recordFingerprint(ready.store, parts.name, parts.fn, ready.identity.fingerprint, parts.file, (tree) => parts.tracker.decorate(tree), !parts.options.remote);
    } catch (error) {
      parts.storeFailure(ready.stats, error);
    }
  }

  /** Root, store, stats, fingerprint: on the first call. */
  private prepare(): Ready | undefined {
    if (this.bypass) return undefined;
    const { parts } = this;
    const began = nowMs();
    const root = resolveRoot(parts.options.dir);
    const store = usableStore(root, parts.strict);
    if (store === undefined) {
      // Not the user's own root (warned once per root): uncached for the rest of the process.
      this.bypass = true;
      return undefined;
    }
    InputTracker.ignoreRoot(root);
    if (parts.remote !== undefined) noteRemoteRoot(root);
    startSession(store, parts.log);
    const stats = statsFor(root, parts.name, parts.file);
    const code = this.fingerprintNow();
    if (code === undefined) return undefined;
    const fingerprint = parts.tracker.fingerprint(code);
    stats.fingerprint = fingerprint;
    if (this.self.kind === 'auto') this.self = selfModeOf(parts.fn);
    if (this.self.kind === 'lexical') {
      // An arrow's `this` is its definition's: each instance's class-field arrow would share the
      // first one's results (a stale hit). Uncached for good, warned once (strict: thrown).
      cacheFailure(parts.name, parts.strict, "is an arrow function that reads `this` (its definition's, which cannot be seen), so it runs uncached; make it a method or pass the value as an argument", undefined, 'ERR_FINGERPRINT');
      this.bypass = true;
      this.ready = undefined;
      return undefined;
    }
    const identity: KeyIdentity = { name: parts.name, fingerprint, version: parts.options.version };
    this.ready = { store, stats, identity, digest: identityDigest(identity), code };
    // The first call pays for this (store, session, fingerprint) and for loading the cache layer.
    this.setupMs = nowMs() - began + takeStartupCost();
    return this.ready;
  }

  /** Undefined when the code cannot be fingerprinted: then it runs uncached for good (warned once). */
  private fingerprintNow(): string | undefined {
    if (this.bypass) return undefined;
    try {
      return fingerprintOf(this.parts.fn);
    } catch (error) {
      this.ready = undefined;
      this.parts.memory?.clear();
      cacheFailure(this.parts.name, this.parts.strict, 'cannot fingerprint its code, so it runs uncached (a stale hit would be worse)', error, 'ERR_FINGERPRINT');
      // Not strict: uncached for good. Strict: the next call tries (and throws) again.
      this.bypass = true;
      return undefined;
    }
  }
}
