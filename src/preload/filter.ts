/**
 * Which files the hooks look at: the user's own JavaScript/TypeScript, never node_modules, Node's
 * internals or this package's own build, and among those only files holding a marker. The marker
 * test is a substring search, so an unannotated file costs one `includes` per load.
 */
import fs = require('node:fs');
import path = require('node:path');

/** The global the runtime lives on; its `Symbol.for` text is in every rewritten file (see plan.ts). */
export const RUNTIME_SYMBOL = 'smartcache.preload';
/** Present in every rewritten file: a second hook in the chain (or a second pass) leaves it alone. */
export const REWRITTEN_MARK = `Symbol.for(${JSON.stringify(RUNTIME_SYMBOL)})`;

const OWN_BUILD = path.resolve(__dirname, '..') + path.sep;
const NODE_MODULES = `${path.sep}node_modules${path.sep}`;
const SCRIPT = /\.(?:[cm]?[jt]s|[jt]sx)$/;
const TYPESCRIPT = /\.(?:[cm]?ts|tsx)$/;

/** A file of smartcache's own build (the CLI's children, which load user code through `import()`). */
export function isOwnFile(filename: string): boolean {
  return filename.startsWith(OWN_BUILD);
}

/**
 * Under `--preserve-symlinks` (or NODE_PRESERVE_SYMLINKS=1) Node names a linked package by the
 * link's path: an npm workspace package or `npm link`ed folder shows under node_modules although
 * it is the user's own code. Without the flag Node names every file by its real path already.
 */
const PRESERVES_SYMLINKS =
  process.execArgv.includes('--preserve-symlinks') || (process.env['NODE_OPTIONS'] ?? '').split(/\s+/).includes('--preserve-symlinks') || process.env['NODE_PRESERVE_SYMLINKS'] === '1';

const linkedUserFiles = new Map<string, boolean>();

/** A file under node_modules through a link whose real path lies outside every node_modules. */
function linkedUserFile(filename: string): boolean {
  let known = linkedUserFiles.get(filename);
  if (known === undefined) {
    try {
      known = !fs.realpathSync(filename).includes(NODE_MODULES);
    } catch {
      known = false;
    }
    linkedUserFiles.set(filename, known);
  }
  return known;
}

export function isUserFile(filename: string): boolean {
  if (!path.isAbsolute(filename) || !SCRIPT.test(filename) || filename.startsWith(OWN_BUILD)) return false;
  return !filename.includes(NODE_MODULES) || (PRESERVES_SYMLINKS && linkedUserFile(filename));
}

export function isTypeScript(filename: string): boolean {
  return TYPESCRIPT.test(filename);
}

/**
 * `@cache` or `use cache` somewhere: one scan for "cache", then a look at what precedes it. `@Cache`
 * and `@CACHE` count too, so that the rewriter can say they are not the annotation.
 */
export function hasMarker(code: string): boolean {
  for (let at = code.indexOf('cache', 1); at !== -1; at = code.indexOf('cache', at + 5)) {
    if (code[at - 1] === '@' || (code[at - 1] === ' ' && code.startsWith('use', at - 4))) return true;
  }
  return code.includes('@Cache') || code.includes('@CACHE');
}

/** How a path is shown in warnings: relative to the working directory when inside it. */
export function displayPath(filename: string): string {
  const rel = path.relative(process.cwd(), filename);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : filename;
}
