/**
 * Argument keys: a canonical, deterministic sha256 of argument lists (encoding: sink.ts for
 * primitives, canonical.ts for containers). The same value graph gives the same hex in every process
 * and on every machine of the same endianness: no object identity, no insertion order of plain
 * objects, no locale, no addresses. Typed arrays hash by their bytes as laid out in memory (all
 * platforms Node supports in practice are little-endian; a big-endian machine would get other
 * keys, i.e. misses, never wrong hits).
 *
 * Choices worth knowing:
 * - `f(1)` and `f(1, undefined)` are different keys: the argument count is hashed (a function can
 *   tell them apart through `arguments.length` or rest parameters).
 * - Plain-object key order is ignored; array, Map and Set order is kept (observable in JS).
 *   Only own enumerable properties count (string keys, and symbol keys from Symbol.for or
 *   well-known symbols); non-enumerable ones are not read.
 * - Sharing is part of the key: objects are numbered in first-visit order and a second visit is
 *   a back-reference, so cycles hash, and `f(x, x)` differs from `f(x, structuredClone(x))`
 *   (a function can tell them apart with `===` or a Set).
 * - A Buffer and a Uint8Array with the same bytes are different keys (`buf.toString()` decodes
 *   text, `u8.toString()` prints numbers); the kind of every typed array is part of its key, the
 *   offset of a view in its buffer is not. Expando properties on typed arrays are not read.
 * - Class instances: the class (via the FunctionHasher), the own enumerable properties of its
 *   prototypes (methods added outside a class body: ES5 constructors, mixins, patches), the
 *   instance's own properties, and its `#private` fields (superclasses' too) when the context has
 *   a PrivateStateReader: JavaScript cannot read them from outside the class, the inspector can,
 *   and the cache layer always passes its reader. State kept in closures or WeakMaps is not part
 *   of the key: use `key` or the decorator's `watch` for such classes.
 * - Errors: class, name, message, own `cause`/`errors` and every other own property, enumerable
 *   or not; not the stack (file paths and line numbers differ between machines).
 * - Instances of a program's subclass of a built-in (`class DefaultMap extends Map`): the class,
 *   the built-in's content, and the instance's `#private` fields and non-enumerable own
 *   properties, as for any class instance.
 * - Proxies are hashed through their traps, i.e. as the function would see them when reading,
 *   after their handler and target when the context has a reader for them (a `get` trap may
 *   answer for keys the proxy never lists, a target's `#private` fields show through no trap: the
 *   cache layer passes the inspector's), each digested on its own: what cannot be hashed there (a
 *   WeakMap memo in a handler) counts by its type. So do an Error's non-enumerable properties
 *   (got keeps the live response there); Node's own coded errors, whose prototypes name no class
 *   of their own, count by their prototypes' members, name, message and code.
 * - Functions are keyed by the context's FunctionHasher (their fingerprint); their own
 *   properties (including static class fields) are not read.
 * - The context (KeyContext: function hasher, private-state reader) is an argument of every
 *   call, never installed at import time; without one, SOURCE_KEYS (source text, no private
 *   state) is used.
 * - Refused (ERR_UNHASHABLE_ARGUMENT, with the path of the value, e.g. `args[1].conn`, see
 *   path.ts): symbols without a registry key (as values or property keys), WeakMap, WeakSet,
 *   WeakRef, FinalizationRegistry, Promise, generator objects and engine iterators,
 *   EventEmitter-based objects (streams, sockets, servers, child processes), web streams,
 *   AbortController/AbortSignal, Blob, TextEncoder/Decoder and other builtins whose state is
 *   internal, objects built by native (C++) constructors (Intl.*, vm.Script, ...), bound functions
 *   under the default FunctionHasher.
 */
import { SmartCacheError } from '../errors';
import { Walker } from './canonical';

import { SOURCE_KEYS, type KeyContext } from './function-hash';

export { defaultFunctionHasher, SOURCE_KEYS } from './function-hash';
export type { FunctionHasher, KeyContext, NamedKeysReader, PrivateStateReader } from './function-hash';
export { primitiveKey } from './primitive';

