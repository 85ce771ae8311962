import { types } from 'node:util';
import { SmartCacheError, describeError } from '../errors';
import { isNativeFunction, privatePairs, SOURCE_KEYS, type KeyContext } from './function-hash';
import { Sink } from './sink';
import { symbolName } from './symbols';
import * as K from './kinds';
import { describeType, propertySegment } from './path';
import { ARRAY, Frame, HOLEY, LINK, MAP, NO_KEYS, NO_LIST, NO_TARGET, OBJ, PAIRS, SET, segmentOf } from './frames';
import { ShapeCache, isIndexBelow, mayHaveNamedKeys, mayHaveNamedViewKeys, sortInPlace, symbolOrder } from './keys';
import { boxedValue, bytesOf, getTime, regexpFlags, regexpSource } from './intrinsics';

/**
 * Canonical, iterative walk of a value graph into the token stream of sink.ts (which lists the
 * primitive tokens). Containers; `<u32>` is a little-endian count, `<s>` a string token:
 *
 *   r<u32 k>          back-reference to the k-th object met (first-visit order): cycles and shared
 *                     sub-objects hash deterministically, and `[x, x]` differs from `[x, copy]`
 *   a<u32 len> items  array, elements in order, a hole as `h` (so `[,]` differs from
 *                     `[undefined]`)
 *   b<u32 len><u32 m> items pairs   the same with m extra own enumerable properties (m > 0),
 *                     e.g. the `index`, `input`, `groups` of a RegExp match array
 *   o<u32 n> pairs    plain object; pair = key token + value; keys sorted by UTF-16 code units,
 *                     string keys first, then registered/well-known symbol keys (`y`/`Y` + name);
 *                     own enumerable properties only
 *   O<u32 n> pairs    the same with a null prototype
 *   H<o|O><u32 n><u32 h> pairs   a plain object that also has h non-enumerable own
 *                     properties (`Object.defineProperty(o, 'limit', { value: 3 })`, string keys,
 *                     then registered/well-known symbol keys): its n enumerable pairs, then the
 *                     h others, each part sorted; plain objects without any keep the `o`/`O` form
 *   C<F><inherited><u32 n> pairs   class instance: constructor fingerprint, what it inherits
 *                     outside the class body, own enumerable state
 *   p<u32 levels><u32 m>... pairs  `inherited`: the own enumerable properties of each prototype
 *                     up to Object.prototype (empty for plain ES classes); or r<u32> when this
 *                     prototype was already written in this key
 *   P<u32 n> link pairs          object made by Object.create(p) with a non-class p
 *   L<u32 m> pairs link          a prototype object: ALL its own properties (methods are usually
 *                                not enumerable; accessors as `g` get set), then its prototype;
 *                                links end in `o` (Object.prototype), `l` (null), `F` (a class
 *                                prototype) or `r<u32>` (a prototype met before)
 *   X<F>              prefix: the builtin value that follows is an instance of a user subclass
 *   D<n><u32 m>       Date by time value (invalid: NaN)      } then m own enumerable properties
 *   R<s><s><n><u32 m> RegExp source, flags, lastIndex         } as pairs, after the body
 *   M<u32 size><u32 m> Map entries in insertion order          }
 *   T<u32 size><u32 m> Set values in insertion order           }
 *   B<value><u32 m>   boxed primitive                         }
 *   E<u32 n> pairs    Error: name, message, cause/errors when own, other own enumerable props
 *                     (`stack` is left out: file paths and line numbers differ across machines)
 *   U<s> Q<s>         URL by href, URLSearchParams by its serialization
 *   V<s kind><u32 len><bytes><u32 m> pairs   typed array, Buffer, DataView, ArrayBuffer: kind +
 *                     the bytes, read from the value's own memory, then its m own enumerable
 *                     non-index properties (`Object.assign(bytes, { scale: 2 })`), as for Map and
 *                     Date. A SharedArrayBuffer, or a view of one, is refused: another thread can
 *                     change its bytes while they are hashed (measured: 2-53 of 300 keys wrong
 *                     in a race test), so no key of it is trustworthy.
 *   F<s hex>          function, by the key context's FunctionHasher
 */

