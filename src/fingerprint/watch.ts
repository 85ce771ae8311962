/**
 * What a memoized fingerprint read, kept so that every later call can check it still reads the
 * same: the objects of its graph (their own properties, prototype, entries, bytes), the scope
 * bindings its code read that its file's text may write, and the user globals it read by value.
 *
 * Why: a fingerprint is memoized per process, but the program runs between two calls. A locale
 * set between two calls (`setLocale('fr'); render('home')`), a config object edited, a handler
 * registered: the next call's result depends on values the memo read before. Serving the memo
 * there was a stale hit, within the run and in the next one (the snapshot of the next run, taken
 * at its first call, read the same as this one's). So a call whose watch no longer holds walks
 * again (index.ts), and its fingerprint says what it reads now.
 *
 * What a cached body changes while it runs is its own business (a memo table it grows, a client
 * it creates lazily, a counter): `retake` takes those readings as the new expected ones, for every
 * watch of the process, once a computing call returns (call-path.ts). The same program then
 * hits on its second run, as a hit does not run the body at all (README, "Values that change
 * while the program runs").
 *
 * Reading runs no user code: property descriptors, never getters; no proxy is looked into (the
 * walk counts a proxy by its target and handler, which are entities of their own).
 */
import { types } from 'node:util';
import { patchOriginal } from '../registry';
import type { BindingReads, Entity, EntityReads } from './graph';
import { hiddenStateDigest } from './graph';
import type * as RuntimeLayer from './runtime';

const TYPED_BYTES = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype) as object, 'buffer')?.get as (this: unknown) => ArrayBufferLike;
const TYPED_OFFSET = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype) as object, 'byteOffset')?.get as (this: unknown) => number;
const TYPED_LENGTH = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype) as object, 'byteLength')?.get as (this: unknown) => number;
const VIEW_BYTES = Object.getOwnPropertyDescriptor(DataView.prototype, 'buffer')?.get as (this: unknown) => ArrayBufferLike;
const VIEW_OFFSET = Object.getOwnPropertyDescriptor(DataView.prototype, 'byteOffset')?.get as (this: unknown) => number;
const VIEW_LENGTH = Object.getOwnPropertyDescriptor(DataView.prototype, 'byteLength')?.get as (this: unknown) => number;
const BUFFER_LENGTH = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength')?.get as (this: unknown) => number;
const MAP_SIZE = Object.getOwnPropertyDescriptor(Map.prototype, 'size')?.get as (this: unknown) => number;
const SET_SIZE = Object.getOwnPropertyDescriptor(Set.prototype, 'size')?.get as (this: unknown) => number;
const MAP_FOR_EACH = Map.prototype.forEach;
const SET_FOR_EACH = Set.prototype.forEach;
const DATE_TIME = Date.prototype.getTime;

/**
 * JavaScript's and Node's own prototypes: a prototype chain is followed up to one of them. What
 * user code hangs on them is a patch (runtime/patches.ts), counted by name, not watched here.
 */
let intrinsics: ReadonlySet<object> | undefined;

/**
 * JavaScript's own constructors, read by name from the global object (a fixed list: listing the
 * global object's every property reads Node's lazy ones, which on Node 24 loads net, http, tls…,
 * and would run the traps of a proxy a program keeps there).
 */
const INTRINSIC_CONSTRUCTORS = [
  'Object', 'Function', 'Array', 'String', 'Number', 'Boolean', 'Symbol', 'BigInt', 'Date', 'RegExp', 'Error',
  'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError', 'URIError', 'AggregateError',
  'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry', 'Promise', 'Proxy', 'ArrayBuffer',
  'SharedArrayBuffer', 'DataView', 'Uint8Array', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array',
  'Int32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array', 'Uint8ClampedArray',
];