/** Version of the token stream (first token of every key); changing the encoding changes it. */
const PREFIX = 'smartcache-key/1';
const ARGS = 0x41; // A<u32 count>, then each argument, `_` for an ignored one
const VALUE = 0x56; // V, then one value
const LIST = 0x4b; // K, then (label string, value) per add()
const IGNORED = 0x5f;

export interface KeyHash {
  /** Adds one labelled value (the label is hashed and names the value in errors). */
  add(label: string, value: unknown): KeyHash;
  /** 64 hex chars. The KeyHash cannot be used after this. */
  digest(): string;
}

/**
 * Idle walkers (each owns a 64 KiB buffer), reused so a key costs no allocation. A nested call
 * (a FunctionHasher hashing a value while a walk is running) simply takes another one.
 */
const idle: Walker[] = [];
const MAX_IDLE = 4;

function acquire(context: KeyContext): Walker {
  const w = idle.pop() ?? new Walker();
  w.context = context;
  return w;
}

function release(w: Walker): void {
  w.reset();
  if (idle.length < MAX_IDLE) idle.push(w);
}

/** Argument positions left out of a key: those listed, and every one from `from` on (a rest parameter). */
export interface IgnoredArgs {
  readonly positions: ReadonlySet<number>;
  readonly from: number | undefined;
}

function isIgnoredArg(ignore: IgnoredArgs, i: number): boolean {
  return ignore.positions.has(i) || (ignore.from !== undefined && i >= ignore.from);
}

/**
 * sha256 hex of an argument list; positions in `ignore` are left out (their slot is kept, so
 * `f(1, x, 3)` and `f(1, y, 3)` share a key). Ignored arguments at the end do not count at all:
 * `load(id, log)` and `load(id)` are one key when `log` is ignored.
 */
export function hashArguments(args: readonly unknown[], ignore?: IgnoredArgs, context: KeyContext = SOURCE_KEYS): string {
  const w = acquire(context);
  try {
    let end = args.length;
    if (ignore !== undefined) while (end > 0 && isIgnoredArg(ignore, end - 1)) end--;
    w.sink.string(PREFIX);
    w.sink.tagU32(ARGS, end);
    w.begin();
    for (let i = 0; i < end; i++) {
      if (ignore !== undefined && isIgnoredArg(ignore, i)) w.sink.tag(IGNORED);
      else w.write(args[i], 'args', i);
    }
    return w.sink.digest();
  } finally {
    release(w);
  }
}

/** sha256 hex of one value; `label` names it in errors ('this', 'dependsOn()'). */
export function hashValue(value: unknown, label: string, context: KeyContext = SOURCE_KEYS): string {
  const w = acquire(context);
  try {
    w.sink.string(PREFIX);
    w.sink.tag(VALUE);
    w.begin();
    w.write(value, label, -1);
    return w.sink.digest();
  } finally {
    release(w);
  }
}

class IncrementalKeyHash implements KeyHash {
  private walker: Walker | undefined;

  constructor(context: KeyContext) {
    this.walker = acquire(context);
    this.walker!.sink.string(PREFIX);
    this.walker!.sink.tag(LIST);
  }

  add(label: string, value: unknown): KeyHash {
    const w = this.live();
    try {
      w.sink.string(label);
      w.begin();
      w.write(value, label, -1);
    } catch (error) {
      // The stream now ends in a partial value: no digest may come out of it.
      this.walker = undefined;
      release(w);
      throw error;
    }
    return this;
  }

  digest(): string {
    const w = this.live();
    this.walker = undefined;
    try {
      return w.sink.digest();
    } finally {
      release(w);
    }
  }

  private live(): Walker {
    if (this.walker === undefined) throw new SmartCacheError('ERR_USAGE', 'KeyHash used after digest() or after a failed add()');
    return this.walker;
  }
}

/** Incremental: `.add(label, value)` any number of times, then `.digest()`. */
export function createKeyHash(context: KeyContext = SOURCE_KEYS): KeyHash {
  return new IncrementalKeyHash(context);
}