const enum Tag {
  Undefined = 0x75, Null = 0x6c, True = 0x74, False = 0x66, BigInt = 0x69, Function = 0x46,
  Ref = 0x72, Array = 0x61, HoleyArray = 0x62, Hole = 0x68, Object = 0x6f, NullProtoObject = 0x4f,
  Class = 0x43, CustomProto = 0x50, ProtoLink = 0x4c, Subclass = 0x58, Date = 0x44, RegExp = 0x52,
  Map = 0x4d, Set = 0x54, Boxed = 0x42, Error = 0x45, Url = 0x55, UrlParams = 0x51, Bytes = 0x56,
  Accessor = 0x67, Inherited = 0x70, Hidden = 0x48, ProxyHandler = 0x79,
}

/** Walkers for `sideDigest`, one per nesting level in use. */
const spareWalkers: Walker[] = [];
const MAX_SPARE_WALKERS = 4;

/** Internal placeholder values; their prototypes never occur in user data. */
class ProtoLink {
  constructor(readonly proto: object | null) {}
}
class Accessor {
  constructor(readonly get: unknown, readonly set: unknown) {}
}
const PROTO_LINK = ProtoLink.prototype;
const ACCESSOR = Accessor.prototype;

const isEnumerable = Object.prototype.propertyIsEnumerable;
/**
 * Typed arrays longer than this have their non-index names read by the inspector (~0.1 ms
 * whatever the length) rather than by `Object.keys`, which costs ~4.5 µs per 256 elements here
 * (Node 20.20): ~35 µs at this bound.
 */
const INDEX_SCAN_LIMIT = 2048;
const NO_NAMES: readonly string[] = Object.freeze([]);

export class Walker {
  readonly sink = new Sink();
  /** Set by whoever takes the walker for one key; back to SOURCE_KEYS on reset(). */
  context: KeyContext = SOURCE_KEYS;
  private readonly shapes = new ShapeCache();
  private seen: Set<object> | undefined;
  private indices: Map<object, number> | undefined;
  private protosSeen: Map<object, number> | undefined;
  private readonly frames: Frame[] = [];
  private depth = 0;
  private rootName = '';
  private rootIndex = -1;

  /**
   * Starts a group of values whose shared objects back-reference each other: the arguments of
   * one call form one group, so `f(x, x)` differs from `f(x, copyOfX)`.
   */
  begin(): void {
    this.seen = undefined;
    this.indices = undefined;
    this.protosSeen = undefined;
  }

  /** Appends the canonical encoding of one value. `rootIndex` >= 0 names it `${rootName}[i]`. */
  write(value: unknown, rootName: string, rootIndex: number): void {
    this.rootName = rootName;
    this.rootIndex = rootIndex;
    try {
      this.value(value);
      if (this.depth > 0) this.drain();
    } catch (error) {
      const wrapped = this.wrap(error);
      this.unwind();
      throw wrapped;
    }
  }

  reset(): void {
    this.context = SOURCE_KEYS;
    this.sink.reset();
    this.seen = undefined;
    this.indices = undefined;
    this.protosSeen = undefined;
    this.unwind();
  }

  private unwind(): void {
    while (this.depth > 0) this.pop(this.frames[this.depth - 1]!);
  }

  // ---- values ------------------------------------------------------------------------------

  private value(v: unknown): void {
    switch (typeof v) {
      case 'string': this.sink.string(v); return;
      case 'number': this.sink.number(v); return;
      case 'boolean': this.sink.tag(v ? Tag.True : Tag.False); return;
      case 'undefined': this.sink.tag(Tag.Undefined); return;
      case 'bigint': this.sink.tagText(Tag.BigInt, v.toString()); return;
      case 'symbol': this.symbol(v); return;
      case 'function': this.fn(v, undefined); return;
      default:
        if (v === null) this.sink.tag(Tag.Null);
        else this.object(v as object);
    }
  }

  private symbol(sym: symbol): void {
    const name = symbolName(sym);
    if (name === undefined) {
      this.refuse(sym, 'a symbol without a registry key is different in every process (only Symbol.for() and well-known symbols can be hashed)');
    }
    this.sink.tagText(name.charCodeAt(0), name.slice(1));
  }

  private fn(f: Function, asClassOf: object | undefined): void {
    let hex: unknown;
    try {
      hex = this.context.hashFunction(f);
    } catch (error) {
      const what = asClassOf === undefined ? describeType(f) : `instance of class ${f.name || '(anonymous)'}`;
      this.refuse(asClassOf ?? f, `the function cannot be fingerprinted (${describeError(error)})`, '', error, what);
    }
    if (typeof hex !== 'string') throw new TypeError('the FunctionHasher did not return a string');
    this.sink.tagText(Tag.Function, hex);
  }

