/**
 * CRC-32 (the zlib polynomial), incremental: crc32(b, crc32(a)) === crc32(a ++ b). The damage
 * check of the store's entries and of the preload's stored rewrites.
 *
 * Two implementations with identical results. Small inputs (entry heads, small entries: nearly
 * every disk hit) use a table-driven JS loop: loading `node:zlib` for its native crc32 costs a disk
 * hit ~2.4 ms of CPU and 21 built-in modules (Node 20), more than the JS loop spends on a few KB.
 * Large inputs use zlib.crc32 (native, ~6 GB/s here; Node 20.15 / 22.2 and later, feature
 * detected), loaded on first need; older Node 20 releases stay on the JS loop.
 */
type Crc32 = (data: Uint8Array, value?: number) => number;

/** Below this many bytes the JS loop is used (about 10 µs of work: less than the module costs). */
const NATIVE_FROM = 16 * 1024;

let table: Int32Array | undefined;
let native: Crc32 | null | undefined;

function makeTable(): Int32Array {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
}

function crc32Js(data: Uint8Array, value = 0): number {
  const t = (table ??= makeTable());
  let c = ~value;
  for (let i = 0; i < data.length; i++) c = (t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8));
  return ~c >>> 0;
}

function nativeCrc32(): Crc32 | null {
  const zlib = require('node:zlib') as { crc32?: Crc32 };
  return typeof zlib.crc32 === 'function' ? zlib.crc32 : null;
}

/**
 * Whether `node:zlib` is in the process already (smartcache's runtime loader checks its code
 * cache with zlib.crc32; the program may use zlib): then the native crc32 costs nothing to load
 * and serves small inputs too. A short-lived process runs the JS loop in V8's interpreter for its
 * first few hundred calls (a few µs per 200-byte entry), the native one never. Asked once.
 */
let zlibLoaded: boolean | undefined;

function zlibAlreadyLoaded(): boolean {
  const list = (process as unknown as { moduleLoadList?: unknown }).moduleLoadList;
  return Array.isArray(list) && list.includes('NativeModule zlib');
}

export function crc32(data: Uint8Array, value = 0): number {
  if (data.byteLength < NATIVE_FROM) {
    zlibLoaded ??= zlibAlreadyLoaded();
    if (!zlibLoaded) return crc32Js(data, value);
  }
  native ??= nativeCrc32();
  return native === null ? crc32Js(data, value) : native(data, value);
}

/** For tests: the portable implementation, to check it against the native one. */
export const crc32Portable: Crc32 = crc32Js;
