/**
 * `prune` also removes what belongs to functions whose source file no longer exists: their
 * entries can never be hit again (no code calls them), and their records only clutter `ls`.
 */
import type { EntryInfo, Store } from '../store';
import { missingFiles, projectBase, type FunctionFile } from './function-files';
import { storeLibrary } from './context';
import { recordSource } from './record-source';

/** Each function named by an entry or a record, with the file it came from. */
export function functionFiles(store: Store, entries: readonly EntryInfo[]): FunctionFile[] {
  const { fileFromName, groupRecords } = storeLibrary();
  const records = groupRecords(store.readFunctionRecords());
  const names = new Set<string>([...records.keys()]);
  for (const e of entries) names.add(e.meta.fn);
  return [...names].map((name) => {
    const newest = records.get(name)?.[0];
    const file = records.get(name)?.find((r) => r.file !== undefined)?.file ?? fileFromName(name);
    const source = newest === undefined ? undefined : recordSource(newest);
    return { name, file, source, project: source === undefined ? undefined : newest?.project };
  });
}

export function orphanedFunctions(store: Store, entries: readonly EntryInfo[]): Set<string> {
  return missingFiles(functionFiles(store, entries), projectBase(store.root));
}
