import fs = require('node:fs');
import path = require('node:path');
import { SmartCacheTypeError } from '../errors';
import { sha256 } from '../hash';
import { warnOnce } from '../warn';
import { CorruptFileError, encodeEntry, readEntryFile, writeEntry, isRealFolder, listDir, unlinkQuiet, functionDir, functionRecordFile, type Layout, safeSegment, unlinkIfSame, type Access } from './entry';
import type { FunctionRecord } from './types';

/**
 * Function records: functions/<safe name>/<safe fingerprint>.rec, one per (name, fingerprint),
 * in the entry file format (so they are checksummed and written atomically too). Each names its
 * own identity (recordKey) in its checksummed head, and a read checks that the record is in the
 * file its name and fingerprint lead to: a record copied or swapped elsewhere is not believed.
 *
 * Reading never deletes: `ls`, `stats` and `explain` are read-only, and a record that cannot be
 * read is skipped (with one warning) whoever owns the root; the next write of that name and
 * fingerprint replaces it.
 */

/** Older fingerprints of one function beyond this many are dropped when a new one is written. */
const KEEP_PER_FUNCTION = 32;
const EXTENSION = '.rec';

/** The key a record names in its head: a digest of what it is the record of. */
export function recordKey(name: string, fingerprint: string): string {
  return sha256(`smartcache-record\u0000${name}\u0000${fingerprint}`);
}

export function writeFunctionRecord(layout: Layout, access: Access, record: FunctionRecord): void {
  checkRecord(record);
  const value: Record<string, unknown> = { name: record.name, fingerprint: record.fingerprint, tree: record.tree, written: record.written };
  if (record.file !== undefined) value['file'] = record.file;
  if (record.project !== undefined) value['project'] = record.project;
  if (record.code !== undefined) value['code'] = record.code;
  if (record.files !== undefined) value['files'] = record.files;
  if (record.run !== undefined) value['run'] = record.run;
  if (record.local === true) value['local'] = true;
  const meta = { fn: record.name, fingerprint: record.fingerprint, created: record.written, computeMs: 0 };
  const file = functionRecordFile(layout, record.name, record.fingerprint);
  writeEntry(file, encodeEntry(meta, value, 'record'), recordKey(record.name, record.fingerprint), access);
  trimOld(path.dirname(file));
}

function checkRecord(r: FunctionRecord): void {
  const ok =
    typeof r === 'object' && r !== null && typeof r.name === 'string' && typeof r.fingerprint === 'string' &&
    Number.isFinite(r.written) && (r.file === undefined || typeof r.file === 'string') && (r.project === undefined || typeof r.project === 'string') &&
    (r.run === undefined || typeof r.run === 'string') && (r.local === undefined || typeof r.local === 'boolean') &&
    isStringMap(r.code) && isStringMap(r.files);
  if (!ok) throw new SmartCacheTypeError('a function record needs string name and fingerprint, finite written, and optional string file, project and run, and string maps code and files');
}

function isStringMap(value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((v) => typeof v === 'string');
}

/** Newest first. */
export function readFunctionRecords(layout: Layout, access: Access, name?: string): FunctionRecord[] {
  if (!isRealFolder(layout.base) || !isRealFolder(layout.functions)) return [];
  const dirs = name === undefined
    ? listDir(layout.functions).filter((d) => d.isDirectory()).map((d) => path.join(layout.functions, d.name))
    : isRealFolder(functionDir(layout, name)) ? [functionDir(layout, name)] : [];
  const records: FunctionRecord[] = [];
  for (const dir of dirs) {
    for (const file of recordFiles(dir)) {
      const record = readRecord(layout, access, file);
      if (record !== undefined && (name === undefined || record.name === name)) records.push(record);
    }
  }
  return records.sort((a, b) => b.written - a.written);
}

/**
 * Makes the record of (name, fingerprint) the newest, if it exists and is not already: a run
 * that reverted an edit hits the older fingerprint's entries and writes no record, yet that
 * fingerprint is the current one for `explain` and `prune`. Records are written once, so their
 * mtimes order them; only when another one is newer is this one written again (written: now).
 * Costs a listing and a stat per record of the function.
 */
