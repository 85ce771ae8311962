import { nowMs } from '../../elapsed';
import { fingerprint as fingerprintOf } from '../../fingerprint';
import { CallBill } from '../accounting';
import { cacheFailure, ioCause } from '../fail-open';
import type { InputTracker } from '../input-tracker';
import { type Slot, selfInput, slotFor } from '../inputs';
import { resolveRoot, usableStore } from '../process';
import { cancelPending, isPending } from '../writer';
import type { CallPath } from './call-path';
import type { FunctionParts } from './parts';
import type { Ready, Setup } from './setup';

/**
 * The methods of a cached function beside the call itself: `.has()`, `.delete()`, `.refresh()`
 * per entry, `.clear()` for all, and `.fingerprint()`/`.explain()`. Store failures are warned
 * (thrown with `strict`) and answer as if nothing were stored.
 */
export class Control {
  constructor(
    private readonly parts: FunctionParts,
    private readonly setup: Setup,
    private readonly path: CallPath,
  ) {}

  /** Whether a call would hit, without computing: the same checks as a hit. */
  has(self: unknown, args: unknown[]): boolean {
    const at = this.at(self, args);
    if (at === undefined) return false;
    const { parts } = this;
    const { ready, slot } = at;
    const entry = parts.memory?.get(slot.memKey);
    if (entry !== undefined && parts.check.memory(entry) === undefined) return true;
    if (isPending(ready.store, slot.key)) return true;
    try {
      if (parts.ttl === undefined && !parts.tracker.enabled) return ready.store.has(slot.key);
      return parts.check.servable(ready.store.read(slot.key, parts.name, false)) !== undefined;
    } catch (error) {
      parts.storeFailure(ready.stats, error);
      return false;
    }
  }

  delete(self: unknown, args: unknown[]): boolean {
    const at = this.at(self, args);
    if (at === undefined) return false;
    const { ready, slot } = at;
    const inMemory = this.parts.memory?.delete(slot.memKey) ?? false;
    const wasPending = isPending(ready.store, slot.key);
    cancelPending(ready.store, { key: slot.key });
    try {
      return ready.store.delete(slot.key) || inMemory || wasPending;
    } catch (error) {
      this.parts.storeFailure(ready.stats, error);
      return inMemory;
    }
  }

  /** Computes again and overwrites the entry (no cross-process claim: it must recompute). */
  refresh(self: unknown, args: unknown[]): unknown {
    const at = this.at(self, args);
    if (at === undefined) return Reflect.apply(this.parts.fn, self, args);
    return this.path.compute(at.ready, self, args, at.slot, 'refresh', new CallBill(nowMs(), this.setup.takeCharge()));
  }

  clear(): void {
    const { parts } = this;
    parts.memory?.clear();
    const root = resolveRoot(parts.options.dir);
    try {
      const store = usableStore(root, parts.strict);
      if (store === undefined) return;
      cancelPending(store, { fn: parts.name });
      store.clearFunction(parts.name);
    } catch (error) {
      cacheFailure(parts.name, parts.strict, ioCause(error), error);
    }
  }

  /** `.fingerprint()`: the code's, with the environment variables it reads folded in. */
  fingerprint(): string {
    return this.parts.tracker.fingerprint(fingerprintOf(this.parts.fn));
  }

  /** `.explain()`: the code's tree, plus the variables read and the latest entry's files. */
  explain(): ReturnType<InputTracker['explain']> {
    return this.parts.tracker.explain();
  }

  /** The slot a call with this `this` and these arguments uses (fast-path memory key included); undefined: it runs uncached. */
  private at(self: unknown, args: readonly unknown[]): { readonly ready: Ready; readonly slot: Slot } | undefined {
    const ready = this.setup.current();
    if (ready === undefined) return undefined;
    const slot = slotFor(this.parts, ready.digest, args, selfInput(this.setup.self, self));
    return slot === undefined ? undefined : { ready, slot };
  }
}
