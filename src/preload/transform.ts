/**
 * One file through the preload: filter, then the rewritten text from the transform cache, or from
 * rewrite.ts (the parser) on a miss. Never throws: a broken hook must not break the program.
 */
import fs = require('node:fs');
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ExternalMap } from './apply';
import { loaderAfterUs, preloadedModules } from './checks';
import { hasMarker, isTypeScript, isUserFile, REWRITTEN_MARK } from './filter';
import type { ModuleFormat } from './parse';
import { findExternalSourceMap } from './sourcemap';
import { readTransformed, replayWarnings, transformInput, writeTransformed } from './transform-cache';

/** The original of a TypeScript file whose text reached us transpiled (and maybe without comments). */
function readOriginal(filename: string, code: string): string | undefined {
  if (!isTypeScript(filename)) return undefined;
  try {
    const text = fs.readFileSync(filename, 'utf8');
    return text === code ? undefined : text;
  } catch {
    return undefined;
  }
}

/** Largest external source map read (a bundle's map is a few MB at most). */
const MAX_MAP_BYTES = 64 * 1024 * 1024;

/**
 * The external source map a bundle names at its end (`//# sourceMappingURL=app.js.map`), a file
 * beside or under it: read so that the rewrite can shift and inline it. Only a plain relative
 * path or a file: URL; anything unreadable, too large or elsewhere is left alone.
 */
function readExternalMap(filename: string, code: string): ExternalMap | undefined {
  const comment = findExternalSourceMap(code);
  if (comment === undefined) return undefined;
  try {
    const url = new URL(comment.url, pathToFileURL(filename));
    if (url.protocol !== 'file:') return undefined;
    const file = fileURLToPath(url);
    const stat = fs.statSync(file);
    if (!stat.isFile() || stat.size > MAX_MAP_BYTES) return undefined;
    return { text: fs.readFileSync(file, 'utf8'), url: url.href };
  } catch {
    return undefined;
  }
}

let loaderAfter: boolean | undefined;
/**
 * With a TypeScript loader preloaded after us (`--import smartcache/register --import tsx`), a
 * `.ts` file reaches this hook as TypeScript (measured on Node 24; Node 20 hands it over later or
 * not at all). The start-up check has already said, once, that annotations are ignored in that
 * order; parsing the file would only fail and say it a second time.
 */
function typeScriptLoaderRunsAfter(): boolean {
  loaderAfter ??= loaderAfterUs(preloadedModules(process.env['NODE_OPTIONS'], process.execArgv)) !== undefined;
  return loaderAfter;
}

type Rewrite = typeof import('./rewrite').rewriteSource;
let rewrite: Rewrite | undefined;

export interface TransformOptions {
  /**
   * The code is the file's TypeScript with types stripped by Node: its comments are the file's
   * own, so they are read there, never from the file again (a tag on a blanked type-only
   * declaration has been dropped on purpose; the file would bring it back).
   */
  readonly ownComments?: boolean;
}

/** The rewritten text of an annotated user file, or undefined to load it unchanged. */
export function transformSource(code: string, filename: string, format: ModuleFormat, options: TransformOptions = {}): string | undefined {
  if (!isUserFile(filename) || code.includes(REWRITTEN_MARK)) return undefined;
  const original = options.ownComments === true ? undefined : readOriginal(filename, code);
  if (!hasMarker(code) && (original === undefined || !hasMarker(original))) return undefined;
  if (original === undefined && isTypeScript(filename) && typeScriptLoaderRunsAfter()) return undefined;
  const external = readExternalMap(filename, code);
  const input = transformInput(filename, format, code, original, external?.text);
  const stored = readTransformed(input);
  if (stored !== undefined) {
    replayWarnings(filename, stored);
    return stored.code;
  }
  rewrite ??= (require('./rewrite') as typeof import('./rewrite')).rewriteSource;
  const result = rewrite(code, filename, format, original, external);
  replayWarnings(filename, result);
  writeTransformed(input, result);
  return result.code;
}
