/**
 * Which npm package a file belongs to, as `name@version`: code in node_modules counts by its
 * package's identity, not by its source (the contract's "packages count by name and version").
 */
import fs = require('node:fs');
import path = require('node:path');

const byDir = new Map<string, string | null>();

/** smartcache's own package folder: its code is a package even when run from a checkout. */
export const OWN_PACKAGE_ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * smartcache's in-process runtime bundled into two files, the preload and the cache layer
 * (`scripts/postbuild.js`, loaded by src/runtime-loader.ts).
 */
const OWN_BUNDLE_FILES: ReadonlySet<string> = new Set(['runtime.js', 'runtime-preload.js'].map((file) => path.join(OWN_PACKAGE_ROOT, 'dist', file)));

/** Whether `file` is one of smartcache's runtime bundles. */
export function isOwnBundleFile(file: string | undefined): boolean {
  return file !== undefined && OWN_BUNDLE_FILES.has(file);
}

/**
 * The binding scripts/postbuild.js declares at the top of each module's body in the bundle (read
 * by an inner function, so it lives in the body's context and shows in every scope chain through
 * it): the scope holding it is that module's own scope.
 */
export const BUNDLED_MODULE_MARKER = '__smartcacheModule';

function readIdentity(dir: string): string | null | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, 'package.json'), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const json = JSON.parse(text) as { name?: unknown; version?: unknown };
    // A package.json without a name only sets "type" for a subfolder: keep looking upward.
    if (typeof json.name !== 'string') return undefined;
    return `${json.name}@${typeof json.version === 'string' ? json.version : '0.0.0'}`;
  } catch {
    return null;
  }
}

/** `name@version` of the package holding `file`, looking upward; undefined when none. */
export function packageIdentity(file: string): string | undefined {
  let dir = path.dirname(file);
  const visited: string[] = [];
  let found: string | null = null;
  for (;;) {
    const cached = byDir.get(dir);
    if (cached !== undefined) {
      found = cached;
      break;
    }
    visited.push(dir);
    const identity = readIdentity(dir);
    if (identity !== undefined) {
      found = identity;
      break;
    }
    const parent = path.dirname(dir);
    if (parent === dir || path.basename(dir) === 'node_modules') break;
    dir = parent;
  }
  for (const d of visited) byDir.set(d, found);
  return found ?? undefined;
}

let countByVersion = true;

/**
 * `'version'` (default): code in node_modules counts as `name@version`. `'source'`: it is walked
 * like project code (slower; catches patched packages and `npm link` setups without a bump).
 */
export function setPackagePolicy(policy: 'version' | 'source'): void {
  countByVersion = policy === 'version';
}

const installed = new Map<string, boolean>();

function inNodeModules(file: string): boolean {
  return file.split(path.sep).includes('node_modules');
}

/**
 * True for files npm installed (under a node_modules folder) and for smartcache itself. A path
 * under node_modules that is a link to a file outside any (a workspace package, `npm link`,
 * seen as such under `--preserve-symlinks`, where Node keeps the link's path) is the user's own
 * code, edited without version bumps: it is walked like the project's.
 */
export function isPackageFile(file: string): boolean {
  if (file.startsWith(OWN_PACKAGE_ROOT + path.sep + 'dist' + path.sep)) return true;
  if (!countByVersion || !inNodeModules(file)) return false;
  let known = installed.get(file);
  if (known === undefined) {
    try {
      known = inNodeModules(fs.realpathSync(file));
    } catch {
      known = true; // not a file on disk (a bundled or virtual module): as before, by its package
    }
    installed.set(file, known);
  }
  return known;
}
