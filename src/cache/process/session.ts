import path = require('node:path');
import { ANALYSIS_FORMAT, openAnalysisCache, openFingerprintProofs, saveAnalysisCache, saveFingerprintProofs } from '../../fingerprint';
import { warnOnce } from '../../warn';
import { EXIT_STATS, EXIT_SUMMARY, atExit } from './exit';
import { installLive } from './live';
import { logSummary } from './log';
import { costsMoreThanSaves } from '../../costs';
import { type FunctionStats, allStats, emptyTally } from '../accounting';
import { storeFor } from './stores';
import type { Store } from '../../store';
import { remoteCounters } from './team-tier';
import type { LogMode } from './switches';
import { formatMs } from '../../units';

/**
 * Process-wide duties that start with the first cached call: the live registry for `attach`, and
 * at exit the stats appended to each store, the LRU bump of the keys hit, the summary line.
 */
let started = false;
/** How often a running process records its hits and uses (nothing is written when nothing changed). */
const FLUSH_EVERY_MS = 5_000;
const realSetInterval = (require('node:timers') as typeof import('node:timers')).setInterval;
let summary = false;
let judging = false;

export function startSession(store: Store, log: LogMode): void {
  if (log === 'summary') summary = true;
  if (log !== 'off') judging = true;
  if (started) return;
  started = true;
  installLive(store.root);
  atExit(EXIT_STATS, flushAll);
  // A server stopped by a signal (Ctrl-C, docker stop, systemd) runs no exit handler: without a
  // flush while it runs, its hits and the last use of its entries were never recorded, and
  // `prune --older-than` removed entries in daily use. Node's own timer, not the global one a
  // test's fake timers may have replaced; unref'd, so it never keeps the program alive.
  realSetInterval(flushAll, FLUSH_EVERY_MS).unref();
  // Parsing is most of a cold start's fingerprint cost; analyses keyed by the function text's hash
  // are kept across runs beside the store (measured in the analyze tests: 45-87 ms -> ~3 ms for 200 helpers).
  // Only in the user's own root: an analysis decides what a fingerprint follows, so one planted
  // by another user of a shared root could make a stale hit (README, "Security").
  if (store.trust.level !== 'own') return;
  openAnalysisCache(path.join(store.root, `analysis-v${ANALYSIS_FORMAT}`));
  atExit(EXIT_STATS, saveAnalysisCache);
  // Persisted fingerprints (issue 11): the next run skips the walk when what it proved still
  // holds. Same trust rule as the analyses: a planted proof would be a stale hit.
  openFingerprintProofs(store.root);
  atExit(EXIT_STATS, saveFingerprintProofs);
  atExit(EXIT_SUMMARY, () => {
    if (summary) printSummary();
  });
}

/** Warns once per function, when SMARTCACHE_LOG asked for measurements, that its cache costs more than it saves. */
export function judge(stats: FunctionStats): void {
  const t = stats.tally;
  if (!judging || stats.judged || !costsMoreThanSaves(t)) return;
  stats.judged = true;
  const perCall = (ms: number): string => formatMs(ms / t.calls);
  warnOnce(
    stats.name,
    `caching costs more than it saves (${perCall(t.overheadMs)} of cache work per call, ` +
      `${perCall(t.computeMs + t.savedMs)} of computation per call, over ${t.calls} calls)`,
    undefined,
    'SMARTCACHE_COSTS_MORE',
  );
}

function flushOne(stats: FunctionStats): void {
  judge(stats);
  const delta = stats.takeDelta();
  const store = storeFor(stats.root);
  try {
    if (delta.calls > 0) store.appendStats(stats.name, delta);
    if (stats.hitKeys.size > 0) store.markUsed(stats.hitKeys);
    if (stats.usedOnDisk) {
      // This run used this fingerprint: its record becomes the newest again (an edit reverted
      // hits the older entries and writes no record), so `explain` and `prune` see it as current.
      if (stats.fingerprint !== undefined) store.markCurrentRecord(stats.name, stats.fingerprint);
    }
    stats.hitKeys.clear();
    stats.usedOnDisk = false;
  } catch (error) {
    // Stats are a nicety: when the store already failed for this function, that was warned.
    if (!stats.storeFailed) warnOnce(stats.name, 'cannot record stats', error, 'ERR_STORE_IO');
  }
}

function flushAll(): void {
  for (const stats of allStats()) flushOne(stats);
}

function printSummary(): void {
  let functions = 0;
  const t = emptyTally();
  for (const { tally } of allStats()) {
    if (tally.calls === 0) continue;
    functions++;
    t.calls += tally.calls;
    t.hits += tally.hits;
    t.misses += tally.misses;
    t.savedMs += tally.savedMs;
    t.overheadMs += tally.overheadMs;
  }
  logSummary({ functions, ...t }, remoteCounters());
}
