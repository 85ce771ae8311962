/**
 * Readable argument paths for error messages, built only when an error is thrown (the walk itself
 * never formats paths). Scheme:
 *   args[1].conn            property with an identifier-like name
 *   args[0]["a b"]          any other string key (JSON-quoted)
 *   args[0][3]              array element
 *   args[0][Symbol(k)]      symbol-keyed property
 *   args[2].<Map key #0>    a Map key, by insertion position
 *   args[2].<Map value for key "x">   a Map value (key shown when primitive, else `#n`)
 *   args[3].<Set value #1>  a Set member, by insertion position
 *   args[0].<prototype>     the prototype of an object with a custom (non-class) prototype
 */
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

export function propertySegment(key: string | symbol): string {
  if (typeof key === 'symbol') return `[${key.toString()}]`;
  return IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

export function indexSegment(index: number): string {
  return `[${index}]`;
}

export function mapKeySegment(position: number): string {
  return `.<Map key #${position}>`;
}

export function mapValueSegment(key: unknown, position: number): string {
  if (typeof key === 'string') return `.<Map value for key ${JSON.stringify(key)}>`;
  if (typeof key === 'number' || typeof key === 'boolean' || typeof key === 'bigint') {
    return `.<Map value for key ${String(key)}${typeof key === 'bigint' ? 'n' : ''}>`;
  }
  return `.<Map value #${position}>`;
}

export function setValueSegment(position: number): string {
  return `.<Set value #${position}>`;
}

/** A short type name for messages: `symbol Symbol(x)`, `Promise`, `Socket`, `object`. */
export function describeType(value: unknown): string {
  if (typeof value === 'symbol') return `symbol ${value.toString()}`;
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (typeof value !== 'object' || value === null) return typeof value;
  try {
    const ctor: unknown = (value as { constructor?: unknown }).constructor;
    if (typeof ctor === 'function' && ctor.name !== '') return `${ctor.name} instance`;
  } catch {
    // A revoked Proxy or a throwing getter: fall through to the generic name.
  }
  return 'object';
}
