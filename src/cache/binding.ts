/**
 * The name a `cache(fn)` call is bound to, read from the call site's source text, for functions
 * without a name of their own: `const getUser = cache(async (id) => …)` → `getUser`. JavaScript
 * gives such arrows no name (name inference stops at the call), so without this every anonymous
 * function of a file would be `file#anonymous`, and each would replace the other's record.
 */
import fs = require('node:fs');
import Module = require('node:module');

interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

interface SourceMapLike {
  findEntry(line: number, column: number): { originalLine?: number; originalColumn?: number; originalSource?: string };
}

/** The last file read: cache() calls come in runs from one module's top level. */
let lastFile: { readonly path: string; readonly lines: readonly string[] } | undefined;

function linesOf(file: string): readonly string[] | undefined {
  if (lastFile?.path === file) return lastFile.lines;
  try {
    const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
    lastFile = { path: file, lines };
    return lines;
  } catch {
    return undefined;
  }
}

/**
 * Where the call is in the file on disk. A transpiled file (tsx) runs other text than the file
 * holds; `module.findSourceMap` (Node 13.7+, filled when source maps are enabled, as tsx does)
 * maps the position back. Without a map the position is used as is and checked below.
 */
function originalPosition(file: string, line: number, column: number): SourcePosition {
  const find = (Module as unknown as { findSourceMap?: (path: string) => SourceMapLike | undefined }).findSourceMap;
  try {
    const map = typeof find === 'function' ? find(file) : undefined;
    const entry = map?.findEntry(line - 1, column - 1);
    if (entry?.originalLine !== undefined && entry.originalColumn !== undefined) return { line: entry.originalLine + 1, column: entry.originalColumn + 1 };
  } catch {
    // A malformed map: fall back to the position as is.
  }
  return { line, column };
}

/** `=` that is an assignment, not part of `==`, `<=`, `+=`, `=>`... */
const ASSIGNED = /(?:^|[^\w$])([A-Za-z_$][\w$]*)\s*(?::[^=;(){}]*)?=$/;
/** `{ getUser: cache(…) }` or `, getUser: cache(…)`: an object property. */
const PROPERTY = /[{,]\s*([A-Za-z_$][\w$]*)\s*:$/;

/**
 * The binding of the call whose callee V8 reports at 1-based `line`/`column` of `file`: V8 points
 * at the callee's last name (`cache`, the `cache` of `sc.cache`) or, for `(0, sc.cache)(…)`
 * (TypeScript's and Babel's CommonJS output), at the call's `(`. Undefined when the call is not
 * assigned to a plain name.
 */
export function bindingAt(file: string, line: number, column: number): string | undefined {
  const at = originalPosition(file, line, column);
  const lines = linesOf(file);
  const current = lines?.[at.line - 1];
  if (lines === undefined || current === undefined) return undefined;
  const rest = current.slice(at.column - 1);
  // The text there must be the call: the callee's name, or the `(` after `(0, sc.cache)`.
  if (!/^[A-Za-z_$]/.test(rest) && !rest.startsWith('(')) return undefined;
  let before = current.slice(0, at.column - 1);
  // A binding on an earlier line: `const getUser =\n  cache(…)`.
  for (let back = 1; back <= 3 && before.trim() === ''; back++) {
    const previous = lines[at.line - 1 - back];
    if (previous === undefined) break;
    before = `${previous}\n${before}`;
  }
  return bindingBefore(before);
}

/**
 * For a method handed over by its path, `cache(Svc.prototype.render)` or `cache(Svc.create)`,
 * the contract's method names: `Svc#render`, `Svc.create` (an object's method: `api.load`).
 * Read from the call's first argument at the call site (the callee at `line`/`column`, as for
 * `bindingAt`); undefined unless it is such a path ending in `name`.
 */
export function memberAt(file: string, line: number, column: number, name: string): string | undefined {
  const at = originalPosition(file, line, column);
  const lines = linesOf(file);
  const current = lines?.[at.line - 1];
  if (lines === undefined || current === undefined) return undefined;
  // The call may run over a few lines, with comments (`cache(\n  /* hot */ Svc.prototype.render,\n)`).
  const text = [current.slice(at.column - 1), ...lines.slice(at.line, at.line + 3)]
    .join('\n')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\/[^\n]*/g, ' ');
  const m = /^(?:[\w$]+(?:\s*\.\s*[\w$]+)*\s*)?\(\s*([A-Za-z_$][\w$]*)\s*\.\s*(prototype\s*\.\s*)?([A-Za-z_$][\w$]*)\s*[,)]/.exec(text);
  if (m === null || m[3] !== name || m[1] === 'this') return undefined;
  return `${m[1] as string}${m[2] === undefined ? '.' : '#'}${name}`;
}

/** The name assigned to what follows `text` (the text before the callee), if any. */
export function bindingBefore(text: string): string | undefined {
  let s = text.replace(/\s+$/, '');
  s = s.replace(/\(\s*0\s*,\s*[\w$.]+\s*\)$/, '');
  s = s.replace(/[\w$]+(?:\s*\.\s*[\w$]+)*\s*\.\s*$/, '').replace(/\s+$/, '');
  if (/\bexport\s+default$/.test(s)) return 'default';
  const assigned = ASSIGNED.exec(s);
  if (assigned?.[1] !== undefined) return assigned[1] === 'exports' && /\bmodule\s*\.\s*exports\s*=$/.test(s) ? undefined : assigned[1];
  return PROPERTY.exec(s)?.[1];
}