  /**
   * -1 the first time an object is met, else its first-visit index. Most values have no repeated
   * objects, so a Set is used until the first repeat (one hash-table operation per object, about
   * 40% cheaper than Map get + set on Node 20); the first repeat converts it to a Map of indices
   * (Set iteration order is insertion order, so the index is the position).
   */
  private visit(o: object): number {
    const indices = this.indices;
    if (indices !== undefined) {
      const ref = indices.get(o);
      if (ref !== undefined) return ref;
      indices.set(o, indices.size);
      return -1;
    }
    let seen = this.seen;
    if (seen === undefined) seen = this.seen = new Set();
    const before = seen.size;
    seen.add(o);
    if (seen.size !== before) return -1;
    const map = new Map<object, number>();
    for (const x of seen) map.set(x, map.size);
    this.indices = map;
    this.seen = undefined;
    return map.get(o)!;
  }

  private object(o: object): void {
    const ref = this.visit(o);
    if (ref >= 0) {
      this.sink.tagU32(Tag.Ref, ref);
      return;
    }
    // A proxy is hashed through its traps below (what the function sees of the keys it lists),
    // after its handler and its target: a `get` trap may answer for keys it never lists (defaults,
    // a fallback), and a target's `#private` fields show through no trap. Each is digested on its
    // own and leniently (see `sideDigest`): a handler memoizing child proxies in a WeakMap is
    // common, and the proxy itself was hashable before its parts were read.
    if (this.context.readProxy !== undefined && types.isProxy(o)) {
      const parts = this.context.readProxy(o);
      this.sink.tag(Tag.ProxyHandler);
      this.sink.string(this.sideDigest(parts.handler));
      this.sink.string(this.sideDigest(parts.target));
    }
    if (Array.isArray(o)) {
      this.array(o);
      return;
    }
    const proto: unknown = Object.getPrototypeOf(o);
    if (proto === Object.prototype) {
      this.plainObject(o, Tag.Object);
      return;
    }
    if (proto === null) {
      this.plainObject(o, Tag.NullProtoObject);
      return;
    }
    // Internal placeholders (fresh objects, so they only take a number in the visit order).
    if (proto === PROTO_LINK) {
      this.link((o as ProtoLink).proto);
      return;
    }
    if (proto === ACCESSOR) {
      this.sink.tag(Tag.Accessor);
      this.value((o as Accessor).get);
      this.value((o as Accessor).set);
      return;
    }
    this.exotic(o, proto as object);
  }

  private array(a: unknown[]): void {
    const proto: unknown = Object.getPrototypeOf(a);
    if (proto !== Array.prototype) {
      const ctor = this.subclassPrefix(a, proto);
      if (ctor !== undefined) this.subclassState(a, ctor, K.CLASS);
    }
    const len = a.length;
    const symbols = Object.getOwnPropertySymbols(a); // named properties only: O(1) in length
    let extras: Array<string | symbol> | undefined;
    if (symbols.length > 0 || mayHaveNamedKeys(a, len)) {
      extras = Object.keys(a).filter((k) => !isIndexBelow(k, len));
      sortInPlace(extras as string[]);
      this.addSymbolKeys(a, symbols, extras);
    }
    if (extras === undefined || extras.length === 0) {
      // Holes are marked inline by the walk (an undefined element that is not `in` the array).
      this.sink.tagU32(Tag.Array, len);
      if (len > 0) this.pushList(ARRAY, a);
      return;
    }
    this.sink.tagU32(Tag.HoleyArray, len);
    this.sink.u32(extras.length);
    const f = this.push(HOLEY, len + extras.length);
    f.list = a;
    f.target = a as unknown as Record<PropertyKey, unknown>;
    f.keys = extras;
    f.len = len;
  }

  /** Own enumerable keys, sorted: strings by code units, then registered symbols by name. */
  private ownKeys(o: object, skipIndexBelow = -1): ReadonlyArray<string | symbol> {
    let names = Object.keys(o);
    if (skipIndexBelow >= 0) names = names.filter((k) => !isIndexBelow(k, skipIndexBelow));
    const keys = this.shapes.sorted(names);
    const symbols = Object.getOwnPropertySymbols(o);
    if (symbols.length === 0) return keys;
    const all: Array<string | symbol> = keys.slice();
    this.addSymbolKeys(o, symbols, all);
    return all;
  }

