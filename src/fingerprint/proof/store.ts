/**
 * Proof files under the cache root: `proofs-v1/<key>.json`, one per cached function's code,
 * written atomically (temp file + rename) and checked on read like the analysis packs: a stamp
 * line, the sha256 of the body, the body. A file that is damaged, foreign, a link, too large or
 * of another shape is no proof: the caller walks in full. Only in the user's own root (the
 * session opens it there only): a planted proof would be a stale hit.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { currentUid, ownFolderFault, readSmallFile, writeFileAtomic, type FileRule } from '../../trust';
import { sha256 } from '../../hash';

/** Bump when what a proof holds or how it is checked changes; the folder name carries it. */
export const PROOF_FORMAT = 1;
export const PROOF_FOLDER = `proofs-v${PROOF_FORMAT}`;
const MAX_BYTES = 4 * 1024 * 1024;
const NAME = /^[0-9a-f]{64}$/;

export type ProofScope = 'closure' | 'module' | 'global';

export interface ProofFile {
  readonly path: string;
  readonly hash: string;
}

export interface Proof {
  /** sha256 of the root function's text. */
  readonly text: string;
  readonly fp: string;
  /** Built-ins reached (for the environment variables read by name). */
  readonly reached: readonly string[];
  /** The file holding the root function, its 0-based line, and the kind of its module scope. */
  readonly file?: string;
  readonly line?: number;
  readonly scope?: ProofScope;
  readonly files: readonly ProofFile[];
  /** Module bindings holding top-level functions: name -> sha256 of the function's text. */
  readonly functions: ReadonlyArray<readonly [string, string]>;
  /** Module bindings holding primitives: name -> the walk's encoding of the value. */
  readonly values: ReadonlyArray<readonly [string, string]>;
  /** Global names reached as built-ins (`Math`, `process`). */
  readonly globals: readonly string[];
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

function isPairs(v: unknown): v is Array<[string, string]> {
  return Array.isArray(v) && v.every((p) => Array.isArray(p) && p.length === 2 && isStr(p[0]) && isStr(p[1]));
}

function shape(v: unknown): Proof | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if (!isStr(o.text) || !isStr(o.fp) || !Array.isArray(o.reached) || !o.reached.every(isStr)) return undefined;
  if (o.file !== undefined && !isStr(o.file)) return undefined;
  if (o.line !== undefined && (typeof o.line !== 'number' || !Number.isInteger(o.line) || o.line < 0)) return undefined;
  if (o.scope !== undefined && o.scope !== 'closure' && o.scope !== 'module' && o.scope !== 'global') return undefined;
  if (!Array.isArray(o.files) || !o.files.every((f) => typeof f === 'object' && f !== null && isStr((f as ProofFile).path) && isStr((f as ProofFile).hash))) return undefined;
  if (!isPairs(o.functions) || !isPairs(o.values) || !Array.isArray(o.globals) || !o.globals.every(isStr)) return undefined;
  if (o.files.length > 0 && (o.file === undefined || o.line === undefined || o.scope === undefined)) return undefined;
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
    const made = fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
    if (made !== undefined) fs.chmodSync(folder, 0o700);
    if (!folderIsOurs(folder, rule.owner)) return;
    const body = JSON.stringify(proof);
    const unique = `${process.pid.toString(36)}-${randomBytes(6).toString('hex')}`;
    writeFileAtomic(path.join(folder, `${key}.json`), path.join(folder, `.${key}-${unique}.tmp`), `${stamp}\n${sha256(body)}\n${body}`);
  } catch {
    // Disk full, read-only root, a race with another writer: the next run walks.
  }
}
