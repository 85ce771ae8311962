import { SmartCacheError } from '../../errors';
import { primitiveKey } from '../../key';
import { warnOnce } from '../../warn';
import { type CallInputs, type InputPlan, NO_SELF, callInputs, composeKey, keyContextOf, memoryKey } from './key-compose';

/**
 * Where one call's result lives. The store key (a second sha256 over every component) is
 * computed on first use: a memory hit does not need it.
 */
export class Slot {
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
  /** Set with `release`: tells the processes waiting on the claim that the call returned a promise. */
  promised: (() => void) | undefined;
}

/** What a function fixes at wrap time about turning its calls into slots. */
export interface SlotPlan {
  /** The function itself: what its code reaches decides part of the key context (keyContextOf). */
  readonly fn: Function;
  readonly name: string;
  readonly plan: InputPlan;
  /** Memory keys of all-primitive arguments are `primitiveKey` strings (the fast index's). */
  readonly fast: boolean;
  /** From an annotation: an unhashable argument runs the call uncached (unless `strict`). */
  readonly lenient: boolean;
  readonly strict: boolean;
  /** `track`: what functions handed to the call read of the environment is part of the key. */
  readonly track: boolean;
}

/**
 * The slot of a call, under the identity digest of its function (`digest`). Undefined when an
 * argument cannot be hashed and the function came from an annotation: the preload must never
 * break a call that works without it, so that call runs uncached (one warning per function and
 * argument path). Otherwise ERR_UNHASHABLE_ARGUMENT, naming the function.
 */
export function slotFor(p: SlotPlan, digest: string, args: readonly unknown[], selfValue: unknown): Slot | undefined {
  let inputs: CallInputs;
  try {
    inputs = callInputs(p.plan, args, selfValue, keyContextOf(p.fn, p.track));
  } catch (error) {
    if (!(error instanceof SmartCacheError) || error.code !== 'ERR_UNHASHABLE_ARGUMENT') throw error;
    if (p.lenient && !p.strict) {
      warnOnce(p.name, `${error.path ?? 'an argument'} cannot be hashed, so calls with it run uncached`, error, 'ERR_UNHASHABLE_ARGUMENT');
      return undefined;
    }
    throw new SmartCacheError('ERR_UNHASHABLE_ARGUMENT', `smartcache: ${p.name}: ${error.message}`, { path: error.path, functionName: p.name, cause: error });
  }
  const fastKey = p.fast && selfValue === NO_SELF ? primitiveKey(args) : undefined;
  return new Slot(digest, inputs, fastKey ?? memoryKey(inputs), fastKey === undefined ? undefined : args);
}
