import type { Expect, RemoteTier } from '../../remote';
import type { ReadEntry } from '../../store';
import type { FunctionParts } from './parts';
import type { Ready } from './setup';

/**
 * The team cache (src/remote/), asked after a local miss and before computing. What it returns
 * has been written into the local store, and is checked like any stored entry before it is
 * served. Only the local store throws here (writing the downloaded entry): a store failure,
 * warned once; the team cache's own failures are counted and told by the tier itself.
 */
export function fetchSync(parts: FunctionParts, remote: RemoteTier, ready: Ready, key: string): ReadEntry | undefined {
  try {
    return remote.fetchSync(ready.store, key, expect(parts, ready));
  } catch (error) {
    parts.storeFailure(ready.stats, error);
    return undefined;
  }
}

/** `fetchSync` for async functions: awaited instead of blocking. */
export function fetchAsync(parts: FunctionParts, remote: RemoteTier, ready: Ready, key: string): Promise<ReadEntry | undefined> {
  return remote.fetch(ready.store, key, expect(parts, ready)).catch((error: unknown) => {
    parts.storeFailure(ready.stats, error);
    return undefined;
  });
}

/** The downloaded entry must name this function and fingerprint. */
function expect(parts: FunctionParts, ready: Ready): Expect {
  return { fn: parts.name, fingerprint: ready.identity.fingerprint };
}
