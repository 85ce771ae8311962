import { decodeValue, encodeValue, makeBinary, ownedCopy, tagBlob } from './codec';
import type { EncodedResult } from './entry';
import type { Snapshot } from './types';

export type { Snapshot };

/**
 * What the memory layer keeps of a result so that no caller can change what the next hit returns
 * (`result.list.push(…)` on a returned object must not leak into later hits).
 *
 * Chosen by measurement (Node 20, cbor-x 1.6; see bench/cache.js "mutation safety"): the encoded
 * bytes, decoded on every hit, with the store's own codec, so a memory hit returns exactly what a
 * disk hit would (-0, wide bigints, lone surrogates, null-prototype objects, RegExp lastIndex,
 * shared and cyclic parts). Per hit that was ~2-3x cheaper than structuredClone (which also loses
 * null prototypes and lastIndex); freezing would cost nothing per hit but changes the program's
 * behaviour (a cached result could no longer be modified at all, an uncached one could).
 * Primitives are immutable: kept as they are.
 */
class Held implements Snapshot {
  constructor(
    private readonly value: unknown,
    readonly bytes: number,
  ) {}

  read(): unknown {
    return this.value;
  }
}

/** Nodes (objects, arrays, values) a result may have for its hits to be copied in JavaScript. */
const PLAIN_NODES = 128;
/**
 * Encoded size up to which a result may be kept as a copy too. The memory layer counts `bytes`
 * when it keeps an entry, before any read: such a snapshot counts room for the copy from the
 * start (a JavaScript tree of small plain data measured ~3-5x its CBOR size on Node 20).
 */
const PLAIN_PAYLOAD_BYTES = 1024;
const COPY_BYTES_PER_BYTE = 6;

/**
 * A private deep copy of `value` when it is a small tree of plain data that decoding its bytes
 * would rebuild exactly as a copy does: objects of Object.prototype with data properties only
 * (no symbols, no `__proto__` key, any key order: copying keeps it), dense arrays with nothing
 * but their elements, primitives (-0, NaN, bigint, undefined, lone surrogates are values like
 * any other), no object met twice (shared or cyclic parts are the codec's to rebuild). Anything
 * else: undefined, and hits keep decoding.
 */
function plainTree(value: unknown): unknown {
  let nodes = 0;
  const seen = new Set<object>();
  const copy = (v: unknown): unknown => {
    if (++nodes > PLAIN_NODES) throw NOT_PLAIN;
    if (typeof v !== 'object' || v === null) {
      if (typeof v === 'function' || typeof v === 'symbol') throw NOT_PLAIN;
      return v;
    }
    if (seen.has(v)) throw NOT_PLAIN;
    seen.add(v);
    // A copy would come back unfrozen (codec/tags.ts `Frozen`): decoded each time instead.
    if (!Object.isExtensible(v)) throw NOT_PLAIN;
    if (Array.isArray(v)) {
      if (Object.getPrototypeOf(v) !== Array.prototype) throw NOT_PLAIN;
      const keys = Reflect.ownKeys(v);
      // Elements 0..n-1 and `length`, nothing else (a hole or an extra property is not plain).
      if (keys.length !== v.length + 1) throw NOT_PLAIN;
      const out: unknown[] = [];
      for (let i = 0; i < v.length; i++) {
        const d = Reflect.getOwnPropertyDescriptor(v, i);
        if (d === undefined || !('value' in d)) throw NOT_PLAIN;
        out.push(copy(d.value));
      }
      return out;
    }
    if (Object.getPrototypeOf(v) !== Object.prototype || Object.getOwnPropertySymbols(v).length > 0) throw NOT_PLAIN;
    const out: Record<string, unknown> = {};
    for (const key of Object.getOwnPropertyNames(v)) {
      const d = Reflect.getOwnPropertyDescriptor(v, key);
      if (key === '__proto__' || d === undefined || !('value' in d) || d.enumerable !== true) throw NOT_PLAIN;
      out[key] = copy(d.value);
    }
    return out;
  };
  try {
    return { tree: copy(value) };
  } catch (error) {
    if (error === NOT_PLAIN) return undefined;
    throw error;
  }
}
const NOT_PLAIN = new Error('not plain');

/**
 * JavaScript source of a literal that builds a tree `plainTree` made: strings and keys through
 * JSON.stringify (a string literal of any text, lone surrogates escaped), numbers exactly (`-0`,
 * `NaN`, `-Infinity` are the non-writable globals or a negation), bigints with `n`, `undefined`
 * as `void 0`. No other kind of value can be in such a tree, and no key is `__proto__` (which an
 * object literal would take as the prototype).
 */
function literalText(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Object.is(v, -0) ? '-0' : String(v);
    case 'bigint':
      return `${v.toString()}n`;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'undefined':
      return 'void 0';
    default: {
      if (v === null) return 'null';
      if (Array.isArray(v)) return `[${v.map(literalText).join(',')}]`;
      const o = v as Record<string, unknown>;
      return `{${Object.keys(o).map((k) => `${JSON.stringify(k)}:${literalText(o[k])}`).join(',')}}`;
    }
  }
}

/** A fresh copy of a tree `plainTree` made, in a loop (trusted: nothing but plain data in it). */
function copyTree(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (let i = 0; i < v.length; i++) out.push(copyTree(v[i]));
    return out;
  }
  const out: Record<string, unknown> = {};
  const keys = Object.keys(v);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    out[k] = copyTree((v as Record<string, unknown>)[k]);
  }
  return out;
}

/**
 * Copies in a loop (~3x faster than decoding) until a result has been read this many times; then
 * it is compiled into one literal (~40x faster, but tens of µs to compile: only a key hit again
 * and again repays it; 1,000 keys read a few times each would not).
 */