  /**
   * Own enumerable properties of a binary value besides its elements. `Object.keys` of a typed
   * array lists every index first (measured on Node 20.20: 130 ms for 1e6 elements, 2.4 s for
   * 1e7), so past INDEX_SCAN_LIMIT elements the names come from the inspector's non-index listing
   * when the cache layer installed it.
   */
  private viewKeys(o: object): ReadonlyArray<string | symbol> {
    if (!types.isTypedArray(o)) return this.ownKeys(o);
    const length = (o as unknown as { length: number }).length;
    if (length > INDEX_SCAN_LIMIT && !mayHaveNamedViewKeys(o, length)) return NO_NAMES;
    let named = length > INDEX_SCAN_LIMIT ? this.context.readNamedKeys?.(o) : undefined;
    if (named === undefined) {
      // A typed array lists its indices first, all of them (it has no holes): past them, only names.
      const all = Object.keys(o);
      named = all.length === length ? NO_NAMES : all.slice(length);
    }
    if (named.length === 0 && Object.getOwnPropertySymbols(o).length === 0) return NO_NAMES;
    const keys = this.shapes.sorted(named.filter((k) => isEnumerable.call(o, k)));
    const symbols = Object.getOwnPropertySymbols(o);
    if (symbols.length === 0) return keys;
    const all: Array<string | symbol> = keys.slice();
    this.addSymbolKeys(o, symbols, all);
    return all;
  }

  /**
   * A plain object: its own enumerable properties and, apart, its non-enumerable string-keyed ones
   * (they change what `o.limit` reads as much as the others, but not what `Object.keys` or
   * `JSON.stringify` see, so they stay apart: `{ a }` with a hidden `b` is not `{ a, b }`).
   */
  private plainObject(o: object, tag: Tag.Object | Tag.NullProtoObject): void {
    const keys = this.ownKeys(o);
    const names = Object.getOwnPropertyNames(o);
    let shown = keys.length;
    while (shown > 0 && typeof keys[shown - 1] === 'symbol') shown--; // symbols come last
    // Non-enumerable symbol keys that another process can name (`Symbol.for('limit')`, well-known
    // ones): hidden as much as a string-keyed one. A unique symbol's is left out, as before (it
    // cannot be named in another process; refusing would turn such objects unhashable).
    const hiddenSymbols = Object.getOwnPropertySymbols(o).filter((sym) => !isEnumerable.call(o, sym) && symbolName(sym) !== undefined);
    if (names.length === shown && hiddenSymbols.length === 0) {
      this.sink.tagU32(tag, keys.length);
      this.pushKeys(o, keys);
      return;
    }
    const hidden: Array<string | symbol> = [...this.shapes.sorted(names.filter((k) => !isEnumerable.call(o, k))), ...hiddenSymbols.sort(symbolOrder)];
    this.sink.tag(Tag.Hidden);
    this.sink.tagU32(tag, keys.length);
    this.sink.u32(hidden.length);
    this.pushKeys(o, [...keys, ...hidden]);
  }

  /**
   * A class instance's own keys: enumerable ones as for objects, plus non-enumerable names, and
   * non-enumerable symbols another process can name (`Object.defineProperty(this,
   * Symbol.for('app.rate'), { value })`), as for plain objects. A unique symbol's is left out,
   * as for plain objects (README, Keys).
   */
  private instanceKeys(o: object): ReadonlyArray<string | symbol> {
    const keys = this.ownKeys(o);
    const names = Object.getOwnPropertyNames(o);
    const hiddenSymbols = Object.getOwnPropertySymbols(o).filter((sym) => !isEnumerable.call(o, sym) && symbolName(sym) !== undefined);
    if (names.length === Object.keys(o).length && hiddenSymbols.length === 0) return keys;
    const strings = names.length === Object.keys(o).length ? keys.filter((k) => typeof k === 'string') : this.shapes.sorted(names);
    const symbols = [...keys.filter((k) => typeof k === 'symbol'), ...hiddenSymbols].sort(symbolOrder);
    return symbols.length === 0 ? strings : [...strings, ...symbols];
  }

  private privateState(o: object, ctor: Function): unknown[] {
    try {
      return privatePairs(o, ctor, this.context.readPrivateState, this.context.weakState);
    } catch (error) {
      this.refuse(o, `its #private fields could not be read (${error instanceof Error ? error.message : String(error)})`);
    }
  }

  private addSymbolKeys(o: object, symbols: symbol[], into: Array<string | symbol>): void {
    const enumerable: symbol[] = [];
    for (const sym of symbols) {
      if (!isEnumerable.call(o, sym)) continue;
      if (symbolName(sym) === undefined) {
        this.refuse(sym, 'a property keyed by a symbol without a registry key cannot be named in another process', propertySegment(sym));
      }
      enumerable.push(sym);
    }
    enumerable.sort(symbolOrder);
    for (const sym of enumerable) into.push(sym);
  }

