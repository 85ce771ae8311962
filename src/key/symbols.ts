/**
 * Symbols that mean the same thing in every process: registered ones (`Symbol.for(key)`) and the
 * well-known ones (`Symbol.iterator`). Any other symbol is unique to its process.
 */
const wellKnown = new Map<symbol, string>();
for (const name of Object.getOwnPropertyNames(Symbol)) {
  const v: unknown = (Symbol as unknown as Record<string, unknown>)[name];
  if (typeof v === 'symbol') wellKnown.set(v, `Symbol.${name}`);
}

/**
 * A process-independent name: `y<key>` for registered symbols, `Y<name>` for well-known ones
 * (the first char is the token tag), or undefined.
 */
export function symbolName(sym: symbol): string | undefined {
  const key = Symbol.keyFor(sym);
  if (key !== undefined) return `y${key}`;
  const name = wellKnown.get(sym);
  return name === undefined ? undefined : `Y${name}`;
}