function intrinsicPrototypes(): ReadonlySet<object> {
  if (intrinsics !== undefined) return intrinsics;
  const found = new Set<object>();
  const g = globalThis as unknown as Record<string, unknown>;
  for (const name of INTRINSIC_CONSTRUCTORS) {
    const d = Object.getOwnPropertyDescriptor(g, name);
    const value: unknown = d !== undefined && 'value' in d ? d.value : undefined;
    if (typeof value !== 'function' || types.isProxy(value)) continue;
    const proto = Object.getOwnPropertyDescriptor(value, 'prototype')?.value as unknown;
    // `Function.prototype` is itself a function.
    if ((typeof proto === 'object' && proto !== null) || typeof proto === 'function') found.add(proto);
    found.add(value);
  }
  found.add(Object.getPrototypeOf(Uint8Array.prototype) as object);
  found.add(Object.getPrototypeOf(Uint8Array) as object);
  found.add(Object.getPrototypeOf([][Symbol.iterator]()) as object);
  found.add(Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())) as object);
  found.add(Object.getPrototypeOf(async function () {}) as object);
  found.add(Object.getPrototypeOf(function* () {}) as object);
  found.add(Object.getPrototypeOf(async function* () {}) as object);
  found.add(Buffer.prototype);
  intrinsics = found;
  return found;
}

/** The bytes a typed array, DataView or ArrayBuffer holds now (a view, not a copy). */
function bytesOf(value: object): Uint8Array | undefined {
  if (types.isTypedArray(value)) return new Uint8Array(TYPED_BYTES.call(value), TYPED_OFFSET.call(value), TYPED_LENGTH.call(value));
  if (types.isDataView(value)) return new Uint8Array(VIEW_BYTES.call(value), VIEW_OFFSET.call(value), VIEW_LENGTH.call(value));
  if (types.isAnyArrayBuffer(value)) return new Uint8Array(value as ArrayBuffer, 0, BUFFER_LENGTH.call(value));
  return undefined;
}

function flags(d: PropertyDescriptor): number {
  return (d.writable === true ? 1 : 0) | (d.enumerable === true ? 2 : 0) | (d.configurable === true ? 4 : 0) | ('value' in d ? 8 : 0);
}

/**
 * Everything of `o` the walk may have read, flattened: prototype, extensibility, every own key
 * with its descriptor, a Map's or Set's entries, a Date's time. A typed array's elements are
 * compared as bytes (`bytes`), not listed here.
 */
function shapeOf(o: object, out: unknown[], light: boolean): void {
  const emit = (v: unknown): boolean => {
    out.push(v);
    return true;
  };
  if (light) lightShape(o as Function, emit);
  else visitShape(o, emit);
}

/** True when `o` shows the shape `expected` (shapeOf's), compared as it is read: no copy. */
function sameShape(o: object, expected: readonly unknown[], light: boolean): boolean {
  if (light) return sameLightShape(o as Function, expected);
  if (isLargeArray(o)) return sameLargeArray(o, expected);
  let at = 0;
  const emit = (v: unknown): boolean => at < expected.length && Object.is(v, expected[at++]);
  const complete = light ? lightShape(o as Function, emit) : visitShape(o, emit);
  return complete && at === expected.length;
}

/**
 * `lightShape`'s comparison written out for the usual function (no enumerable own member): a
 * memory hit checks one for every function its walk reached, so it reads four things and
 * allocates two empty lists. Any other function takes the general comparison.
 */
function sameLightShape(fn: Function, expected: readonly unknown[]): boolean {
  if (expected[1] !== 0 || expected[2] !== 0) {
    let at = 0;
    return lightShape(fn, (v) => at < expected.length && Object.is(v, expected[at++])) && at === expected.length;
  }
  if (Object.getPrototypeOf(fn) !== expected[0] || Object.keys(fn).length !== 0 || Object.getOwnPropertySymbols(fn).length !== 0) return false;
  const proto: unknown = Object.prototype.hasOwnProperty.call(fn, 'prototype') ? (fn as { prototype?: unknown }).prototype : ABSENT;
  if (proto !== expected[3]) return false;
  if (typeof proto !== 'object' || proto === null) return expected.length === 4;
  return expected.length === 6 && Object.keys(proto).length === expected[4] && Object.getPrototypeOf(proto) === expected[5];
}

/**
 * A plain function as graph/expand-function.ts reads it: its prototype (the parent it inherits
 * statics from), its enumerable own members, its `prototype` object and whether that holds
 * anything besides `constructor` (then the walk made it an entity, watched in full). A
 * function's `prototype` is a data property that cannot be redefined: read directly.
 */
