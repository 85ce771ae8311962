/**
 * Data reached by reference: plain objects, arrays, Map, Set, dates, bytes, instances, module
 * objects. Content counts deeply (functions inside by their own fingerprint); key order counts
 * too, since code may iterate it. No getter of user code is ever called: an accessor counts by
 * its getter's code.
 */
import { sha256 } from '../../hash';
import { types } from 'node:util';
import { builtinName } from '../runtime';
import { instanceEdges } from './expand-class';
import { sharedBacking, addDynamic, addEdge, exactText, isObjectLike, keyLabel, leaf, ownData, type Entity } from './entity';
import type { Builder } from './builder';
import { isNamespace, namedOwnKeys, promiseParts, proxyParts } from '../runtime';
import type { ModuleInfo } from '../runtime';
import { isClassPrototype } from './member-path';
import { pathEdges } from './references';
import { isHiddenKey } from '../../registry';

/** Own members as edges; `skip` leaves out keys the caller encoded itself; `keys`: the keys when the caller listed them. */
/**
 * A property's attributes when they are not an ordinary assignment's (enumerable, writable,
 * configurable): `Object.defineProperty` or `Object.freeze` changes what `Object.keys`,
 * `JSON.stringify` or an assignment do with the same key and value.
 */
function attributeMark(d: PropertyDescriptor): string {
  const off = `${d.enumerable === true ? '' : 'e'}${'value' in d && d.writable !== true ? 'w' : ''}${d.configurable === true ? '' : 'c'}`;
  return off === '' ? '' : ` [not ${off}]`;
}

/** `Object.freeze`, `seal` or `preventExtensions` on the value itself (what assignments to it then do). */
export function integrityMark(value: object): string {
  if (Object.isExtensible(value)) return '';
  if (Object.isFrozen(value)) return ':frozen';
  return Object.isSealed(value) ? ':sealed' : ':closed';
}

function memberEdges(
  b: Builder,
  e: Entity,
  value: object,
  skip?: (key: string | symbol) => boolean,
  keys: readonly (string | symbol)[] = Reflect.ownKeys(value),
  attributes = true,
): void {
  for (const key of keys) {
    if (skip?.(key) === true || isHiddenKey(key)) continue;
    let d: PropertyDescriptor | undefined;
    try {
      d = Reflect.getOwnPropertyDescriptor(value, key);
    } catch {
      // An ES module binding still in its temporal dead zone.
      e.unsettled = true;
      addEdge(e, keyLabel(key), leaf('dynamic', keyLabel(key), 'unsettled'));
      continue;
    }
    if (d === undefined) continue;
    // Keys can be paths too (a table keyed by file): never an absolute path in a label.
    const label = `${keyLabel(typeof key === 'string' ? b.relativize(key) : key)}${attributes ? attributeMark(d) : ''}`;
    if ('value' in d) {
      const v: unknown = d.value;
      // The prototype's back-pointer to its own constructor is not content.
      if (key === 'constructor' && typeof v === 'function' && ownData(v, 'prototype') === value) continue;
      addEdge(e, label, b.entityOf(v, value), key);
    } else {
      if (d.get !== undefined) addEdge(e, `${label} (get)`, b.functionEntity(d.get, value), key);
      if (d.set !== undefined) addEdge(e, `${label} (set)`, b.functionEntity(d.set, value), key);
    }
  }
}

function isStackTrace(value: unknown): boolean {
  return typeof value === 'string' && /\n\s+at /.test(value);
}

/** Past this many elements a typed array's extra members are listed by the inspector, not by listing every index. */
const INDEX_SCAN_LIMIT = 2048;

/**
 * The own keys of a large typed array other than its indices (their bytes are its content,
 * hashed at once): `Reflect.ownKeys` would list every index as a string (~0.8 s for a million
 * elements, ~10 s for 12.5 million); the inspector lists the others alone. Undefined: list them
 * all (small arrays, other objects).
 */
function namedKeysOfLargeArray(value: object): Array<string | symbol> | undefined {
  if (!types.isTypedArray(value) || (typedCount.call(value) as number) <= INDEX_SCAN_LIMIT) return undefined;
  return [...namedOwnKeys(value), ...Object.getOwnPropertySymbols(value)];
}

function isIndex(key: string | symbol): boolean {
  return typeof key === 'string' && /^(0|[1-9]\d*)$/.test(key);
}

/** An intrinsic getter, called directly so a subclass's override (user code) never runs. */
function intrinsic(proto: object, key: string): (this: unknown) => unknown {
  const get = Object.getOwnPropertyDescriptor(proto, key)?.get;
  if (get === undefined) throw new Error(`no intrinsic getter ${key}`);
  return get as (this: unknown) => unknown;
}

