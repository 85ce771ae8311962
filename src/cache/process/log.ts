import type { RemoteStatsDelta } from '../../store';
import { describeTeamCounters } from '../../team-counters';
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

/** A call that ran without a key (an argument that cannot be hashed): no entry was looked for or stored. */
export function logUncached(name: string, ms: number, reason: string): void {
  sink(`[smartcache] miss ${name} (no key) ${formatMs(ms)} (${reason})`);
}

/** `reason`: "new arguments", "expired", "refresh", or what changed since the stored fingerprint. */
export function logMiss(name: string, key: string, ms: number, reason: string): void {
  sink(`[smartcache] miss ${name} ${keyPrefix(key)} ${formatMs(ms)} (${reason})`);
}

/**
 * The note of a call that paid the first-call setup (loading the cache layer, opening the store,
 * fingerprinting the code): its logged time includes that setup, and the line says how much.
 */
export function firstCallNote(setupMs: number, note: string): string;
export function firstCallNote(setupMs: number, note?: string): string | undefined;
export function firstCallNote(setupMs: number, note?: string): string | undefined {
  if (setupMs <= 0) return note;
  const setup = `first call: ${formatMs(setupMs)} of it loading and fingerprinting`;
  return note === undefined ? setup : `${note}; ${setup}`;
}

export function logLine(text: string): void {
  sink(`[smartcache] ${text}`);
}

export interface SummaryTotals {
  readonly functions: number;
  readonly calls: number;
  readonly hits: number;
  readonly misses: number;
  /** Computation skipped by hits. */
  readonly savedMs: number;
  /** The cache's own cost, first-call setup included. */
  readonly overheadMs: number;
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** `remote`: the team cache's counters, when one is configured. */
export function logSummary(t: SummaryTotals, remote?: RemoteStatsDelta): void {
  logLine(
    `summary: ${plural(t.calls, 'call', 'calls')}, ${plural(t.hits, 'hit', 'hits')}, ${plural(t.misses, 'miss', 'misses')}, ` +
      // Time saved is net of the cache's own cost (README: SMARTCACHE_LOG=summary).
      `${formatMs(t.savedMs - t.overheadMs)} saved (${formatMs(t.savedMs)} of computation skipped, ${formatMs(t.overheadMs)} overhead including first-call loading and fingerprinting; ${plural(t.functions, 'function', 'functions')})` +
      (remote === undefined ? '' : `; ${describeTeamCounters(remote)}`),
  );
}
