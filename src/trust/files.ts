/**
 * Opening the cache's own files without ever following a link or blocking on a special file.
 *
 * - `O_NOFOLLOW`: open(2) fails with ELOOP when the last component is a symbolic link, so a link
 *   planted in place of an entry (to /etc/passwd, to another user's file) is never read or written
 *   through. Folders above the file are checked where they are created or listed (folders.ts,
 *   store/io.ts, store/scan.ts).
 * - `O_NONBLOCK`: opening a FIFO for reading returns at once instead of waiting for a writer
 *   (open(2), fifo(7)); on a regular file it changes nothing. The fstat after open then refuses
 *   anything that is not a regular file before a single byte is read, so a FIFO or a device in
 *   place of an entry is a miss, never a hang.
 * - In a root that is the user's own, a file must also belong to the user and be writable by no
 *   one else: the fstat is on the open descriptor, so what is checked is what is read.
 *
 * Neither flag exists on Windows (`fs.constants` lacks them): there they are 0 and only the
 * regular-file check applies.
 */
import fs = require('node:fs');
import path = require('node:path');
import { ownFolderFault } from './folders';
import { isPrivateGroup, ownerLabel } from './identity';
import { makeFolders } from './mkdirs';

const C = fs.constants;
const NO_FOLLOW = C.O_NOFOLLOW ?? 0;
const NON_BLOCK = C.O_NONBLOCK ?? 0;

export const READ_FLAGS = C.O_RDONLY | NO_FOLLOW | NON_BLOCK;
/** An append-only log: created when missing, never through a link. */
export const APPEND_FLAGS = C.O_WRONLY | C.O_APPEND | C.O_CREAT | NO_FOLLOW | NON_BLOCK;
/** A new temporary file: O_EXCL already refuses an existing name, a link included. */
export const CREATE_FLAGS = C.O_WRONLY | C.O_CREAT | C.O_EXCL | NO_FOLLOW;

/** What a file must be besides regular: owned by `owner` (and writable by no one else) when given. */
export interface FileRule {
  readonly owner: number | undefined;
}

export const ANY_OWNER: FileRule = { owner: undefined };

/** A link, a special file, or a file of another owner where one of ours belongs. */
export class UnsafeFileError extends Error {
  constructor(
    message: string,
    readonly file: string,
    /** The inode judged, when the file was opened (so a later unlink removes only that one). */
    readonly ino: number | undefined,
  ) {
    super(message);
    this.name = 'UnsafeFileError';
  }
}

function errnoOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** open(2) with O_NOFOLLOW on a link: ELOOP on Linux, EMLINK on FreeBSD, EFTYPE on NetBSD. */
export function isLinkRefusal(error: unknown): boolean {
  const code = errnoOf(error);
  return code === 'ELOOP' || code === 'EMLINK' || code === 'EFTYPE';
}

/** Why `stat` (of an open descriptor) is not acceptable under `rule`, or undefined. */
export function fileProblem(stat: fs.Stats, rule: FileRule): string | undefined {
  if (!stat.isFile()) return 'not a regular file';
  if (rule.owner === undefined) return undefined;
  if (stat.uid !== rule.owner) return `owned by ${ownerLabel(stat.uid)}, not by this user`;
  if ((stat.mode & 0o002) !== 0) return 'writable by anyone';
  if ((stat.mode & 0o020) !== 0 && !isPrivateGroup(stat.gid)) return 'writable by its group';
  return undefined;
}

