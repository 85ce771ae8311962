import path = require('node:path');
import { fileURLToPath } from 'node:url';
import { findProjectRoot, projectRelative } from '../project';
import { bindingAt } from './binding';

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

function frameFile(frame: NodeJS.CallSite): string | undefined {
  const name = frame.getFileName() ?? undefined;
  if (name === undefined || name.startsWith('node:')) return undefined;
  return name.startsWith('file://') ? fileURLToPath(name) : name;
}

function isOwn(file: string): boolean {
  return file === OWN_DIR || file.startsWith(OWN_DIR + path.sep);
}

/**
 * The first stack frame outside this package. V8's structured stack trace API
 * (`Error.prepareStackTrace` receiving CallSite objects) is swapped in only for the capture and
 * restored at once, so a user's own hook (source-map-support...) keeps working; ~10 µs, paid once
 * per wrapped function.
 */
export function callerSite(skip: Function): CallSite | undefined {
  const previousPrepare = Error.prepareStackTrace;
  const previousLimit = Error.stackTraceLimit;
  let frames: NodeJS.CallSite[] = [];
  try {
    Error.stackTraceLimit = 30;
    Error.prepareStackTrace = (_error, callSites) => callSites;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, skip);
    if (Array.isArray(holder.stack)) frames = holder.stack as NodeJS.CallSite[];
  } finally {
    Error.prepareStackTrace = previousPrepare;
    Error.stackTraceLimit = previousLimit;
  }
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
export function defaultName(fnName: string, site: CallSite | undefined): string {
  const shown = fnName !== '' ? fnName : (site === undefined ? undefined : bindingAt(site.path, site.line, site.column)) ?? 'anonymous';
  return site === undefined ? shown : `${site.file}#${shown}`;
}

/** What identifies one definition across re-evaluations of its module: where it was wrapped. */
export function siteIdentity(site: CallSite | undefined): string {
  return site === undefined ? '' : `${site.file}:${site.line}:${site.column}`;
}
