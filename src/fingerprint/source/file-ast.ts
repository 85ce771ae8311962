/**
 * Source files parsed whole, once per process (keyed.ts and siblings.ts ask questions of the
 * same files). The text is the file as it is now: callers compare it with what V8 compiled (a
 * function's text found there, at its line) before trusting an answer, and `quiet` says whether
 * the file may have been written since this process loaded it.
 */
import fs = require('node:fs');
import type * as Acorn from 'acorn';
import type { AstNode } from './ast-node';
import { unwrittenSinceStart } from '../../process-start';
import { compiledSource } from '../../compiled-sources';

export interface SourceFile {
  readonly text: string;
  readonly lineStarts: readonly number[];
  /**
   * The text is what V8 compiled: the text a CommonJS file was compiled from (recorded at
   * `Module.prototype._compile`, after any require hook), or a file not written since before
   * this process started (`unwrittenSinceStart`).
   */
  readonly quiet: boolean;
}

export interface ParsedFile extends SourceFile {
  /** null when the file cannot be read or parsed (as a script, then as a module). */
  readonly ast: AstNode | null;
}

const sources = new Map<string, SourceFile>();
const files = new Map<string, ParsedFile>();

/**
 * The text V8 compiled for `file` when it is known (a CommonJS module compiled after smartcache
 * loaded), else the file's text as it is now (empty when unreadable), read once per process.
 */
export function sourceFile(file: string): SourceFile {
  let source = sources.get(file);
  if (source !== undefined) return source;
  const compiled = compiledSource(file);
  // Compiled twice with different texts: no text speaks for every instance (read, never trusted).
  const { text, quiet } = compiled === undefined ? readNow(file) : 'text' in compiled ? { text: compiled.text, quiet: true } : { ...readNow(file), quiet: false };
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  source = { text, lineStarts, quiet };
  sources.set(file, source);
  return source;
}

function readNow(file: string): { text: string; quiet: boolean } {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const quiet = unwrittenSinceStart(fs.fstatSync(fd, { bigint: true }));
      return { text: fs.readFileSync(fd, 'utf8'), quiet };
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return { text: '', quiet: false };
  }
}

export function parsedFile(file: string): ParsedFile {
  let parsed = files.get(file);
  if (parsed !== undefined) return parsed;
  const source = sourceFile(file);
  // Unreadable (or empty): nothing to prove from it.
  const ast = source.text === '' ? null : parse(source.text);
  parsed = { ...source, ast };
  files.set(file, parsed);
  return parsed;
}

function parse(text: string): AstNode | null {
  const acorn = require('acorn') as typeof Acorn;
  const options = { ecmaVersion: 'latest' as const, allowHashBang: true, allowReturnOutsideFunction: true, allowAwaitOutsideFunction: true };
  try {
    return acorn.parse(text, { ...options, sourceType: 'script' }) as unknown as AstNode;
  } catch {
    try {
      return acorn.parse(text, { ...options, sourceType: 'module' }) as unknown as AstNode;
    } catch {
      return null;
    }
  }
}

/** 0-based line of `offset` in a parsed file. */
export function lineOf(source: SourceFile, offset: number): number {
  const starts = source.lineStarts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Tests: forget parsed files (they may have been rewritten). */
export function forgetParsedFiles(): void {
  sources.clear();
  files.clear();
}
