/**
 * `smartcache prune`: evicts what can no longer be hit, then what is too old, then the least
 * recently used until the store fits. Entries of superseded fingerprints and expired entries
 * can never be hit again, so they always go; `--older-than` and `--max-size` bound the rest.
 */
import { InvalidArgumentError, type Command } from 'commander';
import * as fs from 'node:fs';
import type { EntryInfo, Store, UsageAccount } from '../store';
import { parseDuration, parseSize } from '../units';
import { DIR_FLAG, DIR_HELP, openStoreIfPresent, type DirOption } from './context';
import { entries, formatBytes, formatMs } from './format';
import { groupRecords, rankFingerprints } from './inventory';
import type { Output } from './output';
import { orphanedFunctions } from './prune-orphans';
import { createProgress } from './progress';

export interface PrunePolicy {
  readonly maxBytes?: number;
  readonly olderThanMs?: number;
  /** How many fingerprints per function survive (the current one and N-1 older). @default 1 */
  readonly keepVersions: number;
  readonly now: number;
  /** The root's disk use as entries go, folders included, so --max-size bounds what `du` says. */
  readonly account?: UsageAccount;
}

export type PruneReason = 'stale' | 'expired' | 'unused' | 'size';

export interface PrunePlan {
  readonly victims: ReadonlyArray<{ readonly entry: EntryInfo; readonly reason: PruneReason }>;
  readonly kept: number;
  readonly keptBytes: number;
}

interface PruneOptions extends DirOption {
  readonly maxSize?: number;
  readonly olderThan?: number;
  readonly keepVersions?: number;
  readonly dryRun?: boolean;
  readonly json?: boolean;
}

/** fn name -> fingerprints that survive */
function survivingVersions(all: readonly EntryInfo[], store: Store, keep: number): Map<string, Set<string>> {
  const created = new Map<string, Map<string, number>>();
  for (const e of all) {
    let byFp = created.get(e.meta.fn);
    if (byFp === undefined) created.set(e.meta.fn, (byFp = new Map()));
    byFp.set(e.meta.fingerprint, Math.max(byFp.get(e.meta.fingerprint) ?? 0, e.meta.created));
  }
  const records = groupRecords(store.readFunctionRecords());
  const surviving = new Map<string, Set<string>>();
  for (const [fn, byFp] of created) surviving.set(fn, new Set(rankFingerprints(records.get(fn) ?? [], byFp).slice(0, keep)));
  return surviving;
}

function reasonFor(e: EntryInfo, surviving: ReadonlyMap<string, ReadonlySet<string>>, policy: PrunePolicy): PruneReason | undefined {
  if (surviving.get(e.meta.fn)?.has(e.meta.fingerprint) !== true) return 'stale';
  if (e.meta.expires !== undefined && e.meta.expires <= policy.now) return 'expired';
  if (policy.olderThanMs !== undefined && e.lastUsed < policy.now - policy.olderThanMs) return 'unused';
  return undefined;
}

/** Decides without deleting, so `--dry-run` and the real run agree by construction. */
export function planPrune(all: readonly EntryInfo[], store: Store, policy: PrunePolicy): PrunePlan {
  const surviving = survivingVersions(all, store, policy.keepVersions);
  const victims: Array<{ entry: EntryInfo; reason: PruneReason }> = [];
  const rest: EntryInfo[] = [];
  for (const e of all) {
    const reason = reasonFor(e, surviving, policy);
    if (reason === undefined) rest.push(e);
    else {
      victims.push({ entry: e, reason });
      policy.account?.remove(e);
    }
  }
  let keptBytes = policy.account?.total ?? rest.reduce((n, e) => n + e.disk, 0);
  let kept = rest.length;
  if (policy.maxBytes !== undefined && keptBytes > policy.maxBytes) {
    rest.sort((a, b) => a.lastUsed - b.lastUsed || a.meta.created - b.meta.created);
    for (const e of rest) {
      if (keptBytes <= policy.maxBytes) break;
      victims.push({ entry: e, reason: 'size' });
      keptBytes = policy.account?.remove(e) ?? keptBytes - e.disk;
      kept--;
    }
  }
  // Delete in scan order (folder by folder), not in LRU order scattered over 65,536 folders:
  // each directory block is then dirtied once, which the disk notices on 100,000-entry prunes.
  const order = new Map(all.map((e, i) => [e, i] as const));
  victims.sort((a, b) => (order.get(a.entry) ?? 0) - (order.get(b.entry) ?? 0));
  return { victims, kept, keptBytes };
}

/**
 * Deletes an entry judged at scan time unless another process used it since (its last-use time,
 * the file's mtime, moved): that process just proved it current. One stat per victim, instead of
 * a second scan of the whole store, keeps a 100,000-entry prune to one pass over the entries.
 */
function deleteIfUnused(store: Store, entry: EntryInfo): boolean {
  const stat = fs.statSync(entry.file, { throwIfNoEntry: false });
  if (stat === undefined || stat.mtimeMs !== entry.lastUsed) return false;
  return store.delete(entry.key);
}

