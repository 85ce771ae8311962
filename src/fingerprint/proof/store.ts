/**
 * Proof files under the cache root: `proofs-v6/<key>.json`, one per cached function's code,
 * written atomically (temp file + rename) and checked on read like the analysis packs: a stamp
 * line, the sha256 of the body, the body. A file that is damaged, foreign, a link, too large or
 * of another shape is no proof: the caller walks in full. Only in the user's own root (the
 * session opens it there only): a planted proof would be a stale hit.
 */
import fs = require('node:fs');
import path = require('node:path');
import { currentUid, makeFolders, ownFolderFault, readSmallFile, writeFileAtomic, type FileRule } from '../../trust';
import { randomHex, sha256 } from '../../hash';

/** Bump when what a proof holds or how it is checked changes; the folder name carries it. */
// 3: plain data (arrays and objects of primitives) bound by a module, checked by value (`data`);
//    functions compared by text and strictness (extras.ts functionHash).
// 4: which primitive and data bindings are one value (`sharing`); fingerprints count sharing.
// 5: counters and logs (`counted`).
// 6: what each built-in reached was (`builtins`, builtin-token.ts): a replaced global was a stale hit.
export const PROOF_FORMAT = 6;
export const PROOF_FOLDER = `proofs-v${PROOF_FORMAT}`;
const MAX_BYTES = 4 * 1024 * 1024;
const NAME = /^[0-9a-f]{64}$/;

export type ProofScope = 'closure' | 'module' | 'global';

/** One module whose scope the proof reads: module 0 holds the root. */
export interface ProofModule {
  readonly file: string;
  readonly hash: string;
  /** The kind of the first scope of its top-level functions. */
  readonly scope: ProofScope;
}

export interface Proof {
  /** sha256 of the root function's text. */
  readonly text: string;
  readonly fp: string;
  /** Built-ins reached (for the environment variables read by name). */
  readonly reached: readonly string[];
  /** The root's 0-based line in module 0's file. */
  readonly line: number;
  readonly modules: readonly ProofModule[];
  /** [module, binding, functionHash (text and strictness, extras.ts)]: a function the module's text declares (proved from text). */
  readonly functions: ReadonlyArray<readonly [number, string, string]>;
  /** [module, binding, functionHash, its module, its line]: a top-level function of another module. */
  readonly imports: ReadonlyArray<readonly [number, string, string, number, number]>;
  /** [module, binding, the walk's encoding of the primitive]. */
  readonly values: ReadonlyArray<readonly [number, string, string]>;
  /** [module, global name reached as a built-in]. */
  readonly globals: ReadonlyArray<readonly [number, string]>;
  /** [a built-in's path as the code names it (`console.log`), builtin-token.ts's token of its value]. */
  readonly builtins: ReadonlyArray<readonly [string, string]>;
  /**
   * [module, binding, functionHash]: a function that reads nothing outside itself (a
   * `function` without bindings, globals or members), taken by its text wherever it is from.
   */
  readonly leaves: ReadonlyArray<readonly [number, string, string]>;
  /**
   * [module, binding, the walk's fingerprint of the value]: an object or array that holds only
   * data (primitives, plain objects and arrays, built-ins by identity), walked again at reuse
   * without the inspector and compared by that fingerprint.
   */
  readonly data: ReadonlyArray<readonly [number, string, string]>;
  /**
   * ../sharing.ts over the `values` then the `data` rows, as the walk saw them ('' when no value
   * is met twice): equal content in other identities (`B = A` against `B = [...A]`, two
   * `Symbol('red')`) must not pass for the proved values.
   */
  readonly sharing: string;
  /**
   * The binding names the walk watched between calls (../watch.ts: those its files' texts assign,
   * call counters aside), for the reuse to watch the same ones.
   */
  readonly watched: readonly string[];
  /** [module, binding]: a counter or log the code only counts with; its content never counts. */
  readonly counted: ReadonlyArray<readonly [number, string]>;
}

let folder: string | undefined;
let rule: FileRule | undefined;

export function openProofFolder(dir: string): void {
  folder = path.join(dir, PROOF_FOLDER);
  rule = { owner: currentUid() };
}

export function proofsOpen(): boolean {
  return folder !== undefined;
}

function isStr(v: unknown): v is string {
  return typeof v === 'string';
}

function isIndex(v: unknown, below: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < below;
}

function rows(v: unknown, check: (row: unknown[]) => boolean): boolean {
  return Array.isArray(v) && v.every((r) => Array.isArray(r) && check(r));
}