const LITERAL_AFTER = 32;

/**
 * A function returning a new copy of the tree on each call: one object literal, ~10x faster than
 * copying in a loop and ~50x faster than decoding a small object (Node 20). Made from the
 * snapshot's own copy of a result that decoded from verified bytes, with every value written as
 * an escaped literal: nothing of the data can become code.
 */
function literalMaker(tree: unknown): (() => unknown) | undefined {
  try {
    return new Function(`return ${literalText(tree)};`) as () => unknown;
  } catch {
    return undefined;
  }
}

interface OwnedBlob {
  readonly kind: number;
  readonly bytes: Uint8Array;
}

/** Most results carry no large binaries: a hit then allocates no blob list at all. */
const NO_BLOBS: readonly never[] = Object.freeze([]);

class Encoded implements Snapshot {
  readonly bytes: number;
  /**
   * After the first read: a private copy of the result when it is a small tree of plain data
   * (`{ tree }`), which later reads copy (`copyTree`, then `make`); null when it is not (reads decode).
   */
  private plain: { readonly tree: unknown } | null | undefined;
  private copies = 0;
  /** After LITERAL_AFTER copies: the tree as one literal. */
  private make: (() => unknown) | undefined;

  constructor(
    private readonly payload: Uint8Array,
    private readonly blobs: readonly OwnedBlob[],
    private readonly substituted: boolean,
    /** The payload is the cache layer's envelope `[result, …]` (see cache/inputs/envelope.ts). */
    private readonly enveloped: boolean,
  ) {
    this.bytes = payload.byteLength + blobs.reduce((sum, b) => sum + b.bytes.byteLength, 0) + 64;
    if (this.mayCopy()) this.bytes += COPY_BYTES_PER_BYTE * payload.byteLength;
    else this.plain = null;
  }

  private mayCopy(): boolean {
    return this.blobs.length === 0 && !this.substituted && this.payload.byteLength <= PLAIN_PAYLOAD_BYTES;
  }

  read(): unknown {
    if (this.make !== undefined) return this.make();
    const plain = this.plain;
    if (plain !== undefined && plain !== null) {
      if (++this.copies < LITERAL_AFTER || this.copies === Infinity) return copyTree(plain.tree);
      const make = literalMaker(plain.tree);
      if (make === undefined) {
        // No code from strings in this process (--disallow-code-generation-from-strings): keep copying.
        this.copies = Infinity;
        return copyTree(plain.tree);
      }
      this.make = make;
      this.plain = null; // the literal holds it now
      return make();
    }
    // Large binaries live out of band: each hit gets its own copy, never a view of ours.
    const blobs = this.blobs.length === 0 ? NO_BLOBS : this.blobs.map((b) => tagBlob(makeBinary(b.kind, ownedCopy(b.bytes), 0, b.bytes.byteLength), b.kind));
    // Trusted: our own encoding, or bytes that passed the integrity checks when read from disk.
    const decoded = decodeValue(this.payload, blobs, this.substituted, true);
    const value = this.enveloped ? (decoded as unknown[])[0] : decoded;
    // Judged on what decoding gives (what a disk hit returns), before the caller can touch it.
    if (plain === undefined) this.plain = (plainTree(value) as { tree: unknown } | undefined) ?? null;
    return value;
  }
}

/**
 * An owned copy, as a Buffer: cbor-x (copyBuffers) hands out binaries of its source's class, and
 * the store decodes from Buffers, so a memory hit must too (a Buffer result stays a Buffer).
 * Unpooled, so a small copy never pins an 8 KiB pool slab.
 */
function copyBytes(view: Uint8Array): Buffer {
  const copy = Buffer.allocUnsafeSlow(view.byteLength);
  copy.set(view);
  return copy;
}

export function isPrimitive(value: unknown): boolean {
  return (typeof value !== 'object' && typeof value !== 'function') || value === null;
}

/** Throws ERR_UNSERIALIZABLE_RESULT (like `Store.encode`) when the value cannot round-trip. */
export function snapshotOf(value: unknown): Snapshot {
  if (isPrimitive(value)) return new Held(value, typeof value === 'string' ? 2 * value.length + 16 : 16);
  const encoded = encodeValue(value);
  // Own copies: the payload is a view into cbor-x's shared output buffer (keeping it would pin
  // the whole buffer), the blobs are views of the caller's typed arrays (which it may mutate).
  const payload = copyBytes(encoded.payload);
  const blobs = encoded.blobs.map((b) => ({ kind: b.kind, bytes: copyBytes(b.bytes) }));
  return new Encoded(payload, blobs, encoded.substituted, false);
}

/**
 * The same snapshot taken from the entry just encoded for the store, saving a second encode on
 * every miss (~40% of a small miss's CPU): the encoder's own parts, kept beside the chunks, so
 * nothing is re-parsed. `entry` encoded the cache layer's envelope `[value, …]`.
 */
export function snapshotOfEntry(entry: EncodedResult, value: unknown): Snapshot {
  if (isPrimitive(value)) return snapshotOf(value);
  const { payload, blobs, substituted } = entry.parts;
  const owned = blobs.map((b) => ({ kind: b.kind, bytes: copyBytes(b.bytes) }));
  return new Encoded(copyBytes(payload), owned, substituted, true);
}

/**
 * The snapshot of an entry just read from disk, from its own payload copy (store/entry/file.ts):
 * the memory layer keeps a key on its first disk read without loading the encoder. The payload
 * passed the entry's integrity checks and is the cache layer's envelope `[value, …]`.
 */
export function snapshotOfPayload(payload: Uint8Array, substituted: boolean): Snapshot {
  return new Encoded(payload, [], substituted, true);
}
