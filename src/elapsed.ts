/**
 * The cache layer's one clock: milliseconds from an arbitrary origin, monotonic, sub-µs.
 * `process.hrtime.bigint()` rather than `performance.now()`: the first `performance.now()` loads
 * perf_hooks and 11 built-in modules (~1.5 ms of CPU on Node 20), a cost every cached process
 * paid for timing its first call.
 */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
