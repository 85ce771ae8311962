/**
 * A transfer gets the request timeout plus one second per 8 MiB: a 100 MB record may take
 * seconds on a slow link, and a stalled server still costs a bounded time. Kept apart from the
 * connection so the main thread's bridge can use it without loading the Redis client.
 */
const BYTES_PER_SECOND = 8 * 1024 * 1024;

export function transferAllowanceMs(bytes: number): number {
  return Math.ceil((bytes / BYTES_PER_SECOND) * 1000);
}
