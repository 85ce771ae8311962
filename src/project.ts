import fs = require('node:fs');
import path = require('node:path');
import { othersMayWrite } from './trust';

const roots = new Map<string, string | undefined>();

/**
 * The project a file or folder belongs to: the nearest folder at or above `from` that holds a
 * package.json, passing over a package.json that only sets `type` for its folder (the
 * `{"type":"commonjs"}` a dual build writes into `dist/`) when another package.json lies above:
 * project-relative names and recorded paths are then the project's, not the build folder's (from
 * dist/, a copied project checked the original's files). Undefined when there is none. Memoized
 * per folder for the process: the preload asks once per annotated file and module at start-up
 * (a package.json created while the program runs is seen by the next run).
 */
export function findProjectRoot(from: string = process.cwd()): string | undefined {
  const start = path.resolve(from);
  if (roots.has(start)) return roots.get(start);
  const nearest = nearestPackageFolder(start);
  let found = nearest;
  while (found !== undefined && onlySetsType(found)) {
    const above = path.dirname(found) === found ? undefined : nearestPackageFolder(path.dirname(found));
    if (above === undefined) break;
    found = above;
  }
  roots.set(start, found);
  return found;
}

/**
 * The nearest folder at or above `start` that holds a package.json: the contract's rule for the
 * default cache root, and Node's for a file's module format (a `{"type":"module"}` alone decides it).
 */
export function nearestPackageFolder(start: string): string | undefined {
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Whether `dir`'s package.json holds nothing but `type` (a module-format marker, not a project). */
function onlySetsType(dir: string): boolean {
  try {
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as unknown;
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
    const keys = Object.keys(json);
    return keys.length === 1 && keys[0] === 'type';
  } catch {
    return false;
  }
}

/**
 * The contract's default root: `SMARTCACHE_DIR`, else `node_modules/.cache/smartcache` in the
 * nearest folder with a package.json above the working directory, else `.smartcache` in it —
 * unless others may write the working directory (`/tmp`, a shared drop folder): a root there
 * could be planted before the first run, so the user's own cache folder is used instead
 * (`$XDG_CACHE_HOME/smartcache`, else `~/.cache/smartcache`; README, "Security").
 */
export function defaultCacheRoot(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const fromEnv = env['SMARTCACHE_DIR'];
  if (fromEnv !== undefined && fromEnv !== '') return path.resolve(cwd, fromEnv);
  const project = nearestPackageFolder(path.resolve(cwd));
  if (project !== undefined) return path.join(project, 'node_modules', '.cache', 'smartcache');
  const here = path.resolve(cwd);
  if (sharedFolder(here)) return userCacheRoot(env) ?? path.join(here, '.smartcache');
  return path.join(here, '.smartcache');
}

/**
 * Others may write it, sticky or not (group write of the user's private group aside: trust/).
 * POSIX modes only: Windows has none to read.
 */
function sharedFolder(dir: string): boolean {
  if (process.platform === 'win32') return false;
  try {
    return othersMayWrite(fs.statSync(dir));
  } catch {
    return false;
  }
}

/** The per-user cache folder, or undefined when the user has no home to put it in. */
export function userCacheRoot(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg !== undefined && path.isAbsolute(xdg)) return path.join(xdg, 'smartcache');
  let home = '';
  try {
    // node:os loads here, on this rare path only: the preload finds the root at every start.
    home = (require('node:os') as typeof import('node:os')).homedir();
  } catch {
    return undefined;
  }
  return home === '' ? undefined : path.join(home, '.cache', 'smartcache');
}

/**
 * A path as fingerprints and `explain` may show it: relative to the project root with forward
 * slashes, never absolute, so the same project cloned elsewhere explains itself identically.
 */
export function projectRelative(file: string, root: string | undefined = findProjectRoot()): string {
  const abs = file.startsWith('file://') ? new URL(file).pathname : file;
  if (root === undefined || !path.isAbsolute(abs)) return abs.split(path.sep).join('/');
  const rel = path.relative(root, abs);
  return rel.split(path.sep).join('/');
}
