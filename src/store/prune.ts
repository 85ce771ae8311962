/**
 * Eviction policy: what `smartcache prune` removes, as named steps a program can call too.
 * Entries of superseded fingerprints and expired entries can never be hit again, so they always
 * go; an age bound and a size bound (least recently used first) limit the rest.
 *
 *   planPrune    decide, deleting nothing (so a dry run and the real run agree by construction)
 *   applyPrune   delete the plan's victims, skipping any another process used meanwhile, and
 *                remove the fan-out folders that leaves empty
 *   tallyPrune   the plan's victims counted by reason
 */
import * as fs from 'node:fs';
import { sha256 } from '../hash';
import type { UsageAccount } from './entry';
import { groupRecords, rankFingerprints } from './inventory';
import type { EntryInfo, FunctionRecord } from './types';

/** What pruning needs of a store (a `Store` is one). */
export interface PruneTarget {
  readFunctionRecords(): readonly FunctionRecord[];
  delete(key: string): boolean;
  /** Removes the fan-out folders of `keys` left empty. */
  removeEmptyFolders(keys: Iterable<string>): number;
}

export interface PrunePolicy {
  readonly maxBytes?: number;
  readonly olderThanMs?: number;
  /** How many fingerprints per function survive (the current one and N-1 older). @default 1 */
  readonly keepVersions: number;
  readonly now: number;
  /**
   * The root's disk use as entries go, folders included (entry/usage.ts), so maxBytes bounds what
   * `du` says; without it, the entries' own allocated blocks are counted.
   */
  readonly account?: UsageAccount;
}

export type PruneReason = 'stale' | 'expired' | 'unused' | 'size';

export interface PrunePlan {
  readonly victims: ReadonlyArray<{ readonly entry: EntryInfo; readonly reason: PruneReason }>;
  readonly kept: number;
  readonly keptBytes: number;
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

/**
 * fn name -> fingerprints that survive: the current ones (currentVersions), and those no record
 * shows older; a function none of whose fingerprints has a record keeps its `keep` newest ones.
 * What survives is still bounded by --older-than and --max-size.
 */
function survivingVersions(all: readonly EntryInfo[], store: PruneTarget, keep: number): Map<string, Set<string>> {
  const created = new Map<string, Map<string, number>>();
  for (const e of all) {
    let byFp = created.get(e.meta.fn);
    if (byFp === undefined) created.set(e.meta.fn, (byFp = new Map()));
    byFp.set(e.meta.fingerprint, Math.max(byFp.get(e.meta.fingerprint) ?? 0, e.meta.created));
  }
  const records = groupRecords(store.readFunctionRecords());
  const surviving = new Map<string, Set<string>>();
  for (const [fn, byFp] of created) {
    const recorded = records.get(fn) ?? [];
    const kept = new Set(rankFingerprints(recorded, byFp).slice(0, keep));
    if (recorded.length > 0) {
      const isCurrent = currentVersions(recorded, keep);
      for (const fp of byFp.keys()) if (isCurrent(fp) !== false) kept.add(fp);
    }
    surviving.set(fn, kept);
  }
  return surviving;
}

function reasonFor(e: EntryInfo, surviving: ReadonlyMap<string, ReadonlySet<string>>, policy: PrunePolicy): PruneReason | undefined {
  if (surviving.get(e.meta.fn)?.has(e.meta.fingerprint) !== true) return 'stale';
  if (e.meta.expires !== undefined && e.meta.expires <= policy.now) return 'expired';
  if (policy.olderThanMs !== undefined && e.lastUsed < policy.now - policy.olderThanMs) return 'unused';
  return undefined;
}

/** Decides without deleting, so `--dry-run` and the real run agree by construction. */
export function planPrune(all: readonly EntryInfo[], store: PruneTarget, policy: PrunePolicy): PrunePlan {
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
function deleteIfUnused(store: PruneTarget, entry: EntryInfo): boolean {
  const stat = fs.lstatSync(entry.file, { throwIfNoEntry: false });
  if (stat === undefined || stat.mtimeMs !== entry.lastUsed) return false;
  return store.delete(entry.key);
}

/**
 * Deletes the plan's victims (see deleteIfUnused), then the fan-out folders that left empty
 * (`folders`: the key prefixes to try, e.g. UsageAccount.emptiedFolders(); default: every
 * victim's); `onEach` runs after each, for progress. `freed` counts allocated blocks (as `du`).
 */
export function applyPrune(store: PruneTarget, plan: Pick<PrunePlan, 'victims'>, onEach?: () => void, folders?: Iterable<string>): { readonly removed: number; readonly freed: number } {
  let removed = 0;
  let freed = 0;
  for (const { entry } of plan.victims) {
    if (deleteIfUnused(store, entry)) {
      removed++;
      freed += entry.disk;
    }
    onEach?.();
  }
  store.removeEmptyFolders(folders ?? plan.victims.map((v) => v.entry.key));
  return { removed, freed };
}

export function tallyPrune(plan: PrunePlan): Record<PruneReason, { entries: number; bytes: number }> {
  const t = { stale: { entries: 0, bytes: 0 }, expired: { entries: 0, bytes: 0 }, unused: { entries: 0, bytes: 0 }, size: { entries: 0, bytes: 0 } };
  for (const v of plan.victims) {
    t[v.reason].entries++;
    t[v.reason].bytes += v.entry.disk;
  }
  return t;
}
