/**
 * Rewritten files are kept between runs, so a cached run does not load the parser or parse: one
 * small JSON file per source file (overwritten when the source changes) under
 * `<cache root>/preload-v1/`, keyed by a hash of the source text (and, for TypeScript, of the
 * original file), the module format and the rewriter's own build. Its warnings are kept with it
 * and shown again on a hit. Any failure here only means parsing again.
 */
import { createHash } from 'node:crypto';
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

interface Stored extends Transformed {
  readonly key: string;
}

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

function entryPath(filename: string, format: ModuleFormat): string {
  const id = createHash('sha256').update(`${format}\0${filename}`).digest('hex').slice(0, 32);
  return path.join(defaultCacheRoot(), FOLDER, `${id}.json`);
}

export function transformKey(code: string, original: string | undefined, format: ModuleFormat): string {
  return createHash('sha256').update(rewriterBuild()).update('\0').update(format).update('\0').update(code).update('\0').update(original ?? '').digest('hex');
}

export function readTransformed(filename: string, format: ModuleFormat, key: string): Transformed | undefined {
  try {
    const stored = JSON.parse(fs.readFileSync(entryPath(filename, format), 'utf8')) as Stored;
    return stored.key === key ? stored : undefined;
  } catch {
    return undefined;
  }
}

export function writeTransformed(filename: string, format: ModuleFormat, key: string, result: Transformed): void {
  const target = entryPath(filename, format);
  const temp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
    fs.writeFileSync(temp, JSON.stringify({ key, ...result } satisfies Stored), { mode: 0o600, flag: 'wx' });
    fs.renameSync(temp, target);
  } catch {
    fs.rmSync(temp, { force: true });
  }
}

export function replayWarnings(filename: string, result: Transformed): void {
  const shown = displayPath(filename);
  for (const [line, message] of result.warnings) warnOnce(line === null ? shown : `${shown}:${line}`, message);
}
