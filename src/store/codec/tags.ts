/**
 * Private CBOR tags for the values cbor-x would not bring back exactly. They are emitted as
 * cbor-x `Tag` objects and come back as `Tag` objects (no extension is registered: cbor-x keeps
 * extensions in module-global tables shared with any other cbor-x user in the process), then
 * revive.ts turns them into the real values.
 *
 * Chosen below 0xdff9: cbor-x 1.6 treats every larger tag (32-bit ones included, by their low
 * 13 bits) as a possible record-structure reference; and outside its packed-value ranges.
 */
export const PrivateTag = {
  /** -0 (cbor-x writes it as the integer 0). Content: 0. */
  NegativeZero: 51200,
  /** BigInt outside ±2^64 (cbor-x's tag 2/3 codec is quadratic). Content: [negative, hex]. */
  BigInt: 51201,
  /** String with lone surrogates (UTF-8 would replace them). Content: UTF-16LE bytes. */
  String: 51202,
  /** Date whose ms do not survive cbor-x's seconds-as-float encoding. Content: ms. */
  Date: 51203,
  /** RegExp with a lastIndex to keep. Content: [source, flags, lastIndex]. */
  RegExp: 51204,
  /** Binary kind cbor-x lacks (ArrayBuffer, DataView, Float16Array). Content: [kind, bytes]. */
  Binary: 51205,
  /** Large binary stored out of band after the CBOR payload. Content: [kind, blob index]. */
  Blob: 51206,
  /** Object with a null prototype. Content: the same properties as a plain object. */
  NullProto: 51207,
  /**
   * A frozen plain object or array (immer's results, `Object.freeze`d tables): frozen again on
   * decode. Content: the object or array (or a NullProto tag).
   */
  Frozen: 51208,
} as const;
export const TAG_FIRST = 51200;
export const TAG_LAST = 51208;

/** Binary kinds, by a stable number written in files (never renumber). */
export const BinaryKind = {
  ArrayBuffer: 0,
  DataView: 1,
  Buffer: 2,
  Uint8Array: 3,
  Uint8ClampedArray: 4,
  Int8Array: 5,
  Uint16Array: 6,
  Int16Array: 7,
  Uint32Array: 8,
  Int32Array: 9,
  Float32Array: 10,
  Float64Array: 11,
  BigInt64Array: 12,
  BigUint64Array: 13,
  Float16Array: 14,
} as const;

type Make = (buffer: ArrayBuffer, byteOffset: number, length: number) => ArrayBufferView;

export interface ViewKind {
  readonly kind: number;
  readonly bytesPerElement: number;
  /** cbor-x encodes it natively and exactly (when small enough to stay inline). */
  readonly native: boolean;
  readonly make: Make;
}

type TypedArrayClass = { readonly prototype: object; readonly BYTES_PER_ELEMENT: number; new (b: ArrayBuffer, o: number, l: number): ArrayBufferView };

/** Float16Array ships with V8 13.x (Node 24), not with Node 20. */
const float16 = (globalThis as { Float16Array?: TypedArrayClass }).Float16Array;

const VIEWS = new Map<object, ViewKind>();

function typed(kind: number, cls: TypedArrayClass, native: boolean): void {
  VIEWS.set(cls.prototype, { kind, bytesPerElement: cls.BYTES_PER_ELEMENT, native, make: (b, o, l) => new cls(b, o, l) });
}

VIEWS.set(DataView.prototype, { kind: BinaryKind.DataView, bytesPerElement: 1, native: false, make: (b, o, l) => new DataView(b, o, l) });
VIEWS.set(Buffer.prototype, { kind: BinaryKind.Buffer, bytesPerElement: 1, native: true, make: (b, o, l) => Buffer.from(b, o, l) });
typed(BinaryKind.Uint8Array, Uint8Array, true);
typed(BinaryKind.Uint8ClampedArray, Uint8ClampedArray, true);
typed(BinaryKind.Int8Array, Int8Array, true);
typed(BinaryKind.Uint16Array, Uint16Array, true);
typed(BinaryKind.Int16Array, Int16Array, true);
typed(BinaryKind.Uint32Array, Uint32Array, true);
typed(BinaryKind.Int32Array, Int32Array, true);
typed(BinaryKind.Float32Array, Float32Array, true);
typed(BinaryKind.Float64Array, Float64Array, true);
typed(BinaryKind.BigInt64Array, BigInt64Array as unknown as TypedArrayClass, true);
typed(BinaryKind.BigUint64Array, BigUint64Array as unknown as TypedArrayClass, true);
if (float16 !== undefined) typed(BinaryKind.Float16Array, float16, false);

const BY_KIND = new Map<number, ViewKind>([...VIEWS.values()].map((v) => [v.kind, v]));

/** The view kind whose prototype is exactly `proto` (subclasses are not views we can rebuild). */
export function viewKindOf(proto: object | null): ViewKind | undefined {
  return proto === null ? undefined : VIEWS.get(proto);
}

/** Rebuilds a value of `kind` over a privately owned ArrayBuffer region. */
export function makeBinary(kind: number, buffer: ArrayBuffer, byteOffset: number, byteLength: number): ArrayBuffer | ArrayBufferView {
  if (kind === BinaryKind.ArrayBuffer) {
    if (byteOffset !== 0 || byteLength !== buffer.byteLength) throw new RangeError('ArrayBuffer is not a whole buffer');
    return buffer;
  }
  const info = BY_KIND.get(kind);
  if (info === undefined) throw new RangeError(`unknown binary kind ${kind}`);
  if (byteLength % info.bytesPerElement !== 0 || byteOffset % info.bytesPerElement !== 0) {
    throw new RangeError(`binary of kind ${kind} has a misaligned length ${byteLength}`);
  }
  return info.make(buffer, byteOffset, byteLength / info.bytesPerElement);
}

export function isBinaryKind(kind: unknown): kind is number {
  return typeof kind === 'number' && (kind === BinaryKind.ArrayBuffer || BY_KIND.has(kind));
}

/** A fresh ArrayBuffer holding a copy of `bytes` (cbor-x may hand out views of its source). */
export function ownedCopy(bytes: Uint8Array): ArrayBuffer {
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  return copy;
}
