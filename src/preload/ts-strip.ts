/**
 * TypeScript handed to the load hook by Node's own type support (22.6+, on by default from
 * 22.18/23.6): turned into JavaScript with `module.stripTypeScriptTypes`, the way Node itself does.
 * Only files holding an annotation marker get here (esm-load.ts): stripping is not free, Node strips
 * the file again anyway when we leave it alone, and the first call prints Node's
 * "ExperimentalWarning: stripTypeScriptTypes…", which a program that asked for no such thing must
 * not see.
 */
import Module = require('node:module');
import { cacheTagText } from './tag-options';
import { comments, lineAt } from './comment-scan';
import type { ModuleFormat } from './parse';

type StripTypes = (code: string, options?: { mode?: 'strip' | 'transform'; sourceMap?: boolean; sourceUrl?: string }) => string;

/** Formats Node gives TypeScript: `typescript` is a `.ts` file whose module system is not known yet (no "type"). */
const TYPESCRIPT_FORMATS = new Set(['module-typescript', 'commonjs-typescript', 'typescript']);

export function isTypeScriptFormat(format: string): boolean {
  return TYPESCRIPT_FORMATS.has(format);
}

/** Flags Node reads from both places: `--experimental-transform-types` makes it transform (enums, namespaces, parameter properties). */
function transformsTypes(): boolean {
  const flag = '--experimental-transform-types';
  return process.execArgv.includes(flag) || (process.env['NODE_OPTIONS'] ?? '').split(/\s+/).includes(flag);
}

/** Runs `fn` with Node's one-time ExperimentalWarning for stripTypeScriptTypes dropped (Node does not print it for its own stripping). */
function withoutStripWarning<T>(fn: () => T): T {
  const original = process.emitWarning;
  const filtered = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]): void {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (text.startsWith('stripTypeScriptTypes')) return;
    (original as (w: string | Error, ...r: unknown[]) => void).call(this, warning, ...rest);
  };
  process.emitWarning = filtered as typeof process.emitWarning;
  try {
    return fn();
  } finally {
    process.emitWarning = original;
  }
}

/**
 * `typescript` (no "type" in package.json): Node decides by the syntax, ES module when the code
 * only parses as one. The same test with acorn, on the stripped text.
 */
function detectFormat(js: string): ModuleFormat {
  const acorn = require('acorn') as typeof import('acorn');
  try {
    acorn.parse(js, { ecmaVersion: 'latest', sourceType: 'script', allowHashBang: true, allowReturnOutsideFunction: true });
    return 'commonjs';
  } catch {
    try {
      acorn.parse(js, { ecmaVersion: 'latest', sourceType: 'module', allowHashBang: true });
      return 'module';
    } catch {
      return 'commonjs';
    }
  }
}

export interface TypeOnlyTag {
  readonly line: number;
}

/**
 * Strip mode blanks a type-only declaration in place (`abstract m(): T;`, `declare function`,
 * `type X = …`, an overload signature), so a `/** @cache *\/` written above it would end up
 * directly above whatever follows and cache that instead. Such a tag is blanked too (it caches
 * nothing), and reported. A tag followed only by blanked modifiers (`public`, `readonly`…) is kept.
 */
function dropTypeOnlyTags(original: string, stripped: string): { text: string; dropped: TypeOnlyTag[] } {
  const dropped: TypeOnlyTag[] = [];
  let text = stripped;
  for (const c of comments(stripped)) {
    if (c.kind !== 'jsdoc' || cacheTagText(c.text) === undefined) continue;
    let o = c.end;
    while (o < original.length && /\s/.test(original[o] ?? '')) o++;
    let s = c.end;
    while (s < stripped.length && /\s/.test(stripped[s] ?? '')) s++;
    if (s === o) continue;
    if (/^(?:(?:public|private|protected|readonly|override|declare)\s+)+$/.test(original.slice(o, s))) continue;
    dropped.push({ line: lineAt(original, c.start) });
    text = text.slice(0, c.start) + text.slice(c.start, c.end).replace(/[^\n]/g, ' ') + text.slice(c.end);
  }
  return { text, dropped };
}

export interface StrippedSource {
  readonly format: ModuleFormat;
  readonly text: string;
  /** Tags that were above a type-only declaration (1-based lines), now blanked. */
  readonly dropped: readonly TypeOnlyTag[];
}

/** JavaScript for a TypeScript load result, or undefined to leave it to Node (which reports its own errors). */
export function stripTypeScript(format: string, text: string, url: string): StrippedSource | undefined {
  const strip = (Module as unknown as { stripTypeScriptTypes?: StripTypes }).stripTypeScriptTypes;
  if (typeof strip !== 'function') return undefined;
  let js: string;
  const transform = transformsTypes();
  try {
    // Transform mode moves code, so it brings a source map (which the rewriter shifts); strip
    // mode blanks types in place, so positions stay and comments survive.
    js = withoutStripWarning(() => transform ? strip(text, { mode: 'transform', sourceMap: true, sourceUrl: url }) : strip(text, { mode: 'strip' }));
  } catch {
    // Syntax Node cannot handle either: loading it unchanged lets Node report it as it would.
    return undefined;
  }
  const out = transform ? { text: js, dropped: [] } : dropTypeOnlyTags(text, js);
  const kind: ModuleFormat = format === 'module-typescript' ? 'module' : format === 'commonjs-typescript' ? 'commonjs' : detectFormat(out.text);
  return { format: kind, text: out.text, dropped: out.dropped };
}

