/**
 * Has a source file been written since this process started? The text V8 compiled from a module
 * is the text the file had when it was loaded, after the process started; a file untouched since
 * before then holds exactly what runs. Shared by the persisted fingerprints (proof/sources.ts)
 * and the walk's sibling scopes (fingerprint/source/siblings.ts).
 */
import type { BigIntStats } from 'node:fs';

/** Wall-clock ms when this process started (no perf_hooks: its first use loads 11 modules). */
const started = Date.now() - process.uptime() * 1000;

/**
 * True when a file with these times has not been written (nor had its times changed) since
 * before this process started, so the text V8 compiled from it is the text on disk now. ctime,
 * unlike mtime, cannot be set back by a program: every write and every `utimes` sets it to the
 * kernel's current time (native-notes/persisted-fingerprints.md). File systems that keep whole
 * seconds only get a 2 s margin, others 100 ms (the kernel's coarse clock lags `Date.now()`).
 */
export function unwrittenSinceStart(stat: BigIntStats): boolean {
  const coarse = stat.ctimeNs % 1_000_000_000n === 0n;
  const margin = coarse ? 2000 : 100;
  return Number(stat.ctimeNs / 1_000_000n) < started - margin;
}

