import fs = require('node:fs');
import path = require('node:path');
import { isSmartCacheError } from '../../errors';
import { CREATE_FLAGS } from '../../trust';
import { ensureDir, errnoCode, FILE_MODE, forgetDirs, ioError, unlinkQuiet, type Access } from './io';
import { tempFileFor } from './paths';

/**
 * Atomic publication of a file: write a temporary file opened exclusively (O_EXCL, so never
 * through a link; 0600) in the same folder, then rename it over the final name. rename(2) within
 * one file system replaces the name (a link there included, never followed) atomically, so a concurrent reader opens either the old or the new file, never a
 * partial one; a writer killed midway leaves only its temp file. The temp is removed in
 * `finally` on any failure. No fsync: after a power loss a file may be empty or torn, which
 * the entry checksum turns into a miss — the cost of fsync on every miss is not worth it here.
 */
export function writeAtomic(file: string, access: Access, write: (fd: number) => void): void {
  const dir = path.dirname(file);
  const temp = tempFileFor(file);
  let fd = openTemp(dir, temp, file, access);
  let published = false;
  try {
    // open's mode is filtered by the umask; fchmod makes 0600 exact whatever the umask.
    fs.fchmodSync(fd, FILE_MODE);
    write(fd);
    fs.closeSync(fd);
    fd = -1;
    fs.renameSync(temp, file);
    published = true;
  } catch (error) {
    if (isSmartCacheError(error)) throw error;
    throw ioError('write', file, error);
  } finally {
    if (fd >= 0) closeQuiet(fd);
    if (!published) unlinkQuiet(temp);
  }
}

function openTemp(dir: string, temp: string, file: string, access: Access): number {
  ensureDir(dir, access);
  try {
    return fs.openSync(temp, CREATE_FLAGS, FILE_MODE);
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw ioError('write', file, error);
  }
  // The folder was known but is gone (another process cleared the cache): create it again.
  forgetDirs(dir);
  ensureDir(dir, access);
  try {
    return fs.openSync(temp, CREATE_FLAGS, FILE_MODE);
  } catch (error) {
    throw ioError('write', file, error);
  }
}

function closeQuiet(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // already failing; the original error is the one to report
  }
}
