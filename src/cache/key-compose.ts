import { createKeyHash, hashArguments, hashValue } from '../key';

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
  const argsHash = plan.key === undefined ? hashArguments(args, plan.ignore) : hashValue(plan.key(...args), 'key()');
  const depends = plan.dependsOn === undefined ? undefined : hashValue(plan.dependsOn(), 'dependsOn()');
  return { args: argsHash, depends, self: self === NO_SELF ? undefined : hashValue(self, plan.selfLabel) };
}

/**
 * The in-process key, unique within one wrapper (whose identity is constant): the digests side
 * by side, no second sha256. The leading `#` keeps it apart from `primitiveKey()` strings, which
 * share the same memory map.
 */
export function memoryKey(inputs: CallInputs): string {
  return `#${inputs.args}${inputs.depends ?? ''}${inputs.self ?? ''}`;
}

/** The store key: sha256 over every component, labelled, so no two components can trade places. */
export function composeKey(identity: KeyIdentity, inputs: CallInputs): string {
  const hash = createKeyHash();
  hash.add('name', identity.name);
  hash.add('fingerprint', identity.fingerprint);
  hash.add('version', identity.version ?? null);
  hash.add('args', inputs.args);
  hash.add('dependsOn', inputs.depends ?? null);
  hash.add('this', inputs.self ?? null);
  return hash.digest();
}