function lightShape(fn: Function, emit: (v: unknown) => boolean): boolean {
  if (!emit(Object.getPrototypeOf(fn))) return false;
  const keys = Object.keys(fn);
  const symbols = Object.getOwnPropertySymbols(fn);
  if (!emit(keys.length) || !emit(symbols.length)) return false;
  for (const key of [...keys, ...symbols]) {
    const d = Reflect.getOwnPropertyDescriptor(fn, key);
    if (d === undefined) {
      if (!emit(key) || !emit(-1)) return false;
      continue;
    }
    if (!emit(key) || !emit(real(d.value)) || !emit(real(d.get)) || !emit(real(d.set)) || !emit(flags(d))) return false;
  }
  const proto: unknown = Object.prototype.hasOwnProperty.call(fn, 'prototype') ? (fn as { prototype?: unknown }).prototype : ABSENT;
  if (!emit(proto)) return false;
  // Methods hung on it (`Ctor.prototype.m = …`) are enumerable: counting those costs 60 ns where
  // listing every key cost 280 (a member defined non-enumerable later is not seen).
  return typeof proto !== 'object' || proto === null || (emit(Object.keys(proto).length) && emit(Object.getPrototypeOf(proto)));
}

/** An element as the shape holds it: a hole marked, a function seen through smartcache's patches. */
function elementAt(a: readonly unknown[], i: number): unknown {
  if (!(i in a)) return HOLE;
  const v = a[i];
  return typeof v === 'function' ? real(v) : v;
}

/** `visitShape`'s order for a large array (prototype, extensibility, length, elements), in one tight loop. */
function sameLargeArray(a: unknown[], expected: readonly unknown[]): boolean {
  const length = a.length;
  if (expected.length !== length + 3 || expected[0] !== Object.getPrototypeOf(a) || expected[1] !== Object.isExtensible(a) || expected[2] !== length) return false;
  for (let i = 0; i < length; i++) if (!Object.is(elementAt(a, i), expected[i + 3])) return false;
  return true;
}

/** The own keys every function may have. */
const STANDARD_FUNCTION_KEYS: ReadonlySet<string | symbol> = new Set(['length', 'name', 'prototype', 'arguments', 'caller']);

/** The functions' own keys the walk never reads by value (their text says them, or the stack). */
const FUNCTION_KEYS: ReadonlySet<string | symbol> = new Set(['length', 'name', 'arguments', 'caller']);

/**
 * Hands each part of `o`'s shape to `emit`, in a fixed order, until `emit` says stop (false);
 * true when every part was handed over. Nothing of the program runs: descriptors, never getters
 * (but a large array's elements, read directly).
 */
function visitShape(o: object, emit: (v: unknown) => boolean): boolean {
  if (!emit(Object.getPrototypeOf(o)) || !emit(Object.isExtensible(o))) return false;
  if (isLargeArray(o)) {
    // Element by element, without a key string and a descriptor each (a 100,000-element table
    // took ~50 ms a call that way). Its named properties are not watched.
    const length = o.length;
    if (!emit(length)) return false;
    for (let i = 0; i < length; i++) if (!emit(elementAt(o, i))) return false;
  } else if (!types.isTypedArray(o)) {
    // A typed array's indices are its bytes (compared as bytes, `viewed`); listing them as keys
    // would cost a string per element. Its named properties are not watched (README, "Limits").
    const keys = Reflect.ownKeys(o);
    if (!emit(keys.length)) return false;
    const fn = typeof o === 'function';
    for (const key of keys) {
      // A function's `length` and `name` come from its text; a sloppy function's own `arguments`
      // and `caller` are native accessors that look at the stack when read (1.7 µs each,
      // native-notes/scope-snapshots.md).
      if (fn && FUNCTION_KEYS.has(key)) {
        if (!emit(key)) return false;
        continue;
      }
      const d = Reflect.getOwnPropertyDescriptor(o, key);
      if (d === undefined) {
        if (!emit(key) || !emit(-1)) return false;
        continue;
      }
      if (!emit(key) || !emit(real(d.value)) || !emit(real(d.get)) || !emit(real(d.set)) || !emit(flags(d))) return false;
    }
  }
  if (types.isMap(o)) {
    if (!emit(MAP_SIZE.call(o))) return false;
    let same = true;
    MAP_FOR_EACH.call(o, (v: unknown, k: unknown) => {
      if (same) same = emit(k) && emit(v);
    });
    return same;
  }
  if (types.isSet(o)) {
    if (!emit(SET_SIZE.call(o))) return false;
    let same = true;
    SET_FOR_EACH.call(o, (v: unknown) => {
      if (same) same = emit(v);
    });
    return same;
  }
  if (types.isDate(o)) return emit(DATE_TIME.call(o));
  // A key, a header list, a hash kept inside Node (graph/node-state.ts): its digest.
  const hidden = hiddenStateDigest(o);
  return hidden === undefined || emit(hidden);
}