  private exotic(o: object, proto: object): void {
    const v = K.verdictFor(proto);
    if (v.kind === K.REFUSE) {
      const what = describeType(o);
      this.refuse(o, v.name === K.EVENT_EMITTER
        ? 'EventEmitter-based objects (streams, sockets, servers, child processes) are live handles, not values'
        : v.name === K.NATIVE_OBJECT
          ? 'objects built by a native constructor keep their state internally, out of reach of hashing'
          : `${v.name} objects keep their state internally, out of reach of hashing`,
      '', undefined, what === 'object' || what === 'Object instance' ? v.name : what);
    }
    if (v.kind === K.PLAIN) {
      this.plainObject(o, Tag.Object);
      return;
    }
    if (v.kind === K.CLASS) {
      this.sink.tag(Tag.Class);
      this.fn(v.ctor!, o);
      const inherited = this.prototypeState(proto);
      // An instance's state is all of it: non-enumerable own properties and `#private` fields
      // change what its methods compute as much as enumerable ones (a stale hit otherwise).
      const keys = this.instanceKeys(o);
      const hidden = this.privateState(o, v.ctor!);
      this.sink.u32(keys.length);
      this.sink.u32(hidden.length / 2);
      this.pushKeys(o, keys);
      if (hidden.length > 0) this.pushList(PAIRS, hidden);
      if (inherited.length > 0) this.pushList(PAIRS, inherited); // encoded before the own state
      return;
    }
    if (v.kind === K.CUSTOM) {
      const keys = this.ownKeys(o);
      this.sink.tagU32(Tag.CustomProto, keys.length);
      this.pushKeys(o, keys);
      this.pushLink(proto);
      return;
    }
    if (!K.confirms(v.kind, v.name, o)) {
      this.refuse(o, `it inherits from ${v.name}.prototype without being a real ${v.name}`);
    }
    if (!v.subclass) {
      this.builtin(o, v.kind, v.name);
      return;
    }
    const ctor = this.subclassPrefix(o, proto, v.kind);
    this.builtin(o, v.kind, v.name);
    if (ctor !== undefined) this.subclassState(o, ctor, v.kind);
  }

  /**
   * What an instance of a program's subclass of a built-in (`class DefaultMap extends Map`,
   * `class HttpError extends Error`) holds beyond the built-in's content: its `#private` fields
   * and its non-enumerable own properties, as for any class instance (a `#fallback` a `get`
   * override returns was otherwise invisible to the key). Views and buffers keep their expandos
   * as `builtin` reads them (listing every own name of a typed array lists every index); an
   * Error's own properties are all read by `error`.
   */
  private subclassState(o: object, ctor: Function, kind: number): void {
    const hidden = this.privateState(o, ctor);
    let unlisted: ReadonlyArray<string | symbol> = [];
    if (Array.isArray(o)) {
      // Not instanceKeys: listing an array's own names lists every index.
      const len = o.length;
      unlisted = this.shapes.sorted(Object.getOwnPropertyNames(o).filter((k) => k !== 'length' && !isIndexBelow(k, len) && !isEnumerable.call(o, k)));
    } else if (kind !== K.VIEW && kind !== K.BUFFER && kind !== K.ERROR) {
      const listed = new Set<string | symbol>(this.ownKeys(o));
      unlisted = this.instanceKeys(o).filter((k) => !listed.has(k));
    }
    this.sink.tagU32(Tag.Hidden, hidden.length / 2);
    this.sink.u32(unlisted.length);
    if (hidden.length > 0) this.pushList(PAIRS, hidden);
    this.pushKeys(o, unlisted);
  }

  /**
   * What a class instance inherits besides the class body: own enumerable properties of each
   * prototype up to Object.prototype. Methods written in a class body are not enumerable (and
   * are covered by the class fingerprint), so this is empty for plain ES classes; it catches
   * ES5 constructors (`Foo.prototype.bar = function…`), mixins (`Object.assign(C.prototype, m)`)
   * and monkey patches, which no class source shows. Written once per prototype per key; later
   * instances of the same class refer back to it.
   */
  private prototypeState(proto: object): unknown[] {
    let protos = this.protosSeen;
    if (protos === undefined) protos = this.protosSeen = new Map();
    const ref = protos.get(proto);
    if (ref !== undefined) {
      this.sink.tagU32(Tag.Ref, ref);
      return NO_LIST;
    }
    protos.set(proto, protos.size);
    const counts: number[] = [];
    const pairs: unknown[] = [];
    for (let p: object | null = proto; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
      const keys = this.ownKeys(p);
      counts.push(keys.length);
      for (const k of keys) pairs.push(k, (p as Record<PropertyKey, unknown>)[k]);
    }
    this.sink.tagU32(Tag.Inherited, counts.length);
    for (const n of counts) this.sink.u32(n);
    return pairs;
  }