export function markCurrentRecord(layout: Layout, access: Access, name: string, fingerprint: string): void {
  const mine = functionRecordFile(layout, name, fingerprint);
  let mineMs: number | undefined;
  let newestOther = 0;
  for (const file of recordFiles(path.dirname(mine))) {
    const ms = fs.lstatSync(file, { throwIfNoEntry: false })?.mtimeMs;
    if (ms === undefined) continue;
    if (file === mine) mineMs = ms;
    else newestOther = Math.max(newestOther, ms);
  }
  if (mineMs === undefined || mineMs >= newestOther) return;
  const record = readRecord(layout, access, mine);
  if (record !== undefined && record.name === name) writeFunctionRecord(layout, access, { ...record, written: Math.max(Date.now(), Math.ceil(newestOther) + 1) });
}

export function deleteFunctionRecords(layout: Layout, name: string): number {
  const dir = functionDir(layout, name);
  let removed = 0;
  for (const file of recordFiles(dir)) if (unlinkQuiet(file)) removed++;
  try {
    fs.rmdirSync(dir);
  } catch {
    // not empty (a record written meanwhile) or already gone
  }
  return removed;
}

function recordFiles(dir: string): string[] {
  return listDir(dir).filter((d) => d.isFile() && d.name.endsWith(EXTENSION)).map((d) => path.join(dir, d.name));
}

function readRecord(layout: Layout, access: Access, file: string): FunctionRecord | undefined {
  try {
    // The key is checked below, once the record says whose it is.
    const entry = readEntryFile(file, access, { key: undefined });
    if (entry === undefined) return undefined;
    const v = entry.value as Partial<FunctionRecord> | null;
    if (typeof v !== 'object' || v === null || typeof v.name !== 'string' || typeof v.fingerprint !== 'string' || typeof v.written !== 'number') {
      throw new CorruptFileError('not a function record', -1);
    }
    const own = entry.meta.key === recordKey(v.name, v.fingerprint) && entry.meta.fn === v.name && entry.meta.fingerprint === v.fingerprint;
    if (!own || functionRecordFile(layout, v.name, v.fingerprint) !== file) throw new CorruptFileError('a record stored under another name or fingerprint', -1);
    return v as FunctionRecord;
  } catch (error) {
    if (!(error instanceof CorruptFileError)) throw error;
    warnOnce(`function record ${file}`, 'unreadable record skipped', error, 'ERR_CORRUPT_ENTRY');
    return undefined;
  }
}

function trimOld(dir: string): void {
  const files = recordFiles(dir);
  if (files.length <= KEEP_PER_FUNCTION) return;
  const byAge = files
    .map((file) => ({ file, mtime: fs.lstatSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const { file } of byAge.slice(KEEP_PER_FUNCTION)) unlinkQuiet(file);
}

/**
 * Function notes: functions/<safe name>/<safe topic>.note, one small string per (name, topic) that
 * the cache layer keeps across runs (the last `dependsOn()` digest, to tell why a call missed).
 * Same format and atomic write as records; a corrupt note is removed and read as absent.
 */
const NOTE_EXTENSION = '.note';

function noteFile(layout: Layout, name: string, topic: string): string {
  return path.join(functionDir(layout, name), `${safeSegment(topic)}${NOTE_EXTENSION}`);
}

/** Like records, a note names itself in its checksummed head, so a note copied elsewhere is refused. */
function noteKey(name: string, topic: string): string {
  return sha256(`smartcache-note\u0000${name}\u0000${topic}`);
}

export function writeFunctionNote(layout: Layout, access: Access, name: string, topic: string, value: string): void {
  const meta = { fn: name, fingerprint: topic, created: Date.now(), computeMs: 0 };
  writeEntry(noteFile(layout, name, topic), encodeEntry(meta, value, 'note'), noteKey(name, topic), access);
}

export function readFunctionNote(layout: Layout, access: Access, name: string, topic: string): string | undefined {
  const file = noteFile(layout, name, topic);
  try {
    const value = readEntryFile(file, access, { key: noteKey(name, topic) })?.value;
    return typeof value === 'string' ? value : undefined;
  } catch (error) {
    if (!(error instanceof CorruptFileError)) throw error;
    if (access.repair) unlinkIfSame(file, error.ino);
    return undefined;
  }
}