/** Arrays past this many elements are compared element by element, not key by key. */
const LARGE_ARRAY = 1000;
const HOLE = Symbol('hole');

function isLargeArray(o: object): o is unknown[] {
  return Array.isArray(o) && !types.isProxy(o) && Object.getPrototypeOf(o) === Array.prototype && (o as unknown[]).length > LARGE_ARRAY;
}

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** What a name reads as when nothing binds it any more. */
const ABSENT = Symbol('absent');

/**
 * A binding's value as a scope snapshot holds it, read without running anything: an accessor is
 * Node 24's way of showing a binding in its temporal dead zone, which the walk read as undefined.
 */
function bindingIn(object: Record<string, unknown>, name: string): { readonly value: unknown } | undefined {
  const d = Object.getOwnPropertyDescriptor(object, name);
  if (d === undefined) return undefined;
  return { value: 'value' in d ? d.value : undefined };
}

/** A binding of a scope snapshot as the watch reads it (for a proof check's readings). */
export function readScopeValue(object: Record<string, unknown>, name: string): unknown {
  const found = bindingIn(object, name);
  return found === undefined ? ABSENT : found.value;
}

/** The value a global name reads as (a getter by identity), without running it. */
function globalReading(name: string): unknown {
  for (let o: object | null = globalThis; o !== null; o = Object.getPrototypeOf(o) as object | null) {
    const d = Object.getOwnPropertyDescriptor(o, name);
    if (d !== undefined) return real('value' in d ? d.value : d.get);
  }
  return ABSENT;
}

/**
 * What a member holds, seen through smartcache's own patches (the clock and randomness while a
 * call is tracked, src/inputs): `Date.now` patched during a body is still `Date.now`.
 */
function real(value: unknown): unknown {
  return typeof value === 'function' ? (patchOriginal(value) ?? value) : value;
}

/** Objects, typed bytes and globals read, collected before their readings are taken. */
class ReadSet {
  readonly objects: object[] = [];
  readonly viewed: object[] = [];
  readonly globals: string[] = [];
  private readonly seen = new Set<object>();

  /** Plain functions, watched as the walk reads them (`lightShape`), not key by key. */
  readonly light = new Set<object>();

  /**
   * `start` and the prototypes above it up to JavaScript's or Node's own. `plainFunction`: start
   * is a function (not a class) the walk expanded as one (graph/expand-function.ts).
   */
  object(start: object, plainFunction = false): void {
    const stop = intrinsicPrototypes();
    // A function with members of its own beyond the standard ones is compared key by key.
    if (plainFunction && typeof start === 'function' && !this.seen.has(start) && !types.isProxy(start) && Reflect.ownKeys(start).every((k) => STANDARD_FUNCTION_KEYS.has(k))) {
      this.seen.add(start);
      this.objects.push(start);
      this.light.add(start);
      const parent = Object.getPrototypeOf(start) as object | null;
      if (parent !== null) this.object(parent);
      return;
    }
    for (let o: object | null = start; o !== null && !this.seen.has(o) && !stop.has(o); ) {
      this.seen.add(o);
      // A proxy runs code when listed; the walk reads its target and handler instead.
      if (types.isProxy(o)) return;
      if (bytesOf(o) !== undefined) this.viewed.push(o);
      // A frozen object's own properties and prototype can never change (a Map's, Set's or
      // Date's content can): nothing to compare (a large frozen table costs nothing a call).
      if (!Object.isFrozen(o) || types.isMap(o) || types.isSet(o) || types.isDate(o)) this.objects.push(o);
      // A function's prototype object holds its methods (the walk reads it as `.prototype`).
      if (typeof o === 'function') {
        const proto = Object.getOwnPropertyDescriptor(o, 'prototype')?.value as unknown;
        if (typeof proto === 'object' && proto !== null) this.object(proto);
      }
      o = Object.getPrototypeOf(o) as object | null;
    }
  }

  global(name: string): void {
    if (!this.globals.includes(name)) this.globals.push(name);
  }

  readonly privates: object[] = [];

  read(): EntityReads {
    const reads: EntityReads = { objects: this.objects, light: this.light, shapes: [], viewed: this.viewed, copies: [], globals: this.globals, globalValues: [], privates: this.privates, privateValues: [] };
    retakeReads(reads);
    return reads;
  }
}

