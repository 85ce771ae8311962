import type { Tag as CborTag } from 'cbor-x';
import { fullCbor } from './cbor-full';

const { Tag } = fullCbor();
type Tag = CborTag;
import { classify, dateSurvivesCbor, isNegativeZero, isWellFormed, isWideBigInt } from './classify';
import { BLOB_MIN_BYTES } from './encode-plan';
import { BinaryKind, PrivateTag } from './tags';

/**
 * Builds the copy that cbor-x encodes when the validating walk found parts it would not bring
 * back exactly: those parts become private `Tag`s, large binaries become references to
 * out-of-band blobs. Containers are copied (memoized, so sharing and cycles keep their shape);
 * binary data never is. Only runs on already-validated values; iterative like the walk.
 */

export interface Blob {
  readonly kind: number;
  /** The caller's own bytes (a view, not a copy). */
  readonly bytes: Uint8Array;
}

export interface Substituted {
  readonly root: unknown;
  readonly blobs: readonly Blob[];
}

type Fill = () => void;

/** A frozen plain object or array (what the walk lets through frozen). */
function isFrozenContainer(v: object): boolean {
  if (!Object.isFrozen(v)) return false;
  if (Array.isArray(v)) return true;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

export function substitute(value: unknown): Substituted {
  const memo = new Map<object, unknown>();
  const blobs: Blob[] = [];
  const pending: Fill[] = [];

  const convert = (v: unknown): unknown => {
    switch (typeof v) {
      case 'number':
        return isNegativeZero(v) ? new Tag(0, PrivateTag.NegativeZero) : v;
      case 'string':
        return isWellFormed(v) ? v : new Tag(Buffer.from(v, 'utf16le'), PrivateTag.String);
      case 'bigint':
        return isWideBigInt(v) ? new Tag([v < 0n, (v < 0n ? -v : v).toString(16)], PrivateTag.BigInt) : v;
      case 'object': {
        if (v === null) return v;
        if (memo.has(v)) return memo.get(v);
        const converted = convertObject(v);
        // Only plain objects and arrays pass the walk frozen (encode-plan.ts `plainShape`).
        const out = isFrozenContainer(v) ? new Tag(converted, PrivateTag.Frozen) : converted;
        memo.set(v, out);
        return out;
      }
      default:
        return v;
    }
  };

  const blob = (kind: number, bytes: Uint8Array): Tag => {
    blobs.push({ kind, bytes });
    return new Tag([kind, blobs.length - 1], PrivateTag.Blob);
  };

  const convertObject = (v: object): unknown => {
    const kind = classify(v);
    switch (kind.type) {
      case 'plain': {
        const copy: Record<string, unknown> = {};
        pending.push(() => fillObject(v as Record<string, unknown>, copy));
        return copy;
      }
      case 'nullProto': {
        const copy: Record<string, unknown> = {};
        pending.push(() => fillObject(v as Record<string, unknown>, copy));
        return new Tag(copy, PrivateTag.NullProto);
      }
      case 'array': {
        const source = v as unknown[];
        const copy: unknown[] = new Array<unknown>(source.length);
        pending.push(() => {
          for (let i = 0; i < source.length; i++) copy[i] = convert(source[i]);
        });
        return copy;
      }
      case 'map': {
        const copy = new Map<unknown, unknown>();
        pending.push(() => {
          for (const [k, item] of v as Map<unknown, unknown>) copy.set(convert(k), convert(item));
        });
        return copy;
      }
      case 'set': {
        const copy = new Set<unknown>();
        pending.push(() => {
          for (const item of v as Set<unknown>) copy.add(convert(item));
        });
        return copy;
      }
      case 'date':
        return dateSurvivesCbor(v as Date) ? v : new Tag((v as Date).getTime(), PrivateTag.Date);
      case 'regexp': {
        const re = v as RegExp;
        return re.lastIndex === 0 ? re : new Tag([re.source, re.flags, re.lastIndex], PrivateTag.RegExp);
      }
      case 'arrayBuffer': {
        const bytes = new Uint8Array(v as ArrayBuffer);
        return bytes.byteLength >= BLOB_MIN_BYTES ? blob(BinaryKind.ArrayBuffer, bytes) : new Tag([BinaryKind.ArrayBuffer, Buffer.from(bytes.buffer, 0, bytes.byteLength)], PrivateTag.Binary);
      }
      case 'view': {
        const view = v as ArrayBufferView;
        const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
        if (view.byteLength >= BLOB_MIN_BYTES) return blob(kind.view.kind, bytes);
        if (kind.view.native) return view;
        return new Tag([kind.view.kind, Buffer.from(view.buffer, view.byteOffset, view.byteLength)], PrivateTag.Binary);
      }
      case 'refused':
        throw new TypeError(`internal: substitute() met ${kind.reason} after validation`);
    }
  };

  const fillObject = (source: Record<string, unknown>, copy: Record<string, unknown>): void => {
    for (const key of Object.keys(source)) copy[key] = convert(source[key]);
  };

  const root = convert(value);
  // A copy is filled after it is created and memoized, so cycles resolve to the copies.
  while (pending.length > 0) pending.pop()!();
  return { root, blobs };
}
