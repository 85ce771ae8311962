/**
 * `smartcache explain <file>[#name]`: the dependency tree and fingerprint of each annotated
 * function in a file; `--diff` names what changed since the tree stored with the last entries;
 * `--dot` and `--html` draw it.
 */
import type { Command } from 'commander';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diffExplanations, type DependencyNode } from '../explanation';
import type { FunctionRecord, Store } from '../store';
import { DIR_FLAG, DIR_HELP, openExistingStore, usageError, type DirOption } from './context';
import { isoTime, shortHash } from './format';
import type { ExplainedFunction } from './explain-types';
import { runExplainChild } from './explain-run';
import { renderTree } from './explain-tree';
import { inputLines, latestInputs } from './explain-inputs';
import { renderDot } from './graph-dot';
import { renderHtml } from './graph-html';
import type { Output } from './output';

interface ExplainOptions extends DirOption {
  readonly diff?: boolean;
  readonly dot?: boolean;
  readonly html?: string;
  readonly json?: boolean;
}

export interface DiffResult {
  readonly name: string;
  readonly status: 'unchanged' | 'changed' | 'never-stored';
  readonly stored?: string;
  readonly current: string;
  readonly storedAt?: number;
  readonly changes: readonly string[];
}

/**
 * `src/a.js#fib` -> file and name. The file is the shortest prefix before a `#` that exists, so
 * both `a.js#a.js#fib` (a full identity) and a file name holding `#` resolve.
 */
export function parseTarget(spec: string): { file: string; name?: string } {
  if (fs.existsSync(spec)) return { file: spec };
  let first: number | undefined;
  for (let at = spec.indexOf('#'); at > 0; at = spec.indexOf('#', at + 1)) {
    first ??= at;
    if (fs.existsSync(spec.slice(0, at))) return split(spec, at);
  }
  return first === undefined ? { file: spec } : split(spec, first);
}

function split(spec: string, at: number): { file: string; name?: string } {
  const name = spec.slice(at + 1);
  return name === '' ? { file: spec.slice(0, at) } : { file: spec.slice(0, at), name };
}

export function checkFile(file: string): string {
  const abs = path.resolve(file);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(abs);
  } catch {
    throw usageError(`no such file: ${file}`);
  }
  if (!stat.isFile()) throw usageError(`not a file: ${file}`);
  return abs;
}

/** A stored tree may be the whole Explanation or just its root node. */
function storedRoot(record: FunctionRecord): DependencyNode | undefined {
  const tree = record.tree as { root?: unknown; kind?: unknown } | null | undefined;
  if (tree === null || typeof tree !== 'object') return undefined;
  if (typeof tree.kind === 'string') return tree as DependencyNode;
  const root = tree.root as { kind?: unknown } | undefined;
  return root !== undefined && typeof root === 'object' && typeof root.kind === 'string' ? (root as DependencyNode) : undefined;
}

/**
 * The record stored under the function's name; failing that, the newest record of a function of
 * the same file and short name. Default names carry the line of the definition
 * (`src/math.js:12#total`), so an edit above the function renames it without making it another.
 */
function storedRecord(store: Store, f: ExplainedFunction): FunctionRecord | undefined {
  const exact = store.latestFunctionRecord(f.name);
  if (exact !== undefined) return exact;
  const hash = f.name.lastIndexOf('#');
  if (hash < 0) return undefined;
  const short = f.name.slice(hash);
  const file = f.name.slice(0, hash).replace(/:\d+$/, '');
  return store
    .readFunctionRecords()
    .filter((r) => r.name.endsWith(short) && r.name.slice(0, r.name.length - short.length).replace(/:\d+$/, '') === file)
    .sort((a, b) => b.written - a.written)[0];
}

export function diffAgainstStore(store: Store, f: ExplainedFunction): DiffResult {
  const record = storedRecord(store, f);
  if (record === undefined) return { name: f.name, status: 'never-stored', current: f.fingerprint, changes: [] };
  const base = { name: f.name, stored: record.fingerprint, current: f.fingerprint, storedAt: record.written };
  if (record.fingerprint === f.fingerprint) return { ...base, status: 'unchanged', changes: [] };
  const before = storedRoot(record);
  const changes = before === undefined ? [] : diffExplanations(before, f.explanation.root);
  return { ...base, status: 'changed', changes: changes.length > 0 ? changes : ['the code changed in a way the stored tree cannot pin down (it may come from another smartcache version)'] };
}

