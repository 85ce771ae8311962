import type { Tag as CborTag } from 'cbor-x';

/**
 * The decoder's own Tag class: entries are decoded with cbor-x's decode-only build (codec/index.ts),
 * whose module exports its Tag at run time although its typings do not declare it.
 */
const Tag = (require('cbor-x/decode-no-eval') as { Tag: typeof CborTag }).Tag;
type Tag = CborTag;
import { isBinaryKind, makeBinary, ownedCopy, PrivateTag } from './tags';

/**
 * The inverse of substitute(): walks a freshly decoded value and replaces every private `Tag`
 * with the value it stands for, in place (identity of shared parts is kept through a memo).
 * Runs only for entries flagged as substituted. Anything unexpected means the file is not one
 * we wrote: it throws, and the reader treats the entry as corrupt.
 */

export class ReviveError extends Error {}

export function revive(root: unknown, blobs: ReadonlyArray<ArrayBuffer | ArrayBufferView>): unknown {
  const memo = new Map<Tag, unknown>();
  const visited = new Set<object>();
  const work: object[] = [];
  const usedBlobs = new Set<number>();
  /** Containers to freeze once every child is in place (a frozen one cannot be filled). */
  const frozen: object[] = [];

  const fix = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    if (v instanceof Tag) {
      if (memo.has(v)) return memo.get(v);
      const out = realize(v);
      memo.set(v, out);
      return out;
    }
    if (!visited.has(v) && isContainer(v)) {
      visited.add(v);
      work.push(v);
    }
    return v;
  };

  const realize = (tag: Tag): unknown => {
    const content = tag.value as unknown;
    switch (tag.tag) {
      case PrivateTag.NegativeZero:
        return -0;
      case PrivateTag.BigInt: {
        const [negative, hex] = tuple(content, 2);
        if (typeof negative !== 'boolean' || typeof hex !== 'string' || !/^[0-9a-f]+$/.test(hex)) throw new ReviveError('bad bigint');
        const magnitude = BigInt(`0x${hex}`);
        return negative ? -magnitude : magnitude;
      }
      case PrivateTag.String:
        if (!(content instanceof Uint8Array) || content.byteLength % 2 !== 0) throw new ReviveError('bad string');
        return Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('utf16le');
      case PrivateTag.Date:
        if (typeof content !== 'number') throw new ReviveError('bad date');
        return new Date(content);
      case PrivateTag.RegExp: {
        const [source, flags, lastIndex] = tuple(content, 3);
        if (typeof source !== 'string' || typeof flags !== 'string' || typeof lastIndex !== 'number') throw new ReviveError('bad regexp');
        const re = new RegExp(source, flags);
        re.lastIndex = lastIndex;
        return re;
      }
      case PrivateTag.Binary: {
        const [kind, bytes] = tuple(content, 2);
        if (!isBinaryKind(kind) || !(bytes instanceof Uint8Array)) throw new ReviveError('bad binary');
        const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : ownedCopy(bytes);
        return makeBinary(kind, owned, 0, owned.byteLength);
      }
      case PrivateTag.Blob: {
        const [kind, index] = tuple(content, 2);
        const blob = typeof index === 'number' ? blobs[index] : undefined;
        if (blob === undefined || usedBlobs.has(index as number) || blobKind(blob) !== kind) throw new ReviveError('bad blob reference');
        usedBlobs.add(index as number);
        return blob;
      }
      case PrivateTag.Frozen: {
        const inner = content instanceof Tag ? (content.tag === PrivateTag.NullProto ? fix(content) : undefined) : content;
        if (typeof inner !== 'object' || inner === null || (!Array.isArray(inner) && !isPlainOrNull(inner))) throw new ReviveError('bad frozen value');
        fix(inner);
        frozen.push(inner);
        return inner;
      }
      case PrivateTag.NullProto: {
        if (typeof content !== 'object' || content === null || Object.getPrototypeOf(content) !== Object.prototype) throw new ReviveError('bad object');
        Object.setPrototypeOf(content, null);
        visited.add(content);
        work.push(content);
        return content;
      }
      default:
        throw new ReviveError(`unexpected CBOR tag ${tag.tag}`);
    }
  };

  const result = fix(root);
  while (work.length > 0) fixChildren(work.pop()!, fix);
  for (const container of frozen) Object.freeze(container);
  return result;
}

const kindOfBlob = new WeakMap<object, number>();

/** The entry reader records which kind it built each blob as. */
export function tagBlob<T extends ArrayBuffer | ArrayBufferView>(blob: T, kind: number): T {
  kindOfBlob.set(blob, kind);
  return blob;
}

function blobKind(blob: object): number | undefined {
  return kindOfBlob.get(blob);
}

function tuple(content: unknown, length: number): unknown[] {
  if (!Array.isArray(content) || content.length !== length) throw new ReviveError('bad tag content');
  return content;
}

function isPlainOrNull(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function isContainer(v: object): boolean {
  if (Array.isArray(v) || v instanceof Map || v instanceof Set) return true;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function fixChildren(container: object, fix: (v: unknown) => unknown): void {
  if (Array.isArray(container)) {
    for (let i = 0; i < container.length; i++) container[i] = fix(container[i]);
  } else if (container instanceof Map) {
    const entries = [...container].map(([k, v]) => [fix(k), fix(v)] as const);
    container.clear();
    for (const [k, v] of entries) container.set(k, v);
  } else if (container instanceof Set) {
    const items = [...container].map(fix);
    container.clear();
    for (const item of items) container.add(item);
  } else {
    const record = container as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = fix(record[key]);
  }
}