  /**
   * `value` digested on its own, in a walker of its own, for what a key reads beside the value the
   * function sees (a proxy's handler and target, an Error's non-enumerable properties): what can
   * be hashed counts by content; what cannot (a WeakMap memo in a handler, the live response an
   * HTTP error keeps) counts by its type only, as before these parts were read at all.
   */
  private sideDigest(value: unknown): string {
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return `side:${typeof value}:${String(value)}`;
    const w = spareWalkers.pop() ?? new Walker();
    w.context = this.context;
    try {
      w.sink.string('side');
      w.begin();
      w.write(value, 'side', -1);
      return `side:${w.sink.digest()}`;
    } catch (error) {
      if (error instanceof SmartCacheError && error.code === 'ERR_UNHASHABLE_ARGUMENT') return `unhashable:${describeType(value)}`;
      throw error;
    } finally {
      w.reset();
      if (spareWalkers.length < MAX_SPARE_WALKERS) spareWalkers.push(w);
    }
  }

  /**
   * The class of an instance of a subclass of a built-in. Node's own errors (`ERR_OUT_OF_RANGE`
   * from `Buffer.alloc(-1)`) sit on prototypes whose `constructor` is the base class: no class to
   * fingerprint, so an Error counts there by what its prototypes hold (and by its name and code,
   * which `error` reads). Anything else without a class is refused.
   */
  private subclassPrefix(o: object, proto: unknown, kind?: number): Function | undefined {
    const ctor = typeof proto === 'object' && proto !== null ? K.verdictFor(proto).ctor : undefined;
    if (ctor === undefined && kind === K.ERROR && typeof proto === 'object' && proto !== null) {
      this.sink.tag(Tag.Subclass);
      const inherited = this.prototypeState(proto);
      if (inherited.length > 0) this.pushList(PAIRS, inherited);
      return undefined;
    }
    if (ctor === undefined) this.refuse(o, 'a builtin object with a non-class prototype cannot be hashed faithfully');
    this.sink.tag(Tag.Subclass);
    this.fn(ctor, o);
    return ctor;
  }

  private builtin(o: object, kind: number, name: string): void {
    const sink = this.sink;
    switch (kind) {
      case K.VIEW:
      case K.BUFFER: {
        if (name === 'SharedArrayBuffer' || (ArrayBuffer.isView(o) && types.isSharedArrayBuffer(o.buffer))) {
          this.refuse(o, 'its memory is shared with other threads, which may change it while it is hashed (copy it into an ArrayBuffer first)');
        }
        sink.tagText(Tag.Bytes, name);
        sink.bytes(bytesOf(o));
        const keys = this.viewKeys(o);
        sink.u32(keys.length);
        this.pushKeys(o, keys);
        return;
      }
      case K.URL_KIND:
        sink.tagText(Tag.Url, (o as URL).href);
        return;
      case K.URL_PARAMS:
        sink.tagText(Tag.UrlParams, (o as URLSearchParams).toString());
        return;
      case K.ERROR:
        this.error(o as Error);
        return;
      case K.MAP:
        this.collection(o, Tag.Map, (o as Map<unknown, unknown>).size);
        return;
      case K.SET:
        this.collection(o, Tag.Set, (o as Set<unknown>).size);
        return;
      case K.DATE:
        sink.tag(Tag.Date);
        sink.number(getTime.call(o as Date));
        break;
      case K.REGEXP:
        sink.tag(Tag.RegExp);
        sink.string(regexpSource.call(o) as string);
        sink.string(regexpFlags.call(o) as string);
        this.value((o as RegExp).lastIndex);
        break;
      default: // K.BOXED
        sink.tag(Tag.Boxed);
        this.value(boxedValue(o, name));
    }
    // Date, RegExp, boxed primitive: own enumerable properties follow the body.
    const keys = this.ownKeys(o, name === 'String' ? (o as { length: number }).length : -1);
    sink.u32(keys.length);
    this.pushKeys(o, keys);
  }