/** The same objects and globals as `r`, read now. */
function readsNow(r: EntityReads): EntityReads {
  const copy: EntityReads = { ...r, shapes: [], copies: [], globalValues: [], privateValues: [] };
  retakeReads(copy);
  return copy;
}

function retakeReads(r: EntityReads): void {
  r.shapes = r.objects.map((o) => shapeNow(o, r.light.has(o)));
  r.copies = r.viewed.map((o) => Uint8Array.from(bytesOf(o) as Uint8Array));
  r.globalValues = r.globals.map(globalReading);
  r.privateValues = r.privates.map(privatesNow);
}

/** An object's `#private` fields, flattened name, value, … (through the inspector). */
function privatesNow(o: object): unknown[] {
  const runtime = require('./runtime') as typeof RuntimeLayer;
  try {
    return runtime.privateFields(o).flat();
  } catch {
    // Unreadable now: a marker no reading equals, so the watch says changed.
    return [Symbol('unreadable')];
  } finally {
    try {
      runtime.releaseObjects();
    } catch {
      // Only memory: the next walk releases the group again.
    }
  }
}

/**
 * While readings are taken for many entities at once (a watch over a whole graph, a retake), one
 * object's shape is taken once and shared: the object a hundred helpers read through
 * (`K.factor`, `mod.h1`) is then compared once per check (`readsHold`'s `verified`).
 */
let shapeBatch: Map<object, unknown[]>[] | undefined;

function inShapeBatch<T>(run: () => T): T {
  if (shapeBatch !== undefined) return run();
  shapeBatch = [new Map(), new Map()];
  try {
    return run();
  } finally {
    shapeBatch = undefined;
  }
}

function shapeNow(o: object, light: boolean): unknown[] {
  const batch = shapeBatch?.[light ? 1 : 0];
  const shared = batch?.get(o);
  if (shared !== undefined) return shared;
  const out: unknown[] = [];
  shapeOf(o, out, light);
  batch?.set(o, out);
  return out;
}

/**
 * `from`: the first object compared (1 leaves out a root function no code of its call can reach,
 * `Watch.ofGraph`). `verified`: objects already found, in this same check, to show the very
 * shape array expected here (shared by `shapeNow`): nothing ran since, so they still do.
 */
function readsHold(r: EntityReads, from = 0, verified?: Map<object, unknown[]>): boolean {
  for (let i = from; i < r.objects.length; i++) {
    const o = r.objects[i] as object;
    const expected = r.shapes[i] as unknown[];
    if (verified?.get(o) === expected) continue;
    if (!sameShape(o, expected, r.light.has(o))) return false;
    verified?.set(o, expected);
  }
  for (let i = 0; i < r.viewed.length; i++) {
    const now = bytesOf(r.viewed[i] as object) as Uint8Array;
    if (!Buffer.from(now.buffer, now.byteOffset, now.byteLength).equals(r.copies[i] as Uint8Array)) return false;
  }
  for (let i = 0; i < r.globals.length; i++) if (!Object.is(globalReading(r.globals[i] as string), r.globalValues[i])) return false;
  for (let i = 0; i < r.privates.length; i++) if (!sameList(privatesNow(r.privates[i] as object), r.privateValues[i] as unknown[])) return false;
  return true;
}

/** What the entity itself read, taken the first time a watch collects it (right after the walk that expanded it). */
function entityReads(e: Entity): EntityReads | undefined {
  if (e.reads !== undefined) return e.reads;
  const set = new ReadSet();
  if ((e.kind === 'value' || e.kind === 'module') && typeof e.identity === 'object') set.object(e.identity);
  if ((e.kind === 'function' || e.kind === 'class') && e.fn !== undefined) set.object(e.fn, e.kind === 'function');
  for (const edge of e.edges) if (edge.via !== undefined) for (const v of edge.via) if (typeof v === 'object' || typeof v === 'function') set.object(v);
  for (const name of e.watchedGlobals ?? []) set.global(name);
  for (const target of e.privateTargets ?? []) set.privates.push(target);
  if (set.objects.length === 0 && set.globals.length === 0 && set.privates.length === 0) return undefined;
  e.reads = set.read();
  return e.reads;
}

const NO_BINDINGS: readonly BindingReads[] = [];

