/**
 * One scan of a store grouped the way the commands show it: per function, per fingerprint.
 * "Current" is the fingerprint of the function's newest FunctionRecord (the code that last
 * stored a result); fingerprints without a record rank after recorded ones, newest entry first.
 */
import type { EntryInfo, FunctionRecord } from './types';

/** What an inventory reads of a store (a `Store` is one). */
export interface InventorySource {
  readonly root: string;
  entries(): Iterable<EntryInfo>;
  readFunctionRecords(): readonly FunctionRecord[];
}

export interface VersionSummary {
  readonly fingerprint: string;
  readonly current: boolean;
  readonly entries: number;
  readonly bytes: number;
  /** Newest last-use time among the version's entries. */
  readonly lastUsed: number;
  /** When its FunctionRecord was written, if one was. */
  readonly recorded?: number;
}

export interface FunctionSummary {
  readonly name: string;
  readonly file?: string;
  readonly currentFingerprint?: string;
  /** Current first, then older ones, newest to oldest. */
  readonly versions: readonly VersionSummary[];
  readonly entries: number;
  readonly bytes: number;
  readonly lastUsed: number;
}

export interface Inventory {
  readonly root: string;
  readonly functions: readonly FunctionSummary[];
  readonly entries: number;
  readonly bytes: number;
}

interface Tally {
  entries: number;
  bytes: number;
  lastUsed: number;
  created: number;
}

/** fn name -> fingerprint -> tally */
type Tallies = Map<string, Map<string, Tally>>;

export function tallyEntry(tallies: Tallies, e: EntryInfo): void {
  let byFingerprint = tallies.get(e.meta.fn);
  if (byFingerprint === undefined) tallies.set(e.meta.fn, (byFingerprint = new Map()));
  let t = byFingerprint.get(e.meta.fingerprint);
  if (t === undefined) byFingerprint.set(e.meta.fingerprint, (t = { entries: 0, bytes: 0, lastUsed: 0, created: 0 }));
  t.entries++;
  t.bytes += e.disk; // on disk, as du counts it: what the user's quota and `du` see
  t.lastUsed = Math.max(t.lastUsed, e.lastUsed);
  t.created = Math.max(t.created, e.meta.created);
}

export function groupRecords(records: readonly FunctionRecord[]): Map<string, FunctionRecord[]> {
  const byName = new Map<string, FunctionRecord[]>();
  for (const r of records) {
    const list = byName.get(r.name);
    if (list === undefined) byName.set(r.name, [r]);
    else list.push(r);
  }
  for (const list of byName.values()) list.sort((a, b) => b.written - a.written);
  return byName;
}

/**
 * The function's fingerprints from newest to oldest: recorded ones by record time, then the
 * unrecorded ones by their newest entry. Index 0 is the current version.
 */
export function rankFingerprints(records: readonly FunctionRecord[], created: ReadonlyMap<string, number>): string[] {
  const ranked: string[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    if (!seen.has(r.fingerprint)) {
      seen.add(r.fingerprint);
      ranked.push(r.fingerprint);
    }
  }
  const rest = [...created.entries()].filter(([fp]) => !seen.has(fp)).sort((a, b) => b[1] - a[1]);
  for (const [fp] of rest) ranked.push(fp);
  return ranked;
}

/** Default names are `src/math.js:12#slow`: the file is in the name when no record says it. */
export function fileFromName(name: string): string | undefined {
  const m = /^(.+?)(?::\d+)?#[^#]*$/.exec(name);
  return m?.[1];
}

function summarize(name: string, tallies: ReadonlyMap<string, Tally>, records: readonly FunctionRecord[]): FunctionSummary {
  const created = new Map([...tallies].map(([fp, t]) => [fp, t.created] as const));
  const ranked = rankFingerprints(records, created);
  const writtenBy = new Map(records.map((r) => [r.fingerprint, r.written] as const));
  const versions: VersionSummary[] = [];
  ranked.forEach((fp, i) => {
    const t = tallies.get(fp);
    if (t === undefined && i > 0) return; // an old record with no entries left: nothing to show
    const recorded = writtenBy.get(fp);
    versions.push({
      fingerprint: fp,
      current: i === 0,
      entries: t?.entries ?? 0,
      bytes: t?.bytes ?? 0,
      lastUsed: t?.lastUsed ?? 0,
      ...(recorded === undefined ? {} : { recorded }),
    });
  });
  const file = records.find((r) => r.file !== undefined)?.file ?? fileFromName(name);
  return {
    name,
    ...(file === undefined ? {} : { file }),
    ...(ranked[0] === undefined ? {} : { currentFingerprint: ranked[0] }),
    versions,
    entries: versions.reduce((n, v) => n + v.entries, 0),
    bytes: versions.reduce((n, v) => n + v.bytes, 0),
    lastUsed: versions.reduce((n, v) => Math.max(n, v.lastUsed), 0),
  };
}

/**
 * Scans every entry once (or takes `scanned`, entries the caller has just listed: one walk for
 * entries and disk usage). Functions known only from records (no entries left) are included.
 */
export function takeInventory(store: InventorySource, scanned?: Iterable<EntryInfo>): Inventory {
  const tallies: Tallies = new Map();
  for (const e of scanned ?? store.entries()) tallyEntry(tallies, e);
  const records = groupRecords(store.readFunctionRecords());
  const names = new Set([...tallies.keys(), ...records.keys()]);
  const functions = [...names]
    .sort((a, b) => a.localeCompare(b))
    .map((name) => summarize(name, tallies.get(name) ?? new Map(), records.get(name) ?? []));
  return {
    root: store.root,
    functions,
    entries: functions.reduce((n, f) => n + f.entries, 0),
    bytes: functions.reduce((n, f) => n + f.bytes, 0),
  };
}
