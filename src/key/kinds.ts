import { types } from 'node:util';
import { EventEmitter } from 'node:events';
import { isNativeFunction } from './function-hash';

/**
 * What an object's prototype says about how to hash it. Decided once per prototype and memoized,
 * so an array of 100k class instances pays the prototype-chain walk once, not 100k times. The
 * object's own internal slots are still confirmed per object (`util.types`), so an object that
 * merely inherits from Map.prototype is not mistaken for a Map.
 */
export const DATE = 1;
export const REGEXP = 2;
export const MAP = 3;
export const SET = 4;
export const VIEW = 5;        // typed arrays, Buffer, DataView: hashed by their bytes
export const BUFFER = 6;      // ArrayBuffer / SharedArrayBuffer: hashed by their bytes
export const BOXED = 7;       // new Number(1), new String('a'), Object(1n), ...
export const ERROR = 8;
export const URL_KIND = 9;
export const URL_PARAMS = 10;
export const CLASS = 11;      // instance of a class: constructor fingerprint + own state
export const CUSTOM = 12;     // Object.create(someObject): the prototype object is hashed too
export const REFUSE = 13;
export const PLAIN = 14;      // process.env: a native object whose variables are its own properties

export const EVENT_EMITTER = 'EventEmitter';
export const NATIVE_OBJECT = 'native object';

export interface Verdict {
  readonly kind: number;
  /** Builtin name: 'Map', 'Float64Array', 'Buffer', ...; for REFUSE, the refused type. */
  readonly name: string;
  /** The prototype is below the builtin's own (a user subclass): its constructor joins the key. */
  readonly subclass: boolean;
  /** For CLASS, and for subclasses: the class whose prototype the object has. */
  readonly ctor: Function | undefined;
}

interface Known { readonly kind: number; readonly name: string }

let known: Map<object, Known> | undefined;

/** Globals whose instances keep their state where the key cannot see it (private fields, C++). */
const HIDDEN_STATE_GLOBALS = [
  'Promise', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry', 'EventTarget', 'Event',
  'AbortController', 'AbortSignal', 'Blob', 'File', 'FormData', 'Headers', 'Request', 'Response',
  'ReadableStream', 'WritableStream', 'TransformStream', 'ReadableStreamDefaultReader',
  'ReadableStreamBYOBReader', 'WritableStreamDefaultWriter', 'TextEncoder', 'TextDecoder',
  'TextEncoderStream', 'TextDecoderStream', 'CompressionStream', 'DecompressionStream',
  'MessageChannel', 'MessagePort', 'BroadcastChannel', 'WebSocket', 'Crypto', 'CryptoKey',
  'SubtleCrypto', 'Performance', 'PerformanceEntry', 'PerformanceObserver', 'Navigator',
  'ByteLengthQueuingStrategy', 'CountQueuingStrategy', 'DisposableStack', 'AsyncDisposableStack',
];

const TYPED_ARRAYS = [
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array',
  'Uint32Array', 'Float16Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
];

const ERRORS = ['Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError', 'URIError', 'AggregateError'];

function globalProto(name: string): object | undefined {
  const value: unknown = (globalThis as Record<string, unknown>)[name];
  if (typeof value !== 'function') return undefined;
  const proto: unknown = value.prototype;
  return typeof proto === 'object' && proto !== null ? proto : undefined;
}

/** Prototypes of engine iterators: their position and source live in internal slots. */
function iteratorProtos(): Array<[object, string]> {
  const protos: Array<[object, string]> = [
    [Object.getPrototypeOf([][Symbol.iterator]()), 'Array Iterator'],
    [Object.getPrototypeOf(''[Symbol.iterator]()), 'String Iterator'],
    [Object.getPrototypeOf(new Map().entries()), 'Map Iterator'],
    [Object.getPrototypeOf(new Set().values()), 'Set Iterator'],
    [Object.getPrototypeOf(/x/g[Symbol.matchAll]('')), 'RegExp String Iterator'],
    [Object.getPrototypeOf(Object.getPrototypeOf((function* () {})())), 'Generator'],
    [Object.getPrototypeOf(Object.getPrototypeOf((async function* () {})())), 'AsyncGenerator'],
  ];
  // Iterator helpers exist from Node 22 (V8 12.x); Node 20 has no global `Iterator`.
  const iterator = (globalThis as { Iterator?: { prototype?: { map?: unknown } } }).Iterator;
  const iteratorHelper = iterator?.prototype?.map;
  if (typeof iteratorHelper === 'function') {
    protos.push([Object.getPrototypeOf(iteratorHelper.call([][Symbol.iterator](), (x: unknown) => x)), 'Iterator Helper']);
  }
  return protos;
}

