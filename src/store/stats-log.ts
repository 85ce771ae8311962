import fs = require('node:fs');
import { SmartCacheTypeError } from '../errors';
import { openForAppend, openForRead, UnsafeFileError } from '../trust';
import { crc32, ensureDir, FILE_MODE, ioError, isRealFolder, unlinkQuiet, statsFile, tempFileFor, type Access, type Layout } from './entry';
import type { StatsDelta } from './types';

/**
 * Usage statistics as an append-only log, stats/stats.log: one line per appendStats() call,
 * `\n<json>\t<crc32 hex>\n`, written with a single write(2) on an O_APPEND descriptor. On a local
 * file system the kernel serializes O_APPEND writes per inode, so concurrent processes never
 * interleave inside a line; a line torn by a crash or a full disk fails its checksum and is
 * skipped by readStats().
 *
 * The log is opened with O_NOFOLLOW and checked to be a regular file (of this user, in the user's
 * own root) before anything is written or chmod'ed: a link planted in its place (to /etc/passwd)
 * is refused, never appended to. Reading never writes: the log is folded by the appender that
 * finds it too large, so `ls` and `stats` stay read-only.
 */

const FIELDS = ['calls', 'hits', 'misses', 'savedMs', 'overheadMs', 'computeMs'] as const;
/** Past this size the next append folds the log into one line per function. */
const COMPACT_BYTES = 1 << 20;

export function appendStats(layout: Layout, access: Access, name: string, delta: StatsDelta): void {
  if (typeof name !== 'string' || FIELDS.some((f) => !Number.isFinite(delta?.[f]))) {
    throw new SmartCacheTypeError('appendStats needs a string name and finite calls, hits, misses, savedMs, overheadMs, computeMs');
  }
  const size = appendLines(layout, access, [line(name, delta)]);
  if (size > COMPACT_BYTES) compact(layout, access, statsFile(layout));
}

function line(name: string, d: StatsDelta): string {
  const json = JSON.stringify([name, ...FIELDS.map((f) => d[f])]);
  // The leading newline ends any line a crash or a full disk left torn, so it cannot swallow this one.
  return `\n${json}\t${crc32(Buffer.from(json, 'utf8')).toString(16)}\n`;
}

/** Appends with one write; returns the log's size after it. */
function appendLines(layout: Layout, access: Access, lines: readonly string[]): number {
  const file = statsFile(layout);
  ensureDir(layout.stats, access);
  let fd: number | undefined;
  try {
    const opened = openForAppend(file, access.rule, FILE_MODE);
    fd = opened.fd;
    const stat = opened.stat;
    // Ours (always so in the user's own root): 0600 whatever the umask. Another user's log in a
    // shared root keeps the mode its owner gave it.
    if (stat.uid === process.getuid?.()) fs.fchmodSync(fd, FILE_MODE);
    const bytes = Buffer.from(lines.join(''), 'utf8');
    // One write per call keeps the append atomic with respect to other appenders.
    const written = fs.writeSync(fd, bytes);
    if (written !== bytes.length) throw Object.assign(new Error(`short append (${written} of ${bytes.length} bytes)`), { code: 'ENOSPC' });
    return stat.size + written;
  } catch (error) {
    throw ioError('append to', file, error);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Totals by function name. Reads only (never through a link, never a special file). */
export function readStats(layout: Layout, access: Access): Map<string, StatsDelta> {
  if (!isRealFolder(layout.base) || !isRealFolder(layout.stats)) return new Map();
  const text = readLog(statsFile(layout), access);
  return text === undefined ? new Map() : sumLines(text);
}

function readLog(file: string, access: Access): string | undefined {
  let opened: ReturnType<typeof openForRead>;
  try {
    opened = openForRead(file, access.rule);
  } catch (error) {
    // A link or special file in place of the log: no statistics, and nothing read through it.
    if (error instanceof UnsafeFileError) return undefined;
    throw ioError('read', file, error);
  }
  if (opened === undefined) return undefined;
  try {
    return fs.readFileSync(opened.fd, 'utf8');
  } catch (error) {
    throw ioError('read', file, error);
  } finally {
    fs.closeSync(opened.fd);
  }
}

function sumLines(text: string): Map<string, StatsDelta> {
  const totals = new Map<string, number[]>();
  for (const raw of text.split('\n')) {
    const parsed = parseLine(raw);
    if (parsed === undefined) continue;
    const [name, values] = parsed;
    const sum = totals.get(name);
    if (sum === undefined) totals.set(name, values);
    else for (let i = 0; i < values.length; i++) sum[i]! += values[i]!;
  }
  const out = new Map<string, StatsDelta>();
  for (const [name, v] of totals) {
    out.set(name, { calls: v[0]!, hits: v[1]!, misses: v[2]!, savedMs: v[3]!, overheadMs: v[4]!, computeMs: v[5]! });
  }
  return out;
}

function parseLine(raw: string): [string, number[]] | undefined {
  const tab = raw.lastIndexOf('\t');
  if (tab < 0) return undefined;
  const json = raw.slice(0, tab);
  if (crc32(Buffer.from(json, 'utf8')).toString(16) !== raw.slice(tab + 1)) return undefined;
  try {
    const row = JSON.parse(json) as unknown;
    if (!Array.isArray(row) || row.length !== FIELDS.length + 1 || typeof row[0] !== 'string') return undefined;
    const values = row.slice(1) as unknown[];
    if (!values.every((v) => typeof v === 'number' && Number.isFinite(v))) return undefined;
    return [row[0], values as number[]];
  } catch {
    return undefined;
  }
}

/**
 * Moves the log aside (rename is atomic: new appends go to a fresh log), folds what was moved
 * into one line per function, and appends those. An appender that opened the old log just
 * before the rename and writes after it was read loses that one line: stats are advisory.
 */
function compact(layout: Layout, access: Access, file: string): void {
  const aside = tempFileFor(file);
  try {
    fs.renameSync(file, aside);
  } catch {
    return; // another process is compacting
  }
  try {
    const text = readLog(aside, access);
    if (text !== undefined) appendLines(layout, access, [...sumLines(text)].map(([name, d]) => line(name, d)));
  } catch {
    // A full disk: the folded lines are lost, as every append would be now.
  }
  unlinkQuiet(aside);
}
