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

interface OwnedBlob {
  readonly kind: number;
  readonly bytes: Uint8Array;
}

/** Most results carry no large binaries: a hit then allocates no blob list at all. */
const NO_BLOBS: readonly never[] = Object.freeze([]);

class Encoded implements Snapshot {
  readonly bytes: number;

  constructor(
    private readonly payload: Uint8Array,
    private readonly blobs: readonly OwnedBlob[],
    private readonly substituted: boolean,
    /** The payload is the cache layer's envelope `[result, …]` (see cache/inputs/envelope.ts). */
    private readonly enveloped: boolean,
  ) {
    this.bytes = payload.byteLength + blobs.reduce((sum, b) => sum + b.bytes.byteLength, 0) + 64;
  }

  read(): unknown {
    // Large binaries live out of band: each hit gets its own copy, never a view of ours.
    const blobs = this.blobs.length === 0 ? NO_BLOBS : this.blobs.map((b) => tagBlob(makeBinary(b.kind, ownedCopy(b.bytes), 0, b.bytes.byteLength), b.kind));
    // Trusted: our own encoding, or bytes that passed the integrity checks when read from disk.
    const value = decodeValue(this.payload, blobs, this.substituted, true);
    return this.enveloped ? (value as unknown[])[0] : value;
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
