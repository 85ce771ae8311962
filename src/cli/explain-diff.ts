/**
 * What changed in a function since the fingerprint last stored, as lines ("helper `scale`
 * (math.js:5) changed"), code changes (stored text → current text, for the line diff), and the
 * nodes of the drawn tree that changed (highlighted in the HTML page).
 *
 * Two ways to know "current":
 * - live (`--live --diff`): the file was loaded and fingerprinted; its tree is compared with the
 *   stored one node by node. Exact, values included.
 * - source (`--diff`): nothing runs. Each project file the stored tree came from is hashed again;
 *   in an edited JavaScript file, each stored function is looked up by its normalized code (the
 *   same hash the fingerprint uses), so comment and layout edits do not count. Values (constants,
 *   objects) and TypeScript are only known by running: the answer then says so.
 * Either way, when the store holds an older fingerprint too, the change between the last two
 * (what the last recompute was about) is added.
 */
import fs = require('node:fs');
import path = require('node:path');
import { diffExplanations as diffTrees, type DependencyNode } from '../explanation';
import { sha256 } from '../hash';
import type { FunctionRecord } from '../store';
import type { ExplainedFunction } from './explain-types';
import { inflatedRoot } from './explain-stored';
import { locationFile, storedExplanation } from './record-source';
import { sourceFunctions, type SourceFunction } from './source-functions';

export interface CodeChange {
  /** How the tree names it (`scale`, `utils.inner`). */
  readonly name: string;
  readonly location?: string;
  /** Stored text; absent for a function the stored tree did not have. */
  readonly before?: string;
  /** Current text; absent when it is gone or unknown. */
  readonly after?: string;
}

export interface LastChange {
  readonly from: string;
  readonly to: string;
  readonly at: number;
  readonly changes: readonly string[];
  readonly code: readonly CodeChange[];
}

export interface FunctionDiff {
  readonly name: string;
  /** `edited`: a source file changed but no function's code did; values are only known by running. */
  readonly status: 'unchanged' | 'changed' | 'edited' | 'never-stored';
  /** How "current" was learned: by loading the file, or by reading its source. */
  readonly mode: 'live' | 'source';
  readonly stored?: string;
  readonly current?: string;
  readonly storedAt?: number;
  readonly changes: readonly string[];
  readonly code: readonly CodeChange[];
  /** Project files edited since the record was written (source mode). */
  readonly edited: readonly string[];
  /** Of those, or of the code they hold, what reading the source cannot compare (TypeScript, an edit that no longer parses, an old record): `edited` then says nothing about the code. */
  readonly uncompared?: boolean;
  readonly note?: string;
  readonly last?: LastChange;
  /** Nodes of the tree drawn for this function that changed (not serialized). */
  readonly changedNodes: ReadonlySet<DependencyNode>;
}

const JS_FILE = /\.(?:[cm]?js|jsx)$/;

function byName(nodes: readonly DependencyNode[]): Map<string, DependencyNode> {
  const map = new Map<string, DependencyNode>();
  for (const n of nodes) if (n.kind !== 'dynamic' && !map.has(n.name)) map.set(n.name, n);
  return map;
}

function isCode(n: DependencyNode): boolean {
  return n.kind === 'function' || n.kind === 'class';
}

/**
 * The nodes a live `explain()` appends for the latest entry's recorded inputs (input-tracker.ts
 * `inputNodes`: files, listings, checks, stats, the working directory). They are display only and
 * never enter a fingerprint, and stored trees do not hold them: a diff against a stored tree
 * leaves them out, or every file the function reads would be "added".
 */
const INPUT_NODE = /^\((?:file|tree|listing|exists|access|stat|lstat|unchecked)\) |^\(cwd\)$/;

function isInputNode(n: DependencyNode): boolean {
  return n.kind === 'value' && INPUT_NODE.test(n.name);
}

