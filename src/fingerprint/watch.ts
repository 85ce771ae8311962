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
import type * as RuntimeLayer from './runtime';
import type * as GraphLayer from './graph';

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

function intrinsicPrototypes(): ReadonlySet<object> {
  if (intrinsics !== undefined) return intrinsics;
  const found = new Set<object>();
  const g = globalThis as unknown as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(g)) {
    const d = Object.getOwnPropertyDescriptor(g, name);
    const value: unknown = d !== undefined && 'value' in d ? d.value : undefined;
    if (typeof value !== 'function') continue;
    const proto = Object.getOwnPropertyDescriptor(value, 'prototype')?.value as unknown;
    if (typeof proto === 'object' && proto !== null) found.add(proto);
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
function shapeOf(o: object, out: unknown[]): void {
  out.push(Object.getPrototypeOf(o), Object.isExtensible(o));
  // A typed array's indices are its bytes (compared as bytes); listing them as keys would cost
  // a string per element. Its named properties are not watched (README, "Limits").
  if (isLargeArray(o)) {
    // Element by element, without a key string and a descriptor each (a 100,000-element table
    // took ~50 ms a call that way). Its named properties are not watched.
    const length = o.length;
    out.push(length);
    for (let i = 0; i < length; i++) out.push(i in o ? real(o[i]) : HOLE);
  } else if (!types.isTypedArray(o)) {
    const keys = Reflect.ownKeys(o);
    out.push(keys.length);
    const fn = typeof o === 'function';
    for (const key of keys) {
      // A sloppy function's own `arguments` and `caller` are native accessors that walk the stack
      // when read (~15 µs each): what a call is doing now, never the function's content.
      if (fn && (key === 'arguments' || key === 'caller')) {
        out.push(key);
        continue;
      }
      const d = Reflect.getOwnPropertyDescriptor(o, key);
      if (d === undefined) {
        out.push(key, undefined, undefined, undefined, -1);
        continue;
      }
      out.push(key, real(d.value), real(d.get), real(d.set), flags(d));
    }
  }
  if (types.isMap(o)) {
    out.push(MAP_SIZE.call(o));
    MAP_FOR_EACH.call(o, (v: unknown, k: unknown) => out.push(k, v));
  } else if (types.isSet(o)) {
    out.push(SET_SIZE.call(o));
    SET_FOR_EACH.call(o, (v: unknown) => out.push(v));
  } else if (types.isDate(o)) {
    out.push(DATE_TIME.call(o));
  }
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

  /** `start` and the prototypes above it up to JavaScript's or Node's own. */
  object(start: object): void {
    const stop = intrinsicPrototypes();
    for (let o: object | null = start; o !== null && !this.seen.has(o) && !stop.has(o); ) {
      this.seen.add(o);
      // A proxy runs code when listed; the walk reads its target and handler instead.
      if (types.isProxy(o)) return;
      if (bytesOf(o) !== undefined) this.viewed.push(o);
      this.objects.push(o);
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
    const reads: EntityReads = { objects: this.objects, shapes: [], viewed: this.viewed, copies: [], globals: this.globals, globalValues: [], privates: this.privates, privateValues: [] };
    retakeReads(reads);
    return reads;
  }
}

function retakeReads(r: EntityReads): void {
  r.shapes = r.objects.map(shapeNow);
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

function shapeNow(o: object): unknown[] {
  const out: unknown[] = [];
  shapeOf(o, out);
  return out;
}

function readsHold(r: EntityReads): boolean {
  for (let i = 0; i < r.objects.length; i++) if (!sameList(shapeNow(r.objects[i] as object), r.shapes[i] as unknown[])) return false;
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
  if ((e.kind === 'function' || e.kind === 'class') && e.fn !== undefined) set.object(e.fn);
  for (const edge of e.edges) if (edge.via !== undefined) for (const v of edge.via) if (typeof v === 'object' || typeof v === 'function') set.object(v);
  for (const name of e.watchedGlobals ?? []) set.global(name);
  for (const target of e.privateTargets ?? []) set.privates.push(target);
  if (set.objects.length === 0 && set.globals.length === 0 && set.privates.length === 0) return undefined;
  e.reads = set.read();
  return e.reads;
}

/** Which watched entities no longer read as expected, with the names of their bindings that changed. */
export type Changes = Map<Entity, string[]>;

export class Watch {
  /** Entities of the graph that read something that can change, and their expansion when collected. */
  private readonly entities: Array<{ readonly e: Entity; readonly generation: number }> = [];
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

  /** A watch over everything the graph under `root` read. */
  static ofGraph(root: Entity): Watch {
    const w = new Watch();
    w.root = root;
    const seen = new Set<Entity>();
    const stack: Entity[] = [root];
    for (let e = stack.pop(); e !== undefined; e = stack.pop()) {
      if (seen.has(e)) continue;
      seen.add(e);
      if (entityReads(e) !== undefined || e.watchedBindings !== undefined) w.entities.push({ e, generation: e.generation ?? 0 });
      for (const edge of e.edges) stack.push(edge.target);
    }
    return w;
  }

  /** Empty: a proof check adds what it read (`object`, `graph`, `bind`, `global`), then `take`s. */
  static empty(): Watch {
    return new Watch();
  }

  get size(): number {
    return this.entities.length + this.bindings.length + this.loose.objects.length + this.loose.globals.length;
  }

  object(o: object): void {
    this.loose.object(o);
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
    for (const { e } of this.entities) if (e.reads !== undefined && before(e)) retakeReads(e.reads);
    const all = this.allBindings().filter((b) => {
      const owner = this.bindingOwner.get(b);
      return owner === undefined || before(owner);
    });
    if (all.length === 0) return;
    const now = readBindings(all);
    if (now === undefined) return;
    all.forEach((b, i) => {
      const read = now[i] as unknown[];
      const owner = this.bindingOwner.get(b);
      if (owner !== undefined) {
        b.names.forEach((name, j) => {
          if (b.values[j] === undefined && read[j] !== undefined) (require('./graph') as typeof GraphLayer).keepUndefined(owner, name);
        });
      }
      b.values.splice(0, b.values.length, ...read);
    });
  }

  /**
   * What no longer reads as expected: undefined when everything does; else the entities to
   * expand again (`loose` when a proof's readings changed: only a walk can say more).
   */
  changes(fresh?: ReadonlySet<Entity>): { readonly entities: Changes; readonly loose: boolean } | undefined {
    if (this.broken) return { entities: new Map(), loose: true };
    const entities: Changes = new Map();
    let loose = this.looseReads !== undefined && !readsHold(this.looseReads);
    for (const { e, generation } of this.entities) {
      if (fresh?.has(e) === true) continue;
      // Expanded again since (by another function's call): its content may be another.
      if ((e.generation ?? 0) !== generation || (e.reads !== undefined && !readsHold(e.reads))) entities.set(e, []);
    }
    const all = this.allBindings(fresh);
    if (all.length > 0) {
      const now = readBindings(all);
      all.forEach((b, i) => {
        const read = now?.[i];
        const names = b.names.filter((name, j) => read === undefined || !Object.is(read[j], b.values[j]));
        if (names.length === 0) return;
        const owner = this.bindingOwner.get(b);
        if (owner === undefined) loose = true;
        else entities.set(owner, [...(entities.get(owner) ?? []), ...names]);
      });
    }
    if (!loose && entities.size === 0) return undefined;
    this.broken = true;
    return { entities, loose };
  }

  private readonly bindingOwner = new Map<BindingReads, Entity>();

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
