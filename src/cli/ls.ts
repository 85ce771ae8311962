/** `smartcache ls`: what the cache holds, one function per block, one line per fingerprint. */
import { describeTeamCounters } from '../team-counters';
import type { Command } from 'commander';
import type { FunctionSummary, StatsDelta } from '../store';
import { DIR_FLAG, DIR_HELP, openStoreIfPresent, storeLibrary, type DirOption } from './context';
import { formatBytes, formatMs, isoTime, plural, shortHash, timeAgo } from './format';
import { orphanedFunctions } from './prune-orphans';
import type { Output } from './output';
import { renderTable } from './table';

interface LsOptions extends DirOption {
  readonly json?: boolean;
}

const COLUMNS = [
  { header: 'FUNCTION' },
  { header: 'FILE' },
  { header: 'FINGERPRINT' },
  { header: 'VERSION' },
  { header: 'ENTRIES', align: 'right' },
  { header: 'SIZE', align: 'right' },
  { header: 'LAST USED' },
  { header: 'HITS', align: 'right' },
  { header: 'SAVED', align: 'right' },
] as const;

function jsonOf(f: FunctionSummary, stats: StatsDelta | undefined, missing: boolean): object {
  return {
    name: f.name,
    file: f.file ?? null,
    fileMissing: missing,
    fingerprint: f.currentFingerprint ?? null,
    entries: f.entries,
    bytes: f.bytes,
    lastUsed: f.lastUsed > 0 ? f.lastUsed : null,
    hits: stats?.hits ?? 0,
    misses: stats?.misses ?? 0,
    savedMs: stats?.savedMs ?? 0,
    versions: f.versions.map((v) => ({ fingerprint: v.fingerprint, current: v.current, entries: v.entries, bytes: v.bytes, lastUsed: v.lastUsed > 0 ? v.lastUsed : null })),
  };
}

function rowsOf(f: FunctionSummary, stats: StatsDelta | undefined, missing: boolean, out: Output): string[][] {
  return f.versions.map((v, i) => {
    const first = i === 0;
    return [
      first ? out.style.bold(f.name) : '',
      first ? (missing ? `${f.file ?? '-'} ${out.style.red('(file missing)')}` : (f.file ?? '-')) : '',
      v.current ? v.fingerprint.slice(0, 12) : out.style.dim(shortHash(v.fingerprint)),
      v.current ? 'current' : out.style.dim('older'),
      String(v.entries),
      formatBytes(v.bytes),
      timeAgo(v.lastUsed),
      first ? String(stats?.hits ?? 0) : '',
      first ? formatMs(stats?.savedMs ?? 0) : '',
    ];
  });
}

export function runLs(options: LsOptions, out: Output): void {
  const store = openStoreIfPresent(options, out, options.json === true ? { entries: 0, bytes: 0, functions: [] } : undefined);
  if (store === undefined) return;
  // One walk: the entries, and the whole root as `du -s` counts it (fan-out folders, records,
  // stats and analyses included).
  const { entries: scanned, usage } = store.entriesWithUsage();
  const inventory = storeLibrary().takeInventory(store, scanned);
  const stats = store.readStats();
  const disk = usage.total;
  const functions = inventory.functions.filter((f) => f.entries > 0);
  const missing = orphanedFunctions(store, scanned);
  // Counters of every process that used a team cache with this root (stats/remote.log).
  const remote = store.readRemoteStats();
  if (options.json === true) {
    const listed = functions.map((f) => jsonOf(f, stats.get(f.name), missing.has(f.name)));
    out.line(JSON.stringify({ root: inventory.root, entries: inventory.entries, bytes: disk, entriesBytes: inventory.bytes, functions: listed, ...(remote === undefined ? {} : { remote }) }, null, 2));
    return;
  }
  if (functions.length === 0) {
    out.line(`nothing cached in ${inventory.root} (${formatBytes(disk)} on disk)`);
    if (remote !== undefined) out.line(describeTeamCounters(remote));
    return;
  }
  const rows = functions.flatMap((f) => rowsOf(f, stats.get(f.name), missing.has(f.name), out));
  for (const line of renderTable(COLUMNS, rows, out.style.bold)) out.line(line);
  const newest = Math.max(...functions.map((f) => f.lastUsed));
  out.line(out.style.dim(`${plural(functions.length, 'function')}, ${plural(inventory.entries, 'entry', 'entries')}, ${formatBytes(disk)} on disk in ${inventory.root} (last used ${isoTime(newest)})`));
  if (remote !== undefined) out.line(describeTeamCounters(remote));
  if (missing.size > 0) out.line(out.style.yellow(`${missing.size === 1 ? '1 function whose file no longer exists' : `${missing.size} functions whose files no longer exist`}: smartcache prune removes ${missing.size === 1 ? 'it' : 'them'}`));
}

export function registerLs(program: Command, out: Output): void {
  program
    .command('ls')
    .summary('list cached functions with versions, entries and size')
    .description('list cached functions: fingerprints (current and older), entries, size on disk (allocated blocks, as du counts them), last use, hits, time saved; functions whose file no longer exists are marked')
    .option(DIR_FLAG, DIR_HELP)
    .option('--json', 'machine-readable output')
    .action((options: LsOptions) => runLs(options, out));
}
