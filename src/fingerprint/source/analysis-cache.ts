/**
 * Analyses kept across runs, keyed by the sha256 of the function's text.
 *
 * Why: in a fresh process acorn and the walks run unoptimized; measured on Node 20.20 the first
 * 200 small functions take ≈40 ms to analyze (≈200 µs each), against a start-up budget of 20 ms for
 * a whole fingerprint. Restoring an analysis costs a hash and a lookup
 * (test/fixtures/analyze/measure.mjs measures both). An analysis is a pure function of (text, this analyzer, acorn), so each file is
 * stamped with both versions and ignored when either differs; a checksum guards the body, and a
 * bad or foreign file is simply not used.
 *
 * Trust: a row decides which helpers a function's fingerprint follows, so a planted row (one that
 * drops a helper) would give stale hits. The folder must be the user's alone (owner, no group or
 * other write, not a link) and so must every file read from it; files are opened without
 * following links or blocking on FIFOs (trust/files.ts). The cache layer opens this only in the
 * user's own root, never in one shared with others.
 *
 * Concurrency: the folder holds "packs", files written once under a unique name and never
 * rewritten. A save writes the rows this process computed as a new pack; when it found many packs
 * it writes one pack holding everything it read plus its own rows, and only then removes the packs
 * it read. Every row therefore stays in some pack until a pack holding it is published, whatever
 * other processes save at the same time: concurrent saves never lose rows (a plain
 * read-merge-rename of one file loses the rows of whichever process renamed first).
 *
 * Opt-in: nothing is read, hashed or written until `openAnalysisCache(folder)`. The caller owns
 * the location and the moment to save (e.g. at exit).
 */
import fs = require('node:fs');
import path = require('node:path');
import { ANY_OWNER, currentUid, ensurePrivateFolder, isAcceptedFolder, readSmallFile, writeFileAtomic, type FileRule } from '../../trust';
import { randomHex, sha256 } from '../../hash';

/** Bump whenever normalized text, references or any analysis field can change for the same text. */
// 7: the trusted folder format (analysis-v2) with the alpha-renamed analyses of format 6.
// 8: `const { A } = process.env` (object destructuring of a static chain) reads members A by name.
// 9: a const alias of process.env (`const env = process.env; env.A`) reads members A by name.
// 10: `process.env[k]` beside `process.env.A` keeps path env.A (a computed read covered it).
// 11: a computed key written as a template without expressions (process.env[`A`]) is static.
// 12: `this` only handed on (`fn.apply(this, arguments)`) is no use of its own (`thisForwards`).
// 13: a name only counted with (`n++;`, `n += k;`) is marked `counter` (not watched between calls).
// 14: also `stats.calls++;`, `log.push(x);`, `seen.add(k);`, `hits.set(k, v);` (counters and logs).
// 15: a rest parameter's name keeps its dots (`...rest`) in `params`.
// 16: require handed along as a value (`REQUIRE_AS_VALUE`).
// 17: a write to `process.X` uses that member by name; `process.env.X = v` and `process.env[k] = v` read nothing.
// 18: a body `var` named like a parameter of a function with default values keeps both names; `{ __proto__ }` prints its form.
// 19: `require.resolve('x')` and `import.meta.resolve('x')` with a literal count as `require('x')` (requires).
// 20: `'name' in globalThis` reads that member of the global object.
// 21: so do `Reflect.has(globalThis, 'name')`, `Object.hasOwn(…)`, `….hasOwnProperty.call(globalThis, 'name')`.
export const ANALYSIS_FORMAT = 21;
let stampText: string | undefined;

/** Read from acorn's package.json rather than acorn itself, which is loaded only to parse. */
function stamp(): string {
  stampText ??= `smartcache-analysis ${ANALYSIS_FORMAT} acorn@${acornVersion()}`;
  return stampText;
}

/**
 * The version in the package.json of the acorn folder `require('acorn')` loads: the first of the
 * node_modules folders CommonJS searches (`require.resolve.paths`, in its order) that holds
 * `acorn/package.json`, read directly. `require('acorn/package.json')` answers the same through
 * Node's package `exports` resolver, whose first use in a process compiles Node's internal ES
 * module resolver: 3-15 ms of CPU in the first call of a disk hit (CPU profiles, Node 20), more
 * than the rest of that call. That way remains the fallback.
 */
