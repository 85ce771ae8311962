/**
 * The ESM side, shared by both hook flavours: `module.registerHooks` (synchronous, in the app's
 * thread, Node 22.15+/23.5+) and `module.register` (asynchronous, on a separate hooks thread on
 * Node 20). It receives what the rest of the chain produced (a transpiler's output included) and
 * rewrites annotated user files. A result without source is left to the CommonJS loader, where the
 * require hook sees it.
 */
import { fileURLToPath } from 'node:url';
import { setWarningSink, warnOnce, type WarningCode } from '../warn';
import { REWRITTEN_MARK } from './filter';
import { displayPath, hasMarker, isTypeScript, isUserFile } from './filter';
import { isTypeScriptFormat, stripTypeScript } from './ts-strip';

export interface LoadResult {
  format?: string | null;
  source?: string | ArrayBuffer | ArrayBufferView | null;
  shortCircuit?: boolean;
}

function sourceText(source: string | ArrayBuffer | ArrayBufferView): string {
  if (typeof source === 'string') return source;
  const bytes = ArrayBuffer.isView(source) ? Buffer.from(source.buffer, source.byteOffset, source.byteLength) : Buffer.from(source);
  return bytes.toString('utf8');
}

type Transform = typeof import('./transform').transformSource;
let transform: Transform | undefined;

/**
 * Warnings made on Node 20's hooks thread, waiting to be handed to the application's thread.
 * Printed from that thread, they went through its own stderr, which Node forwards to the main
 * thread asynchronously: a short program exited first and the warning was lost (a damaged stored
 * rewrite, a misspelled annotation in an ES module said nothing). Instead they travel inside the
 * source of the module being loaded, as one call appended after its code, which the application's
 * thread runs when it evaluates the module.
 */
let pending: Array<readonly [string, WarningCode]> | undefined;

/** Called once by the hooks-thread module (esm-hooks.mts); the in-thread hooks warn directly. */
export function relayWarningsThroughSource(): void {
  pending = [];
  setWarningSink((_line, warning) => pending?.push([warning.message, warning.code]));
}

/** `result`, or a copy with the rewritten source; never throws (a broken hook must not break the program). */
export function rewriteLoaded(url: string, result: LoadResult): LoadResult {
  let out: LoadResult;
  try {
    out = rewrite(url, result);
  } catch (error) {
    warnOnce('smartcache/register', 'the import hook failed; files load unchanged', error, 'SMARTCACHE_PRELOAD');
    out = result;
  }
  return pending === undefined || pending.length === 0 ? out : withRelayedWarnings(out);
}

/**
 * Appends the pending warnings to a JavaScript source: after a newline (a trailing line comment
 * must not swallow it), so no line or column of the user's code moves. Other formats (JSON,
 * WebAssembly) keep them for the next JavaScript module.
 */
function withRelayedWarnings(result: LoadResult): LoadResult {
  if ((result.format !== 'module' && result.format !== 'commonjs') || result.source === null || result.source === undefined) return result;
  const warnings = pending ?? [];
  pending = [];
  const call = `\n;${REWRITTEN_MARK} in globalThis && globalThis[${REWRITTEN_MARK}].relay?.(${JSON.stringify(warnings)});\n`;
  return { ...result, source: sourceText(result.source) + call };
}

function rewrite(url: string, result: LoadResult): LoadResult {
  if (!url.startsWith('file:') || result.source === null || result.source === undefined || typeof result.format !== 'string') return result;
  const filename = fileURLToPath(url);
  if (!isUserFile(filename)) return result;
  const text = sourceText(result.source);
  if (isTypeScriptFormat(result.format)) return rewriteTypeScript(url, filename, result, text);
  if (result.format !== 'module' && result.format !== 'commonjs') return result;
  // TypeScript a transpiler already turned into JavaScript may have lost its comments: transform
  // re-reads the original file for them.
  if (!hasMarker(text) && !isTypeScript(filename)) return result;
  transform ??= (require('./transform') as typeof import('./transform')).transformSource;
  const out: unknown = transform(text, filename, result.format);
  return typeof out !== 'string' ? result : { ...result, source: out };
}

/**
 * Node's own TypeScript support hands over the file's own text (comments included): without a
 * marker there is nothing to do, and Node strips it as usual.
 */
function rewriteTypeScript(url: string, filename: string, result: LoadResult, text: string): LoadResult {
  if (!hasMarker(text)) return result;
  const js = stripTypeScript(result.format ?? '', text, url);
  if (js === undefined) return result;
  for (const { line } of js.dropped) {
    warnOnce(`${displayPath(filename)}:${line}`, '@cache is above a type-only declaration (abstract or overload signature, declare, type); nothing is cached', undefined, 'SMARTCACHE_ANNOTATION');
  }
  transform ??= (require('./transform') as typeof import('./transform')).transformSource;
  const out: unknown = transform(js.text, filename, js.format, { ownComments: true });
  return typeof out !== 'string' ? result : { ...result, format: js.format, source: out };
}