/** The live root without its recorded-input nodes (a copy; the same object when it has none). */
function withoutInputs(root: DependencyNode): DependencyNode {
  const children = root.children.filter((c) => !isInputNode(c));
  return children.length === root.children.length ? root : { ...root, children };
}

/**
 * Walks two trees of one function together (children matched by name, as diffExplanations
 * does): code changes of functions and classes, and the `after` nodes that changed or are new.
 */
export function changedPairs(before: DependencyNode, after: DependencyNode, code: CodeChange[], marked: Set<DependencyNode>): void {
  if (before.fingerprint === after.fingerprint && before.hash === after.hash) return;
  if (before.kind === 'cycle' && after.kind === 'cycle') return;
  if (before.kind !== after.kind || before.hash !== after.hash) {
    marked.add(after);
    if (isCode(after) || isCode(before)) code.push(codeChange(after.name, after.location ?? before.location, before.code, after.code));
    if (before.kind !== after.kind) return;
  }
  const old = byName(before.children);
  for (const child of after.children) {
    if (child.kind === 'dynamic') continue;
    const was = old.get(child.name);
    if (was === undefined && isInputNode(child)) continue;
    if (was === undefined) {
      marked.add(child);
      if (isCode(child)) code.push(codeChange(child.name, child.location, undefined, child.code));
    } else changedPairs(was, child, code, marked);
  }
}

function codeChange(name: string, location: string | undefined, before: string | undefined, after: string | undefined): CodeChange {
  return { name, ...(location === undefined ? {} : { location }), ...(before === undefined ? {} : { before }), ...(after === undefined ? {} : { after }) };
}

function diffLines(before: DependencyNode, after: DependencyNode): string[] {
  try {
    return diffTrees(before, after);
  } catch {
    return [];
  }
}

const UNPINNED = 'the code changed in a way the stored tree cannot pin down (it may come from another smartcache version)';

/** The change between the newest record and the one before it, if their fingerprints differ. */
export function lastChange(records: readonly FunctionRecord[]): LastChange | undefined {
  const [newest, previous] = records;
  if (newest === undefined || previous === undefined || newest.fingerprint === previous.fingerprint) return undefined;
  const after = inflatedRoot(newest);
  const before = inflatedRoot(previous);
  if (after === undefined || before === undefined) return { from: previous.fingerprint, to: newest.fingerprint, at: newest.written, changes: [UNPINNED], code: [] };
  const code: CodeChange[] = [];
  changedPairs(before, after, code, new Set());
  const changes = diffLines(before, after);
  return { from: previous.fingerprint, to: newest.fingerprint, at: newest.written, changes: changes.length > 0 ? changes : [UNPINNED], code };
}

/** `--live --diff`: the tree just computed against the newest record. */
export function diffLive(f: ExplainedFunction, records: readonly FunctionRecord[]): FunctionDiff {
  const base = { name: f.name, mode: 'live' as const, current: f.fingerprint, edited: [] as string[] };
  const newest = records[0];
  if (newest === undefined) return { ...base, status: 'never-stored', changes: [], code: [], changedNodes: new Set() };
  const last = lastChange(records);
  const stored = { ...base, stored: newest.fingerprint, storedAt: newest.written, ...(last === undefined ? {} : { last }) };
  if (newest.fingerprint === f.fingerprint) return { ...stored, status: 'unchanged', changes: [], code: [], changedNodes: new Set() };
  const before = inflatedRoot(newest);
  const code: CodeChange[] = [];
  const marked = new Set<DependencyNode>();
  if (before !== undefined) changedPairs(before, f.explanation.root, code, marked);
  const changes = before === undefined ? [] : diffLines(before, withoutInputs(f.explanation.root));
  return { ...stored, status: 'changed', changes: changes.length > 0 ? changes : [UNPINNED], code, changedNodes: marked };
}

// ---------------------------------------------------------------------------------------------
// source mode

function hashFile(file: string): string | undefined {
  try {
    return sha256(fs.readFileSync(file, 'latin1'));
  } catch {
    return undefined;
  }
}

