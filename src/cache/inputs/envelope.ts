/**
 * What the cache layer stores as an entry's value: `[result]`, or `[result, 1]` when the function
 * returned a Promise of `result`. A later process must hand back a Promise again even on its
 * very first call (a hit from disk, before the function ever ran), and the store's entry meta
 * has no field for it; the envelope costs two bytes of CBOR.
 */
export type Envelope = readonly [unknown] | readonly [unknown, 1];

export function envelope(value: unknown, promise: boolean): Envelope {
  return promise ? [value, 1] : [value];
}

export interface Opened {
  readonly value: unknown;
  readonly promise: boolean;
}

/** The stored result, or undefined for a value this layer did not write (treated as a miss). */
export function openEnvelope(stored: unknown): Opened | undefined {
  if (!Array.isArray(stored)) return undefined;
  if (stored.length === 1) return { value: stored[0], promise: false };
  if (stored.length === 2 && stored[1] === 1) return { value: stored[0], promise: true };
  return undefined;
}