function acornVersion(): string {
  for (const dir of require.resolve.paths('acorn') ?? []) {
    let text: string;
    try {
      text = fs.readFileSync(path.join(dir, 'acorn', 'package.json'), 'utf8');
    } catch {
      continue;
    }
    try {
      const version = (JSON.parse(text) as { version?: unknown }).version;
      if (typeof version === 'string') return version;
    } catch {
      // Not JSON: ask Node below.
    }
    break;
  }
  return (require('acorn/package.json') as { version: string }).version;
}
/** Rows kept; beyond it, rows this process did not use are dropped first (when packs are folded). */
const MAX_ROWS = 20_000;
/** Packs found at start-up from which a save folds them all into one. */
const FOLD_AT = 4;
/** A pack larger than this is not read (20,000 rows are ~6 MB). */
const MAX_PACK_BYTES = 64 * 1024 * 1024;
const PACK = /^rows-[0-9a-z]+-[0-9a-f]+\.json$/;

/** The stored part of an analysis (normalized text is rebuilt on demand from the source). */
export interface StoredAnalysis {
  readonly kind: 'function' | 'arrow' | 'method' | 'class';
  readonly codeHash: string;
  readonly references: ReadonlyArray<{
    readonly name: string;
    readonly paths: ReadonlyArray<ReadonlyArray<string>>;
    readonly whole: boolean;
    readonly keyed?: ReadonlyArray<{ readonly path: ReadonlyArray<string>; readonly key: string }>;
    readonly counter?: true;
  }>;
  readonly dynamic: readonly string[];
  readonly params: ReadonlyArray<string | undefined>;
  readonly superClass: boolean;
  readonly requires: readonly string[];
  readonly clockWrites: ReadonlyArray<{ readonly target: string; readonly callee: readonly string[] }>;
  readonly stateWrites: readonly string[];
  readonly thisForwards: readonly string[];
}

type Row = [
  kind: string,
  codeHash: string,
  refs: Array<[string, string[][], boolean, Array<[string[], string]>, boolean]>,
  dynamic: string[],
  params: Array<string | null>,
  superClass: boolean,
  requires: string[],
  clockWrites: Array<[string, string[]]>,
  stateWrites: string[],
  thisForwards: string[],
];

interface OpenCache {
  readonly dir: string;
  readonly rule: FileRule;
  /** Whether the packs were read (on the first restore, or by a save that folds). */
  loaded: boolean;
  readonly rows: Map<string, unknown>;
  /** Packs read: folded away by a save that found FOLD_AT or more. */
  readonly packs: string[];
  /** Packs found damaged or stale (another analyzer version) when read: removed by the next save. */
  readonly damaged: string[];
  readonly fresh: Map<string, unknown>;
  readonly used: Set<string>;
  hits: number;
}

let cache: OpenCache | undefined;

/**
 * Start recording new analyses for `dir`. Its packs (if it is a folder of this user's alone) are
 * read on the first restore, not here: a disk hit whose fingerprint proof holds analyses nothing,
 * and reading, hashing and parsing the packs (and acorn's package.json for the stamp) was most of
 * what opening cost it.
 */
export function openAnalysisCache(dir: string): void {
  const uid = currentUid();
  const rule: FileRule = uid === undefined ? ANY_OWNER : { owner: uid };
  cache = { dir, rule, loaded: false, rows: new Map(), packs: [], damaged: [], fresh: new Map(), used: new Set(), hits: 0 };
}

function loadPacks(open: OpenCache): void {
  if (open.loaded) return;
  open.loaded = true;
  if (!isAcceptedFolder(open.dir, open.rule)) return;
  for (const name of packNames(open.dir)) {
    const rows = readPack(path.join(open.dir, name), open.rule);
    if (rows === 'refused') continue;
    if (rows === undefined) {
      open.damaged.push(name);
      continue;
    }
    open.packs.push(name);
    for (const [key, row] of rows) if (!open.rows.has(key)) open.rows.set(key, row);
  }
}

/** How many analyses this process restored instead of computing. */
export function analysisCacheHits(): number {
  return cache?.hits ?? 0;
}

