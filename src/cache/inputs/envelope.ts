import { isManifest, type Manifest } from '../../tracking';

/**
 * What the cache layer stores as an entry's value: `[result]`, or `[result, 1]` when the function
 * returned a Promise of `result`. A later process must hand back a Promise again even on its
 * very first call (a hit from disk, before the function ever ran), and the store's entry meta
 * has no field for it; the envelope costs two bytes of CBOR. A call that read files (src/tracking)
 * stores `[result, 0 | 1, manifest]`: the inputs checked before the entry is served.
 */
export type Envelope = readonly [unknown] | readonly [unknown, 1] | readonly [unknown, 0 | 1, Manifest];

export function envelope(value: unknown, promise: boolean, manifest?: Manifest): Envelope {
  if (manifest !== undefined) return [value, promise ? 1 : 0, manifest];
  return promise ? [value, 1] : [value];
}

export interface Opened {
  readonly value: unknown;
  readonly promise: boolean;
  readonly manifest?: Manifest;
}

/** The stored result, or undefined for a value this layer did not write (treated as a miss). */
export function openEnvelope(stored: unknown): Opened | undefined {
  if (!Array.isArray(stored)) return undefined;
  if (stored.length === 1) return { value: stored[0], promise: false };
  if (stored.length === 2 && stored[1] === 1) return { value: stored[0], promise: true };
  if (stored.length === 3 && (stored[1] === 0 || stored[1] === 1) && isManifest(stored[2])) {
    return { value: stored[0], promise: stored[1] === 1, manifest: stored[2] };
  }
  return undefined;
}