const REASON_TEXT: Readonly<Record<PruneReason, string>> = {
  stale: 'of fingerprints no longer current',
  expired: 'expired',
  unused: 'unused for longer than --older-than',
  size: 'least recently used, to fit --max-size',
};

function tally(plan: PrunePlan): Record<PruneReason, { entries: number; bytes: number }> {
  const t = { stale: { entries: 0, bytes: 0 }, expired: { entries: 0, bytes: 0 }, unused: { entries: 0, bytes: 0 }, size: { entries: 0, bytes: 0 } };
  for (const v of plan.victims) {
    t[v.reason].entries++;
    t[v.reason].bytes += v.entry.disk;
  }
  return t;
}

export function runPrune(options: PruneOptions, out: Output): void {
  const started = Date.now();
  const store = openStoreIfPresent(options, out, options.json === true ? { dryRun: options.dryRun === true, scanned: 0, removed: 0, bytes: 0, kept: 0, keptBytes: 0 } : undefined);
  if (store === undefined) return;
  const { entries: scanned, usage } = store.entriesWithUsage();
  // Functions whose file is gone first: none of their entries can be hit again.
  const gone = orphanedFunctions(store, scanned);
  const orphans = scanned.filter((e) => gone.has(e.meta.fn));
  const all = gone.size === 0 ? scanned : scanned.filter((e) => !gone.has(e.meta.fn));
  // Loaded on use, like the store itself (context.ts): --help need not load the codec.
  const { UsageAccount: Account } = require('../store') as typeof import('../store');
  const account = new Account(usage);
  for (const e of orphans) account.remove(e);
  const plan = planPrune(all, store, {
    ...(options.maxSize === undefined ? {} : { maxBytes: options.maxSize }),
    ...(options.olderThan === undefined ? {} : { olderThanMs: options.olderThan }),
    keepVersions: options.keepVersions ?? 1,
    now: Date.now(),
    account,
  });
  const doomed = [...orphans.map((entry) => ({ entry })), ...plan.victims];
  let removed = 0;
  let freed = 0;
  if (options.dryRun !== true) {
    const progress = createProgress('pruning', doomed.length, out.interactive);
    for (const { entry } of doomed) {
      if (deleteIfUnused(store, entry)) {
        removed++;
        freed += entry.disk;
      }
      progress.tick();
    }
    progress.done();
    store.removeEmptyFolders(doomed.map((v) => v.entry.key));
    for (const name of gone) store.deleteFunctionRecords(name);
  }
  const reasons = tally(plan);
  const missing = { functions: [...gone].sort(), entries: orphans.length, bytes: orphans.reduce((n, e) => n + e.disk, 0) };
  const elapsedMs = Date.now() - started;
  if (options.json === true) {
    out.line(JSON.stringify({ root: store.root, dryRun: options.dryRun === true, scanned: scanned.length, removed, bytes: freed, reasons, missing, kept: plan.kept, keptBytes: plan.keptBytes, elapsedMs }, null, 2));
    return;
  }
  const verb = options.dryRun === true ? 'would remove' : 'removed';
  const count = options.dryRun === true ? doomed.length : removed;
  const bytes = options.dryRun === true ? doomed.reduce((n, v) => n + v.entry.disk, 0) : freed;
  out.line(`${verb} ${entries(count)}, ${formatBytes(bytes)} freed; kept ${entries(plan.kept)} (${formatBytes(plan.keptBytes)} on disk) in ${formatMs(elapsedMs)}`);
  if (gone.size > 0) out.line(`  ${entries(missing.entries)} (${formatBytes(missing.bytes)}) of functions whose file no longer exists: ${missing.functions.join(', ')}`);
  for (const [reason, t] of Object.entries(reasons) as Array<[PruneReason, { entries: number; bytes: number }]>) {
    if (t.entries > 0) out.line(`  ${entries(t.entries)} (${formatBytes(t.bytes)}) ${REASON_TEXT[reason]}`);
  }
}

function sizeArg(value: string): number {
  const bytes = parseSize(value);
  if (bytes === undefined) throw new InvalidArgumentError('expected a size like 500M, 1G or 1.5GB.');
  return bytes;
}

function ageArg(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) throw new InvalidArgumentError('expected an age like 90s, 12h, 30d or 2w.');
  return ms;
}

function versionsArg(value: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of versions, at least 1.');
  return n;
}

export function registerPrune(program: Command, out: Output): void {
  program
    .command('prune')
    .summary('evict stale, expired and least recently used entries')
    .description('evict entries of functions whose file no longer exists, of fingerprints no longer current and expired entries, then entries unused for --older-than, then the least recently used until the cache fits --max-size; emptied folders are removed')
    .option(DIR_FLAG, DIR_HELP)
    .option('--max-size <size>', 'keep the root within this much disk space, as du counts it (folders included), evicting least recently used first (e.g. 500M, 1G)', sizeArg)
    .option('--older-than <age>', 'evict entries not used for this long (e.g. 12h, 30d)', ageArg)
    .option('--keep-versions <n>', 'fingerprints kept per function: the current one and n-1 older (default 1)', versionsArg)
    .option('--dry-run', 'say what would be removed, remove nothing')
    .option('--json', 'machine-readable output')
    .action((options: PruneOptions) => runPrune(options, out));
}
