/**
 * One scan of a store grouped the way the commands show it: per function, per fingerprint.
 * "Current" is the fingerprint of the function's newest FunctionRecord (the code that last
 * stored a result), and every other fingerprint of the same code (currentVersions: closures of
 * one factory); fingerprints without a record rank after recorded ones, newest entry first.
 */
import { sha256 } from '../hash';
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

interface TreeNode {
  readonly kind?: unknown;
  readonly hash?: unknown;
  readonly children?: unknown;
}

/** The explain tree's root node of a record (records written before the tree was an Explanation hold the root itself). */
function rootOf(record: FunctionRecord): TreeNode | undefined {
  const tree = record.tree as (TreeNode & { root?: unknown }) | null | undefined;
  if (typeof tree !== 'object' || tree === null) return undefined;
  const root = (typeof tree.kind === 'string' ? tree : tree.root) as TreeNode | null | undefined;
  return typeof root === 'object' && root !== null && typeof root.kind === 'string' && typeof root.hash === 'string' && root.hash !== '' ? root : undefined;
}

/** Node kinds that are code: their `hash` is their normalized code (or a package's name@version). */
const CODE_KINDS: ReadonlySet<unknown> = new Set(['function', 'class', 'package']);

/**
 * What a fingerprint is a version of, read from its record's tree: `own` is the cached function's
 * own code; `reached` is every distinct code the tree holds (the function, the helpers and
 * classes it reaches, packages by version), leaving out values, environment variables, argv and
 * anything only dynamic. Undefined for a record without a readable tree.
 */
function recordedCode(record: FunctionRecord): { readonly own: string; readonly reached: string } | undefined {
  const root = rootOf(record);
  if (root === undefined) return undefined;
  const codes = new Set<string>();
  const visit = (node: unknown, depth: number): void => {
    if (typeof node !== 'object' || node === null || depth > 256) return;
    const n = node as TreeNode;
    if (CODE_KINDS.has(n.kind) && typeof n.hash === 'string' && n.hash !== '') codes.add(`${String(n.kind)}:${n.hash}`);
    if (Array.isArray(n.children)) for (const c of n.children as unknown[]) visit(c, depth + 1);
  };
  visit(root, 0);
  return { own: `${String(root.kind)}:${String(root.hash)}`, reached: sha256([...codes].sort().join('\n')) };
}

/**
 * The version each recorded fingerprint of one name belongs to. Normally the code it reaches: an
 * edit of the function or of a helper is a new version, while other values (a closure's captured
 * `k`, a module constant, an environment variable) are not. Where one run recorded the same own
 * code with two different reached codes, that code is instanced (closures of one factory given
 * different functions, `make(double)` and `make(square)`): its version is its own code alone.
 */
function versionsOf(records: readonly FunctionRecord[]): Map<FunctionRecord, string | undefined> {
  const code = new Map(records.map((r) => [r, recordedCode(r)] as const));
  const seen = new Map<string, string>();
  const instanced = new Set<string>();
  for (const r of records) {
    const c = code.get(r);
    if (c === undefined || typeof r.run !== 'string') continue;
    const at = `${r.run}\u0000${c.own}`;
    const other = seen.get(at);
    if (other === undefined) seen.set(at, c.reached);
    else if (other !== c.reached) instanced.add(c.own);
  }
  const out = new Map<FunctionRecord, string | undefined>();
  for (const r of records) {
    const c = code.get(r);
    out.set(r, c === undefined ? undefined : instanced.has(c.own) ? `own:${c.own}` : `reached:${c.reached}`);
  }
  return out;
}

/**
 * Which fingerprints of one name are current, from the name's records (newest first).
 *
 * A name does not stand for one fingerprint: closures made by one factory (`make(2)`, `make(3)`)
 * share their name and code but not their captured values, so each has its own fingerprint and
 * each is current; so are a function's fingerprints under two values of an environment variable
 * it reads. A fingerprint is older only when its record shows other code (versionsOf) than the
 * `keep` newest versions recorded under its name; the newest record's fingerprint is current
 * whatever its tree says. Answers true (current), false (older) or
 * undefined: no readable record says (records are trimmed to the newest 32 per name, and a write
 * may have failed), so it cannot be shown older.
 */
export function currentVersions(records: readonly FunctionRecord[], keep = 1): (fingerprint: string) => boolean | undefined {
  const version = versionsOf(records);
  const versionOf = new Map<string, string | undefined>();
  const newestFirst: string[] = [];
  for (const r of records) {
    const v = version.get(r);
    if (!versionOf.has(r.fingerprint)) versionOf.set(r.fingerprint, v);
    if (v !== undefined && !newestFirst.includes(v)) newestFirst.push(v);
  }
  const current = new Set(newestFirst.slice(0, keep));
  const newest = records[0]?.fingerprint;
  return (fingerprint) => {
    if (fingerprint === newest) return true;
    const v = versionOf.get(fingerprint);
    return v === undefined ? undefined : current.has(v);
  };
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
  const isCurrent = currentVersions(records);
  const versions: VersionSummary[] = [];
  ranked.forEach((fp, i) => {
    const t = tallies.get(fp);
    if (t === undefined && i > 0) return; // an old record with no entries left: nothing to show
    const recorded = writtenBy.get(fp);
    versions.push({
      fingerprint: fp,
      current: i === 0 || isCurrent(fp) === true,
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
