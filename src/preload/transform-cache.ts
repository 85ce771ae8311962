/**
 * Rewritten files are kept between runs, so a cached run does not load the parser or parse: one
 * small file per source file and module format (overwritten when the source changes) under
 * `<cache root>/preload-v3/`. An entry is used only when its source text (and, for TypeScript, the
 * original file) and the rewriter's own build are exactly those of this load; its warnings are kept
 * with it and shown again. Any failure here only means parsing again.
 *
 * A stored rewrite is code this process will run, so it is trusted only as far as its folder is:
 * - it is read and written only in a root that is the user's own (trust/folders.ts): never in one
 *   owned by another user, writable by others, or declared shared (SMARTCACHE_TRUST_SHARED_ROOT
 *   covers results, never code);
 * - the file itself is opened without following a link or blocking on a FIFO, and must be a
 *   regular file of this user that no one else may write (trust/files.ts);
 * - it must be whole (a checksum of its body on its first line), of the exact shape written here
 *   (a string or null for the code, `[line|null, message]` pairs for the warnings), and for this
 *   very source: the full source text, file name, format and rewriter build are compared, not a
 *   digest of them. Anything else is discarded with one warning and the file is rewritten afresh
 *   from its source: a bad stored rewrite never reaches the loader, never crashes start-up.
 *
 * No cryptographic hashing: the checksum only detects damage (trust comes from ownership), so
 * `node:crypto` (several ms to load on Node 20) stays out of the start-up.
 */
import { crc32 } from '../checksum';
import fs = require('node:fs');
import path = require('node:path');
import { defaultCacheRoot } from '../project';
import { currentUid, ensurePrivateFolder, judgeRoot, readSmallFile, writeFileAtomic, type FileRule } from '../trust';
import { warnOnce } from '../warn';
import { displayPath } from './filter';
import type { ModuleFormat } from './parse';

const FOLDER = 'preload-v3';
const HEADER = 'smartcache-preload 3';
/** Rewrites are source files plus a few hundred bytes: anything far larger is not one of ours. */
const MAX_BYTES = 64 * 1024 * 1024;

export interface Transformed {
  /** The rewritten text, or undefined when the file is loaded unchanged. */
  readonly code: string | undefined;
  /** `[line, message]` pairs; line null for the whole file. Shown with the path as seen from the working directory. */
  readonly warnings: ReadonlyArray<readonly [number | null, string]>;
}

/** What decides whether a stored rewrite applies. */
export interface TransformInput {
  /** The file (the rewritten text names it), in full: file names of entries are only hashes. */
  readonly filename: string;
  readonly format: ModuleFormat;
  readonly source: string;
  readonly original: string | null;
  /** The file's external source map, read to be shifted and inlined (null: none read). */
  readonly map: string | null;
  /** The build's identity; null when it has none (then nothing is read or kept). */
  readonly build: string | null;
}

/** Written by scripts/postbuild.js (scripts/build-id.js) beside the rewriter's files. */
const BUILD_ID_FILE = 'build-id.json';

/** The build's identity once read: a string, or null when this build has none. */
let builtFrom: string | null | undefined;

/**
 * Identity of the build. `npm run build` writes it: a sha256 of every code file of dist/ (the
 * bundle, the doors, the hooks module), so any change to code this process may run changes it, and
 * a process reads one small file instead of stat-ing the rewriter's files. A build that did not
 * write it (tsc alone) has no identity: its rewrites are neither reused nor kept (when in doubt,
 * parse again).
 */
function rewriterBuild(): string | null {
  if (builtFrom !== undefined) return builtFrom;
  builtFrom = null;
  try {
    const id = (JSON.parse(fs.readFileSync(path.join(__dirname, BUILD_ID_FILE), 'utf8')) as { build?: unknown }).build;
    if (typeof id === 'string' && /^[0-9a-f]{64}$/.test(id)) builtFrom = id;
  } catch {
    // Not written by this build.
  }
  return builtFrom;
}

/** Two 32-bit FNV-1a hashes with different offsets, for file names (short texts): not a security boundary. */
function fnv(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x01000193) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

