/**
 * The parsing side of one file: find annotations, plan edits, apply them. Loaded only when a file
 * with a marker is not in the transform cache (it brings acorn). Never throws: problems come back
 * as warnings, and a file that fails to parse or rewrite is returned unchanged.
 */
import { describeError } from '../errors';
import { selectAnnotated, type OriginalSource } from './annotations';
import { applyEdits, type ExternalMap } from './apply';
import { misspelledAnnotations } from './misspelled';
import { collectCandidates } from './candidates';
import { parseSource, type ModuleFormat, type Parsed } from './parse';
import { planEdits } from './plan';
import { decodeMappings, findInlineSourceMap, originalLine } from './sourcemap';
import { cacheTagText } from './tag-options';
import type { Transformed } from './transform-cache';
import { scanSourceAnnotations } from './ts-source';

/**
 * Annotations from the original TypeScript when the transpiler dropped every JSDoc tag, or
 * (`fillGaps`) when it kept some in place and moved others (see OriginalSource.fillsGaps).
 */
function originalSource(parsed: Parsed, original: string | undefined, fillGaps = false): OriginalSource | undefined {
  if (original === undefined || !original.includes('@cache')) return undefined;
  if (!fillGaps && parsed.comments.some((c) => cacheTagText(c.value) !== undefined)) return undefined;
  const inline = findInlineSourceMap(parsed.code);
  const lines = inline === undefined ? undefined : decodeMappings(inline.map.mappings);
  return {
    fillsGaps: fillGaps,
    annotations: scanSourceAnnotations(original),
    originalLine: (offset) => {
      if (lines === undefined) return undefined;
      const line = originalLine(lines, parsed.line(offset), parsed.column(offset));
      return line === undefined ? undefined : line + 1;
    },
  };
}

export function rewriteSource(code: string, filename: string, format: ModuleFormat, original: string | undefined, external?: ExternalMap): Transformed {
  let parsed: Parsed;
  try {
    parsed = parseSource(code, format);
  } catch (error) {
    return { code: undefined, warnings: [[null, `could not be parsed for @cache annotations; loaded unchanged: ${describeError(error)}`]] };
  }
  try {
    const candidates = collectCandidates(parsed);
    let { annotated, warnings } = selectAnnotated(parsed, candidates, originalSource(parsed, original));
    // A tag the transpiler moved away from its function: read the original for the rest.
    const moved = warnings.some((w) => w.message.startsWith('@cache is not directly above'));
    const filled = moved ? originalSource(parsed, original, true) : undefined;
    if (filled !== undefined) ({ annotated, warnings } = selectAnnotated(parsed, candidates, filled));
    const notes = [...warnings, ...misspelledAnnotations(original ?? code)].map((w) => [w.line, w.message] as const);
    if (annotated.length === 0) return { code: undefined, warnings: notes };
    return { code: applyEdits(parsed, planEdits(parsed, annotated, filename), filename, external), warnings: notes };
  } catch (error) {
    return { code: undefined, warnings: [[null, `could not be rewritten for @cache annotations; loaded unchanged: ${describeError(error)}`]] };
  }
}
