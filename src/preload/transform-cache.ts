/**
 * Rewritten files are kept between runs, so a cached run does not load the parser or parse: one
 * small JSON file per source file and module format (overwritten when the source changes) under
 * `<cache root>/preload-v1/`. An entry is used only when its source text (and, for TypeScript, the
 * original file) and the rewriter's own build are exactly those of this load; its warnings are kept
 * with it and shown again. Any failure here only means parsing again.
 *
 * No hashing: entries compare the full text, and the file name only needs to spread paths, so
 * `node:crypto` (several ms to load on Node 20) stays out of the start-up.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultCacheRoot } from '../project';
import { warnOnce } from '../warn';
import { displayPath } from './filter';
import type { ModuleFormat } from './parse';

const FOLDER = 'preload-v1';

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
  readonly build: string;
}

interface Stored extends Transformed, TransformInput {}

let builtFrom: string | undefined;

/** Identity of the rewriter build: size and mtime of every file of this folder. */
function rewriterBuild(): string {
  if (builtFrom !== undefined) return builtFrom;
  const parts: string[] = [];
  for (const name of fs.readdirSync(__dirname).sort()) {
    if (!name.endsWith('.js')) continue;
    const st = fs.statSync(path.join(__dirname, name));
    parts.push(`${name}:${st.size}:${st.mtimeMs}`);
  }
  return (builtFrom = parts.join('|'));
}

/** Two 32-bit FNV-1a hashes with different offsets: a file name, not a security boundary. */
function fileId(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x01000193) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

function entryPath(input: TransformInput): string {
  return path.join(defaultCacheRoot(), FOLDER, `${fileId(`${input.format}\0${input.filename}`)}.json`);
}

export function transformInput(filename: string, format: ModuleFormat, source: string, original: string | undefined): TransformInput {
  return { filename, format, source, original: original ?? null, build: rewriterBuild() };
}

function sameInput(a: TransformInput, b: TransformInput): boolean {
  return a.build === b.build && a.filename === b.filename && a.format === b.format && a.source === b.source && a.original === b.original;
}

export function readTransformed(input: TransformInput): Transformed | undefined {
  try {
    const stored = JSON.parse(fs.readFileSync(entryPath(input), 'utf8')) as Stored;
    const same = sameInput(stored, input);
    return same ? { code: stored.code ?? undefined, warnings: stored.warnings } : undefined;
  } catch {
    return undefined;
  }
}

export function writeTransformed(input: TransformInput, result: Transformed): void {
  const target = entryPath(input);
  const temp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
    const stored: Stored = { ...input, code: result.code, warnings: result.warnings };
    fs.writeFileSync(temp, JSON.stringify(stored), { mode: 0o600, flag: 'wx' });
    fs.renameSync(temp, target);
  } catch {
    fs.rmSync(temp, { force: true });
  }
}

export function replayWarnings(filename: string, result: Transformed): void {
  const shown = displayPath(filename);
  for (const [line, message] of result.warnings) warnOnce(line === null ? shown : `${shown}:${line}`, message, undefined, line === null ? 'SMARTCACHE_PRELOAD' : 'SMARTCACHE_ANNOTATION');
}
