import fs = require('node:fs');
import path = require('node:path');
import { isSmartCacheError, SmartCacheError } from '../../errors';
import { makeFolders, ownFolderFault, type FileRule } from '../../trust';

/** File-system helpers shared by the store's modules: error wrapping, folders, whole reads. */

/**
 * How the store may touch its root, decided once from the root's trust verdict (trust/folders.ts).
 */
export interface Access {
  /** The root folder: folders from here down are created and entered one at a time, each checked. */
  readonly root: string;
  /** What every file and folder in the root must be: in the user's own root, the user's alone. */
  readonly rule: FileRule;
  /** Damaged files may be removed when read: only in the user's own root, never in a shared one. */
  readonly repair: boolean;
}

export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

export function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Missing file or a missing/non-folder parent: the entry simply is not there. */
export function isMissing(error: unknown): boolean {
  const code = errnoCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export function ioError(action: string, file: string, cause: unknown): SmartCacheError {
  const code = errnoCode(cause);
  const reason = cause instanceof Error ? cause.message : String(cause);
  // Node's message starts `EROFS: read-only file system, mkdir '…'`: keep the words, drop the path.
  const words = code === undefined ? undefined : new RegExp(`^${code}: ([^,]+)`).exec(reason)?.[1];
  const detail = code === undefined ? `: ${reason}` : ` (${code}${words === undefined ? '' : `: ${words}`})`;
  return new SmartCacheError('ERR_STORE_IO', `cannot ${action} ${file}${detail}`, { cause, file });
}

/** Folders created or checked already, so the write path does not check them on every write. */
const knownDirs = new Set<string>();

/**
 * Creates `dir` (inside `access.root`) and any missing parents, each mode 0700, checking every
 * folder from the root down before anything is created in it: a link (to /etc, to another user's
 * folder) or, in the user's own root, a folder of another owner or writable by others is refused
 * with ERR_UNTRUSTED_ROOT and nothing is written (a recursive mkdir would follow such a link and
 * create folders wherever it points). mkdir's mode is filtered by the umask, so the folders this
 * call created are chmod'ed explicitly; folders that already existed (the user's own root, for
 * one) keep their mode.
 */
export function ensureDir(dir: string, access: Access): void {
  if (knownDirs.has(dir)) return;
  const root = access.root;
  if (dir !== root && !dir.startsWith(root + path.sep)) throw new Error(`internal: ${dir} is outside the store root ${root}`);
  try {
    try {
      walkDown(dir, access);
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') throw error;
      // A folder remembered as existing was removed (another process cleared the cache): again, from the root.
      forgetDirs(root);
      walkDown(dir, access);
    }
  } catch (error) {
    if (isSmartCacheError(error)) throw error;
    throw ioError('create folder', dir, trueCause(dir, error));
  }
}

/**
 * Node 20's recursive mkdir answers ENOENT when a missing folder cannot be created on a
 * read-only file system (measured on v20.20 on a `mount -o ro` tmpfs; the plain mkdir says
 * EROFS). Creating the topmost missing folder alone tells the true cause.
 */
function trueCause(dir: string, error: unknown): unknown {
  if (errnoCode(error) !== 'ENOENT') return error;
  let missing = path.resolve(dir);
  while (path.dirname(missing) !== missing && !fs.existsSync(path.dirname(missing))) missing = path.dirname(missing);
  try {
    fs.mkdirSync(missing, { mode: DIR_MODE });
    fs.rmdirSync(missing);
  } catch (probe) {
    if (errnoCode(probe) !== 'EEXIST') return probe;
  }
  return error;
}

function walkDown(dir: string, access: Access): void {
  const root = access.root;
  if (!knownDirs.has(root)) {
    ensureRoot(root, access);
    knownDirs.add(root);
  }
  let current = root;
  for (const part of dir.slice(root.length).split(path.sep)) {
    if (part === '') continue;
    current = `${current}${path.sep}${part}`;
    if (knownDirs.has(current)) continue;
    ensureOne(current, access);
    knownDirs.add(current);
  }
}

/** The root may be reached through a link the user made (SMARTCACHE_DIR): its target is judged. */
function ensureRoot(root: string, access: Access): void {
  // Not mkdirSync's recursive form: it loops forever where mkdir answers ENOENT (trust/mkdirs.ts).
  const first = makeFolders(root, DIR_MODE);
  if (first !== undefined) chmodCreated(path.resolve(first), root);
  checkFolder(root, fs.statSync(root), access);
}

function ensureOne(dir: string, access: Access): void {
  let created = false;
  try {
    fs.mkdirSync(dir, { mode: DIR_MODE });
    created = true;
  } catch (error) {
    if (errnoCode(error) !== 'EEXIST') throw error;
  }
  checkFolder(dir, fs.lstatSync(dir), access);
  if (created) fs.chmodSync(dir, DIR_MODE);
}

function checkFolder(dir: string, stat: fs.Stats, access: Access): void {
  const owner = access.rule.owner;
  const why = owner !== undefined ? ownFolderFault(dir, stat, owner) : stat.isSymbolicLink() ? 'is a symbolic link' : stat.isDirectory() ? undefined : 'is not a folder';
  if (why !== undefined) throw new SmartCacheError('ERR_UNTRUSTED_ROOT', `${dir} ${why}; nothing is written there`, { file: dir });
}

function chmodCreated(first: string, dir: string): void {
  for (let current = dir; ; current = path.dirname(current)) {
    fs.chmodSync(current, DIR_MODE);
    if (current === first || path.dirname(current) === current) return;
  }
}

/** Another process (or `smartcache clear`) may remove folders we remembered. */
export function forgetDirs(under: string): void {
  for (const dir of knownDirs) if (dir === under || dir.startsWith(under + path.sep)) knownDirs.delete(dir);
}

export function unlinkQuiet(file: string): boolean {
  try {
    fs.unlinkSync(file);
    return true;
  } catch {
    return false;
  }
}

/** Reads exactly `length` bytes at `position` into `target` (from `offset`); returns bytes read. */
export function readFully(fd: number, target: Uint8Array, offset: number, length: number, position: number): number {
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, target, offset + done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

export function writeFully(fd: number, data: Uint8Array): void {
  let done = 0;
  while (done < data.byteLength) done += fs.writeSync(fd, data, done, data.byteLength - done);
}

/** writev, finishing any short write chunk by chunk. */
export function writevFully(fd: number, chunks: readonly Uint8Array[]): void {
  const total = chunks.reduce((sum, c) => sum + c.byteLength, 0);
  const written = fs.writevSync(fd, chunks as Uint8Array[]);
  if (written === total) return;
  let skip = written;
  for (const chunk of chunks) {
    if (skip >= chunk.byteLength) {
      skip -= chunk.byteLength;
      continue;
    }
    writeFully(fd, skip === 0 ? chunk : chunk.subarray(skip));
    skip = 0;
  }
}

/**
 * Lists a folder with each name's type (from readdir, no stat per name), or [] when it does not
 * exist or is not a folder any more (a link loop, a file: nothing of ours is inside). The caller
 * decides what a link or a special file means; nothing here follows one.
 */
export function listDir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    const code = errnoCode(error);
    if (isMissing(error) || code === 'ELOOP') return [];
    throw ioError('list', dir, error);
  }
}

/** A real folder (lstat: a link to one is not), for the folders a listing descends into. */
export function isRealFolder(dir: string): boolean {
  try {
    return fs.lstatSync(dir).isDirectory();
  } catch {
    return false;
  }
}
