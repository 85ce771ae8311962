import * as fs from 'node:fs';
import * as path from 'node:path';
import { SmartCacheTypeError } from '../errors';
import { warnOnce } from '../warn';
import { CorruptFileError, encodeEntry, readEntryFile, writeEntry, listDir, unlinkQuiet, functionDir, functionRecordFile, type Layout, unlinkIfSame, safeSegment } from './entry';
import type { FunctionRecord } from './types';

/**
 * Function records: functions/<safe name>/<safe fingerprint>.rec, one per (name, fingerprint),
 * in the entry file format (so they are checksummed and written atomically too).
 */

/** Older fingerprints of one function beyond this many are dropped when a new one is written. */
const KEEP_PER_FUNCTION = 32;
const EXTENSION = '.rec';

export function writeFunctionRecord(layout: Layout, record: FunctionRecord): void {
  checkRecord(record);
  const value: Record<string, unknown> = { name: record.name, fingerprint: record.fingerprint, tree: record.tree, written: record.written };
  if (record.file !== undefined) value['file'] = record.file;
  if (record.project !== undefined) value['project'] = record.project;
  if (record.code !== undefined) value['code'] = record.code;
  if (record.files !== undefined) value['files'] = record.files;
  const meta = { fn: record.name, fingerprint: record.fingerprint, created: record.written, computeMs: 0 };
  const file = functionRecordFile(layout, record.name, record.fingerprint);
  writeEntry(file, encodeEntry(meta, value, 'record'));
  trimOld(path.dirname(file));
}

function checkRecord(r: FunctionRecord): void {
  const ok =
    typeof r === 'object' && r !== null && typeof r.name === 'string' && typeof r.fingerprint === 'string' &&
    Number.isFinite(r.written) && (r.file === undefined || typeof r.file === 'string') && (r.project === undefined || typeof r.project === 'string') &&
    isStringMap(r.code) && isStringMap(r.files);
  if (!ok) throw new SmartCacheTypeError('a function record needs string name and fingerprint, finite written, and optional string file and project, and string maps code and files');
}

function isStringMap(value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((v) => typeof v === 'string');
}

/** Newest first. */
export function readFunctionRecords(layout: Layout, name?: string): FunctionRecord[] {
  const dirs = name === undefined ? listDir(layout.functions).map((d) => path.join(layout.functions, d)) : [functionDir(layout, name)];
  const records: FunctionRecord[] = [];
  for (const dir of dirs) {
    for (const file of recordFiles(dir)) {
      const record = readRecord(file);
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
export function markCurrentRecord(layout: Layout, name: string, fingerprint: string): void {
  const mine = functionRecordFile(layout, name, fingerprint);
  let mineMs: number | undefined;
  let newestOther = 0;
  for (const file of recordFiles(path.dirname(mine))) {
    const ms = fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs;
    if (ms === undefined) continue;
    if (file === mine) mineMs = ms;
    else newestOther = Math.max(newestOther, ms);
  }
  if (mineMs === undefined || mineMs >= newestOther) return;
  const record = readRecord(mine);
  if (record !== undefined && record.name === name) writeFunctionRecord(layout, { ...record, written: Math.max(Date.now(), Math.ceil(newestOther) + 1) });
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
  return listDir(dir).filter((n) => n.endsWith(EXTENSION)).map((n) => path.join(dir, n));
}

function readRecord(file: string): FunctionRecord | undefined {
  try {
    const entry = readEntryFile(file);
    if (entry === undefined) return undefined;
    const v = entry.value as Partial<FunctionRecord> | null;
    if (typeof v === 'object' && v !== null && typeof v.name === 'string' && typeof v.fingerprint === 'string' && typeof v.written === 'number') {
      return v as FunctionRecord;
    }
    throw new CorruptFileError('not a function record', fs.statSync(file).ino);
  } catch (error) {
    if (!(error instanceof CorruptFileError)) throw error;
    unlinkIfSame(file, error.ino);
    warnOnce(`function record ${file}`, 'corrupt record removed', error, 'ERR_CORRUPT_ENTRY');
    return undefined;
  }
}

function trimOld(dir: string): void {
  const files = recordFiles(dir);
  if (files.length <= KEEP_PER_FUNCTION) return;
  const byAge = files
    .map((file) => ({ file, mtime: fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
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

export function writeFunctionNote(layout: Layout, name: string, topic: string, value: string): void {
  const meta = { fn: name, fingerprint: topic, created: Date.now(), computeMs: 0 };
  writeEntry(noteFile(layout, name, topic), encodeEntry(meta, value, 'note'));
}

export function readFunctionNote(layout: Layout, name: string, topic: string): string | undefined {
  const file = noteFile(layout, name, topic);
  try {
    const value = readEntryFile(file)?.value;
    return typeof value === 'string' ? value : undefined;
  } catch (error) {
    if (!(error instanceof CorruptFileError)) throw error;
    unlinkIfSame(file, error.ino);
    return undefined;
  }
}
