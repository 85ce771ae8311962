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
import fs = require('node:fs');
import type { UsageAccount } from './entry';
import { currentVersions, groupRecords, rankFingerprints } from './inventory';
import { recordSource } from './record-source';
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

/**
 * Records of one name (newest first) by the source file they say the function is in: one name may
 * be several functions (`index.js#build` in two packages of one workspace sharing a root, run
 * from each package or from the workspace), each with its own current version. A record whose
 * file is unknown or gone (a function moved to another file under the same `name`) joins the
 * newest record's group, so the versions before the move are older ones, not another function.
 */
function byProject(records: readonly FunctionRecord[]): FunctionRecord[][] {
  const sources = records.map((r) => {
    const source = recordSource(r);
    return source !== undefined && fs.existsSync(source) ? source : undefined;
  });
  const newest = sources.find((s) => s !== undefined) ?? '';
  const groups = new Map<string, FunctionRecord[]>();
  for (const [i, r] of records.entries()) {
    const key = sources[i] ?? newest;
    const list = groups.get(key);
    if (list === undefined) groups.set(key, [r]);
    else list.push(r);
  }
  return [...groups.values()];
}

/**
 * fn name -> fingerprints that survive: the current ones (currentVersions, in each project that
 * recorded the name), and those no record shows older; a function none of whose fingerprints has
 * a record keeps its `keep` newest ones. What survives is still bounded by --older-than and
 * --max-size.
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
      const groups = byProject(recorded);
      for (const group of groups) for (const fp of rankFingerprints(group, new Map()).slice(0, keep)) kept.add(fp);
      const judges = groups.map((group) => currentVersions(group, keep));
      for (const fp of byFp.keys()) {
        const verdicts = judges.map((isCurrent) => isCurrent(fp));
        if (verdicts.includes(true) || verdicts.every((v) => v === undefined)) kept.add(fp);
      }
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
