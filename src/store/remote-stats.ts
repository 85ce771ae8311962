import * as fs from 'node:fs';
import * as path from 'node:path';
import { SmartCacheTypeError } from '../errors';
import { crc32 } from './checksum';
import { ensureDir, FILE_MODE, ioError, isMissing } from './io';
import type { Layout } from './paths';
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

export function appendRemoteStats(layout: Layout, delta: RemoteStatsDelta): void {
  if (REMOTE_FIELDS.some((f) => !Number.isFinite(delta?.[f]))) {
    throw new SmartCacheTypeError(`appendRemoteStats needs finite ${REMOTE_FIELDS.join(', ')}`);
  }
  const json = JSON.stringify(REMOTE_FIELDS.map((f) => delta[f]));
  const bytes = Buffer.from(`\n${json}\t${crc32(Buffer.from(json, 'utf8')).toString(16)}\n`, 'utf8');
  const file = remoteStatsFile(layout);
  ensureDir(layout.stats);
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'a', FILE_MODE);
    fs.fchmodSync(fd, FILE_MODE);
    fs.writeSync(fd, bytes);
  } catch (error) {
    throw ioError('append to', file, error);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Totals over every process; undefined when no process used a remote with this root. */
export function readRemoteStats(layout: Layout): RemoteStatsDelta | undefined {
  const file = remoteStatsFile(layout);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if (isMissing(error)) return undefined;
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
