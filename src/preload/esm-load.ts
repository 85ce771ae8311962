/**
 * The ESM side, shared by both hook flavours: `module.registerHooks` (synchronous, in the app's
 * thread, Node 22.15+/23.5+) and `module.register` (asynchronous, on a separate hooks thread on
 * Node 20). It receives what the rest of the chain produced (a transpiler's output included) and
 * rewrites annotated user files. A result without source is left to the CommonJS loader, where the
 * require hook sees it.
 */
import Module = require('node:module');
import { fileURLToPath } from 'node:url';
import { setWarningSink, warnOnce, type WarningCode } from '../warn';
import { REWRITTEN_MARK } from './filter';
import { hasMarker, isTypeScript, isUserFile } from './filter';
import type { ModuleFormat } from './parse';

export interface LoadResult {
  format?: string | null;
  source?: string | ArrayBuffer | ArrayBufferView | null;
  shortCircuit?: boolean;
}

type StripTypes = (code: string, options?: { mode?: 'strip' }) => string;

function sourceText(source: string | ArrayBuffer | ArrayBufferView): string {
  if (typeof source === 'string') return source;
  const bytes = ArrayBuffer.isView(source) ? Buffer.from(source.buffer, source.byteOffset, source.byteLength) : Buffer.from(source);
  return bytes.toString('utf8');
}

/**
 * Node's own TypeScript support (22.6+, on by default from 22.18/23.6) hands hooks the TypeScript
 * text with format `module-typescript`. Stripping it ourselves (`strip` mode blanks types in place,
 * so positions stay and comments survive) lets the JSDoc be read directly.
 */
function asJavaScript(format: string, text: string): { format: ModuleFormat; text: string } | undefined {
  if (format === 'module' || format === 'commonjs') return { format, text };
  if (format !== 'module-typescript' && format !== 'commonjs-typescript') return undefined;
  const strip = (Module as unknown as { stripTypeScriptTypes?: StripTypes }).stripTypeScriptTypes;
  if (typeof strip !== 'function') return undefined;
  return { format: format === 'module-typescript' ? 'module' : 'commonjs', text: strip(text, { mode: 'strip' }) };
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
  if (!hasMarker(text) && !isTypeScript(filename)) return result;
  const js = asJavaScript(result.format, text);
  if (js === undefined) return result;
  transform ??= (require('./transform') as typeof import('./transform')).transformSource;
  const out: unknown = transform(js.text, filename, js.format);
  return typeof out !== 'string' ? result : { ...result, format: js.format, source: out };
}
