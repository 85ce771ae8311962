/**
 * Who holds a claim, and whether that process is still there. A pid alone is not enough: pids
 * are reused, so a claim left by a killed process could later look held by an unrelated one.
 * On Linux the process's start time (field 22 of /proc/<pid>/stat, clock ticks since boot) is
 * recorded with it, and a pid whose start time differs is another process. Elsewhere only the
 * pid is checked (`process.kill(pid, 0)`: ESRCH = gone, EPERM = alive under another user).
 */
import fs = require('node:fs');
import os = require('node:os');

export interface Owner {
  readonly pid: number;
  /** Start time of the process (Linux), to tell a reused pid apart. */
  readonly start: string | undefined;
  /** Liveness can only be checked on the same machine (a cache root may be shared over a network). */
  readonly host: string;
  /**
   * The worker thread (`threadId`; 0: the main thread). A process outlives its workers: a worker
   * terminated mid-call leaves a live pid behind, so such claims are judged by their age too.
   */
  readonly thread: number;
}

interface ProcStat {
  readonly state: string;
  readonly start: string;
}

/** `/proc/<pid>/stat` after the command name, which may itself hold spaces and parentheses. */
function procStat(pid: number): ProcStat | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); field 22 (starttime) is fields[19].
    const state = fields[0];
    const start = fields[19];
    return state === undefined || start === undefined ? undefined : { state, start };
  } catch {
    return undefined;
  }
}

let self: Owner | undefined;

export function currentOwner(): Owner {
  return (self ??= { pid: process.pid, start: procStat(process.pid)?.start, host: os.hostname(), thread: (require('node:worker_threads') as typeof import('node:worker_threads')).threadId });
}

export function isSelf(owner: Owner): boolean {
  const me = currentOwner();
  return owner.pid === me.pid && owner.host === me.host && owner.start === me.start && owner.thread === me.thread;
}

/** True only when the owner is known to be gone: dead, a zombie, or its pid reused by another process. */
export function isGone(owner: Owner): boolean {
  if (owner.host !== currentOwner().host) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ESRCH') return true;
  }
  if (owner.start === undefined) return false;
  const now = procStat(owner.pid);
  if (now === undefined) return false;
  // A zombie (killed, not yet reaped by its parent) will never write its entry.
  return now.start !== owner.start || now.state === 'Z' || now.state === 'X';
}

export function parseOwner(value: unknown): Owner | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const o = value as Record<string, unknown>;
  if (typeof o['pid'] !== 'number' || !Number.isInteger(o['pid']) || o['pid'] <= 0 || typeof o['host'] !== 'string') return undefined;
  const start = typeof o['start'] === 'string' ? o['start'] : undefined;
  const thread = typeof o['thread'] === 'number' && Number.isInteger(o['thread']) && o['thread'] >= 0 ? o['thread'] : 0;
  return { pid: o['pid'], start, host: o['host'], thread };
}
