import type { RemoteStatsDelta } from './store';
import { formatBytes } from './units';

/**
 * The team cache's counters as one phrase, shared by the `SMARTCACHE_LOG=summary` line and
 * `smartcache stats`, so both say the same thing the same way.
 */
export function describeTeamCounters(r: RemoteStatsDelta): string {
  const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
  return (
    `team cache: ${plural(r.hits, 'hit', 'hits')}, ${plural(r.misses, 'miss', 'misses')}, ${plural(r.errors, 'error', 'errors')}, ` +
    `${plural(r.timeouts, 'timeout', 'timeouts')}, ${r.rejected} rejected, ${r.tooLarge} over the size cap, ${plural(r.uploads, 'upload', 'uploads')}, ` +
    `${formatBytes(r.bytesIn)} in, ${formatBytes(r.bytesOut)} out`
  );
}
