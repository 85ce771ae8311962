import { fingerprint, reachedBuiltins, reachedWeakCollections, readNamedKeys, readPrivateState, readProxy } from '../../fingerprint';
import { sha256 } from '../../hash';
import { types } from 'node:util';
import { createKeyHash, hashArguments, hashValue, type IgnoredArgs, type KeyContext } from '../../key';
import { envReads, envValues, isEnvProxy, withEnv } from '../../tracking';

/**
 * What every key of a cached call sees: function arguments (and instances' classes) hash by
 * their fingerprint, not only their source text, and instances' `#private` fields are state too
 * (only the inspector can read them).
 */
const ENV_PROXY = Object.freeze({ handler: 'smartcache:env', target: undefined });

const UNTRACKED_KEYS: KeyContext = {
  hashFunction: fingerprint,
  readPrivateState,
  readNamedKeys,
  // `process.env` passed whole is smartcache's own Proxy, whose traps only record reads: hashed
  // through them as the environment it stands for, without walking smartcache's own handler.
  readProxy: (proxy: object) => (isEnvProxy(proxy) ? ENV_PROXY : readProxy(proxy)),
};

const envNames = new WeakMap<Function, readonly string[]>();

/**
 * With `track` on, the variables a function argument (or the class of an instance argument or
 * of `this`) reads by name are part of its hash, as they are of the cached function's own
 * fingerprint: a helper handed in that reads `process.env.MODE` answers differently when MODE
 * changes. Read on every call (the function is not the cached one: no first-call reading).
 */
function trackedFingerprint(fn: Function): string {
  const code = fingerprint(fn);
  let names = envNames.get(fn);
  if (names === undefined) {
    names = envReads(reachedBuiltins(fn)).names;
    envNames.set(fn, names);
  }
  return names.length === 0 ? code : withEnv(code, envValues(names));
}

const KEYS: KeyContext = { ...UNTRACKED_KEYS, hashFunction: trackedFingerprint };

const weakHas = WeakMap.prototype.has;
const weakGet = WeakMap.prototype.get;
const weakSetHas = WeakSet.prototype.has;
const trackedContexts = new WeakMap<ReadonlyArray<unknown>, KeyContext>();
const untrackedContexts = new WeakMap<ReadonlyArray<unknown>, KeyContext>();
const NONE: ReturnType<typeof reachedWeakCollections> = [];

type WeakCollections = ReturnType<typeof reachedWeakCollections>;

function statePairs(o: object, collections: WeakCollections, label: string, into: Array<readonly [string, unknown]>): void {
  collections.forEach((c, i) => {
    if (types.isWeakMap(c)) {
      if (weakHas.call(c, o)) into.push([`#[${label} ${i}]`, weakGet.call(c, o)]);
    } else if (weakSetHas.call(c, o)) into.push([`#[${label} ${i}]`, true]);
  });
}

/** The WeakMaps and WeakSets an instance's class reaches through its methods (none when unknown). */
function classCollections(ctor: Function): WeakCollections {
  try {
    return reachedWeakCollections(ctor);
  } catch {
    return NONE;
  }
}

/**
 * The key context of `fn`'s calls: with the state WeakMaps and WeakSets hold for each class
 * instance the call is given (`this`, arguments), read with the intrinsic methods (a subclass's
 * override never runs): those `fn`'s code reaches, and those the instance's class reaches (a
 * cached `total()` calling `this.tax(x)`, where `tax` reads `priv.get(this)`; esbuild's lowered
 * `#pct` of a decorated class). `priv.get(this).rate` keeps an instance's state out of its own
 * properties: without it, two instances differing only there shared one entry.
 */
export function keyContextOf(fn: Function, track: boolean): KeyContext {
  const base = track ? KEYS : UNTRACKED_KEYS;
  let weak: WeakCollections;
  try {
    weak = reachedWeakCollections(fn);
  } catch {
    weak = NONE;
  }
  const contexts = track ? trackedContexts : untrackedContexts;
  const mapKey = weak.length === 0 ? NONE : weak;
  let context = contexts.get(mapKey);
  if (context === undefined) {
    const weakState = (o: object, ctor: Function): Array<readonly [string, unknown]> => {
      const pairs: Array<readonly [string, unknown]> = [];
      statePairs(o, weak, 'weak', pairs);
      statePairs(o, classCollections(ctor), 'class weak', pairs);
      return pairs;
    };
    context = { ...base, weakState };
    contexts.set(mapKey, context);
  }
  return context;
}

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
  readonly ignore: IgnoredArgs | undefined;
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
export function callInputs(plan: InputPlan, args: readonly unknown[], self: unknown, keys: KeyContext = KEYS): CallInputs {
  const argsHash = plan.key === undefined ? hashArguments(args, plan.ignore, keys) : hashValue(plan.key(...args), 'key()', keys);
  const depends = plan.dependsOn === undefined ? undefined : hashValue(plan.dependsOn(), 'dependsOn()', keys);
  return { args: argsHash, depends, self: self === NO_SELF ? undefined : hashValue(self, plan.selfLabel, keys) };
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

/**
 * The JavaScript engine results are computed with: built-ins count by name in fingerprints, and
 * what a name does changes with the engine (`Intl.DurationFormat`, `Object.groupBy` exist from
 * Node 22 or 24; `Intl` output follows the ICU and CLDR versions). Node's major version, V8's
 * major.minor and ICU's version: a result made under another engine is never served (a Node 20
 * machine's entry to a Node 24 one through the team cache, or after `nvm use`); a Node patch
 * update keeps its entries. Time zone data is checked where it is used (the zone's offsets).
 */
const ENGINE = `node ${process.versions.node.split('.')[0] ?? '?'} v8 ${process.versions.v8.split('.').slice(0, 2).join('.')} icu ${process.versions.icu ?? '-'}`;

/** The constant part of every key of a wrapper: (name, fingerprint, version) and the engine, labelled. */
export function identityDigest(identity: KeyIdentity): string {
  return createKeyHash().add('name', identity.name).add('fingerprint', identity.fingerprint).add('version', identity.version ?? null).add('engine', ENGINE).digest();
}


/**
 * The store key: sha256 of the identity digest and the call's digests. Every part is 64 hex
 * digits or '-' (absent), joined by '|', so no two different part lists give the same text.
 */
export function composeKey(identity: string, inputs: CallInputs): string {
  return sha256(`smartcache-store-key/1|${identity}|${inputs.args}|${inputs.depends ?? '-'}|${inputs.self ?? '-'}`);
}