/** The stored analysis of `source`, if the open cache has a valid one. */
export function restoreAnalysis(source: string): StoredAnalysis | undefined {
  if (cache === undefined) return undefined;
  loadPacks(cache);
  const key = keyOf(source);
  const stored = fromRow(cache.rows.get(key));
  if (stored === undefined) return undefined;
  cache.used.add(key);
  cache.hits++;
  return stored;
}

/** Record a freshly computed analysis for the next save. */
export function recordAnalysis(source: string, analysis: StoredAnalysis): void {
  if (cache === undefined) return;
  const key = keyOf(source);
  cache.used.add(key);
  cache.fresh.set(key, toRow(analysis));
}

/**
 * Facts about a whole source file's text kept in the same packs (./siblings.ts), under a key no
 * function text can share. The caller checks the row's shape: a row is only ever what this
 * analyzer version recorded for exactly this text, or nothing.
 */
export function restoreFileFacts(kind: string, text: string): unknown {
  if (cache === undefined) return undefined;
  loadPacks(cache);
  const key = fileKeyOf(kind, text);
  const row = cache.rows.get(key);
  if (row !== undefined) cache.used.add(key);
  return row;
}

export function recordFileFacts(kind: string, text: string, row: unknown): void {
  if (cache === undefined) return;
  const key = fileKeyOf(kind, text);
  cache.used.add(key);
  cache.fresh.set(key, row);
}

function fileKeyOf(kind: string, text: string): string {
  // Function keys are the bare base64url hash of a text; these carry a prefix.
  return `${kind}:${sha256(text, 'base64url')}`;
}

/**
 * Write what this process computed as a new pack (folding every pack it read into it when there
 * were many). Atomic (temp file + rename), mode 0600 in a 0700 folder. Never throws: a cache
 * that cannot be written changes nothing else.
 */
export function saveAnalysisCache(): void {
  const open = cache;
  if (open === undefined || open.fresh.size === 0) return;
  try {
    loadPacks(open);
    if (!ensurePrivateFolder(open.dir, open.rule)) return;
    const fold = open.packs.length >= FOLD_AT;
    let rows: Map<string, unknown> = open.fresh;
    if (fold) {
      rows = new Map(open.rows);
      for (const [key, row] of open.fresh) rows.set(key, row);
      rows = trim(rows, open.used);
    }
    writePack(open.dir, rows);
    // Published first, removed after: every row read from these packs is in the new one.
    const gone = fold ? open.packs.splice(0) : [];
    for (const name of [...gone, ...open.damaged.splice(0)]) fs.rmSync(path.join(open.dir, name), { force: true });
    for (const [key, row] of open.fresh) open.rows.set(key, row);
    open.fresh.clear();
  } catch {
    // Silent on purpose: this file only speeds up start-up, and a root that cannot be written has
    // already been reported once by the store for the function that needed it (one warning per
    // cause, never two for the same full disk).
  }
}

function keyOf(source: string): string {
  return sha256(source, 'base64url');
}

function trim(rows: Map<string, unknown>, used: ReadonlySet<string>): Map<string, unknown> {
  if (rows.size <= MAX_ROWS) return rows;
  const kept = new Map<string, unknown>();
  for (const key of used) if (rows.has(key) && kept.size < MAX_ROWS) kept.set(key, rows.get(key));
  for (const [key, row] of rows) {
    if (kept.size >= MAX_ROWS) break;
    if (!kept.has(key)) kept.set(key, row);
  }
  return kept;
}

// ---- the folder and its packs: stamp line, sha256 line, JSON object of rows --------------------


function packNames(dir: string): string[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isFile() && PACK.test(d.name)).map((d) => d.name).sort();
  } catch {
    return [];
  }
}

/** The rows of a pack; undefined when damaged or stale; 'refused' when not ours (a link, a FIFO, another owner's). */
function readPack(file: string, rule: FileRule): Map<string, unknown> | undefined | 'refused' {
  const bytes = readSmallFile(file, rule, MAX_PACK_BYTES);
  if (bytes === undefined) return 'refused';
  const text = bytes.toString('utf8');
  const first = text.indexOf('\n');
  const second = text.indexOf('\n', first + 1);
  if (first < 0 || second < 0 || text.slice(0, first) !== stamp()) return undefined;
  const body = text.slice(second + 1);
  if (sha256(body, 'hex') !== text.slice(first + 1, second)) return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    return new Map(Object.entries(parsed));
  } catch {
    return undefined;
  }
}

