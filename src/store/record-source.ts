/**
 * Reading what a FunctionRecord says about where its function lives. The record's `file` is
 * relative to whichever project the run resolved it against (the file's own package for the
 * preload, the working directory's for `cache()`), so for a path on disk the tree's root location
 * is used instead: it is relative to `project`, the folder the run stored with it.
 */
import path = require('node:path');
import type { DependencyNode, Explanation } from '../explanation';
import type { FunctionRecord } from './types';

function isNode(value: unknown): value is DependencyNode {
  if (typeof value !== 'object' || value === null) return false;
  const n = value as Record<string, unknown>;
  return typeof n['kind'] === 'string' && typeof n['name'] === 'string' && Array.isArray(n['children']);
}

/** A stored tree is the whole Explanation (this version) or just its root node (earlier ones). */
export function storedExplanation(record: FunctionRecord): Explanation | undefined {
  const tree = record.tree as { root?: unknown; dynamic?: unknown } | null | undefined;
  if (isNode(tree)) return { root: tree, dynamic: [] };
  if (tree === null || typeof tree !== 'object' || !isNode(tree.root)) return undefined;
  const dynamic = Array.isArray(tree.dynamic) ? tree.dynamic.filter((d): d is string => typeof d === 'string') : [];
  return { root: tree.root, dynamic };
}

/** `src/math.js:12:3` → `src/math.js`; `node:fs` and the like are not files. */
export function locationFile(location: string | undefined): string | undefined {
  if (location === undefined || location === '' || /^node:/.test(location)) return undefined;
  return location.replace(/(?::\d+){1,2}$/, '');
}

/** Absolute path of the function's source file, when the record tells it unambiguously. */
export function recordSource(record: FunctionRecord): string | undefined {
  if (record.project === undefined || !path.isAbsolute(record.project)) return undefined;
  const file = locationFile(storedExplanation(record)?.root.location);
  return file === undefined ? undefined : path.resolve(record.project, file);
}