function buildKnown(): Map<object, Known> {
  const map = new Map<object, Known>();
  const add = (proto: object | undefined, kind: number, name: string): void => {
    if (proto !== undefined && !map.has(proto)) map.set(proto, { kind, name });
  };
  // process.env's prototype has a nameless native constructor, but every variable is an own
  // enumerable property: it hashes exactly like the plain object { ...process.env }.
  add(Object.getPrototypeOf(process.env) as object, PLAIN, 'process.env');
  add(Date.prototype, DATE, 'Date');
  add(RegExp.prototype, REGEXP, 'RegExp');
  add(Map.prototype, MAP, 'Map');
  add(Set.prototype, SET, 'Set');
  add(Buffer.prototype, VIEW, 'Buffer');
  for (const name of TYPED_ARRAYS) add(globalProto(name), VIEW, name);
  add(DataView.prototype, VIEW, 'DataView');
  add(ArrayBuffer.prototype, BUFFER, 'ArrayBuffer');
  add(globalProto('SharedArrayBuffer'), BUFFER, 'SharedArrayBuffer');
  for (const name of ['Number', 'String', 'Boolean', 'BigInt', 'Symbol']) add(globalProto(name), BOXED, name);
  for (const name of ERRORS) add(globalProto(name), ERROR, name);
  add(URL.prototype, URL_KIND, 'URL');
  add(URLSearchParams.prototype, URL_PARAMS, 'URLSearchParams');
  add(EventEmitter.prototype, REFUSE, EVENT_EMITTER);
  for (const name of HIDDEN_STATE_GLOBALS) add(globalProto(name), REFUSE, name);
  for (const [proto, name] of iteratorProtos()) add(proto, REFUSE, name);
  return map;
}

function ownConstructor(proto: object): Function | undefined {
  const desc = Object.getOwnPropertyDescriptor(proto, 'constructor');
  const ctor: unknown = desc?.value;
  return typeof ctor === 'function' && ctor.prototype === proto ? ctor : undefined;
}

function decide(proto: object): Verdict {
  known ??= buildKnown();
  const ctor = ownConstructor(proto);
  for (let p: object | null = proto; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    const hit = known.get(p);
    if (hit !== undefined) return { kind: hit.kind, name: hit.name, subclass: p !== proto, ctor };
    const own = ownConstructor(p);
    // A constructor implemented in C++ (Intl.*, vm.Script, WebAssembly.*) keeps its state in
    // internal fields that no property read can reach.
    if (own !== undefined && isNativeFunction(own)) return { kind: REFUSE, name: own.name || NATIVE_OBJECT, subclass: false, ctor };
  }
  return { kind: ctor === undefined ? CUSTOM : CLASS, name: ctor?.name ?? '', subclass: false, ctor };
}

const verdicts = new WeakMap<object, Verdict>();

export function verdictFor(proto: object): Verdict {
  let v = verdicts.get(proto);
  if (v === undefined) {
    v = decide(proto);
    verdicts.set(proto, v);
  }
  return v;
}

const typedArrayTag = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag)?.get;

/** The engine's own name of a typed array ([[TypedArrayName]]), immune to subclass overrides. */
export function typedArrayName(view: ArrayBufferView): string | undefined {
  return typedArrayTag === undefined ? undefined : (typedArrayTag.call(view) as string | undefined);
}

/** Confirms the object really has the internal slots its prototype promises. */
export function confirms(kind: number, name: string, o: object): boolean {
  switch (kind) {
    case DATE: return types.isDate(o);
    case REGEXP: return types.isRegExp(o);
    case MAP: return types.isMap(o);
    case SET: return types.isSet(o);
    case VIEW:
      if (name === 'DataView') return types.isDataView(o);
      return types.isTypedArray(o) && typedArrayName(o) === (name === 'Buffer' ? 'Uint8Array' : name);
    case BUFFER: return name === 'ArrayBuffer' ? types.isArrayBuffer(o) : types.isSharedArrayBuffer(o);
    case BOXED: return types.isBoxedPrimitive(o);
    default: return true;
  }
}
