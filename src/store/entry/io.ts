import * as fs from 'node:fs';
import * as path from 'node:path';
import { SmartCacheError } from '../../errors';

/** File-system helpers shared by the store's modules: error wrapping, folders, whole reads. */

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

/** Folders known to exist, so the write path does not call mkdir every time. */
const knownDirs = new Set<string>();

/**
 * Creates `dir` and any missing parents, each mode 0700. mkdir's mode is filtered by the umask,
 * so the folders this call created are chmod'ed explicitly; folders that already existed
 * (the user's own root, for one) are left as they are.
 */
export function ensureDir(dir: string): void {
  if (knownDirs.has(dir)) return;
  try {
    const first = fs.mkdirSync(dir, { recursive: true, mode: DIR_MODE });
    if (first !== undefined) chmodCreated(path.resolve(first), dir);
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw ioError('create folder', dir, error);
    mkdirEach(dir);
  }
  knownDirs.add(dir);
}

/**
 * Node 20's recursive mkdir answers ENOENT when a missing folder cannot be created on a
 * read-only file system (measured on v20.20: `mkdirSync('/ro/a/b', { recursive: true })` on a
 * `mount -o ro` tmpfs throws ENOENT, the plain `mkdirSync('/ro/a')` EROFS). Creating the missing
 * folders one by one either succeeds (a parent was removed meanwhile) or throws the true cause.
 */
function mkdirEach(dir: string): void {
  const missing: string[] = [];
  for (let current = path.resolve(dir); !fs.existsSync(current); current = path.dirname(current)) {
    missing.unshift(current);
    if (path.dirname(current) === current) break;
  }
  for (const folder of missing) {
    try {
      fs.mkdirSync(folder, { mode: DIR_MODE });
      fs.chmodSync(folder, DIR_MODE);
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw ioError('create folder', dir, error);
    }
  }
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

/** Lists a folder, or [] when it does not exist. */
export function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch (error) {
    if (isMissing(error)) return [];
    throw ioError('list', dir, error);
  }
}
