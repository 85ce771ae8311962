import type { RemoteCounters, RemoteTier } from '../../remote';
import { EXIT_STATS, EXIT_WRITES, atExit } from './exit';
import { storeFor } from './stores';

/**
 * The cache layer's link to the team cache. `src/remote/` (and through its worker the Redis
 * client) is loaded only when SMARTCACHE_REMOTE is set: a program without a remote loads none of
 * it. Read once, when the first cached function is created (as the other SMARTCACHE_* switches).
 */
let checked = false;
let tier: RemoteTier | undefined;
/** The root the process's remote counters are recorded in: the first one a remote lookup used. */
let statsRoot: string | undefined;

export function remoteTier(): RemoteTier | undefined {
  if (checked) return tier;
  checked = true;
  const url = process.env['SMARTCACHE_REMOTE'];
  if (url === undefined || url.trim() === '') return undefined;
  const remote = require('../../remote') as typeof import('../../remote');
  tier = remote.processTier();
  if (tier !== undefined) {
    const active = tier;
    atExit(EXIT_WRITES, () => active.flush());
    atExit(EXIT_STATS, () => persist(active));
  }
  return tier;
}

/** Called with each root a remote-using function runs with; the first one keeps the counters. */
export function noteRemoteRoot(root: string): void {
  statsRoot ??= root;
}

/** The counters for the summary line; undefined when no remote is in use. */
export function remoteCounters(): RemoteCounters | undefined {
  return tier?.counters();
}

function persist(active: RemoteTier): void {
  const delta = active.takeDelta();
  if (statsRoot === undefined || Object.values(delta).every((v) => v === 0)) return;
  try {
    storeFor(statsRoot).appendRemoteStats(delta);
  } catch {
    // Stats are a nicety; a store that cannot be written was already warned about.
  }
}
