import { fingerprint, readPrivateState } from '../../fingerprint';
import { sha256 } from '../../hash';
import { createKeyHash, hashArguments, hashValue, type KeyContext } from '../../key';

/**
 * What every key of a cached call sees: function arguments (and instances' classes) hash by
 * their fingerprint, not only their source text, and instances' `#private` fields are state too
 * (only the inspector can read them).
 */
const KEYS: KeyContext = { hashFunction: fingerprint, readPrivateState };

/** What a wrapper contributes to every key: constant for the life of the process. */
export interface KeyIdentity {
  readonly name: string;
  readonly fingerprint: string;
  readonly version: string | undefined;
}

/** The hashed inputs of one call, each a 64-hex digest. */
export interface CallInputs {
  /** The arguments (minus `ignore`d ones), or the `key()` result. */
  readonly args: string;
  /** The `dependsOn()` result; undefined when the option is absent. */
  readonly depends: string | undefined;
  /** `this` (or the decorator's watched parts); undefined when `this` is not an input. */
  readonly self: string | undefined;
}

/** How a wrapper turns a call into `CallInputs` (fixed at wrap time). */
export interface InputPlan {
  readonly key: ((...args: readonly unknown[]) => unknown) | undefined;
  readonly ignore: ReadonlySet<number> | undefined;
  readonly dependsOn: (() => unknown) | undefined;
  /** How errors name the `this` input: 'this', or 'watch()' for the decorator's watched parts. */
  readonly selfLabel: string;
}

/** "No `this` input", distinct from a watched value that happens to be `undefined`. */
export const NO_SELF: unique symbol = Symbol('smartcache.noSelf');

/**
 * Hashes a call's inputs. `key()` and `dependsOn()` are the user's functions: what they throw
 * reaches the caller as is; an unhashable value throws ERR_UNHASHABLE_ARGUMENT naming its path
 * (`args[1].conn`, `this.socket`, `dependsOn()`), also to the caller: it is bad input, not a cache
 * failure.
 */
export function callInputs(plan: InputPlan, args: readonly unknown[], self: unknown): CallInputs {
  const argsHash = plan.key === undefined ? hashArguments(args, plan.ignore, KEYS) : hashValue(plan.key(...args), 'key()', KEYS);
  const depends = plan.dependsOn === undefined ? undefined : hashValue(plan.dependsOn(), 'dependsOn()', KEYS);
  return { args: argsHash, depends, self: self === NO_SELF ? undefined : hashValue(self, plan.selfLabel, KEYS) };
}

/**
 * The in-process key, unique within one wrapper (whose identity is constant): the digests side
 * by side, no second sha256. It shares the memory map with `primitiveKey()` strings, which can
 * never be 64+ hex digits (their tokens carry `n`, `s`, `;`..., and at most 8 `f` for `false`).
 * The common case returns the flat args digest itself: a concatenation would be re-flattened
 * by every Map lookup.
 */
export function memoryKey(inputs: CallInputs): string {
  if (inputs.depends === undefined && inputs.self === undefined) return inputs.args;
  return `${inputs.args}${inputs.depends ?? ''}|${inputs.self ?? ''}`;
}

/** The constant part of every key of a wrapper: (name, fingerprint, version), labelled. */
export function identityDigest(identity: KeyIdentity): string {
  return createKeyHash().add('name', identity.name).add('fingerprint', identity.fingerprint).add('version', identity.version ?? null).digest();
}


/**
 * The store key: sha256 of the identity digest and the call's digests. Every part is 64 hex
 * digits or '-' (absent), joined by '|', so no two different part lists give the same text.
 */
export function composeKey(identity: string, inputs: CallInputs): string {
  return sha256(`smartcache-store-key/1|${identity}|${inputs.args}|${inputs.depends ?? '-'}|${inputs.self ?? '-'}`);
}
