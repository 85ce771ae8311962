/**
 * `smartcache explain <file>[#name]`: the dependency tree and fingerprint of each cached function
 * of a file. By default from what earlier runs stored (nothing of the user's program runs);
 * `--live` loads the file in a child process to fingerprint the code as it is now; `--diff` says
 * what changed since the fingerprint last stored, down to the code; `--dot` and `--html` draw it.
 */
import type { Command } from 'commander';
import fs = require('node:fs');
import path = require('node:path');
import type { FunctionRecord, Store } from '../store';
import { DIR_FLAG, DIR_HELP, openExistingStore, openStoreIfPresent, resolveRoot, usageError, type DirOption } from './context';
import { diffLive, diffSource, type FunctionDiff } from './explain-diff';
import { printDiff } from './explain-print';
import { runExplainChild } from './explain-run';
import { storedFunctions } from './explain-stored';
import { renderTree } from './explain-tree';
import { inputLines, latestInputs } from './explain-inputs';
import type { ExplainedFunction } from './explain-types';
import { isoTime } from './format';
import { renderDot } from './graph-dot';
import { renderHtml } from './graph-html';
import type { Output } from './output';

interface ExplainOptions extends DirOption {
  readonly live?: boolean;
  readonly diff?: boolean;
  readonly dot?: boolean;
  readonly html?: string;
  readonly json?: boolean;
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

/**
 * The records of a live function: those under its name; failing that, those of a function of the
 * same file and short name (names of older versions carried the line: `src/math.js:12#total`).
 */
function recordsOf(store: Store | undefined, f: ExplainedFunction): FunctionRecord[] {
  if (store === undefined) return [];
  const exact = store.readFunctionRecords(f.name);
  if (exact.length > 0) return exact;
  const hash = f.name.lastIndexOf('#');
  if (hash < 0) return [];
  const short = f.name.slice(hash);
  const file = f.name.slice(0, hash).replace(/:\d+$/, '');
  const sibling = store
    .readFunctionRecords()
    .filter((r) => r.name.endsWith(short) && r.name.slice(0, r.name.length - short.length).replace(/:\d+$/, '') === file)[0];
  return sibling === undefined ? [] : store.readFunctionRecords(sibling.name);
}

/** The store if its root exists, else undefined (then nothing is stored: every diff says so). */
function storeIfPresent(options: DirOption): Store | undefined {
  if (!fs.existsSync(resolveRoot(options))) return undefined;
  const { Store: StoreClass } = require('../store') as typeof import('../store');
  return StoreClass.open(resolveRoot(options));
}

interface Explained {
  readonly file: string;
  readonly functions: readonly ExplainedFunction[];
  readonly diffs?: readonly FunctionDiff[];
  readonly source: 'stored' | 'live';
}

function explainLive(file: string, abs: string, name: string | undefined, options: ExplainOptions, out: Output): Explained {
  const result = runExplainChild(abs, name, out.warn);
  if (!result.ok) throw usageError(result.error);
  if (result.available.length === 0) throw usageError(`no annotated functions in ${file} (mark one with /** @cache */ or 'use cache')`);
  if (result.functions.length === 0) {
    const known = result.available.map((a) => a.name).join(', ');
    throw usageError(`no annotated function "${name ?? ''}" in ${file} (annotated: ${known})`);
  }
  if (options.diff !== true) return { file, functions: result.functions, source: 'live' };
  const store = storeIfPresent(options);
  return { file, functions: result.functions, diffs: result.functions.map((f) => diffLive(f, recordsOf(store, f))), source: 'live' };
}

function explainStored(file: string, abs: string, name: string | undefined, options: ExplainOptions, out: Output): Explained | undefined {
  const store = openStoreIfPresent(options, out, options.json === true ? { file, functions: [] } : undefined);
  if (store === undefined) return undefined;
  const found = storedFunctions(store, abs, name);
  if (found.available.length === 0) {
    if (options.json === true) out.line(JSON.stringify({ root: store.root, file, functions: [] }, null, 2));
    else out.warn(`smartcache: nothing stored for ${file} in ${store.root} yet (run the program with smartcache first, or use --live to load the file now: its top-level code runs)`);
    return undefined;
  }
  if (found.functions.length === 0) throw usageError(`no cached function "${name ?? ''}" stored for ${file} (stored: ${found.available.join(', ')})`);
  const functions = found.functions;
  if (options.diff !== true) return { file, functions, source: 'stored' };
  return { file, functions, diffs: functions.map((f) => diffSource(f, f.records)), source: 'stored' };
}

function jsonOf(e: Explained): string {
  const functions = e.functions.map((f) => {
    const { records: _records, ...rest } = f as ExplainedFunction & { records?: unknown };
    return rest;
  });
  const diff = e.diffs?.map((d) => {
    const { changedNodes: _nodes, ...rest } = d;
    return rest;
  });
  return JSON.stringify({ file: e.file, source: e.source, functions, ...(diff === undefined ? {} : { diff }) }, null, 2);
}

function printTrees(e: Explained, out: Output, store: Store | undefined): void {
  e.functions.forEach((f, i) => {
    if (i > 0) out.line();
    const when = f.stored === undefined ? '' : `  ${out.style.dim(`stored ${isoTime(f.stored)}`)}`;
    out.line(`${out.style.bold(f.name)}  ${f.file}  fingerprint ${f.fingerprint}${when}`);
    for (const line of renderTree(f.explanation, out.style)) out.line(`  ${line}`);
    const inputs = store === undefined ? undefined : latestInputs(store, f.name);
    if (inputs !== undefined) {
      out.line('  inputs read by the latest entry:');
      for (const line of inputLines(inputs)) out.line(`    ${line}`);
    }
  });
}

export function runExplain(spec: string, options: ExplainOptions, out: Output): void {
  const { file, name } = parseTarget(spec);
  const abs = checkFile(file);
  const explained = options.live === true ? explainLive(file, abs, name, options, out) : explainStored(file, abs, name, options, out);
  if (explained === undefined) return;
  if (options.html !== undefined) {
    fs.writeFileSync(options.html, renderHtml(file, explained.functions, explained.diffs));
    out.warn(`wrote ${options.html}`);
  }
  if (options.json === true) out.line(jsonOf(explained));
  else if (options.dot === true) out.line(renderDot(explained.functions).trimEnd());
  else if (explained.diffs !== undefined) for (const d of explained.diffs) printDiff(d, out);
  else if (options.html === undefined) printTrees(explained, out, storeIfAny(options));
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
    .summary("dependency tree and fingerprint of a file's cached functions, as stored by earlier runs")
    .description(
      "show the dependency tree and fingerprint of a file's cached functions as stored by earlier runs: nothing of your program runs, and any language your loader understands (TypeScript through tsx) works. With --live the file is loaded in a child process with the preload (and tsx for TypeScript): its top-level code RUNS, so a script that calls a paid API calls it again.",
    )
    .option(DIR_FLAG, DIR_HELP)
    .option('--live', 'load the file now (its top-level code runs) and fingerprint the code as it is, instead of reading what was stored')
    .option('--diff', 'say what changed since the fingerprint last stored, down to the code of a changed function (without --live: by reading the source files, nothing runs)')
    .option('--dot', 'print the graph as Graphviz DOT')
    .option('--html <out>', 'write the graph as a self-contained HTML page (with --diff: changed nodes highlighted, code diffs shown)')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      `
Examples:
  smartcache explain src/report.js            what earlier runs stored
  smartcache explain src/report.ts#build --diff
  smartcache explain src/report.js --live     runs the file's top-level code
  smartcache explain src/report.js --diff --html graph.html`,
    )
    .action((spec: string, options: ExplainOptions) => runExplain(spec, options, out));
}
