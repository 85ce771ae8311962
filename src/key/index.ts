/**
 * Argument keys: canonical, deterministic sha256 of argument lists (see walk.ts and encode.ts for
 * the encoding). Same value graph -> same hex in every process and on every machine of the same
 * endianness (typed arrays hash by their bytes as laid out in memory; all supported platforms are
 * little-endian).
 *
 * Choices worth knowing:
 * - `f(1)` and `f(1, undefined)` are different keys: the argument count is hashed (a function can
 *   tell them apart through `arguments.length` or rest parameters).
 * - Plain-object key order is ignored; array, Map and Set order is kept (observable in JS).
 * - Sharing is part of the key: objects are numbered in first-visit order and a second visit is
 *   a back-reference, so cycles hash, and `f(x, x)` differs from `f(x, structuredClone(x))`.
 * - A Buffer and a Uint8Array with the same bytes are different keys (`buf.toString()` decodes
 *   text, `u8.toString()` prints numbers); every typed array kind is part of its key.
 * - Class instances: the class (via the FunctionHasher) + own enumerable properties. `#private`
 *   fields cannot be read from outside the class and are NOT part of the key; neither is state
 *   kept in closures or WeakMaps. Use `key` or the decorator's `watch` for such classes.
 * - Proxies are hashed through their traps, i.e. as the function would see them when reading.
 * - Functions are keyed by the installed FunctionHasher (their fingerprint); their own
 *   properties (including static class fields) are not read.
 * - Refused (ERR_UNHASHABLE_ARGUMENT, with the path of the value, e.g. `args[1].conn`): symbols
 *   without a registry key (as values or property keys), WeakMap, WeakSet, WeakRef,
 *   FinalizationRegistry, Promise, generators and engine iterators, EventEmitter-based objects
 *   (streams, sockets, servers, child processes), web streams, AbortSignal, Blob and other
 *   builtins whose state is internal, objects made by native (C++) constructors.
 */
import { SmartCacheError } from '../errors';
import { Walker } from './walk';

export { setFunctionHasher, defaultFunctionHasher } from './functions';
export type { FunctionHasher } from './functions';
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

/** One idle walker is kept; a nested call (a FunctionHasher hashing a value) makes its own. */
let idle: Walker | undefined;

function acquire(): Walker {
  const w = idle ?? new Walker();
  idle = undefined;
  return w;
}

function release(w: Walker): void {
  w.reset();
  idle = w;
}

export function hashArguments(args: readonly unknown[], ignore?: ReadonlySet<number>): string {
  const w = acquire();
  try {
    w.sink.string(PREFIX);
    w.sink.tagU32(ARGS, args.length);
    w.begin();
    for (let i = 0; i < args.length; i++) {
      if (ignore !== undefined && ignore.has(i)) w.sink.tag(IGNORED);
      else w.write(args[i], 'args', i);
    }
    return w.sink.digest();
  } finally {
    release(w);
  }
}

export function hashValue(value: unknown, label: string): string {
  const w = acquire();
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
  private walker: Walker | undefined = new Walker();

  constructor() {
    this.walker!.sink.string(PREFIX);
    this.walker!.sink.tag(LIST);
  }

  add(label: string, value: unknown): KeyHash {
    const w = this.live();
    w.sink.string(label);
    w.begin();
    w.write(value, label, -1);
    return this;
  }

  digest(): string {
    const hex = this.live().sink.digest();
    this.walker = undefined;
    return hex;
  }

  private live(): Walker {
    if (this.walker === undefined) throw new SmartCacheError('ERR_USAGE', 'KeyHash used after digest()');
    return this.walker;
  }
}

export function createKeyHash(): KeyHash {
  return new IncrementalKeyHash();
}
