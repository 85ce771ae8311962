/**
 * The explain tree as a FunctionRecord keeps it, so that `smartcache explain` can show and diff
 * a function without running the user's program:
 * - the tree itself (root and dynamic reasons), with each function's source text moved to a
 *   table keyed by the node's code hash, so a text reached through many paths is stored once;
 * - the sha256 of every project file the tree's code and modules came from, so the CLI can tell
 *   "nothing was edited since" from "this file changed" by reading files, never by loading them;
 * - the project folder the tree's locations are relative to.
 * Written once per fingerprint, on the run that computed it (a miss), never on a hit.
 */
import fs = require('node:fs');
import path = require('node:path');
import type { DependencyNode, Explanation } from '../explanation';
import { sha256 } from '../hash';
import { findProjectRoot } from '../project';

export interface RecordTree {
  readonly tree: Explanation;
  readonly code: Record<string, string>;
  readonly files: Record<string, string>;
  readonly project: string;
}

/** A tree reaching more files than this keeps hashes for the first ones only (display aid). */
const MAX_FILES = 256;
/** Larger files are not hashed: the CLI then says it cannot tell without running. */
const MAX_FILE_BYTES = 8 * 1024 * 1024;

function strip(node: DependencyNode, code: Record<string, string>, files: Set<string>): DependencyNode {
  const { code: text, children, ...rest } = node;
  if (text !== undefined && node.hash !== '') code[node.hash] ??= text;
  const file = sourceFile(node);
  if (file !== undefined) files.add(file);
  return { ...rest, children: children.map((c) => strip(c, code, files)) };
}

/** The project file a node's code or content came from (`src/a.js:3:1` → `src/a.js`). */
function sourceFile(node: DependencyNode): string | undefined {
  if (node.kind !== 'function' && node.kind !== 'class' && node.kind !== 'module' && node.kind !== 'json') return undefined;
  const location = node.location;
  if (location === undefined || location.startsWith('node:') || path.isAbsolute(location)) return undefined;
  const file = location.replace(/(?::\d+){1,2}$/, '');
  return file.split('/').includes('node_modules') ? undefined : file;
}

function hashFile(file: string): string | undefined {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile() || stat.size > MAX_FILE_BYTES) return undefined;
    return sha256(fs.readFileSync(file, 'latin1'));
  } catch {
    return undefined; // display aid only: a file that cannot be read is simply not listed
  }
}

export function recordTree(explanation: Explanation): RecordTree {
  const code: Record<string, string> = {};
  const seen = new Set<string>();
  const root = strip(explanation.root, code, seen);
  // The same base explain() used for locations (fingerprint/explain.ts: findProjectRoot()).
  const project = findProjectRoot() ?? process.cwd();
  const files: Record<string, string> = {};
  for (const file of [...seen].slice(0, MAX_FILES)) {
    const hash = hashFile(path.resolve(project, file));
    if (hash !== undefined) files[file] = hash;
  }
  return { tree: { root, dynamic: explanation.dynamic }, code, files, project };
}