/** An identifier as a word of source text (`$` and `_` are word characters there). */
function wordCount(text: string, word: string): number {
  const escaped = word.replace(/[$]/g, '\\$');
  return text.match(new RegExp(`(?<![\\w$])${escaped}(?![\\w$])`, 'g'))?.length ?? 0;
}

/**
 * The function's text uses its own name past its header (`f.factor` inside `function f`): the
 * walk counts such a use as the function itself, with no edge, so only the text can tell. Any
 * other occurrence of the word (a string, a comment) answers yes too.
 */
function namesItself(fn: Function, text: string): boolean {
  const names = new Set<string>();
  const declared = Object.getOwnPropertyDescriptor(fn, 'name')?.value as unknown;
  if (typeof declared === 'string') names.add(declared);
  const header = /^\s*(?:async\s+)?function\s*\*?\s*([\w$]+)/.exec(text);
  if (header?.[1] !== undefined) names.add(header[1]);
  for (const name of names) {
    if (!/^[\w$]+$/.test(name)) {
      // A computed or symbol-named method: its text may name it in ways a word search misses.
      if (name !== '') return true;
      continue;
    }
    const headed = header?.[1] === name || new RegExp(`^\\s*(?:(?:async|static|get|set)\\s+|\\*\\s*)*${name.replace(/[$]/g, '\\$')}\\s*\\(`).test(text);
    if (wordCount(text, name) > (headed ? 1 : 0)) return true;
  }
  return false;
}

/** Words by which code can get hold of the function that is running, or of its caller, without naming it (a CallSite's `getFunction`, `getThis`). */
const SELF_REACH = /\b(?:arguments|caller|callee|getFunction|getThis)\b/;
const THIS_WORDS = /\b(?:this|super)\b/;

/**
 * An ordinary function of strict code (own `prototype`, no own `caller`/`arguments`): the stack
 * never hands it out (V8 censors strict frames: `helper.caller` is null, a CallSite's
 * `getFunction()` undefined, `arguments.callee` throws). Arrows, methods and async functions do
 * not show their strictness this way: they keep the full comparison.
 */
function strictOrdinary(fn: Function): boolean {
  const has = (key: string): boolean => Object.prototype.hasOwnProperty.call(fn, key);
  return has('prototype') && !has('caller') && !has('arguments') && !types.isGeneratorFunction(fn) && !types.isAsyncFunction(fn);
}

/**
 * True when nothing the root function's call can run holds the root function object itself, so
 * what hangs on it (members, its `prototype`'s keys, its [[Prototype]]) cannot change its result
 * and need not be compared on every call: a memory hit of a function that reaches nothing then
 * checks nothing (bench/cache.js, warm hit). The root must be a strict ordinary function (the
 * stack never hands out a strict function: red team 10 reached a sloppy one through a CallSite's
 * `getFunction()`), whose text uses neither its own name nor `this`/`super` (a holder of it); the
 * graph must not lead back to it (a module object that exports it); and no reached text may say
 * `arguments`, `caller`, `callee`, `getFunction` or `getThis` (searched as words: any use at all
 * keeps the full check). Other functions' watches that reach this function still compare it.
 */
function rootMembersUnobservable(root: Entity, reached: ReadonlySet<Entity>): boolean {
  if (root.kind !== 'function' || root.fn === undefined || types.isProxy(root.fn) || !strictOrdinary(root.fn)) return false;
  let own: string;
  try {
    own = Function.prototype.toString.call(root.fn);
  } catch {
    return false;
  }
  // `this` may be an object that holds the function (`holder.run = cache(impl)`, `this.target`).
  if (namesItself(root.fn, own) || THIS_WORDS.test(own)) return false;
  for (const e of reached) {
    if (e.fn === undefined) continue;
    let text: string;
    try {
      text = Function.prototype.toString.call(e.fn);
    } catch {
      return false;
    }
    if (SELF_REACH.test(text)) return false;
  }
  return true;
}

/** Which watched entities no longer read as expected, with the names of their bindings that changed. */
export type Changes = Map<Entity, string[]>;

export class Watch {
  /** Entities of the graph that read something that can change, and their expansion when collected. */
  private readonly entities: Array<{ readonly e: Entity; readonly generation: number; readonly skipOwn: boolean }> = [];
  /** A proof's readings: no entity (./proof/check.ts). */
  private readonly loose = new ReadSet();
  private looseReads: EntityReads | undefined;
  private readonly bindings: BindingReads[] = [];
  /** The call (fingerprint moment) this watch was last found to hold in. */
  checkedIn: number | undefined;
  /** Found not to hold: its memo is walked again and this watch is done. */
  broken = false;