/** Checks an open descriptor; closes it and throws UnsafeFileError when refused. */
export function checkOpened(fd: number, file: string, rule: FileRule): fs.Stats {
  let stat: fs.Stats;
  try {
    stat = fs.fstatSync(fd);
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
  const problem = fileProblem(stat, rule);
  if (problem !== undefined) {
    fs.closeSync(fd);
    throw new UnsafeFileError(`${file} is ${problem}`, file, stat.ino);
  }
  return stat;
}

export interface OpenedFile {
  readonly fd: number;
  readonly stat: fs.Stats;
}

/**
 * Opens `file` for appending (created with `mode` if absent): never through a link, never a
 * special file, and (under `rule`) only the user's own. The caller closes the descriptor.
 */
export function openForAppend(file: string, rule: FileRule, mode: number): OpenedFile {
  let fd: number;
  try {
    fd = fs.openSync(file, APPEND_FLAGS, mode);
  } catch (error) {
    if (isLinkRefusal(error)) throw new UnsafeFileError(`${file} is a symbolic link`, file, undefined);
    throw error;
  }
  // checkOpened closes the descriptor when it refuses it.
  return { fd, stat: checkOpened(fd, file, rule) };
}

/**
 * Opens `file` for reading: undefined when it does not exist, UnsafeFileError for a link, a
 * special file or (under `rule`) a foreign one; other errors are thrown as they are.
 */
export function openForRead(file: string, rule: FileRule): OpenedFile | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, READ_FLAGS);
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (isLinkRefusal(error)) throw new UnsafeFileError(`${file} is a symbolic link`, file, undefined);
    throw error;
  }
  return { fd, stat: checkOpened(fd, file, rule) };
}

/**
 * The whole content of a small side file (JSON of the preload and analysis caches): undefined
 * when absent, when refused (a link, a FIFO, a foreign file) or when larger than `maxBytes`.
 */
export function readSmallFile(file: string, rule: FileRule, maxBytes: number): Buffer | undefined {
  let opened: OpenedFile | undefined;
  try {
    opened = openForRead(file, rule);
  } catch {
    return undefined;
  }
  if (opened === undefined) return undefined;
  try {
    if (opened.stat.size > maxBytes) return undefined;
    const bytes = Buffer.allocUnsafe(opened.stat.size);
    let done = 0;
    while (done < bytes.length) {
      const n = fs.readSync(opened.fd, bytes, done, bytes.length - done, done);
      if (n === 0) break;
      done += n;
    }
    return done === bytes.length ? bytes : undefined;
  } catch {
    return undefined;
  } finally {
    fs.closeSync(opened.fd);
  }
}

/**
 * Writes `text` to a fresh, exclusive temp file (0600) and renames it over `file`. The rename
 * replaces whatever name was there, a link included, without following it.
 */
export function writeFileAtomic(file: string, temp: string, text: string | Uint8Array): void {
  let fd: number | undefined;
  let published = false;
  try {
    fd = fs.openSync(temp, CREATE_FLAGS, 0o600);
    fs.fchmodSync(fd, 0o600);
    const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    let done = 0;
    while (done < bytes.byteLength) done += fs.writeSync(fd, bytes, done, bytes.byteLength - done);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temp, file);
    published = true;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
    if (!published) fs.rmSync(temp, { force: true });
  }
}

/**
 * Creates `dir` (and missing parents) 0700 whatever the umask, then says whether what is there is
 * a folder that `rule` accepts (ours alone when it names an owner). The side caches in the root
 * (rewrites, analyses, proofs) share it, so they refuse the same folders the store refuses.
 */
export function ensurePrivateFolder(dir: string, rule: FileRule): boolean {
  const first = makeFolders(dir, 0o700);
  if (first !== undefined) {
    for (let current = dir; ; current = path.dirname(current)) {
      fs.chmodSync(current, 0o700);
      if (current === path.resolve(first) || path.dirname(current) === current) break;
    }
  }
  return isAcceptedFolder(dir, rule);
}

/** Whether `dir` is, without following a link, a folder that `rule` accepts (ours alone when it names an owner). */
export function isAcceptedFolder(dir: string, rule: FileRule): boolean {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(dir);
  } catch {
    return false;
  }
  if (rule.owner === undefined) return stat.isDirectory();
  return ownFolderFault(dir, stat, rule.owner) === undefined;
}
