/**
 * Paths as a call resolved them, and as a manifest stores them: relative to the project root
 * (forward slashes) when inside it, so a clone elsewhere or another machine validates the same
 * entry; absolute otherwise. A relative argument is resolved against the working directory at
 * the moment of the call, exactly as `node:fs` does.
 */
import path = require('node:path');
import { fileURLToPath } from 'node:url';
import { types } from 'node:util';
import { findProjectRoot } from '../project';

/** A path argument resolved: undefined for descriptors and anything `node:fs` would reject. */
export interface Resolved {
  readonly abs: string;
  /** The argument was relative: the working directory is an input of the call. */
  readonly relative: boolean;
}

function isUrlLike(arg: unknown): boolean {
  if (typeof arg !== 'object' || arg === null) return false;
  const o = arg as { href?: unknown; protocol?: unknown };
  return Boolean(o.href) && Boolean(o.protocol);
}

export function resolveArg(arg: unknown): Resolved | undefined {
  let text: string;
  if (typeof arg === 'string') text = arg;
  else if (Buffer.isBuffer(arg)) text = arg.toString('utf8');
  // node:fs takes any Uint8Array as a path (`new TextEncoder().encode('data.txt')`).
  else if (types.isUint8Array(arg)) text = Buffer.from(arg.buffer, arg.byteOffset, arg.byteLength).toString('utf8');
  // …and any object that looks like a URL (Node's `isURL`: `href` and `protocol`), not only URL instances.
  else if (arg instanceof URL || isUrlLike(arg)) {
    if ((arg as URL).protocol !== 'file:') return undefined;
    try {
      text = fileURLToPath(arg as URL);
    } catch {
      return undefined;
    }
  } else return undefined;
  if (text === '' || text.includes('\u0000')) return undefined;
  const relative = !path.isAbsolute(text);
  return { abs: path.resolve(text), relative };
}

/**
 * Roots of cache stores: the cache's own files are never inputs of a call. Only its own folders
 * (`smartcache-v2/`, `proofs-v6/`, `analysis-v15/`, `preload-v3/`): a root may be a folder that
 * also holds the program's data (`dir: __dirname`), and reads of that data are inputs. The root
 * itself is ignored as well (a listing of it would change whenever the cache adds a folder).
 */
const ignored: string[] = [];
const OWN_FOLDER = /^(smartcache|proofs|analysis|preload)-v\d+$/;

export function ignoreTree(dir: string): void {
  const abs = path.resolve(dir);
  if (!ignored.includes(abs)) ignored.push(abs);
}

export function isIgnored(abs: string): boolean {
  for (const dir of ignored) {
    // The root itself too: its listing holds the cache's folders, which come and go.
    if (abs === dir) return true;
    if (!abs.startsWith(dir) || abs.charCodeAt(dir.length) !== 47 /* / */) continue;
    const slash = abs.indexOf('/', dir.length + 1);
    if (OWN_FOLDER.test(abs.slice(dir.length + 1, slash < 0 ? undefined : slash))) return true;
  }
  return false;
}

/** The stored form of an absolute path: project-relative with `/`, else absolute. */
export function storedPath(abs: string, root: string | undefined = findProjectRoot()): string {
  if (root === undefined) return abs;
  const rel = path.relative(root, abs);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return rel === '' ? '.' : abs;
  return rel.split(path.sep).join('/');
}

/** The absolute path of a stored one, in this process (undefined: no project root to resolve against). */
export function absolutePath(stored: string, root: string | undefined = findProjectRoot()): string | undefined {
  if (path.isAbsolute(stored)) return stored;
  if (root === undefined) return undefined;
  return stored === '.' ? root : path.join(root, ...stored.split('/'));
}
