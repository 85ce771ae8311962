import type { Hash } from 'node:crypto';
import { nodeCrypto, sha256 } from '../hash';

/**
 * The byte stream a key is the sha256 of. Tokens are written into one reusable 64 KiB buffer and
 * handed to the hash in chunks: no string is built per token (a JSON-like walk produces millions
 * of tokens; building strings made the garbage collector the top cost), and an input that fits in
 * the buffer is hashed in one shot (../hash.ts: `crypto.hash` where Node has it), ~3x cheaper than
 * createHash().update().digest() for small inputs.
 *
 * Every token starts with a one-byte ASCII tag and is self-delimiting (fixed width or a u32
 * length prefix), so the stream decodes back to one value: distinct values, distinct streams.
 *   u undefined   l null   t true   f false   N NaN (every NaN payload)
 *   n <f64 LE>         any other number; -0 keeps its sign bit
 *   i <u32 n> <ascii>  bigint, decimal
 *   s <u32 n> <utf8>   string, n = UTF-8 byte count
 *   w <u32 n> <utf16le> string with a lone surrogate (UTF-8 cannot carry one: Node writes U+FFFD,
 *                      which would make '\uD800' and '\uFFFD' collide), n = code units
 * Integers inside structure tokens (counts, indices) are u32 little-endian.
 */
const CAPACITY = 1 << 16;
/** Room kept free at the end of the buffer so fixed-size tokens never need a bounds check. */
const SLACK = 64;
/** Strings up to this length are copied by a JS loop when ASCII (a native write costs ~50 ns). */
const SHORT_STRING = 64;

interface WellFormed { isWellFormed(): boolean }

/** ES2024 String.prototype.isWellFormed (V8 11.1, Node 20): a one-byte string answers at once. */
function isWellFormed(s: string): boolean {
  return (s as unknown as WellFormed).isWellFormed();
}

export class Sink {
  private readonly buf = Buffer.allocUnsafeSlow(CAPACITY + SLACK);
  private readonly view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  private pos = 0;
  private hash: Hash | undefined;

  reset(): void {
    this.pos = 0;
    this.hash = undefined;
  }

  /** A one-byte tag (char code). */
  tag(code: number): void {
    if (this.pos >= CAPACITY) this.flush();
    this.buf[this.pos++] = code;
  }

  /** A tag followed by a u32. */
  tagU32(code: number, n: number): void {
    if (this.pos >= CAPACITY) this.flush();
    const p = this.pos;
    this.buf[p] = code;
    this.view.setUint32(p + 1, n, true);
    this.pos = p + 5;
  }

  u32(n: number): void {
    if (this.pos >= CAPACITY) this.flush();
    this.view.setUint32(this.pos, n, true);
    this.pos += 4;
  }

  number(v: number): void {
    if (this.pos >= CAPACITY) this.flush();
    const p = this.pos;
    if (v !== v) {
      this.buf[p] = 0x4e; // N: NaN payloads are not observable without typed arrays
      this.pos = p + 1;
      return;
    }
    this.buf[p] = 0x6e; // n
    this.view.setFloat64(p + 1, v, true);
    this.pos = p + 9;
  }

  string(s: string): void {
    const len = s.length;
    if (len <= SHORT_STRING) {
      if (this.pos + 5 + len > CAPACITY) this.flush();
      const buf = this.buf;
      const start = this.pos;
      let p = start + 5;
      for (let i = 0; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) {
          this.stringSlow(s);
          return;
        }
        buf[p++] = c;
      }
      buf[start] = 0x73; // s
      this.view.setUint32(start + 1, len, true);
      this.pos = p;
      return;
    }
    this.stringSlow(s);
  }

  private stringSlow(s: string): void {
    if (!isWellFormed(s)) {
      this.illFormed(s);
      return;
    }
    const worst = s.length * 3;
    if (worst > CAPACITY) {
      // A big string goes to the hash as it is: UTF-8 encoding of `update(s)` = the same bytes.
      this.tagU32(0x73, Buffer.byteLength(s, 'utf8'));
      this.flush();
      this.hash!.update(s, 'utf8');
      return;
    }
    if (this.pos + 5 + worst > CAPACITY) this.flush();
    const start = this.pos;
    const n = this.buf.write(s, start + 5, 'utf8');
    this.buf[start] = 0x73;
    this.view.setUint32(start + 1, n, true);
    this.pos = start + 5 + n;
  }

  private illFormed(s: string): void {
    this.tagU32(0x77, s.length); // w
    for (let i = 0; i < s.length; i++) {
      if (this.pos + 2 > CAPACITY) this.flush();
      this.view.setUint16(this.pos, s.charCodeAt(i), true);
      this.pos += 2;
    }
  }

  /** A tag, then an ASCII text with its length (bigint digits, symbol names, hex fingerprints). */
  tagText(code: number, text: string): void {
    this.tag(code);
    this.string(text);
  }

  /** Raw bytes with their length; large views go to the hash straight from their own memory. */
  bytes(view: Uint8Array): void {
    const len = view.byteLength;
    this.u32(len);
    if (len <= SLACK * 4 && this.pos + len <= CAPACITY) {
      this.buf.set(view, this.pos);
      this.pos += len;
      return;
    }
    this.flush();
    this.hash!.update(view); // no copy, even for 100 MB
  }

  flush(): void {
    // Only inputs larger than the buffer stream into a hash object: node:crypto loads then.
    this.hash ??= nodeCrypto().createHash('sha256');
    if (this.pos > 0) this.hash.update(this.buf.subarray(0, this.pos));
    this.pos = 0;
  }

  digest(): string {
    const h = this.hash;
    if (h === undefined) return sha256(this.buf.subarray(0, this.pos));
    if (this.pos > 0) h.update(this.buf.subarray(0, this.pos));
    this.pos = 0;
    return h.digest('hex');
  }
}
