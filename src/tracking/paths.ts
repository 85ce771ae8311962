/**
 * Paths as a call resolved them, and as a manifest stores them: relative to the project root
 * (forward slashes) when inside it, so a clone elsewhere or another machine validates the same
 * entry; absolute otherwise. A relative argument is resolved against the working directory at
 * the moment of the call, exactly as `node:fs` does.
 */
import path = require('node:path');
import { fileURLToPath } from 'node:url';
import { findProjectRoot } from '../project';

/** A path argument resolved: undefined for descriptors and anything `node:fs` would reject. */
export interface Resolved {
  readonly abs: string;
  /** The argument was relative: the working directory is an input of the call. */
  readonly relative: boolean;
}

export function resolveArg(arg: unknown): Resolved | undefined {
  let text: string;
  if (typeof arg === 'string') text = arg;
  else if (Buffer.isBuffer(arg)) text = arg.toString('utf8');
  else if (arg instanceof URL) {
    if (arg.protocol !== 'file:') return undefined;
    try {
      text = fileURLToPath(arg);
    } catch {
      return undefined;
    }
  } else return undefined;
  if (text === '' || text.includes('\u0000')) return undefined;
  const relative = !path.isAbsolute(text);
  return { abs: path.resolve(text), relative };
}

/** Roots of cache stores: the cache's own files are never inputs of a call. */
const ignored: string[] = [];

export function ignoreTree(dir: string): void {
  const abs = path.resolve(dir);
  if (!ignored.includes(abs)) ignored.push(abs);
}

export function isIgnored(abs: string): boolean {
  for (const dir of ignored) {
    if (abs === dir || (abs.startsWith(dir) && abs.charCodeAt(dir.length) === 47 /* / */)) return true;
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
