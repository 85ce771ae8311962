/**
 * The claim file beside an entry: `<key>.claim`, created with O_EXCL (exactly one process wins),
 * holding JSON `{ pid, start, host, thread, state }`. The owner removes it once the entry is written; when
 * its computation fails it rewrites it as `released` (temp file + rename), which tells the
 * processes waiting on it to compute for themselves rather than queue one after another. Every
 * removal first checks that the file is still the one judged, by inode and content: inodes are
 * reused at once on ext4 and tmpfs, so a new claim made meanwhile by another process (which
 * names that process) could otherwise be taken for the stale one and removed.
 */
import fs = require('node:fs');
import { type Owner, parseOwner } from './owner';

/** What identifies one claim file: its inode and its exact content. */
export interface ClaimIdentity {
  readonly ino: number;
  readonly text: string;
}

export interface SeenClaim extends ClaimIdentity {
  /** Undefined while the creator has not written its content yet (or it is damaged). */
  readonly owner: Owner | undefined;
  readonly released: boolean;
  /** The owner's call returned a promise: waiters wait on timers, whatever their function looks like. */
  readonly promise: boolean;
  readonly mtimeMs: number;
}

export interface HeldClaim extends ClaimIdentity {
  readonly file: string;
}

type ClaimState = 'computing' | 'promise' | 'released';

function content(owner: Owner, state: ClaimState): string {
  return JSON.stringify({ pid: owner.pid, start: owner.start, host: owner.host, thread: owner.thread, state });
}

/** The claim, or undefined when another process holds it (EEXIST). Other errors are thrown. */
export function create(file: string, owner: Owner): HeldClaim | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx', 0o600);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'EEXIST') return undefined;
    throw error;
  }
  try {
    const text = content(owner, 'computing');
    fs.writeSync(fd, text);
    return { file, ino: fs.fstatSync(fd).ino, text };
  } catch (error) {
    // A full disk (ENOSPC after the file was made): an empty claim left behind would hold every
    // later process of this key for UNWRITTEN_STALE_MS, run after run.
    try {
      fs.unlinkSync(file);
    } catch {
      // Nothing more to undo.
    }
    throw error;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The owner's computation still runs (an async one, on timers): the claim's modification time
 * says so (see index.ts `isStale`). Only while the file is still this claim.
 */
export function touch(claim: HeldClaim): void {
  try {
    if (fs.statSync(claim.file).ino !== claim.ino) return;
    const now = new Date();
    fs.utimesSync(claim.file, now, now);
  } catch {
    // Gone: broken or released by someone else; nothing to keep fresh.
  }
}

/** What the claim file says now, or undefined when there is none. */
export function inspect(file: string): SeenClaim | undefined {
  let text: string;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const state = typeof parsed === 'object' && parsed !== null ? (parsed as { state?: unknown }).state : undefined;
  return { ino: stat.ino, text, owner: parseOwner(parsed), released: state === 'released', promise: state === 'promise', mtimeMs: stat.mtimeMs };
}

function isSame(file: string, claim: ClaimIdentity): boolean {
  return fs.statSync(file).ino === claim.ino && fs.readFileSync(file, 'utf8') === claim.text;
}

/** Removes the claim if it is still the one judged (same inode and content). */
export function removeIfSame(file: string, claim: ClaimIdentity): void {
  try {
    if (isSame(file, claim)) fs.unlinkSync(file);
  } catch {
    // Gone already: someone else broke or released it.
  }
}

/**
 * Rewrites the owner's own claim (atomically, temp file + rename) in another state; returns what
 * identifies it now, or undefined when it is no longer its own (or could not be rewritten: then
 * it is removed, as a failed claim).
 */
function rewrite(claim: HeldClaim, owner: Owner, state: ClaimState): HeldClaim | undefined {
  const temp = `${claim.file}.${process.pid}.${state}.tmp`;
  try {
    if (!isSame(claim.file, claim)) return undefined;
    const text = content(owner, state);
    fs.writeFileSync(temp, text, { mode: 0o600 });
    fs.renameSync(temp, claim.file);
    return { file: claim.file, ino: fs.statSync(claim.file).ino, text };
  } catch {
    fs.rmSync(temp, { force: true });
    removeIfSame(claim.file, claim);
    return undefined;
  }
}

/** The owner's computation failed: rewrite its own claim as released, if still its own; returns it as it is now. */
export function markReleased(claim: HeldClaim, owner: Owner): HeldClaim | undefined {
  return rewrite(claim, owner, 'released');
}

/**
 * The owner's call returned a promise (a function not declared `async` that returns one): its
 * waiters, which cannot tell from their function, then wait on timers instead of blocking their
 * event loop. Returns the claim as it is now (undefined: no longer held).
 */
export function markPromise(claim: HeldClaim, owner: Owner): HeldClaim | undefined {
  return rewrite(claim, owner, 'promise');
}
