/**
 * One file through the preload: filter, find annotations, rewrite. Never throws: a file that fails
 * to parse or rewrite is loaded untouched with one warning, because a broken hook must not break
 * the program.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { selectAnnotated, type FileWarning, type OriginalSource } from './annotations';
import { applyEdits } from './apply';
import { collectCandidates } from './candidates';
import { hasMarker, isTypeScript, isUserFile } from './filter';
import { parseSource, type ModuleFormat, type Parsed } from './parse';
import { planEdits, REWRITTEN_MARK } from './plan';
import { decodeMappings, findInlineSourceMap, originalLine } from './sourcemap';
import { cacheTagText } from './tag-options';
import { scanSourceAnnotations } from './ts-source';
import { warnOnce } from '../warn';

/** How a path is shown in warnings: relative to the working directory when inside it. */
export function displayPath(filename: string): string {
  const rel = path.relative(process.cwd(), filename);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : filename;
}

function readOriginal(filename: string, code: string): string | undefined {
  if (!isTypeScript(filename)) return undefined;
  try {
    const text = fs.readFileSync(filename, 'utf8');
    return text === code ? undefined : text;
  } catch {
    return undefined;
  }
}

/** Annotations from the original TypeScript when the transpiler dropped every JSDoc tag. */
function originalSource(parsed: Parsed, original: string | undefined): OriginalSource | undefined {
  if (original === undefined || !original.includes('@cache')) return undefined;
  if (parsed.comments.some((c) => cacheTagText(c.value) !== undefined)) return undefined;
  const inline = findInlineSourceMap(parsed.code);
  const lines = inline === undefined ? undefined : decodeMappings(inline.map.mappings);
  return {
    annotations: scanSourceAnnotations(original),
    originalLine: (offset) => {
      if (lines === undefined) return undefined;
      const line = originalLine(lines, parsed.line(offset), parsed.column(offset));
      return line === undefined ? undefined : line + 1;
    },
  };
}

function report(filename: string, warnings: readonly FileWarning[]): void {
  const shown = displayPath(filename);
  for (const w of warnings) warnOnce(`${shown}:${w.line}`, w.message);
}

/** The rewritten text of an annotated user file, or undefined to load it unchanged. */
export function transformSource(code: string, filename: string, format: ModuleFormat): string | undefined {
  if (!isUserFile(filename) || code.includes(REWRITTEN_MARK)) return undefined;
  const original = readOriginal(filename, code);
  if (!hasMarker(code) && (original === undefined || !hasMarker(original))) return undefined;
  let parsed: Parsed;
  try {
    parsed = parseSource(code, format);
  } catch (error) {
    warnOnce(displayPath(filename), 'could not be parsed for @cache annotations; loaded unchanged', error);
    return undefined;
  }
  try {
    const { annotated, warnings } = selectAnnotated(parsed, collectCandidates(parsed), originalSource(parsed, original));
    report(filename, warnings);
    if (annotated.length === 0) return undefined;
    return applyEdits(parsed, planEdits(parsed, annotated, filename), filename);
  } catch (error) {
    warnOnce(displayPath(filename), 'could not be rewritten for @cache annotations; loaded unchanged', error);
    return undefined;
  }
}
