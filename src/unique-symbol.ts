/**
 * A symbol made by `Symbol()`: one of its kind, told from another of the same description only
 * by identity. `Symbol.for` symbols are their registry key, well-known ones (`Symbol.iterator`)
 * their name. Its own module: the fingerprint's graph and its proofs both ask, and a proof check
 * must not load the graph layer to do it.
 */
export function isUniqueSymbol(value: unknown): value is symbol {
  if (typeof value !== 'symbol' || Symbol.keyFor(value) !== undefined) return false;
  const d = value.description ?? '';
  return !(d.startsWith('Symbol.') && (Symbol as unknown as Record<string, unknown>)[d.slice(7)] === value);
}