function printDiff(d: DiffResult, out: Output): void {
  const { style } = out;
  if (d.status === 'never-stored') {
    out.line(`${style.bold(d.name)}: nothing stored yet (fingerprint ${shortHash(d.current)})`);
  } else if (d.status === 'unchanged') {
    out.line(`${style.bold(d.name)}: ${style.green('unchanged')} since ${isoTime(d.storedAt)} (fingerprint ${shortHash(d.current)})`);
  } else {
    out.line(`${style.bold(d.name)}: ${style.yellow('changed')} since ${isoTime(d.storedAt)} (fingerprint ${shortHash(d.stored)} → ${shortHash(d.current)})`);
    for (const change of d.changes) out.line(`  - ${change}`);
  }
}

function explainFile(spec: string, out: Output): { file: string; functions: readonly ExplainedFunction[] } {
  const { file, name } = parseTarget(spec);
  const abs = checkFile(file);
  const result = runExplainChild(abs, name, out.warn);
  if (!result.ok) throw usageError(result.error);
  if (result.available.length === 0) throw usageError(`no annotated functions in ${file} (mark one with /** @cache */ or 'use cache')`);
  if (result.functions.length === 0) {
    const known = result.available.map((a) => a.name).join(', ');
    throw usageError(`no annotated function "${name ?? ''}" in ${file} (annotated: ${known})`);
  }
  return { file, functions: result.functions };
}

export function runExplain(spec: string, options: ExplainOptions, out: Output): void {
  const store = options.diff === true ? openExistingStore(options) : undefined;
  const { file, functions } = explainFile(spec, out);
  if (options.html !== undefined) {
    fs.writeFileSync(options.html, renderHtml(file, functions));
    out.warn(`wrote ${options.html}`);
  }
  const diffs = store === undefined ? undefined : functions.map((f) => diffAgainstStore(store, f));
  if (options.json === true) {
    out.line(JSON.stringify({ file, functions, ...(diffs === undefined ? {} : { diff: diffs }) }, null, 2));
  } else if (options.dot === true) {
    out.line(renderDot(functions).trimEnd());
  } else if (diffs !== undefined) {
    for (const d of diffs) printDiff(d, out);
  } else if (options.html === undefined) {
    const stored = store ?? storeIfAny(options);
    functions.forEach((f, i) => {
      if (i > 0) out.line();
      out.line(`${out.style.bold(f.name)}  ${f.file}  fingerprint ${f.fingerprint}`);
      for (const line of renderTree(f.explanation, out.style)) out.line(`  ${line}`);
      const inputs = stored === undefined ? undefined : latestInputs(stored, f.name);
      if (inputs !== undefined) {
        out.line('  inputs read by the latest entry:');
        for (const line of inputLines(inputs)) out.line(`    ${line}`);
      }
    });
  }
}

/** The store, when the cache root exists (explain never creates it). */
function storeIfAny(options: DirOption): Store | undefined {
  try {
    return openExistingStore(options);
  } catch {
    return undefined;
  }
}

export function registerExplain(program: Command, out: Output): void {
  program
    .command('explain')
    .argument('<file>', 'a source file, optionally with #name to pick one function (src/math.js#scale)')
    .summary("dependency tree and fingerprint of a file's annotated functions")
    .description("show the dependency tree and fingerprint of a file's annotated functions (loaded in a child process with the preload)")
    .option(DIR_FLAG, DIR_HELP)
    .option('--diff', 'name what changed since the fingerprint last stored in the cache')
    .option('--dot', 'print the graph as Graphviz DOT')
    .option('--html <out>', 'write the graph as a self-contained HTML page with an SVG drawing')
    .option('--json', 'machine-readable output')
    .action((spec: string, options: ExplainOptions) => runExplain(spec, options, out));
}