/**
 * CRC-32 of a stored rewrite's body (UTF-8), to catch a damaged file. A rewrite holds the file's
 * source twice and its rewritten code (tens of KB): the native crc32 reads it in ~0.2 ms where a
 * JavaScript loop over the characters took 4-7 ms in a fresh process (the loop is not optimized
 * yet), which was most of what a program of 200 annotated functions paid at start-up.
 */
function damageCheck(body: string): string {
  return crc32(Buffer.from(body, 'utf8')).toString(16).padStart(8, '0');
}

interface Place {
  readonly dir: string;
  readonly file: string;
  readonly rule: FileRule;
}

/** Where the rewrite of `input` lives, or undefined when the root is not the user's own or the build has no identity. */
function placeOf(input: TransformInput): Place | undefined {
  if (input.build === null) return undefined;
  const root = defaultCacheRoot();
  if (judgeRoot(root, [FOLDER]).level !== 'own') return undefined;
  const uid = currentUid();
  const dir = path.join(root, FOLDER);
  return { dir, file: path.join(dir, `${fnv(`${input.format}\0${input.filename}`)}.json`), rule: { owner: uid } };
}

export function transformInput(filename: string, format: ModuleFormat, source: string, original: string | undefined, map?: string): TransformInput {
  return { filename, format, source, original: original ?? null, map: map ?? null, build: rewriterBuild() };
}

function isWarning(value: unknown): value is readonly [number | null, string] {
  return Array.isArray(value) && value.length === 2 && (value[0] === null || Number.isSafeInteger(value[0])) && typeof value[1] === 'string';
}

/** The stored rewrite when it is exactly one of ours, for exactly this input; undefined otherwise. */
function parseStored(text: string, input: TransformInput): Transformed | undefined | 'damaged' {
  const nl = text.indexOf('\n');
  const head = nl < 0 ? '' : text.slice(0, nl);
  const body = text.slice(nl + 1);
  if (head !== `${HEADER} ${damageCheck(body)}`) return 'damaged';
  let stored: unknown;
  try {
    stored = JSON.parse(body);
  } catch {
    return 'damaged';
  }
  if (typeof stored !== 'object' || stored === null) return 'damaged';
  const s = stored as Record<string, unknown>;
  const code = s['code'];
  const warnings = s['warnings'];
  if (!(code === null || typeof code === 'string') || !Array.isArray(warnings) || !warnings.every(isWarning)) return 'damaged';
  const same = s['build'] === input.build && s['filename'] === input.filename && s['format'] === input.format && s['source'] === input.source && s['original'] === input.original && (s['map'] ?? null) === input.map;
  return same ? { code: code ?? undefined, warnings } : undefined;
}

export function readTransformed(input: TransformInput): Transformed | undefined {
  try {
    const place = placeOf(input);
    if (place === undefined) return undefined;
    const bytes = readSmallFile(place.file, place.rule, MAX_BYTES);
    if (bytes === undefined) return undefined;
    const stored = parseStored(bytes.toString('utf8'), input);
    if (stored !== 'damaged') return stored;
    warnOnce(displayPath(input.filename), `its stored rewrite (${place.file}) is damaged and was ignored; the file is rewritten from its source`, undefined, 'SMARTCACHE_PRELOAD');
    return undefined;
  } catch {
    return undefined;
  }
}

export function writeTransformed(input: TransformInput, result: Transformed): void {
  try {
    const place = placeOf(input);
    if (place === undefined) return;
    if (!ensurePrivateFolder(place.dir, place.rule)) return;
    const body = JSON.stringify({ ...input, code: result.code ?? null, warnings: result.warnings });
    const temp = `${place.file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileAtomic(place.file, temp, `${HEADER} ${damageCheck(body)}\n${body}`);
  } catch {
    // Only a speed-up: the next run parses again.
  }
}

export function replayWarnings(filename: string, result: Transformed): void {
  // Nearly every stored rewrite has none; the display path (a project-root search) is for them only.
  if (result.warnings.length === 0) return;
  const shown = displayPath(filename);
  for (const [line, message] of result.warnings) warnOnce(line === null ? shown : `${shown}:${line}`, message, undefined, line === null ? 'SMARTCACHE_PRELOAD' : 'SMARTCACHE_ANNOTATION');
}