/** The function's own name, from how the tree labels it (`scale`, `utils.inner`, `x (realX)`). */
function ownName(label: string): string {
  const bare = label.replace(/ \((?:get|set)\)$/, '');
  const real = / \(([^()]+)\)$/.exec(bare);
  if (real?.[1] !== undefined) return real[1];
  return bare.slice(bare.lastIndexOf('.') + 1);
}

/**
 * The name a function's own text gives it (`function descend(`, `async function* g(`, `class Shape`):
 * the tree labels a function by the binding it was reached through (`fn`, a wrapper's parameter),
 * which the file may never spell.
 */
function textName(code: string | undefined): string | undefined {
  const m = code === undefined ? null : /^(?:async\s+)?(?:function\b\s*\*?|class\b)\s*([A-Za-z_$][\w$]*)/.exec(code);
  return m?.[1];
}

function lineOf(location: string | undefined): number {
  const m = /:(\d+)(?::\d+)?$/.exec(location ?? '');
  return m?.[1] === undefined ? 0 : Number(m[1]);
}

/** The fingerprint's own hashes of a function's text: sha256(`<kind>:<normalized code hash>[:sloppy]`). */
function codeHashes(text: string): readonly string[] {
  try {
    // Loaded here: only an edited JavaScript file needs the parser and normalizer.
    const { codeHashesOf } = require('../fingerprint') as typeof import('../fingerprint');
    return codeHashesOf(text);
  } catch {
    return [];
  }
}

interface FileNow {
  readonly text: string;
  readonly functions: readonly SourceFunction[] | undefined;
  readonly hashes: Map<SourceFunction, readonly string[]>;
}

type Verdict = { readonly same: true } | { readonly same: false; readonly now?: SourceFunction } | { readonly unknown: true };

function judge(node: DependencyNode, now: FileNow): Verdict {
  // Found verbatim is proof only when the text is a whole function there: an arrow's expression
  // body can grow at its end (`(x) => x * K` is still found in `(x) => x * K + 1`).
  if (node.code !== undefined && now.text.includes(node.code)) {
    const code = node.code;
    if (now.functions === undefined ? code.trimEnd().endsWith('}') : now.functions.some((f) => f.text === code)) return { same: true };
  }
  if (now.functions === undefined) return { unknown: true };
  const matches = (f: SourceFunction): boolean => {
    let hashes = now.hashes.get(f);
    if (hashes === undefined) now.hashes.set(f, (hashes = codeHashes(f.text)));
    return node.hash !== undefined && hashes.includes(node.hash);
  };
  const names = new Set([ownName(node.name)]);
  const own = textName(node.code);
  if (own !== undefined) names.add(own);
  const named = now.functions.filter((f) => names.has(f.name));
  // Same name first (cheap and likely), then any function: a moved or renamed-binding copy.
  if (named.some(matches)) return { same: true };
  if (node.code === undefined && named.length === 0) return { unknown: true };
  if (now.functions.some((f) => !names.has(f.name) && matches(f))) return { same: true };
  const line = lineOf(node.location);
  // An anonymous function reached through a binding (`wrap((a, b) => b - a)` seen as `fn`): the
  // anonymous one that starts on the stored line is the edited one, if there is exactly one.
  const anonymous = own === undefined ? now.functions.filter((f) => f.name === '' && f.line === line) : [];
  const candidates = named.length > 0 ? named : anonymous.length === 1 ? anonymous : [];
  const closest = [...candidates].sort((a, b) => Math.abs(a.line - line) - Math.abs(b.line - line))[0];
  return closest === undefined ? { same: false } : { same: false, now: closest };
}

function phrase(node: DependencyNode, isRoot: boolean): string {
  const word = node.kind === 'class' ? 'class' : isRoot ? 'function' : 'helper';
  const where = node.location === undefined ? '' : ` (${node.location.replace(/:\d+$/, '')})`;
  return `${word} \`${node.name}\`${where}`;
}

