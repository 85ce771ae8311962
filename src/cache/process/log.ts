import { formatMs } from '../../units';

/**
 * `SMARTCACHE_LOG` output on stderr. Every line begins `[smartcache] `; per-call lines then say
 * `hit ` or `miss `, the function's name, the first hex digits of the key and the call's time.
 */
let sink: (line: string) => void = (line) => process.stderr.write(`${line}\n`);

/** Tests redirect log lines; returns the previous sink. */
export function setLogSink(next: (line: string) => void): (line: string) => void {
  const previous = sink;
  sink = next;
  return previous;
}

const KEY_PREFIX = 6;

function keyPrefix(key: string): string {
  return `${key.slice(0, KEY_PREFIX)}…`;
}

export function logHit(name: string, key: string, ms: number, note?: string): void {
  sink(`[smartcache] hit ${name} ${keyPrefix(key)} ${formatMs(ms)}${note === undefined ? '' : ` (${note})`}`);
}

/** `reason`: "new arguments", "expired", "refresh", or what changed since the stored fingerprint. */
export function logMiss(name: string, key: string, ms: number, reason: string): void {
  sink(`[smartcache] miss ${name} ${keyPrefix(key)} ${formatMs(ms)} (${reason})`);
}

export function logLine(text: string): void {
  sink(`[smartcache] ${text}`);
}

export interface SummaryTotals {
  readonly functions: number;
  readonly calls: number;
  readonly hits: number;
  readonly misses: number;
  readonly savedMs: number;
  readonly overheadMs: number;
}

export function logSummary(t: SummaryTotals): void {
  const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
  logLine(
    `summary: ${plural(t.calls, 'call', 'calls')}, ${plural(t.hits, 'hit', 'hits')}, ${plural(t.misses, 'miss', 'misses')}, ` +
      `${formatMs(t.savedMs)} saved, ${formatMs(t.overheadMs)} overhead (${plural(t.functions, 'function', 'functions')})`,
  );
}
