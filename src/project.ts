import * as fs from 'node:fs';
import * as path from 'node:path';

/** The nearest folder at or above `from` that holds a package.json, or undefined. */
export function findProjectRoot(from: string = process.cwd()): string | undefined {
  let dir = path.resolve(from);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The contract's default root: `SMARTCACHE_DIR`, else `node_modules/.cache/smartcache` in the
 * nearest folder with a package.json above the working directory, else `.smartcache` in it.
 */
export function defaultCacheRoot(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const fromEnv = env['SMARTCACHE_DIR'];
  if (fromEnv !== undefined && fromEnv !== '') return path.resolve(cwd, fromEnv);
  const project = findProjectRoot(cwd);
  if (project !== undefined) return path.join(project, 'node_modules', '.cache', 'smartcache');
  return path.join(path.resolve(cwd), '.smartcache');
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