  private collection(o: object, tag: number, size: number): void {
    const keys = this.ownKeys(o);
    this.sink.tagU32(tag, size);
    this.sink.u32(keys.length);
    // Frames run last-pushed first: the entries are encoded before the properties.
    this.pushKeys(o, keys);
    if (size === 0) return;
    const list: unknown[] = [];
    if (tag === Tag.Map) {
      for (const [k, v] of Map.prototype.entries.call(o) as Iterable<[unknown, unknown]>) list.push(k, v);
      this.pushList(MAP, list);
    } else {
      for (const v of Set.prototype.values.call(o) as Iterable<unknown>) list.push(v);
      this.pushList(SET, list);
    }
  }

  private error(e: Error): void {
    const pairs: unknown[] = ['name', e.name, 'message', e.message];
    if (Object.hasOwn(e, 'cause')) pairs.push('cause', e.cause);
    if (Object.hasOwn(e, 'errors')) pairs.push('errors', (e as AggregateError).errors);
    const enumerable = new Set<string | symbol>(this.ownKeys(e));
    for (const k of this.instanceKeys(e)) {
      if (k === 'name' || k === 'message' || k === 'cause' || k === 'errors' || k === 'stack') continue;
      const value = (e as unknown as Record<PropertyKey, unknown>)[k];
      // Non-enumerable own properties too (`Object.defineProperty(this, 'status', { value })`,
      // Node's own `code`): they change what the function reads as much as enumerable ones. Taken
      // leniently: an HTTP client's error keeps the live response there (got's `response`).
      pairs.push(k, enumerable.has(k) ? value : this.sideDigest(value));
    }
    this.sink.tagU32(Tag.Error, pairs.length / 2);
    this.pushList(PAIRS, pairs);
  }

  /** A prototype link of an object made with Object.create(p) (see the `L` token). */
  private link(p: object | null): void {
    if (p === null) {
      this.sink.tag(Tag.Null);
      return;
    }
    if (p === Object.prototype) {
      this.sink.tag(Tag.Object);
      return;
    }
    let protos = this.protosSeen;
    if (protos === undefined) protos = this.protosSeen = new Map();
    const ref = protos.get(p);
    if (ref !== undefined) {
      this.sink.tagU32(Tag.Ref, ref);
      return;
    }
    protos.set(p, protos.size);
    const v = K.verdictFor(p);
    if (v.kind === K.CLASS) {
      this.fn(v.ctor!, p);
      return;
    }
    if (v.kind !== K.CUSTOM) this.refuse(p, `a prototype object with builtin ${v.name} behaviour cannot be hashed faithfully`);
    const pairs = this.protoPairs(p);
    this.sink.tagU32(Tag.ProtoLink, pairs.length / 2);
    this.pushLink(Object.getPrototypeOf(p) as object | null);
    this.pushList(PAIRS, pairs);
  }

  /** Every own property of a prototype object, enumerable or not: methods live there. */
  private protoPairs(p: object): unknown[] {
    const names = Object.getOwnPropertyNames(p);
    sortInPlace(names);
    const symbols = Object.getOwnPropertySymbols(p);
    for (const sym of symbols) {
      if (symbolName(sym) === undefined) {
        this.refuse(sym, 'a prototype property keyed by a symbol without a registry key cannot be named in another process', propertySegment(sym));
      }
    }
    symbols.sort(symbolOrder);
    const pairs: unknown[] = [];
    for (const key of (names as Array<string | symbol>).concat(symbols)) {
      const d = Object.getOwnPropertyDescriptor(p, key)!;
      const value: unknown = 'value' in d ? d.value : new Accessor(d.get, d.set);
      if (typeof value === 'function' && isNativeFunction(value)) {
        this.refuse(p, `a built-in prototype (native method ${String(key)}) keeps its state internally`);
      }
      pairs.push(key, value);
    }
    return pairs;
  }

  // ---- the explicit stack (no recursion: depth 10,000 and more is fine) ----------------------

  private push(kind: number, n: number): Frame {
    let f = this.frames[this.depth];
    if (f === undefined) {
      f = new Frame();
      this.frames.push(f);
    }
    this.depth++;
    f.kind = kind;
    f.i = 0;
    f.n = n;
    return f;
  }

  private pushList(kind: number, list: unknown[]): void {
    this.push(kind, list.length).list = list;
  }

  private pushKeys(target: object, keys: ReadonlyArray<string | symbol>): void {
    if (keys.length === 0) return;
    const f = this.push(OBJ, keys.length);
    f.target = target as Record<PropertyKey, unknown>;
    f.keys = keys;
  }

