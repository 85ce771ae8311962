/**
 * `smartcache stats`: hits, misses, time saved and size, by function, with a flag on functions
 * whose cache bookkeeping (hashing, reading, writing) has cost more time than their hits saved:
 * those are better left uncached (charmonium.cache warns about the same).
 */
import type { Command } from 'commander';
import { costsMoreThanSaves } from '../costs';
import type { RemoteStatsDelta, StatsDelta } from '../store';
import { describeTeamCounters } from '../team-counters';
import { DIR_FLAG, DIR_HELP, openStoreIfPresent, storeLibrary, type DirOption } from './context';
import { formatBytes, formatMs, percent } from './format';
import type { Output } from './output';
import { renderTable } from './table';

interface StatsOptions extends DirOption {
  readonly json?: boolean;
}


export interface FunctionStats extends StatsDelta {
  readonly name: string;
  readonly entries: number;
  readonly bytes: number;
  readonly costsMoreThanSaves: boolean;
}

const ZERO: StatsDelta = { calls: 0, hits: 0, misses: 0, savedMs: 0, overheadMs: 0, computeMs: 0 };


function sum(rows: readonly FunctionStats[]): StatsDelta & { entries: number; bytes: number } {
  const total = { ...ZERO, entries: 0, bytes: 0 };
  for (const r of rows) {
    total.calls += r.calls;
    total.hits += r.hits;
    total.misses += r.misses;
    total.savedMs += r.savedMs;
    total.overheadMs += r.overheadMs;
    total.computeMs += r.computeMs;
    total.entries += r.entries;
    total.bytes += r.bytes;
  }
  return total;
}

export function collectStats(options: DirOption, out: Output, json: boolean): { root: string; functions: FunctionStats[]; disk: number; remote: RemoteStatsDelta | undefined } | undefined {
  const store = openStoreIfPresent(options, out, json ? { total: { ...ZERO, entries: 0, bytes: 0 }, functions: [] } : undefined);
  if (store === undefined) return undefined;
  const { entries: scanned, usage } = store.entriesWithUsage();
  const inventory = storeLibrary().takeInventory(store, scanned);
  const stats = store.readStats();
  const sizes = new Map(inventory.functions.map((f) => [f.name, f] as const));
  const names = [...new Set([...stats.keys(), ...inventory.functions.filter((f) => f.entries > 0).map((f) => f.name)])].sort((a, b) => a.localeCompare(b));
  const functions = names.map((name): FunctionStats => {
    const s = stats.get(name) ?? ZERO;
    const size = sizes.get(name);
    return { name, ...s, entries: size?.entries ?? 0, bytes: size?.bytes ?? 0, costsMoreThanSaves: costsMoreThanSaves(s) };
  });
  return { root: inventory.root, functions, disk: usage.total, remote: store.readRemoteStats() };
}

const COLUMNS = [
  { header: 'FUNCTION' },
  { header: 'CALLS', align: 'right' },
  { header: 'HITS', align: 'right' },
  { header: 'MISSES', align: 'right' },
  { header: 'HIT RATE', align: 'right' },
  { header: 'SAVED', align: 'right' },
  { header: 'OVERHEAD', align: 'right' },
  { header: 'ENTRIES', align: 'right' },
  { header: 'SIZE', align: 'right' },
  { header: 'NOTE' },
] as const;

function row(name: string, s: StatsDelta & { entries: number; bytes: number }, note: string): string[] {
  return [name, String(s.calls), String(s.hits), String(s.misses), percent(s.hits, s.hits + s.misses), formatMs(s.savedMs), formatMs(s.overheadMs), String(s.entries), formatBytes(s.bytes), note];
}

export function runStats(options: StatsOptions, out: Output): void {
  const collected = collectStats(options, out, options.json === true);
  if (collected === undefined) return;
  const { root, functions, disk, remote } = collected;
  // Functions count their entry files; the total is the whole root as `du -s` counts it
  // (fan-out folders, records and stats included).
  const total = { ...sum(functions), bytes: disk };
  if (options.json === true) {
    out.line(JSON.stringify(remote === undefined ? { root, total, functions } : { root, total, functions, remote }, null, 2));
    return;
  }
  // Counters of every process that used a team cache with this root (stats/remote.log).
  const teamLine = (): void => {
    if (remote !== undefined) out.line(describeTeamCounters(remote));
  };
  if (functions.length === 0) {
    out.line(`no statistics yet in ${root}`);
    teamLine();
    return;
  }
  const rows = functions.map((f) => row(f.name, f, f.costsMoreThanSaves ? out.style.yellow('caching costs more than it saves') : ''));
  rows.push(row(out.style.bold('total'), total, ''));
  for (const line of renderTable(COLUMNS, rows, out.style.bold)) out.line(line);
  teamLine();
  const losers = functions.filter((f) => f.costsMoreThanSaves);
  if (losers.length > 0) {
    out.line(out.style.yellow(`${losers.map((f) => f.name).join(', ')}: cache overhead exceeds time saved; consider removing @cache there`));
  }
}

export function registerStats(program: Command, out: Output): void {
  program
    .command('stats')
    .summary('hits, misses, time saved and size, by function')
    .description('hits, misses, time saved, overhead and size on disk (allocated blocks, as du counts them; the total is the whole root, folders included), by function; flags functions where caching costs more than it saves')
    .option(DIR_FLAG, DIR_HELP)
    .option('--json', 'machine-readable output')
    .action((options: StatsOptions) => runStats(options, out));
}
