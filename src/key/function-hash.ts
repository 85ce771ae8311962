import { sha256 } from '../hash';
import { unwrap } from '../registry';

/** Returns a hex fingerprint of a function (code + what it reaches, as far as the hasher sees). */
export type FunctionHasher = (fn: Function) => string;

const toSource = Function.prototype.toString;

/**
 * `Function.prototype.toString` of a built-in, and of a bound function, is `function name() {
 * [native code] }` (spec: NativeFunction syntax). Such a source says nothing about what the
 * function does beyond its name, so the key layer treats objects built by native constructors as
 * having hidden state.
 */
export function isNativeFunction(fn: Function): boolean {
  return toSource.call(fn).endsWith('{ [native code] }');
}

/**
 * The hasher of the key module used alone (SOURCE_KEYS): the source text of the function (through
 * cache wrappers), and of each superclass for a class, because `class B extends A {}` does not
 * contain A's code. Closure values and helpers the function calls are NOT covered here; that is
 * what the real fingerprint adds.
 */
function sourceHash(fn: Function): string {
  const parts: string[] = [];
  for (let f: unknown = unwrap(fn); typeof f === 'function' && f !== Function.prototype; f = Object.getPrototypeOf(f)) {
    const text = toSource.call(f);
    // A bound function prints as `function () { [native code] }`: its target and bound
    // arguments are invisible, so two different bound functions would collide.
    if (text.endsWith('{ [native code] }') && (f as Function).name.startsWith('bound ')) {
      throw new TypeError(`bound function ${(f as Function).name} hides its target and bound arguments`);
    }
    parts.push(`${text.length}:${text}`);
    if (!text.startsWith('class')) break;
  }
  return sha256(parts.join(''));
}

const sourceHashes = new WeakMap<Function, string>();

/** The default hasher, memoized per function object (a function's source never changes). */
export const defaultFunctionHasher: FunctionHasher = (fn) => {
  let hex = sourceHashes.get(fn);
  if (hex === undefined) {
    hex = sourceHash(fn);
    sourceHashes.set(fn, hex);
  }
  return hex;
};

/**
 * Reads the `#private` fields of an object (name, value) — JavaScript itself cannot, so the cache
 * layer passes the inspector-backed reader of the fingerprint module. Without one, private state
 * is invisible to keys (a documented limit of the key module used alone).
 */
export type PrivateStateReader = (o: object) => ReadonlyArray<readonly [string, unknown]>;

/**
 * What a key needs from outside the key module, passed in by each caller rather than installed
 * at import time, so a key never depends on which modules happen to be loaded.
 */
export interface KeyContext {
  /** Hex fingerprint of a function argument, of an instance's class. */
  readonly hashFunction: FunctionHasher;
  /** `#private` fields of instances; undefined: they are not read. */
  readonly readPrivateState: PrivateStateReader | undefined;
  /** Named (non-index) own keys of huge typed arrays; undefined: listed with Object.keys. */
  readonly readNamedKeys?: NamedKeysReader | undefined;
  /**
   * What the WeakMaps and WeakSets reached by the function, or by the instance's class `ctor`,
   * hold for an instance (`[name, value]` pairs), read with its `#private` fields; undefined: none.
   */
  readonly weakState?: ((o: object, ctor: Function) => ReadonlyArray<readonly [string, unknown]>) | undefined;
  /**
   * The handler and target of a Proxy argument, hashed beside what its traps show (a `get` trap
   * may answer for keys it never lists; the target's `#private` fields show through no trap);
   * undefined: proxies are hashed through their traps alone.
   */
  readonly readProxy?: ((proxy: object) => ProxyParts) | undefined;
}

/** What a key reads of a Proxy besides its traps. */
export interface ProxyParts {
  readonly handler: unknown;
  readonly target: unknown;
}

/** The key module used alone: functions by their source text, `#private` fields not read. */
export const SOURCE_KEYS: KeyContext = Object.freeze({ hashFunction: defaultFunctionHasher, readPrivateState: undefined });

const declaresPrivate = new WeakMap<Function, boolean>();

/**
 * Whether a class or one of its superclasses may declare `#private` members: a `#` anywhere in
 * their source (a `#` inside a string only costs one needless inspector read). Memoized per class.
 */
function mayHavePrivate(ctor: Function): boolean {
  let known = declaresPrivate.get(ctor);
  if (known === undefined) {
    known = false;
    for (let c: unknown = ctor; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
      if (toSource.call(c).includes('#')) {
        known = true;
        break;
      }
    }
    declaresPrivate.set(ctor, known);
  }
  return known;
}

/**
 * `[name, value, name, value, …]` of an instance's private fields, sorted by name, then what the
 * function's weak collections hold for it (`weak`, names that no `#field` can have); [] when none.
 */
export function privatePairs(o: object, ctor: Function, reader: PrivateStateReader | undefined, weak?: (o: object, ctor: Function) => ReadonlyArray<readonly [string, unknown]>): unknown[] {
  const fields = reader === undefined || !mayHavePrivate(ctor) ? [] : [...reader(o)].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const pairs: unknown[] = [];
  for (const [name, value] of fields) pairs.push(name, value);
  if (weak !== undefined) for (const [name, value] of weak(o, ctor)) pairs.push(name, value);
  return pairs;
}

/**
 * Names of an object's own string-keyed properties that are not array indices, without listing
 * the indices (JavaScript cannot: `Object.keys` of a typed array enumerates every element). The
 * cache layer passes the inspector-backed reader of the fingerprint module; undefined means
 * "no reader": the caller lists the keys itself.
 */
export type NamedKeysReader = (o: object) => readonly string[] | undefined;