const TYPED_ARRAY_PROTO = Object.getPrototypeOf(Uint8Array.prototype) as object;
const typedBuffer = intrinsic(TYPED_ARRAY_PROTO, 'buffer');
const typedOffset = intrinsic(TYPED_ARRAY_PROTO, 'byteOffset');
const typedLength = intrinsic(TYPED_ARRAY_PROTO, 'byteLength');
const typedCount = intrinsic(TYPED_ARRAY_PROTO, 'length');
const viewBuffer = intrinsic(DataView.prototype, 'buffer');
const viewOffset = intrinsic(DataView.prototype, 'byteOffset');
const viewLength = intrinsic(DataView.prototype, 'byteLength');
const mapSize = intrinsic(Map.prototype, 'size');
const setSize = intrinsic(Set.prototype, 'size');
const regexpSource = intrinsic(RegExp.prototype, 'source');
const regexpFlags = intrinsic(RegExp.prototype, 'flags');

function bytesOf(value: object): Uint8Array {
  if (types.isTypedArray(value)) {
    return new Uint8Array(typedBuffer.call(value) as ArrayBuffer, typedOffset.call(value) as number, typedLength.call(value) as number);
  }
  if (types.isDataView(value)) {
    return new Uint8Array(viewBuffer.call(value) as ArrayBuffer, viewOffset.call(value) as number, viewLength.call(value) as number);
  }
  return new Uint8Array(value as ArrayBuffer);
}

/** Exact, unambiguous text of a primitive Map key or boxed value: `"a"`, `1`, `1n`. */
function keyText(b: Builder, key: unknown): string {
  return typeof key === 'string' ? JSON.stringify(b.relativize(key)) : exactText(key);
}

function mapEdges(b: Builder, e: Entity, map: Map<unknown, unknown>): void {
  let i = 0;
  for (const [k, v] of Map.prototype.entries.call(map) as IterableIterator<[unknown, unknown]>) {
    if (isObjectLike(k)) {
      addEdge(e, `key#${i}`, b.entityOf(k));
      addEdge(e, `value#${i}`, b.entityOf(v));
    } else addEdge(e, `get(${keyText(b, k)})`, b.entityOf(v), k);
    i++;
  }
}

function setEdges(b: Builder, e: Entity, set: Set<unknown>): void {
  let i = 0;
  for (const v of Set.prototype.values.call(set) as IterableIterator<unknown>) addEdge(e, `#${i++}`, b.entityOf(v));
}

function tagOf(value: object): string {
  return Object.prototype.toString.call(value).slice(8, -1);
}

function boxedValue(value: object): unknown {
  if (types.isNumberObject(value)) return Number.prototype.valueOf.call(value);
  if (types.isStringObject(value)) return String.prototype.valueOf.call(value);
  if (types.isBooleanObject(value)) return Boolean.prototype.valueOf.call(value);
  if (types.isBigIntObject(value)) return BigInt.prototype.valueOf.call(value);
  if (types.isSymbolObject(value)) return Symbol.prototype.valueOf.call(value);
  return undefined;
}

/** Built-in types whose content is not in own properties. Returns false for ordinary objects. */
function specialContent(b: Builder, e: Entity, value: object): boolean {
  if (types.isMap(value)) {
    const size = mapSize.call(value) as number;
    e.own = `map:${size}`;
    e.preview = `Map(${size})`;
    mapEdges(b, e, value as Map<unknown, unknown>);
  } else if (types.isSet(value)) {
    const size = setSize.call(value) as number;
    e.own = `set:${size}`;
    e.preview = `Set(${size})`;
    setEdges(b, e, value as Set<unknown>);
  } else if (types.isDate(value)) {
    const time = Date.prototype.getTime.call(value);
    e.own = `date:${time}`;
    e.preview = Number.isNaN(time) ? 'Invalid Date' : new Date(time).toISOString();
  } else if (types.isRegExp(value)) {
    const source = String(regexpSource.call(value));
    const flags = String(regexpFlags.call(value));
    e.own = `regexp:${JSON.stringify(source)}/${flags}`;
    e.preview = `/${source}/${flags}`;
  } else if (types.isBoxedPrimitive(value)) {
    e.own = `boxed:${keyText(b, boxedValue(value))}`;
  } else if (ArrayBuffer.isView(value) || types.isAnyArrayBuffer(value)) {
    const bytes = bytesOf(value);
    e.own = `bytes:${tagOf(value)}:${sha256(bytes)}`;
    e.preview = `${tagOf(value)}(${bytes.byteLength})`;
    const backing = sharedBacking(value);
    if (backing !== undefined) e.shares = backing;
  } else if (types.isPromise(value)) {
    // A module-level promise (config loaded at start): what it settled with counts. Still
    // pending: the fingerprint is rebuilt on each request until it settles.
    const { state, result } = promiseParts(value);
    e.own = `promise:${state}`;
    e.preview = `Promise {${state}}`;
    if (state === 'fulfilled' || state === 'rejected') addEdge(e, state === 'fulfilled' ? '(value)' : '(reason)', b.entityOf(result));
    else e.unsettled = e.waiting = true;
  } else if (types.isWeakMap(value) || types.isWeakSet(value) || types.isGeneratorObject(value) || tagOf(value) === 'WeakRef' || tagOf(value) === 'FinalizationRegistry') {
    // State nobody can enumerate without running it or depending on the garbage collector:
    // counts by type only, and says so.
    e.own = `opaque:${tagOf(value)}`;
    e.preview = tagOf(value);
    addDynamic(e, `a ${tagOf(value)} is opaque: a change to what it holds is not seen`);
    if (types.isWeakMap(value) || types.isWeakSet(value)) e.weak = value as WeakMap<object, unknown> | WeakSet<object>;
  } else {
    return false;
  }
  e.name = tagOf(value);
  return true;
}