  /** The graph watched (undefined for a proof's readings). */
  root: Entity | undefined;

  /**
   * A watch over everything the graph under `root` read. `before`: the watch of the memo this
   * walk replaces; what it took as its function's own doing (`retake`) stays so for the readings
   * this walk did not take again (an entity expanded again has new readings).
   */
  static ofGraph(root: Entity, before?: Watch): Watch {
    const w = new Watch();
    w.root = root;
    if (before !== undefined) {
      for (const [reads, copy] of before.accepted) w.accepted.set(reads, copy);
      for (const [reads, values] of before.acceptedValues) w.acceptedValues.set(reads, values);
    }
    const seen = new Set<Entity>();
    const stack: Entity[] = [root];
    let reachedAgain = false;
    for (let e = stack.pop(); e !== undefined; e = stack.pop()) {
      if (seen.has(e)) continue;
      seen.add(e);
      for (const edge of e.edges) {
        if (edge.target === root) reachedAgain = true;
        stack.push(edge.target);
      }
    }
    inShapeBatch(() => {
      for (const e of seen) w.addEntity(e, root, reachedAgain, seen);
    });
    return w;
  }

  /** Lists `e` with what this watch compares of it (`Watch.ofGraph`). */
  private addEntity(e: Entity, root: Entity, reachedAgain: boolean, seen: ReadonlySet<Entity>): void {
    const reads = entityReads(e);
    if (reads === undefined && e.watchedBindings === undefined) return;
    // The root function object, read as a plain function (its first reading) and through no
    // member path of the root's own edges (`alias.factor`): not compared by this watch. Other
    // functions' watches that reach it compare it still.
    const own = e.fn;
    const skipOwn =
      e === root && own !== undefined && !reachedAgain && reads !== undefined && reads.objects[0] === own && reads.light.has(own) && !e.edges.some((edge) => edge.via?.includes(own) === true) && rootMembersUnobservable(root, seen);
    // Nothing else to compare for it: not listed at all (a function that reaches nothing then
    // checks nothing on a memory hit).
    if (skipOwn && e.watchedBindings === undefined && (reads as EntityReads).objects.length === 1 && (reads as EntityReads).viewed.length === 0 && (reads as EntityReads).globals.length === 0 && (reads as EntityReads).privates.length === 0) return;
    this.entities.push({ e, generation: e.generation ?? 0, skipOwn });
  }

  /** Empty: a proof check adds what it read (`object`, `graph`, `bind`, `global`), then `take`s. */
  static empty(): Watch {
    return new Watch();
  }

  get size(): number {
    return this.entities.length + this.bindings.length + this.loose.objects.length + this.loose.globals.length;
  }

  /** `plainFunction`: `o` is a function (not a class) read as the walk reads one. */
  object(o: object, plainFunction = false): void {
    this.loose.object(o, plainFunction);
  }

  /** The objects of a proof's data graph. */
  graph(root: Entity): void {
    const seen = new Set<Entity>();
    const stack: Entity[] = [root];
    for (let e = stack.pop(); e !== undefined; e = stack.pop()) {
      if (seen.has(e)) continue;
      seen.add(e);
      if (typeof e.identity === 'object') this.loose.object(e.identity);
      for (const edge of e.edges) stack.push(edge.target);
    }
  }

  bind(reads: BindingReads): void {
    this.bindings.push(reads);
  }

  global(name: string): void {
    this.loose.global(name);
  }

  /** A proof check's readings, taken once everything is added. */
  take(): void {
    this.looseReads = this.loose.read();
  }

  /**
   * Takes every reading anew: what is there now is what later calls must find (a computing
   * call returned: what its body changed is its own doing).
   */
  retake(since: number): void {
    if (this.looseReads !== undefined) retakeReads(this.looseReads);
    // An entity expanded during the body holds what the body had set then, which the body may
    // have changed back since: it keeps its readings, and the next call compares them.
    const before = (e: Entity): boolean => (e.expandedAt ?? 0) <= since;
    // This watch's own copy: entities are shared with other functions' graphs, whose watches
    // must still see what this body changed (their fingerprints never counted it).
    inShapeBatch(() => {
      for (const { e } of this.entities) if (e.reads !== undefined && before(e)) this.accepted.set(e.reads, readsNow(e.reads));
    });
    const all = this.allBindings().filter((b) => {
      const owner = this.bindingOwner.get(b);
      return owner === undefined || before(owner);
    });
    if (all.length === 0) return;
    const now = readBindings(all);
    if (now === undefined) return;
    all.forEach((b, i) => this.acceptedValues.set(b, now[i] as unknown[]));
  }

