/** Small display helpers shared by the commands. */
import { formatBytes, formatMs as formatDuration } from '../units';

export { formatBytes };

/** Like units' formatMs, but nothing saved reads `0 ms`, not `0 µs`. */
export function formatMs(ms: number): string {
  return ms === 0 ? '0 ms' : formatDuration(ms);
}

/** The first 12 hex digits: enough to tell versions apart on screen, like short git hashes. */
export function shortHash(hash: string | undefined): string {
  if (hash === undefined || hash === '') return '-';
  return /^[0-9a-f]{16,}$/i.test(hash) ? hash.slice(0, 12) : hash;
}

/** `3 min ago`, `2 d ago`; `-` for an unknown time. */
export function timeAgo(when: number | undefined, now: number = Date.now()): string {
  if (when === undefined || !Number.isFinite(when) || when <= 0) return '-';
  const ms = Math.max(0, now - when);
  if (ms < 60_000) return 'just now';
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ago`;
  if (ms < 86_400_000) return `${Math.floor(ms / 3_600_000)} h ago`;
  return `${Math.floor(ms / 86_400_000)} d ago`;
}

export function isoTime(when: number | undefined): string {
  return when === undefined || !Number.isFinite(when) || when <= 0 ? '-' : new Date(when).toISOString();
}

export function percent(part: number, whole: number): string {
  return whole <= 0 ? '-' : `${Math.round((100 * part) / whole)}%`;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

export function entries(n: number): string {
  return plural(n, 'entry', 'entries');
}
