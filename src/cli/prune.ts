/**
 * `smartcache prune`: evicts what can no longer be hit, then what is too old, then the least
 * recently used until the store fits. The policy is the store's (store/prune.ts); this file
 * reads the flags and prints what was done.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { PruneReason } from '../store';
import { parseDuration, parseSize } from '../units';
import { DIR_FLAG, DIR_HELP, openStoreForChanges, storeLibrary, type DirOption } from './context';
import { entries, formatBytes, formatMs } from './format';
import type { Output } from './output';
import { orphanedFunctions } from './prune-orphans';
import { createProgress } from './progress';

interface PruneOptions extends DirOption {
  readonly maxSize?: number;
  readonly olderThan?: number;
  readonly keepVersions?: number;
  readonly dryRun?: boolean;
  readonly json?: boolean;
}

const REASON_TEXT: Readonly<Record<PruneReason, string>> = {
  stale: 'of fingerprints no longer current',
  expired: 'expired',
  unused: 'unused for longer than --older-than',
  size: 'least recently used, to fit --max-size',
};

export function runPrune(options: PruneOptions, out: Output): void {
  const started = Date.now();
  const store = openStoreForChanges(options, out, options.json === true ? { dryRun: options.dryRun === true, scanned: 0, removed: 0, bytes: 0, kept: 0, keptBytes: 0 } : undefined);
  if (store === undefined) return;
  const { applyPrune, planPrune, tallyPrune, UsageAccount } = storeLibrary();
  // Files of writers killed over an hour ago and damaged entry files first: they take space that
  // --max-size must count, and no entry selection would ever remove them.
  const leftovers = options.dryRun === true ? { removed: 0, bytes: 0 } : store.deleteWhere(() => false, true);
  // One walk: the entries, and the disk usage --max-size is measured against.
  const { entries: scanned, usage } = store.entriesWithUsage();
  // Functions whose source file is gone first: none of their entries can be hit again.
  const gone = orphanedFunctions(store, scanned);
  const orphans = scanned.filter((e) => gone.has(e.meta.fn));
  const all = gone.size === 0 ? scanned : scanned.filter((e) => !gone.has(e.meta.fn));
  const account = new UsageAccount(usage);
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
    const victims = doomed.map((v) => ({ entry: v.entry, reason: 'stale' as const }));
    ({ removed, freed } = applyPrune(store, { victims }, () => progress.tick(), account.emptiedFolders()));
    progress.done();
    for (const name of gone) store.deleteFunctionRecords(name);
  }
  const reasons = tallyPrune(plan);
  const missing = { functions: [...gone].sort(), entries: orphans.length, bytes: orphans.reduce((n, e) => n + e.disk, 0) };
  const elapsedMs = Date.now() - started;
  if (options.json === true) {
    out.line(JSON.stringify({ root: store.root, dryRun: options.dryRun === true, scanned: scanned.length, removed, bytes: freed, reasons, missing, leftovers: { files: leftovers.removed, bytes: leftovers.bytes }, kept: plan.kept, keptBytes: plan.keptBytes, elapsedMs }, null, 2));
    return;
  }
  const verb = options.dryRun === true ? 'would remove' : 'removed';
  const count = options.dryRun === true ? doomed.length : removed;
  const bytes = options.dryRun === true ? doomed.reduce((n, v) => n + v.entry.disk, 0) : freed;
  out.line(`${verb} ${entries(count)}, ${formatBytes(bytes)} freed; kept ${entries(plan.kept)} (${formatBytes(plan.keptBytes)} on disk) in ${formatMs(elapsedMs)}`);
  if (leftovers.removed > 0) out.line(`  ${leftovers.removed} leftover file${leftovers.removed === 1 ? '' : 's'} of killed writers or damaged entries (${formatBytes(leftovers.bytes)})`);
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
