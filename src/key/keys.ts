import { inspect, types } from 'node:util';
import { symbolName } from './symbols';

/** Key lists: canonical order, and whether an array has anything besides its elements. */

/** Above this size, Array.prototype.sort beats the inline insertion sort. */
const INSERTION_SORT_MAX = 12;
/** Objects with up to this many keys share sorted key lists by shape (see ShapeCache). */
const SHAPE_CACHE_MAX = 32;

/** Sorts by UTF-16 code units (what `<` and the default sort compare): no locale involved. */
export function sortInPlace(keys: string[]): void {
  if (keys.length > INSERTION_SORT_MAX) {
    keys.sort(); // default comparison: UTF-16 code units, locale-free
    return;
  }
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > k) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = k;
  }
}

/** Is `key` the canonical string of an index below `length` ('-0', '01' are not)? */
export function isIndexBelow(key: string, length: number): boolean {
  const n = Number(key);
  return Number.isInteger(n) && n >= 0 && n < length && String(n) === key;
}

/** Above this length, util.inspect answers "extra properties?" faster than Object.keys. */
const LONG_ARRAY = 1024;
const INSPECT_NAMED_ONLY = {
  maxArrayLength: 0, depth: 0, customInspect: false, getters: false, showHidden: false, showProxy: false, breakLength: Infinity,
} as const;

/**
 * False when the array certainly has no own enumerable string-keyed property besides its
 * elements. Object.keys lists index keys first, ascending: `len` keys ending with the last index
 * means no holes and nothing else. But Object.keys makes a string per index (about 90 ns per
 * element past V8's number-string cache: 90 ms for 1M elements), and Node has no public call
 * that lists only named properties. util.inspect with maxArrayLength 0 prints exactly those
 * (through the internal getOwnNonIndexProperties) in ~3 µs; when its output is anything but the
 * bare `[ ... n more items ]` we answer "maybe" and the caller lists keys exactly, so a format
 * change in a future Node costs speed, never correctness. A Proxy goes the exact way: inspect
 * would read its target instead of going through its traps.
 */
export function mayHaveNamedKeys(a: unknown[], len: number): boolean {
  if (len >= LONG_ARRAY && !types.isProxy(a)) {
    return inspect(a, INSPECT_NAMED_ONLY) !== `[ ... ${len} more items ]`;
  }
  const keys = Object.keys(a);
  return !(keys.length === len && (len === 0 || keys[len - 1] === String(len - 1)));
}

/**
 * False when the typed array (or Buffer) `v` of `len` elements certainly has no own enumerable
 * property besides its elements, by the same util.inspect reading as `mayHaveNamedKeys` (its
 * output, `Float64Array(n) [ ... n more items ]`, lists named and symbol keys after the items):
 * ~0.3 ms for 12.5M elements where `Object.keys` takes ~2.6 s. Anything else answers "maybe".
 */
export function mayHaveNamedViewKeys(v: object, len: number): boolean {
  if (types.isProxy(v)) return true;
  return !inspect(v, INSPECT_NAMED_ONLY).endsWith(` [ ... ${len} more items ]`);
}

export function symbolOrder(x: symbol, y: symbol): number {
  const a = symbolName(x)!;
  const b = symbolName(y)!;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Sorted keys, reusing the sorted copy when Object.keys gives the same list as the previous
 * object with as many keys: records of one shape (the common case in data) sort once.
 * Object.keys returns internalized strings, so the comparison is pointer-cheap.
 */
export class ShapeCache {
  /** Last Object.keys result seen per key count, and its sorted copy (never mutated). */
  private readonly unsorted = new Array<string[] | undefined>(SHAPE_CACHE_MAX + 1).fill(undefined);
  private readonly sortedCopy = new Array<string[] | undefined>(SHAPE_CACHE_MAX + 1).fill(undefined);

  sorted(keys: string[]): readonly string[] {
    const n = keys.length;
    if (n < 2) return keys;
    if (n > SHAPE_CACHE_MAX) {
      sortInPlace(keys);
      return keys;
    }
    const previous = this.unsorted[n];
    if (previous !== undefined) {
      let same = true;
      for (let i = 0; i < n; i++) {
        if (previous[i] !== keys[i]) {
          same = false;
          break;
        }
      }
      if (same) return this.sortedCopy[n]!;
    }
    const sorted = keys.slice();
    sortInPlace(sorted);
    this.unsorted[n] = keys;
    this.sortedCopy[n] = sorted;
    return sorted;
  }
}