  /** Readings this watch took as expected after its function's body (`retake`), by what they replace. */
  private readonly accepted = new Map<EntityReads, EntityReads>();
  private readonly acceptedValues = new Map<BindingReads, readonly unknown[]>();

  /**
   * What no longer reads as expected: undefined when everything does; else the entities to
   * expand again (`loose` when a proof's readings changed: only a walk can say more).
   */
  changes(fresh?: ReadonlySet<Entity>): { readonly entities: Changes; readonly loose: boolean } | undefined {
    if (this.broken) return { entities: new Map(), loose: true };
    let changed: Changes | undefined;
    const verified = new Map<object, unknown[]>();
    let loose = this.looseReads !== undefined && !readsHold(this.looseReads, 0, verified);
    const list = this.entities;
    for (let i = 0; i < list.length; i++) {
      const { e, generation, skipOwn } = list[i] as { readonly e: Entity; readonly generation: number; readonly skipOwn: boolean };
      if (fresh !== undefined && fresh.has(e)) continue;
      // Expanded again since (by another function's call): its content may be another.
      if ((e.generation ?? 0) !== generation || (e.reads !== undefined && !readsHold(this.accepted.get(e.reads) ?? e.reads, skipOwn ? 1 : 0, verified))) (changed ??= new Map()).set(e, []);
    }
    const entities: Changes = changed ?? new Map();
    const all = this.hasBindings ? this.allBindings(fresh) : NO_BINDINGS;
    if (all.length > 0) {
      const now = readBindings(all);
      all.forEach((b, i) => {
        const read = now?.[i];
        const expected = this.acceptedValues.get(b) ?? b.values;
        const names = b.names.filter((name, j) => read === undefined || !Object.is(read[j], expected[j]));
        if (names.length === 0) return;
        const owner = this.bindingOwner.get(b);
        if (owner === undefined) loose = true;
        else entities.set(owner, [...(entities.get(owner) ?? []), ...names]);
      });
    }
    if (!loose && entities.size === 0 && changed === undefined) return undefined;
    this.broken = true;
    return { entities, loose };
  }

  private readonly bindingOwner = new Map<BindingReads, Entity>();

  /** Any binding to read again (through the inspector): known once the entities are collected. */
  private get hasBindings(): boolean {
    if (this.bindings.length > 0) return true;
    return (this.anyEntityBindings ??= this.entities.some(({ e }) => (e.watchedBindings?.length ?? 0) > 0));
  }

  private anyEntityBindings: boolean | undefined;

  /** Every binding watched, but those of `fresh` entities (expanded just now: read just now). */
  private allBindings(fresh?: ReadonlySet<Entity>): BindingReads[] {
    const all = [...this.bindings];
    for (const { e } of this.entities) {
      if (fresh?.has(e) === true) continue;
      for (const b of e.watchedBindings ?? []) {
        this.bindingOwner.set(b, e);
        all.push(b);
      }
    }
    return all;
  }
}

/**
 * Every binding of `list` as it reads now; undefined when the inspector cannot say. Each scope
 * snapshot is read again through the function whose description gave it (one description per
 * such function, all in one batch), at the same place in its `[[Scopes]]`.
 */
function readBindings(list: readonly BindingReads[]): unknown[][] | undefined {
  const runtime = require('./runtime') as typeof RuntimeLayer;
  try {
    const owners = list.map((b) => runtime.scopeOwner(b.scope));
    if (owners.some((o) => o === undefined)) return undefined;
    const details = runtime.describeFunctions([...new Set(owners.map((o) => (o as { fn: Function }).fn))]);
    return list.map((b, i) => {
      const owner = owners[i] as { readonly fn: Function; readonly index: number };
      const scope = details.get(owner.fn)?.scopes[owner.index];
      return b.names.map((name) => {
        const found = scope === undefined ? undefined : bindingIn(scope.object, name);
        return found === undefined ? ABSENT : found.value;
      });
    });
  } catch {
    return undefined;
  } finally {
    try {
      runtime.releaseObjects();
    } catch {
      // Only memory: the next walk releases the group again.
    }
  }
}
