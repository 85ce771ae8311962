import { inspect, types } from 'node:util';
import { viewKindOf, type ViewKind } from './tags';

/**
 * What kind of stored value an object is, decided by its exact prototype (never `instanceof`:
 * a subclass or a look-alike from another realm would not come back as itself).
 * Shared by the validating walk and the substitution copy so both agree.
 */
export type Kind =
  | { readonly type: 'plain' | 'nullProto' | 'array' | 'map' | 'set' | 'date' | 'regexp' | 'arrayBuffer' }
  | { readonly type: 'view'; readonly view: ViewKind }
  | { readonly type: 'refused'; readonly reason: string };

const PLAIN: Kind = { type: 'plain' };
const NULL_PROTO: Kind = { type: 'nullProto' };
const ARRAY: Kind = { type: 'array' };
const MAP: Kind = { type: 'map' };
const SET: Kind = { type: 'set' };
const DATE: Kind = { type: 'date' };
const REGEXP: Kind = { type: 'regexp' };
const ARRAY_BUFFER: Kind = { type: 'arrayBuffer' };

const viewKinds = new Map<ViewKind, Kind>();

export function classify(value: object): Kind {
  // Checked first: getPrototypeOf on a proxy runs its trap, and what a proxy encodes as is up to it.
  if (types.isProxy(value)) return { type: 'refused', reason: 'a Proxy' };
  const proto = Object.getPrototypeOf(value) as object | null;
  // Plain comparisons, most frequent first: this runs once per object of every stored result.
  if (proto === Object.prototype) return PLAIN;
  if (proto === Array.prototype) return ARRAY;
  if (proto === null) return NULL_PROTO;
  if (proto === Map.prototype) return MAP;
  if (proto === Set.prototype) return SET;
  if (proto === Date.prototype) return DATE;
  if (proto === RegExp.prototype) return REGEXP;
  if (proto === ArrayBuffer.prototype) return ARRAY_BUFFER;
  const view = viewKindOf(proto);
  if (view !== undefined) {
    let kind = viewKinds.get(view);
    if (kind === undefined) viewKinds.set(view, (kind = { type: 'view', view }));
    return kind;
  }
  return { type: 'refused', reason: describeRefused(value, proto) };
}

function describeRefused(value: object, proto: object): string {
  if (types.isPromise(value)) return 'a Promise';
  if (types.isNativeError(value) || value instanceof Error) return 'an Error (its stack, cause and class cannot round-trip exactly)';
  if (types.isBoxedPrimitive(value)) return 'a boxed primitive';
  if (types.isWeakMap(value) || types.isWeakSet(value)) return 'a WeakMap/WeakSet';
  if (types.isSharedArrayBuffer(value)) return 'a SharedArrayBuffer';
  const name = className(proto);
  return name === undefined ? 'an object with a non-plain prototype' : `an instance of ${name} (only plain data round-trips)`;
}

function className(proto: object): string | undefined {
  const ctor = Object.getOwnPropertyDescriptor(proto, 'constructor')?.value as unknown;
  return typeof ctor === 'function' && typeof ctor.name === 'string' && ctor.name !== '' ? ctor.name : undefined;
}

const INDEX = /^(?:0|[1-9]\d*)$/;
const KEYS_LIMIT = 256;
const INSPECT_OPTIONS = { maxArrayLength: 0, depth: 0, customInspect: false, showHidden: false, getters: false, breakLength: Infinity } as const;

/**
 * Whether an array (or typed array) carries own enumerable named properties besides its
 * elements (a RegExp match's `index`/`input`, d3-dsv's `columns`): cbor-x would drop them.
 * Object.keys lists every index as a string (≈50 ns each), so long arrays first ask
 * util.inspect, which reads only the non-index keys (Node's getOwnNonIndexProperties); any
 * output but the bare "[ ... N more items ]" falls back to the exact check.
 */
export function hasExtraProperties(list: ArrayLike<unknown>, prefix: string): boolean {
  const n = list.length;
  if (n > KEYS_LIMIT && inspect(list, INSPECT_OPTIONS) === bareShape(prefix, n)) return false;
  const keys = Object.keys(list);
  // Without holes or named keys, the keys are exactly the indices (the common case: no regex).
  if (keys.length === n && (n === 0 || keys[n - 1] === String(n - 1))) return false;
  const last = keys[keys.length - 1];
  return last !== undefined && !INDEX.test(last);
}

/** What util.inspect prints for a list with no named properties: `[ ... 3 more items ]`. */
export function bareShape(prefix: string, length: number): string {
  const body = length === 0 ? '[]' : `[ ... ${length} more item${length === 1 ? '' : 's'} ]`;
  return prefix === '' ? body : `${prefix} ${body}`;
}

/** The prefix util.inspect gives a typed array: `Float64Array(3)`, `Buffer(3) [Uint8Array]`. */
export function viewPrefix(view: ArrayBufferView & { length: number }): string {
  return Buffer.isBuffer(view) ? `Buffer(${view.length}) [Uint8Array]` : `${Object.getPrototypeOf(view).constructor.name as string}(${view.length})`;
}

export function hasSymbolKeys(value: object): boolean {
  return Object.getOwnPropertySymbols(value).length > 0;
}

/** cbor-x writes a Date as seconds (a float64) and reads back Math.round(s * 1000). */
export function dateSurvivesCbor(date: Date): boolean {
  const ms = date.getTime();
  return Number.isNaN(ms) || Math.round((ms / 1000) * 1000) === ms;
}

export function isNegativeZero(value: number): boolean {
  return value === 0 && 1 / value < 0;
}

const TWO_64 = 1n << 64n;

/** cbor-x writes ±2^64 and beyond through tags 2/3, whose codec is quadratic in the size. */
export function isWideBigInt(value: bigint): boolean {
  return value >= TWO_64 || value <= -TWO_64;
}

/** Strings with lone surrogates do not survive UTF-8. isWellFormed: V8 11.3 (Node 20). */
export function isWellFormed(value: string): boolean {
  return (value as unknown as { isWellFormed(): boolean }).isWellFormed();
}