/** `--diff` without `--live`: the stored tree against the source files as they are now. */
export function diffSource(f: ExplainedFunction, records: readonly FunctionRecord[]): FunctionDiff {
  const newest = records[0];
  const base = { name: f.name, mode: 'source' as const };
  if (newest === undefined) return { ...base, status: 'never-stored', changes: [], code: [], edited: [], changedNodes: new Set() };
  const last = lastChange(records);
  const stored = { ...base, stored: newest.fingerprint, storedAt: newest.written, ...(last === undefined ? {} : { last }) };
  const project = newest.project;
  if (newest.files === undefined || project === undefined || storedExplanation(newest) === undefined) {
    const note = 'this record was written by an earlier smartcache version, without the file hashes a check needs: smartcache explain --live --diff loads the file to compare';
    return { ...stored, status: 'edited', changes: [], code: [], edited: [], uncompared: true, note, changedNodes: new Set() };
  }
  const edited = Object.entries(newest.files).filter(([rel, hash]) => hashFile(path.resolve(project, rel)) !== hash).map(([rel]) => rel);
  if (edited.length === 0) return { ...stored, status: 'unchanged', changes: [], code: [], edited, changedNodes: new Set() };
  const files = new Map<string, FileNow | undefined>();
  const fileNow = (rel: string): FileNow | undefined => {
    if (!files.has(rel)) {
      let now: FileNow | undefined;
      try {
        const text = fs.readFileSync(path.resolve(project, rel), 'utf8');
        now = { text, functions: JS_FILE.test(rel) ? sourceFunctions(text) : undefined, hashes: new Map() };
      } catch {
        now = undefined; // deleted: every function in it is gone
      }
      files.set(rel, now);
    }
    return files.get(rel);
  };
  const editedSet = new Set(edited);
  const changes: string[] = [];
  const code: CodeChange[] = [];
  const marked = new Set<DependencyNode>();
  const judged = new Map<string, Verdict>();
  const unknownFiles = new Set<string>();
  const visit = (node: DependencyNode, isRoot: boolean): void => {
    const rel = isCode(node) ? locationFile(node.location) : undefined;
    if (rel !== undefined && editedSet.has(rel)) {
      const key = `${node.hash}\u0000${node.name}`;
      let verdict = judged.get(key);
      const first = verdict === undefined;
      if (verdict === undefined) {
        const now = fileNow(rel);
        verdict = now === undefined ? { same: false } : judge(node, now);
        judged.set(key, verdict);
      }
      if ('unknown' in verdict) unknownFiles.add(rel);
      else if (!verdict.same) {
        marked.add(node);
        if (first) {
          changes.push(verdict.now === undefined ? `${phrase(node, isRoot)} no longer found in ${rel}` : `${phrase(node, isRoot)} changed`);
          code.push(codeChange(node.name, node.location, node.code, verdict.now?.text));
        }
      }
    }
    for (const child of node.children) visit(child, false);
  };
  visit(f.explanation.root, true);
  const untold = [...unknownFiles, ...edited.filter((rel) => !JS_FILE.test(rel) && !unknownFiles.has(rel))];
  const notes: string[] = [];
  if (untold.length > 0) {
    const files = [...new Set(untold)];
    // A JSON module is data: its values are compared by running, like constants.
    const why = files.every((f) => /\.json$/i.test(f)) ? 'data, compared only by running' : files.some((f) => /\.json$/i.test(f)) ? 'TypeScript, another language or data' : 'TypeScript or another language';
    notes.push(`${files.join(', ')} changed and cannot be compared without running (${why})`);
  }
  if (changes.length === 0 || untold.length > 0) notes.push('constants and other values are only read by running: smartcache explain --live --diff loads the file (its top-level code runs) to compare them too');
  const note = notes.join('; ');
  if (changes.length > 0) return { ...stored, status: 'changed', changes, code, edited, note, changedNodes: marked };
  return { ...stored, status: 'edited', changes: [], code: [], edited, uncompared: untold.length > 0, note, changedNodes: marked };
}
