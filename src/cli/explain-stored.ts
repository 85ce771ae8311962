/**
 * `smartcache explain <file>` without running anything: the functions of that file as the
 * records of earlier runs describe them (tree, fingerprint, code), read from the store. A file
 * maps to records by path alone, so TypeScript, JSX or any other source the user's loader
 * understands needs no parsing here.
 */
import fs = require('node:fs');
import path = require('node:path');
import type { DependencyNode } from '../explanation';
import { findProjectRoot, projectRelative } from '../project';
import type { FunctionRecord, Store } from '../store';
import type { ExplainedFunction } from './explain-types';
import { storeLibrary } from './context';
import { recordSource, storedExplanation } from './record-source';

export interface StoredFunction extends ExplainedFunction {
  /** Newest first: [0] is the one shown; [1], when present, the fingerprint before it. */
  readonly records: readonly FunctionRecord[];
}

function realpath(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

/** The project-relative spellings `file` may have in a record or a default name. */
function relativeForms(abs: string): Set<string> {
  const forms = new Set<string>();
  for (const base of [findProjectRoot(path.dirname(abs)), findProjectRoot()]) forms.add(projectRelative(abs, base));
  return forms;
}

function belongsTo(records: readonly FunctionRecord[], name: string, abs: string, forms: ReadonlySet<string>): boolean {
  const { fileFromName } = storeLibrary();
  const newest = records[0];
  if (newest !== undefined) {
    const source = recordSource(newest);
    if (source !== undefined && realpath(source) === abs) return true;
    // Recorded from another file that still exists (a workspace package's `index.js` beside this
    // one's): not this file's, though its project-relative name reads the same.
    if (source !== undefined && fs.existsSync(source)) return false;
  }
  const file = records.find((r) => r.file !== undefined)?.file ?? fileFromName(name);
  return file !== undefined && forms.has(file);
}

/** Code moved back into the nodes from the record's table (one text per code hash). */
function inflate(node: DependencyNode, code: Readonly<Record<string, string>> | undefined): DependencyNode {
  const text = code?.[node.hash];
  const children = node.children.map((c) => inflate(c, code));
  return text === undefined || node.code !== undefined ? { ...node, children } : { ...node, code: text, children };
}

function shortName(name: string): string {
  return name.slice(name.lastIndexOf('#') + 1);
}

/** The names a user may type after `#` for a record's function. */
export function aliasesOf(name: string, root: DependencyNode | undefined): string[] {
  const names = [shortName(name), root?.name ?? ''];
  return [...new Set(names.filter((n) => n !== '' && n !== name))];
}

/** `total`, `file.js#total`, `Shape.area` and `Shape#area` all name `file.js#Shape#area`-style identities. */
export function nameMatches(name: string, aliases: readonly string[], filter: string | undefined): boolean {
  if (filter === undefined || name === filter || aliases.includes(filter)) return true;
  const dotted = (n: string): string => n.replace(/#/g, '.');
  return dotted(name).endsWith(`.${dotted(filter)}`);
}

export interface StoredLookup {
  readonly available: readonly string[];
  readonly functions: readonly StoredFunction[];
}

export function storedFunctions(store: Store, file: string, filter: string | undefined): StoredLookup {
  const abs = realpath(file);
  const forms = relativeForms(abs);
  const shown = projectRelative(abs, findProjectRoot(path.dirname(abs)));
  const available: string[] = [];
  const functions: StoredFunction[] = [];
  for (const [name, records] of storeLibrary().groupRecords(store.readFunctionRecords())) {
    if (!belongsTo(records, name, abs, forms)) continue;
    available.push(name);
    const newest = records[0];
    const explanation = newest === undefined ? undefined : storedExplanation(newest);
    if (newest === undefined || explanation === undefined) continue;
    const aliases = aliasesOf(name, explanation.root);
    if (!nameMatches(name, aliases, filter)) continue;
    functions.push({
      name,
      aliases,
      file: newest.file ?? shown,
      fingerprint: newest.fingerprint,
      explanation: { root: inflate(explanation.root, newest.code), dynamic: explanation.dynamic },
      stored: newest.written,
      records,
    });
  }
  functions.sort((a, b) => a.name.localeCompare(b.name));
  return { available: available.sort(), functions };
}

/** A record's tree with its code inlined, for diffs between two stored fingerprints. */
export function inflatedRoot(record: FunctionRecord): DependencyNode | undefined {
  const explanation = storedExplanation(record);
  return explanation === undefined ? undefined : inflate(explanation.root, record.code);
}
