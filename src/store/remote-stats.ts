import fs = require('node:fs');
import path = require('node:path');
import { SmartCacheTypeError } from '../errors';
import { openForAppend, readSmallFile, UnsafeFileError } from '../trust';
import { crc32, ensureDir, FILE_MODE, ioError, type Access, type Layout } from './entry';
import type { RemoteStatsDelta } from './types';

/**
 * The team cache's counters, beside the usage log: stats/remote.log, one checksummed line per
 * process that used the remote (`\n<json array>\t<crc32 hex>\n`, one write(2) on an O_APPEND
 * descriptor, as stats.log: concurrent appenders never interleave, a torn line is skipped).
 */
export const REMOTE_FIELDS = ['hits', 'misses', 'errors', 'timeouts', 'rejected', 'tooLarge', 'uploads', 'bytesIn', 'bytesOut'] as const;

function remoteStatsFile(layout: Layout): string {
  return path.join(layout.stats, 'remote.log');
}

export function appendRemoteStats(layout: Layout, access: Access, delta: RemoteStatsDelta): void {
  if (REMOTE_FIELDS.some((f) => !Number.isFinite(delta?.[f]))) {
    throw new SmartCacheTypeError(`appendRemoteStats needs finite ${REMOTE_FIELDS.join(', ')}`);
  }
  const json = JSON.stringify(REMOTE_FIELDS.map((f) => delta[f]));
  const bytes = Buffer.from(`\n${json}\t${crc32(Buffer.from(json, 'utf8')).toString(16)}\n`, 'utf8');
  const file = remoteStatsFile(layout);
  ensureDir(layout.stats, access);
  let fd: number | undefined;
  try {
    // No link, no special file (as the stats log: store/stats-log.ts).
    fd = openForAppend(file, access.rule, FILE_MODE).fd;
    fs.writeSync(fd, bytes);
  } catch (error) {
    throw ioError('append to', file, error);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Totals over every process; undefined when no process used a remote with this root. */
export function readRemoteStats(layout: Layout, access: Access): RemoteStatsDelta | undefined {
  const file = remoteStatsFile(layout);
  let text: string;
  try {
    const bytes = readSmallFile(file, access.rule, 64 * 1024 * 1024);
    if (bytes === undefined) return undefined;
    text = bytes.toString('utf8');
  } catch (error) {
    // A link or special file in place of the log: no counters, and nothing read through it.
    if (error instanceof UnsafeFileError) return undefined;
    throw ioError('read', file, error);
  }
  const sum = REMOTE_FIELDS.map(() => 0);
  let lines = 0;
  for (const raw of text.split('\n')) {
    const tab = raw.lastIndexOf('\t');
    if (tab < 0) continue;
    const json = raw.slice(0, tab);
    if (crc32(Buffer.from(json, 'utf8')).toString(16) !== raw.slice(tab + 1)) continue;
    let row: unknown;
    try {
      row = JSON.parse(json);
    } catch {
      continue;
    }
    if (!Array.isArray(row) || row.length !== REMOTE_FIELDS.length || !row.every((v) => typeof v === 'number' && Number.isFinite(v))) continue;
    for (let i = 0; i < sum.length; i++) sum[i]! += row[i] as number;
    lines++;
  }
  if (lines === 0) return undefined;
  return Object.fromEntries(REMOTE_FIELDS.map((f, i) => [f, sum[i]])) as unknown as RemoteStatsDelta;
}