function expandProxy(b: Builder, e: Entity, value: object): void {
  e.name = 'Proxy';
  e.own = 'proxy';
  e.preview = 'Proxy';
  const { target, handler } = proxyParts(value);
  addEdge(e, '[[Target]]', b.entityOf(target));
  addEdge(e, '[[Handler]]', b.entityOf(handler));
}

/** An object reached as a value (not a module): its content, deeply. */
export function expandObject(b: Builder, e: Entity, value: object): void {
  e.kind = 'value';
  if (types.isProxy(value)) {
    expandProxy(b, e, value);
    return;
  }
  const proto = Object.getPrototypeOf(value) as object | null;
  const ctor: unknown = proto === null ? undefined : ownData(proto, 'constructor');
  const userSubclass = proto !== null && !types.isProxy(proto) && builtinName(proto) === undefined && typeof ctor === 'function' && isClassPrototype(proto);
  if (specialContent(b, e, value)) {
    if (userSubclass) addEdge(e, 'constructor', b.entityOf(ctor));
    memberEdges(b, e, value, isIndex, namedKeysOfLargeArray(value));
    return;
  }
  if (Array.isArray(value)) {
    e.name = 'Array';
    e.own = `array:${value.length}${integrityMark(value)}`;
    e.preview = `[…${value.length}]`;
    if (userSubclass) addEdge(e, 'constructor', b.entityOf(ctor));
    memberEdges(b, e, value, (k) => k === 'length');
    return;
  }
  // A stack trace holds absolute paths and line numbers of the call that made the error.
  const skip = (k: string | symbol): boolean => k === 'stack' && isStackTrace(ownData(value, 'stack'));
  if (proto === Object.prototype || proto === null) {
    e.name = 'Object';
    e.own = `${proto === null ? 'object:null' : 'object'}${integrityMark(value)}`;
    e.preview = '{…}';
  } else if (typeof ctor === 'function' && proto !== null && !types.isProxy(proto) && isClassPrototype(proto)) {
    instanceEdges(b, e, value, ctor);
  } else {
    e.name = 'Object';
    e.own = `object:proto${integrityMark(value)}`;
    e.preview = '{…}';
    addEdge(e, '[[Prototype]]', b.entityOf(proto));
  }
  memberEdges(b, e, value, skip);
}

/** Display only: `explain` turns `file` into a project-relative location when asked. */
function describeModule(e: Entity, info: ModuleInfo | undefined): void {
  e.kind = info?.kind === 'json' ? 'json' : 'module';
  e.name = info === undefined ? 'ES module' : 'module';
  if (info !== undefined) e.file = info.file;
}

/** A module object used as a whole: every member counts (JSON modules: their content). */
export function expandModule(b: Builder, e: Entity, value: object, info: ModuleInfo | undefined): void {
  if (info?.kind === 'json') {
    expandObject(b, e, value);
    describeModule(e, info);
    e.own = `json:${e.own}`;
    return;
  }
  describeModule(e, info);
  if (typeof value === 'function') {
    // `module.exports = function ...`: the function is the module.
    e.own = 'module:function';
    addEdge(e, 'module.exports', b.functionEntity(value));
    return;
  }
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto !== Object.prototype && proto !== null && !isNamespace(value)) {
    // `module.exports = new Svc()` (or a Map, an array, an `Object.create(proto)`): the exports
    // object is a value like any other, its class or prototype included. Own members alone
    // missed an edit of the class's methods (issue 13).
    expandObject(b, e, value);
    describeModule(e, info);
    e.own = `module:${e.own}`;
    return;
  }
  e.own = 'module';
  // A module's members count by key and value (Babel's exports are getters that cannot be
  // reconfigured, an ES namespace is its own kind of object): their attributes say nothing.
  memberEdges(b, e, value, undefined, undefined, false);
}

/** A module object of which only some members are used (`utils.inner`): those members count. */
export function moduleView(b: Builder, e: Entity, value: object, paths: ReadonlyArray<ReadonlyArray<string>>, info: ModuleInfo | undefined): void {
  describeModule(e, info);
  e.own = 'module:members';
  pathEdges(b, e, value, paths, (p, depth) => (depth === 0 ? '(whole)' : p.slice(0, depth).join('.')));
}
