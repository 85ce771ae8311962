/**
 * The CommonJS side: a pirates hook. pirates works at the `Module._extensions` level and calls the
 * loader that was there before it, so it composes with other require hooks (tsx, ts-node, babel);
 * with a transpiler registered first, this hook receives its output.
 */
import Module = require('node:module');
import { addHook } from 'pirates';
import { warnOnce } from '../warn';
import { hasMarker, isTypeScript, isUserFile } from './filter';

const BASE_EXTENSIONS = ['.js', '.cjs'];
// Only extensions some loader already handles: pirates would otherwise register them (as plain .js).
const OPTIONAL_EXTENSIONS = ['.ts', '.cts', '.mts', '.tsx', '.jsx'];

type Transform = typeof import('./transform').transformSource;
let transform: Transform | undefined;

function rewrite(code: string, filename: string): string {
  // Cheap test first: the parser is only loaded for files with a marker (or TypeScript, whose
  // comments the transpiler may have dropped: transform re-reads the original).
  if (!hasMarker(code) && !isTypeScript(filename)) return code;
  try {
    transform ??= (require('./transform') as typeof import('./transform')).transformSource;
    const out: unknown = transform(code, filename, 'commonjs');
    // pirates throws on anything but a string ("A hook returned a non-string"): never hand it one.
    return typeof out === 'string' ? out : code;
  } catch (error) {
    // Fail open: whatever went wrong here, the user's module loads as written.
    warnOnce('smartcache/register', 'the require hook failed; files load unchanged', error, 'SMARTCACHE_PRELOAD');
    return code;
  }
}

/**
 * Extensions Node hands to the `.js` loader when no loader claims them: a `.cts` file under tsx
 * (which registers `.ts` but not `.cts`, and transpiles whatever the `.js` loader gets). pirates
 * only rewrites files whose extension it was given, and registers each one it is given; these are
 * given to it for the check, and their registration is taken back at once, so that Node keeps
 * falling back to the `.js` loader (and whatever transpiler sits there).
 */
const FALLBACK_EXTENSIONS = ['.cts'];

export function installRequireHook(): void {
  const extensions = (Module as unknown as { _extensions: Record<string, unknown> })._extensions;
  const fallback = FALLBACK_EXTENSIONS.filter((e) => !Object.prototype.hasOwnProperty.call(extensions, e));
  const exts = [...BASE_EXTENSIONS, ...OPTIONAL_EXTENSIONS.filter((e) => e in extensions), ...fallback];
  // node_modules is left to isUserFile: a linked workspace package shows there under --preserve-symlinks.
  addHook(rewrite, { exts, ignoreNodeModules: false, matcher: isUserFile });
  for (const ext of fallback) Reflect.deleteProperty(extensions, ext);
}