const SCOPES: ReadonlySet<unknown> = new Set(['closure', 'module', 'global']);

function shape(v: unknown): Proof | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if (!isStr(o.text) || !isStr(o.fp) || !isStr(o.sharing) || !Array.isArray(o.reached) || !o.reached.every(isStr)) return undefined;
  if (!Array.isArray(o.watched) || !o.watched.every(isStr)) return undefined;
  if (!isIndex(o.line, Number.MAX_SAFE_INTEGER) || !Array.isArray(o.modules)) return undefined;
  const n = o.modules.length;
  const moduleOk = (m: unknown): boolean => {
    if (typeof m !== 'object' || m === null) return false;
    const r = m as Record<string, unknown>;
    return isStr(r.file) && isStr(r.hash) && SCOPES.has(r.scope);
  };
  if (!o.modules.every(moduleOk)) return undefined;
  if (!rows(o.functions, (r) => r.length === 3 && isIndex(r[0], n) && isStr(r[1]) && isStr(r[2]))) return undefined;
  if (!rows(o.imports, (r) => r.length === 5 && isIndex(r[0], n) && isStr(r[1]) && isStr(r[2]) && isIndex(r[3], n) && isIndex(r[4], Number.MAX_SAFE_INTEGER))) return undefined;
  if (!rows(o.values, (r) => r.length === 3 && isIndex(r[0], n) && isStr(r[1]) && isStr(r[2]))) return undefined;
  if (!rows(o.globals, (r) => r.length === 2 && isIndex(r[0], n) && isStr(r[1]))) return undefined;
  if (!rows(o.builtins, (r) => r.length === 2 && isStr(r[0]) && isStr(r[1]))) return undefined;
  if (!rows(o.leaves, (r) => r.length === 3 && isIndex(r[0], n) && isStr(r[1]) && isStr(r[2]))) return undefined;
  if (!rows(o.data, (r) => r.length === 3 && isIndex(r[0], n) && isStr(r[1]) && isStr(r[2]))) return undefined;
  if (!rows(o.counted, (r) => r.length === 2 && isIndex(r[0], n) && isStr(r[1]))) return undefined;
  const reads = [o.functions, o.imports, o.values, o.globals, o.leaves, o.data, o.counted].reduce((sum: number, list) => sum + (list as unknown[]).length, 0);
  // Reads without a module to read them in, or a module without reads: not a proof this code writes.
  if ((reads > 0) !== (n > 0)) return undefined;
  return o as unknown as Proof;
}

export function readProof(key: string, stamp: string): Proof | undefined {
  if (folder === undefined || rule === undefined || !NAME.test(key)) return undefined;
  const bytes = readSmallFile(path.join(folder, `${key}.json`), rule, MAX_BYTES);
  if (bytes === undefined) return undefined;
  const text = bytes.toString('utf8');
  const first = text.indexOf('\n');
  const second = text.indexOf('\n', first + 1);
  if (first < 0 || second < 0 || text.slice(0, first) !== stamp) return undefined;
  const body = text.slice(second + 1);
  if (sha256(body) !== text.slice(first + 1, second)) return undefined;
  try {
    return shape(JSON.parse(body));
  } catch {
    return undefined;
  }
}

function folderIsOurs(dir: string, owner: number | undefined): boolean {
  try {
    const stat = fs.lstatSync(dir);
    return owner === undefined ? stat.isDirectory() : ownFolderFault(dir, stat, owner) === undefined;
  } catch {
    return false;
  }
}

/** Never throws: a proof not written only costs the next run a full walk. */
export function writeProof(key: string, stamp: string, proof: Proof): void {
  if (folder === undefined || rule === undefined || !NAME.test(key)) return;
  try {
    // Not mkdirSync's recursive form: it loops forever where mkdir answers ENOENT (trust/mkdirs.ts).
    const made = makeFolders(folder, 0o700);
    if (made !== undefined) fs.chmodSync(folder, 0o700);
    if (!folderIsOurs(folder, rule.owner)) return;
    const body = JSON.stringify(proof);
    const unique = `${process.pid.toString(36)}-${randomHex(6)}`;
    writeFileAtomic(path.join(folder, `${key}.json`), path.join(folder, `.${key}-${unique}.tmp`), `${stamp}\n${sha256(body)}\n${body}`);
  } catch {
    // Disk full, read-only root, a race with another writer: the next run walks.
  }
}
