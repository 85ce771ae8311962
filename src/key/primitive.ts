/**
 * In-memory key for the memory layer's fast path: a short string, unique per sequence of
 * (type, value), built only when every argument is a primitive. Tags as in sink.ts: `s<len>:`
 * length-prefixes strings, numbers and bigints end with `;`, so no two different argument lists
 * give the same string (`1`/`'1'`/`1n`/`true`, `0`/`-0`, NaN, `undefined`/missing/`null`).
 * Process-local: the string is a Map key, never written anywhere, so lone surrogates need no
 * special care here.
 */
const MAX_ARGS = 8;
const MAX_LENGTH = 256;

function token(v: unknown): string | undefined {
  switch (typeof v) {
    case 'number': return v === 0 && 1 / v < 0 ? 'n-0;' : `n${v};`;
    case 'string': return v.length > MAX_LENGTH ? undefined : `s${v.length}:${v}`;
    case 'boolean': return v ? 't' : 'f';
    case 'undefined': return 'u';
    case 'bigint': return `i${v};`;
    default: return v === null ? 'l' : undefined;
  }
}

export function primitiveKey(args: readonly unknown[]): string | undefined {
  const n = args.length;
  // Unrolled for the common small arities: one concatenation chain, no loop bookkeeping.
  if (n === 1) return token(args[0]);
  if (n === 2) {
    const a = token(args[0]);
    if (a === undefined) return undefined;
    const b = token(args[1]);
    return b === undefined ? undefined : a + b;
  }
  if (n === 3) {
    const a = token(args[0]);
    if (a === undefined) return undefined;
    const b = token(args[1]);
    if (b === undefined) return undefined;
    const c = token(args[2]);
    return c === undefined ? undefined : a + b + c;
  }
  if (n === 0 || n > MAX_ARGS) return n === 0 ? '' : undefined;
  let key = '';
  for (let i = 0; i < n; i++) {
    const t = token(args[i]);
    if (t === undefined) return undefined;
    key += t;
  }
  return key.length > MAX_LENGTH * 2 ? undefined : key;
}
