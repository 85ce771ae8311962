/**
 * `fs.mkdirSync(dir, { recursive: true })` without its endless loop: when mkdir of a folder fails
 * with ENOENT although its parent exists (procfs and sysfs-like file systems, e.g. a root set to
 * /proc/x), Node's recursive mkdir (20.x and 24.x measured) creates the parent (EEXIST) and retries
 * the child forever, hanging the user's program inside a cache call. Here every folder is tried
 * once, from the nearest existing ancestor down; any failure but EEXIST is thrown.
 */
import fs = require('node:fs');
import path = require('node:path');

function code(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

/** Creates `dir` and its missing parents with `mode`; returns the first folder created, if any (as mkdirSync does). */
export function makeFolders(dir: string, mode: number): string | undefined {
  const missing: string[] = [];
  let current = path.resolve(dir);
  const target = current;
  for (;;) {
    try {
      // Something in the way that is no folder fails as mkdirSync's recursive form fails there.
      if (!fs.statSync(current).isDirectory()) {
        const code = current === target ? 'EEXIST' : 'ENOTDIR';
        throw Object.assign(new Error(`${code}: not a folder, mkdir '${dir}'`), { code, syscall: 'mkdir', path: current });
      }
      break;
    } catch (error) {
      if (code(error) !== 'ENOENT') throw error;
    }
    const parent = path.dirname(current);
    missing.push(current);
    if (parent === current) break;
    current = parent;
  }
  let first: string | undefined;
  for (const folder of missing.reverse()) {
    try {
      fs.mkdirSync(folder, { mode });
      first ??= folder;
    } catch (error) {
      if (code(error) !== 'EEXIST') throw error;
    }
  }
  return first;
}