function writePack(dir: string, rows: ReadonlyMap<string, unknown>): void {
  const body = JSON.stringify(Object.fromEntries(rows));
  const text = `${stamp()}\n${sha256(body, 'hex')}\n${body}`;
  const unique = `${process.pid.toString(36)}-${randomHex(6)}`;
  // The temp name never matches PACK, so no reader takes a half-written pack.
  writeFileAtomic(path.join(dir, `rows-${unique}.json`), path.join(dir, `.rows-${unique}.tmp`), text);
}

// ---- rows <-> analyses, validated on the way in -------------------------------------------------

function toRow(a: StoredAnalysis): Row {
  return [
    a.kind,
    a.codeHash,
    a.references.map((r) => [r.name, r.paths.map((p) => [...p]), r.whole, (r.keyed ?? []).map((k) => [[...k.path], k.key]), r.counter === true]),
    [...a.dynamic],
    a.params.map((p) => p ?? null),
    a.superClass,
    [...a.requires],
    a.clockWrites.map((w) => [w.target, [...w.callee]]),
    [...a.stateWrites],
    [...a.thisForwards],
  ];
}

const KINDS: ReadonlySet<string> = new Set(['function', 'arrow', 'method', 'class']);

function fromRow(row: unknown): StoredAnalysis | undefined {
  if (!Array.isArray(row) || row.length !== 10) return undefined;
  const [kind, codeHash, refs, dynamic, params, superClass, requires, clockWrites, stateWrites, thisForwards] = row as unknown[];
  if (!isStrings(stateWrites) || !isStrings(thisForwards)) return undefined;
  if (!Array.isArray(clockWrites) || !clockWrites.every((w) => Array.isArray(w) && w.length === 2 && typeof w[0] === 'string' && isStrings(w[1]))) return undefined;
  if (typeof kind !== 'string' || !KINDS.has(kind)) return undefined;
  if (typeof codeHash !== 'string' || !/^[0-9a-f]{64}$/.test(codeHash)) return undefined;
  if (!Array.isArray(refs) || !refs.every(isRefRow)) return undefined;
  if (!isStrings(dynamic) || !isStrings(requires) || typeof superClass !== 'boolean') return undefined;
  if (!Array.isArray(params) || !params.every((p) => p === null || typeof p === 'string')) return undefined;
  return Object.freeze({
    kind: kind as StoredAnalysis['kind'],
    codeHash,
    references: Object.freeze(
      (refs as Array<[string, string[][], boolean, Array<[string[], string]>, boolean]>).map(([name, paths, whole, keyed, counter]) =>
        Object.freeze({
          name,
          paths: Object.freeze(paths.map((p) => Object.freeze(p))),
          whole,
          ...(keyed.length === 0 ? {} : { keyed: Object.freeze(keyed.map(([path, key]) => Object.freeze({ path: Object.freeze(path), key }))) }),
          ...(counter ? { counter: true as const } : {}),
        }),
      ),
    ),
    dynamic: Object.freeze(dynamic),
    params: Object.freeze((params as Array<string | null>).map((p) => p ?? undefined)),
    superClass,
    requires: Object.freeze(requires),
    clockWrites: Object.freeze((clockWrites as Array<[string, string[]]>).map(([target, callee]) => Object.freeze({ target, callee: Object.freeze(callee) }))),
    stateWrites: Object.freeze(stateWrites),
    thisForwards: Object.freeze(thisForwards),
  });
}

function isRefRow(value: unknown): boolean {
  if (!Array.isArray(value) || value.length !== 5) return false;
  const [name, paths, whole, keyed, counter] = value as unknown[];
  const keyedOk = Array.isArray(keyed) && keyed.every((k) => Array.isArray(k) && k.length === 2 && isStrings(k[0]) && typeof k[1] === 'string');
  return typeof name === 'string' && typeof whole === 'boolean' && typeof counter === 'boolean' && Array.isArray(paths) && paths.every(isStrings) && keyedOk;
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}
