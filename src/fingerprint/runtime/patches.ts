/**
 * User code hung on JavaScript's own objects: a polyfill replacing `Math.sign`, a method added
 * to `Array.prototype`. A function may reach those through its arguments (`arr.sum()`), where no
 * static reference can see them, so a function whose code names a patched member (`.sum`,
 * `['sum']`) counts that patch. (A patched member reached only through a computed name is not
 * seen: a known gap.)
 *
 * JavaScript's built-ins are native code; a member whose function is not native was put there
 * by a program. (Node's own globals are JavaScript functions, so they cannot be told apart this
 * way and are not scanned.) Scanned again by every walk (~0.2 ms): a patch applied after a
 * function's fingerprint was memoized is not seen by that function.
 */
import { patchOriginal } from '../../registry';

const NAMESPACES = ['Math', 'JSON', 'Reflect', 'Atomics', 'Intl'];
const CONSTRUCTORS = [
  'Object', 'Function', 'Array', 'String', 'Number', 'Boolean', 'Symbol', 'BigInt', 'Date', 'RegExp', 'Error',
  'Map', 'Set', 'WeakMap', 'WeakSet', 'Promise', 'ArrayBuffer', 'DataView', 'Uint8Array', 'Int8Array',
  'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array', 'Float32Array', 'Float64Array', 'BigInt64Array',
  'BigUint64Array', 'Uint8ClampedArray',
];

const toText = Function.prototype.toString;
const ARRAY_ITERATOR_PROTOTYPE: unknown = Object.getPrototypeOf([][Symbol.iterator]());
const ITERATOR_PROTOTYPE: unknown = Object.getPrototypeOf(ARRAY_ITERATOR_PROTOTYPE);

function isNative(fn: unknown): boolean {
  if (typeof fn !== 'function') return false;
  if (toText.call(fn).endsWith('{ [native code] }')) return true;
  // smartcache's own patches (src/inputs: the clock and randomness while a call is tracked).
  const real = patchOriginal(fn);
  return real !== undefined && toText.call(real).endsWith('{ [native code] }');
}

export interface Patch {
  readonly label: string;
  /** The member's key, as code names it. */
  readonly key: string;
  readonly value: unknown;
  /** JavaScript calls it on the code's behalf (implicitly called): it counts for every function. */
  readonly implicit: boolean;
}

/**
 * Members the language itself calls, with no name in the code that causes the call:
 * `JSON.stringify` calls `toJSON` (and Date's `toJSON` calls `toISOString`), `String(arr)` and
 * template literals call `toString` and `valueOf` (and Array's `toString` calls `join`),
 * `'ab'.replace(re, …)` calls `re[Symbol.replace]`, which calls `exec` and reads `flags`,
 * `await` and `Promise.all` call `then` and `resolve`, `new Map(pairs)` calls `set`, `new
 * Set(list)` calls `add`, iteration calls `next`. Every symbol-keyed member is such a hook too
 * (`Symbol.iterator`, `Symbol.toPrimitive`, `Symbol.hasInstance`, …). A patch of one of these
 * counts for every function (a miss when it changes, never a stale hit).
 */
const IMPLICIT_KEYS: ReadonlySet<string> = new Set([
  'toJSON', 'toISOString', 'toString', 'toLocaleString', 'valueOf', 'join', 'exec', 'then', 'resolve', 'constructor',
  'next', 'set', 'add', 'flags', 'global', 'ignoreCase', 'multiline', 'dotAll', 'unicode', 'unicodeSets', 'sticky',
  'hasIndices', 'source', 'lastIndex',
]);

function isImplicit(key: string | symbol): boolean {
  return typeof key === 'symbol' || IMPLICIT_KEYS.has(key);
}

/**
 * Runs once per process on a disk hit (a stored proof is checked against it): ~500 members, so
 * nothing is built for a native one (labels and key names only for a patch found; this scan took
 * ~2 ms of CPU when it built them for every member).
 */
function scan(out: Patch[], target: unknown, name: string): void {
  if ((typeof target !== 'object' && typeof target !== 'function') || target === null) return;
  for (const key of Reflect.ownKeys(target)) {
    // A stack formatter (source-map-support, tsx) changes how errors print, not what code
    // computes, and carries caches that differ between runs.
    if (key === 'prepareStackTrace' && name === 'Error') continue;
    const d = Reflect.getOwnPropertyDescriptor(target, key);
    if (d === undefined) continue;
    if ('value' in d) {
      if (typeof d.value === 'function' && !isNative(d.value)) out.push({ label: `${name}.${String(key)}`, key: keyName(key), value: d.value, implicit: isImplicit(key) });
      continue;
    }
    if (d.get !== undefined && !isNative(d.get)) out.push({ label: `${name}.${String(key)} (get)`, key: keyName(key), value: d.get, implicit: isImplicit(key) });
    if (d.set !== undefined && !isNative(d.set)) out.push({ label: `${name}.${String(key)} (set)`, key: keyName(key), value: d.set, implicit: isImplicit(key) });
  }
}

function keyName(key: string | symbol): string {
  return typeof key === 'string' ? key : String(key.description);
}

/** Every non-native member of JavaScript's built-in objects, now. */
export function builtinPatches(): readonly Patch[] {
  {
    const out: Patch[] = [];
    const g = globalThis as unknown as Record<string, unknown>;
    const own = (name: string): unknown => {
      const d = Object.getOwnPropertyDescriptor(g, name);
      return d !== undefined && 'value' in d ? d.value : undefined;
    };
    for (const name of NAMESPACES) scan(out, own(name), name);
    for (const name of CONSTRUCTORS) {
      const ctor = own(name);
      scan(out, ctor, name);
      if (typeof ctor === 'function') scan(out, (ctor as { prototype?: unknown }).prototype, `${name}.prototype`);
    }
    scan(out, Object.getPrototypeOf(Uint8Array.prototype), '%TypedArray%.prototype');
    // `for (const x of arr)`, spreads and destructuring call these `next`s.
    scan(out, ARRAY_ITERATOR_PROTOTYPE, '%ArrayIteratorPrototype%');
    scan(out, ITERATOR_PROTOTYPE, '%IteratorPrototype%');
    return out;
  }
}

/**
 * True when the patch counts for `code`: an implicitly called member always; any other when `code` (source/analyze.ts's normalized text) has the member's name as a whole word: a
 * member access, a string key, or anything else spelled the same (then the patch counts too,
 * which at worst costs a miss).
 */
export function namesMember(code: string, patch: Patch): boolean {
  if (patch.implicit) return true;
  if (!code.includes(patch.key)) return false;
  let word = words.get(patch.key);
  if (word === undefined) {
    const key = patch.key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    word = new RegExp(`(^|[^\\w$])${key}($|[^\\w$])`);
    words.set(patch.key, word);
  }
  return word.test(code);
}

const words = new Map<string, RegExp>();
