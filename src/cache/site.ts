import path = require('node:path');
import { fileURLToPath } from 'node:url';
import { findProjectRoot, projectRelative } from '../project';
import { bindingAt, memberAt } from './binding';
import { callSites, type StackSite } from '../tracking';

/** Where a function was wrapped: the project-relative file, line and column of the `cache()` call. */
export interface CallSite {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The file as the stack names it (absolute), to read the call's source text. */
  readonly path: string;
}

/** dist/ of this package: frames inside it are our own (cache.js, index.js, index.mjs...). */
const OWN_DIR = path.resolve(__dirname, '..');

function frameFile(frame: StackSite): string | undefined {
  const name = frame.getFileName() ?? undefined;
  if (name === undefined || name.startsWith('node:')) return undefined;
  return name.startsWith('file://') ? fileURLToPath(name) : name;
}

function isOwn(file: string): boolean {
  return file === OWN_DIR || file.startsWith(OWN_DIR + path.sep);
}

/**
 * The first stack frame outside this package, through V8's structured stack trace API
 * (tracking/stack.ts: the program's `Error.prepareStackTrace` is set aside by descriptor and put
 * back, never assigned, so its own hook keeps working and no setter of its runs; when it is an
 * accessor nothing is read and the site is unknown); ~10 µs, paid once per wrapped function.
 */
export function callerSite(skip: Function): CallSite | undefined {
  const frames = callSites(30, skip) ?? [];
  for (const frame of frames) {
    const file = frameFile(frame);
    if (file === undefined || isOwn(file)) continue;
    // Relative to the file's own project, as the preload names annotated functions: the name is
    // part of the key, so it must not change with the folder the program is started from.
    return { file: projectRelative(file, findProjectRoot(path.dirname(file))), line: frame.getLineNumber() ?? 0, column: frame.getColumnNumber() ?? 0, path: file };
  }
  return undefined;
}

/**
 * The default display identity: `src/math.js#slow`, the function's own name, else the name the
 * call is bound to (`const getUser = cache(async (id) => …)` → `getUser`), else `anonymous`. The
 * file tells two `slow` functions of different files apart (their entries must never mix). The
 * line is NOT part of it: the name is part of the key, and a comment added above the `cache()`
 * call must not turn every entry into a miss. Two live functions that still end up with one name
 * are kept apart by names.ts.
 */
export function defaultName(fnName: string, site: CallSite | undefined, fn?: Function): string {
  const method = fn !== undefined && site !== undefined && fnName !== '' && isMethodSyntax(fn) ? memberAt(site.path, site.line, site.column, fnName) : undefined;
  const shown = method ?? (fnName !== '' ? fnName : (site === undefined ? undefined : bindingAt(site.path, site.line, site.column)) ?? 'anonymous');
  return site === undefined ? shown : `${site.file}#${shown}`;
}

/** A method written as one (`render(x) { … }`, `async load()`, `*items()`), not a function or arrow. */
function isMethodSyntax(fn: Function): boolean {
  let text: string;
  try {
    text = Function.prototype.toString.call(fn);
  } catch {
    return false;
  }
  return !/^(?:async\s+)?function\b/.test(text) && !/^class\b/.test(text) && /^(?:async\s*)?\*?\s*(?:[\w$]+|\[[^\]]*\]|"[^"]*"|'[^']*')\s*\(/.test(text) && !/^(?:async\s*)?\(?[\w$,\s]*\)?\s*=>/.test(text);
}

/** What identifies one definition across re-evaluations of its module: where it was wrapped. */
export function siteIdentity(site: CallSite | undefined): string {
  return site === undefined ? '' : `${site.file}:${site.line}:${site.column}`;
}
