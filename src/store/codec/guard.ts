import { MAX_DEPTH } from './limits';
import { TAG_FIRST, TAG_LAST } from './tags';

/**
 * A structural pre-check of a CBOR payload before cbor-x decodes it: one linear, iterative pass
 * that accepts only the subset our encoder emits. It rejects what could hurt the reader of a
 * hostile (or merely foreign) file: lengths beyond the payload (a declared 2^40-byte string),
 * 64-bit lengths, indefinite lengths, nesting beyond what we ever write, and every tag we do
 * not emit, among them tags 2/3, whose cbor-x 1.6 decoder is quadratic in the bigint's size.
 */

/** Each JS level we write is at most 4 CBOR levels (shared ref, private tag, record, array). */
export const MAX_CBOR_DEPTH = MAX_DEPTH * 4 + 8;

const MAJOR_UINT = 0;
const MAJOR_NEGINT = 1;
const MAJOR_BYTES = 2;
const MAJOR_TEXT = 3;
const MAJOR_ARRAY = 4;
const MAJOR_MAP = 5;
const MAJOR_TAG = 6;

/** Tags cbor-x 1.6 emits for what the validating walk lets through. */
function isKnownTag(tag: number, allowPrivate: boolean): boolean {
  if (tag >= 0xe000 && tag <= 0xffff) return true; // record instances
  if (tag >= TAG_FIRST && tag <= TAG_LAST) return allowPrivate;
  switch (tag) {
    case 1: // Date (epoch seconds)
    case 27: // RegExp as ['RegExp', source, flags]
    case 28: // shareable (structured clone)
    case 29: // shared reference
    case 64: // Uint8Array
    case 68: // Uint8ClampedArray
    case 69: // Uint16Array LE
    case 70: // Uint32Array LE
    case 71: // BigUint64Array LE
    case 72: // Int8Array
    case 77: // Int16Array LE
    case 78: // Int32Array LE
    case 79: // BigInt64Array LE
    case 85: // Float32Array LE
    case 86: // Float64Array LE
    case 258: // Set
    case 259: // Map (explicit)
    case 0xdfff: // inline record definition
      return true;
    default:
      return false;
  }
}

/** Returns why the payload is unacceptable, or undefined when it is fine to decode. */
export function checkCbor(bytes: Uint8Array, allowPrivate: boolean): string | undefined {
  const end = bytes.length;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Items still expected by each open container (a tag expects one).
  const open: number[] = [];
  let pos = 0;
  for (;;) {
    if (pos >= end) return 'truncated CBOR';
    const initial = bytes[pos++]!;
    const major = initial >> 5;
    const info = initial & 31;
    let arg: number;
    if (info < 24) arg = info;
    else if (info === 24) {
      if (pos + 1 > end) return 'truncated CBOR';
      arg = bytes[pos]!;
      pos += 1;
    } else if (info === 25) {
      if (pos + 2 > end) return 'truncated CBOR';
      arg = view.getUint16(pos);
      pos += 2;
    } else if (info === 26) {
      if (pos + 4 > end) return 'truncated CBOR';
      arg = view.getUint32(pos);
      pos += 4;
    } else if (info === 27) {
      if (pos + 8 > end) return 'truncated CBOR';
      // 64-bit integers and doubles are values; as a length or a tag number we never write one.
      if (major !== MAJOR_UINT && major !== MAJOR_NEGINT && major !== 7) return 'a 64-bit CBOR length';
      arg = 0;
      pos += 8;
    } else return 'an indefinite or reserved CBOR length';

    let children = 0;
    switch (major) {
      case MAJOR_BYTES:
      case MAJOR_TEXT:
        if (arg > end - pos) return `a CBOR string of ${arg} bytes beyond the payload`;
        pos += arg;
        break;
      case MAJOR_ARRAY:
        if (arg > end - pos) return `a CBOR array of ${arg} items beyond the payload`;
        children = arg;
        break;
      case MAJOR_MAP:
        if (arg * 2 > end - pos) return `a CBOR map of ${arg} entries beyond the payload`;
        children = arg * 2;
        break;
      case MAJOR_TAG:
        if (!isKnownTag(arg, allowPrivate)) return `CBOR tag ${arg}`;
        children = 1;
        break;
      case 7:
        // false, true, null, undefined, and half/single/double floats; no other simple values.
        if (!(info >= 20 && info <= 23) && info !== 25 && info !== 26 && info !== 27) return `CBOR simple value ${info}`;
        break;
      default:
        break;
    }
    if (children > 0) {
      if (open.length >= MAX_CBOR_DEPTH) return `CBOR nested deeper than ${MAX_CBOR_DEPTH}`;
      open.push(children);
      continue;
    }
    // An item is complete: count it against its containers, closing those it fills.
    let top = open.length - 1;
    while (top >= 0 && --open[top]! === 0) {
      open.pop();
      top--;
    }
    if (top < 0) return pos === end ? undefined : 'bytes after the CBOR value';
  }
}
