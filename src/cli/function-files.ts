/**
 * Which cached functions' source files are gone. A file is "missing" only when the project
 * folder the record names still exists and the file in it does not: a checkout moved or deleted
 * as a whole, or a root shared between machines, is never taken for deleted code.
 *
 * Functions known only by name (no record of this version) are resolved against the project of
 * the default root (the folder holding its node_modules), else of the working directory, and only
 * trusted when at least one such function's file is found there.
 */
import fs = require('node:fs');
import path = require('node:path');
import { findProjectRoot } from '../project';

const DEFAULT_ROOT_TAIL = path.join('node_modules', '.cache', 'smartcache');

/** The folder project-relative files are resolved against when no record names one. */
export function projectBase(root: string, cwd: string = process.cwd()): string {
  if (root.endsWith(path.sep + DEFAULT_ROOT_TAIL)) return root.slice(0, -(DEFAULT_ROOT_TAIL.length + 1));
  return findProjectRoot(cwd) ?? path.resolve(cwd);
}

export interface FunctionFile {
  readonly name: string;
  /** Project-relative, from the record or the default name. */
  readonly file?: string | undefined;
  /** Absolute, with the project it lies in, when a record says so. */
  readonly source?: string | undefined;
  readonly project?: string | undefined;
}

function isDir(dir: string): boolean {
  return fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory() === true;
}

/** Absolute path of a function's file: the record's, else `file` resolved against `base`. */
export function absoluteFile(f: FunctionFile, base: string): string | undefined {
  if (f.source !== undefined) return f.source;
  return f.file === undefined || f.file === '' ? undefined : path.resolve(base, f.file);
}

/** Names of the functions whose source file no longer exists. */
export function missingFiles(functions: readonly FunctionFile[], base: string): Set<string> {
  const missing = new Set<string>();
  const guessed: string[] = [];
  let foundAtBase = 0;
  for (const f of functions) {
    if (f.source !== undefined && f.project !== undefined) {
      if (isDir(f.project) && !fs.existsSync(f.source)) missing.add(f.name);
      continue;
    }
    const abs = absoluteFile(f, base);
    if (abs === undefined) continue;
    if (fs.existsSync(abs)) foundAtBase++;
    else guessed.push(f.name);
  }
  if (foundAtBase > 0) for (const name of guessed) missing.add(name);
  return missing;
}