  private pushLink(proto: object | null): void {
    this.pushList(LINK, [new ProtoLink(proto)]);
  }

  private pop(f: Frame): void {
    f.list = NO_LIST;
    f.target = NO_TARGET;
    f.keys = NO_KEYS;
    this.depth--;
  }

  private key(k: string | symbol): void {
    if (typeof k === 'string') {
      this.sink.string(k);
    } else {
      const name = symbolName(k)!; // checked when the key list was built
      this.sink.tagText(name.charCodeAt(0), name.slice(1));
    }
  }

  private drain(): void {
    const frames = this.frames;
    while (this.depth > 0) {
      const f = frames[this.depth - 1]!;
      if (f.kind === OBJ) this.runKeys(f);
      else if (f.kind === HOLEY || f.kind === PAIRS) this.step(f);
      else this.runList(f);
    }
  }

  /**
   * Runs an object's properties until one opens a child container (which must be encoded
   * first) or the object is done. `f.i` is kept current: error paths and resumption read it.
   */
  private runKeys(f: Frame): void {
    const depth = this.depth;
    const keys = f.keys;
    const target = f.target;
    const n = f.n;
    for (let i = f.i; i < n;) {
      const k = keys[i]!;
      f.i = ++i;
      this.key(k);
      this.value(target[k]);
      if (this.depth !== depth) return;
    }
    this.pop(f);
  }

  /** The same for arrays, Set values, Map entries and prototype links. */
  private runList(f: Frame): void {
    const depth = this.depth;
    const list = f.list;
    const n = f.n;
    for (let i = f.i; i < n; ) {
      const v = list[i];
      if (v === undefined && !(i in list)) {
        f.i = ++i;
        this.sink.tag(Tag.Hole);
        continue;
      }
      f.i = ++i;
      this.value(v);
      if (this.depth !== depth) return;
    }
    this.pop(f);
  }

  /** One item of a holey array (holes and extra properties) or of a key/value pair list. */
  private step(f: Frame): void {
    const i = f.i;
    if (i === f.n) {
      this.pop(f);
      return;
    }
    f.i = i + 1;
    if (f.kind === PAIRS) {
      if ((i & 1) === 0) this.key(f.list[i] as string | symbol);
      else this.value(f.list[i]);
    } else if (i < f.len) {
      const v = f.list[i];
      if (v === undefined && !(i in f.list)) this.sink.tag(Tag.Hole);
      else this.value(v);
    } else {
      const k = f.keys[i - f.len]!;
      this.key(k);
      this.value(f.target[k]);
    }
  }

  // ---- errors ------------------------------------------------------------------------------

  /** Where the walk is: the root's name plus one segment per container being iterated. */
  private currentPath(): string {
    let path = this.rootIndex >= 0 ? `${this.rootName}[${this.rootIndex}]` : this.rootName;
    for (let d = 0; d < this.depth; d++) {
      const f = this.frames[d]!;
      // A frame that has not yielded a child yet is a container being opened, not an ancestor.
      if (f.i === 0) continue;
      path += segmentOf(f, f.i - 1);
    }
    return path;
  }

  private refuse(value: unknown, why: string, segment = '', cause?: unknown, what = describeType(value)): never {
    const path = this.currentPath() + segment;
    throw new SmartCacheError(
      'ERR_UNHASHABLE_ARGUMENT',
      `Cannot hash ${path} (${what}): ${why}. ${remedyFor(path)}`,
      { path, cause },
    );
  }

  private wrap(error: unknown): unknown {
    if (error instanceof SmartCacheError && error.code === 'ERR_UNHASHABLE_ARGUMENT') return error;
    const path = this.currentPath();
    return new SmartCacheError(
      'ERR_UNHASHABLE_ARGUMENT',
      `Cannot hash ${path}: reading it threw (${describeError(error)})`,
      { path, cause: error },
    );
  }
}


/** What the user can do about an unhashable value, by where it came from (the path's root). */
function remedyFor(path: string): string {
  if (path.startsWith('dependsOn()')) return 'dependsOn is called synchronously on every call and must return plain data (an async function returns a Promise): read the value before calling, or pass it as an argument.';
  if (path.startsWith('key()')) return 'Return plain data from the `key` function.';
  if (path.startsWith('this') || path.startsWith('watch()')) return 'Choose the parts of `this` that are inputs with `watch`, or give a `key` function.';
  return 'Leave it out of the key (`ignore`) or give a `key` function.';
}
