/**
 * Annotations that look meant but are not read: `// @cache`, `/* @cache *\/` (one asterisk) and
 * `@Cache` in a JSDoc block. Each is ignored (only `/** @cache *\/` is the annotation), so each
 * gets one warning with its line, instead of a function silently left uncached.
 */
import type { FileWarning } from './annotations';
import { comments, lineAt } from './comment-scan';

/** A tag at the start of a comment line (after an optional `*`), in any case, not `@cached`. */
const TAG = /^[ \t]*\*?[ \t]*@cache(?![\w$-])/im;
const EXACT = /^[ \t]*\*?[ \t]*@cache(?![\w$-])/m;

const HINT = 'did you mean /** @cache */? This comment is not read as an annotation (ignored)';

/** One warning per ignored `@cache`-like tag, with the 1-based line of the tag. */
export function misspelledAnnotations(text: string): FileWarning[] {
  const warnings: FileWarning[] = [];
  for (const comment of comments(text)) {
    const match = TAG.exec(comment.text);
    if (match === null) continue;
    // A JSDoc block with the exact tag is a real annotation.
    if (comment.kind === 'jsdoc' && EXACT.test(comment.text)) continue;
    const offset = comment.start + 2 + match.index + match[0].indexOf('@');
    const written = comment.kind === 'line' ? '// @cache' : comment.kind === 'block' ? '/* @cache */' : `/** ${match[0].trim().replace(/^\*\s*/, '')} */`;
    warnings.push({ line: lineAt(text, offset), message: `"${written}": ${HINT}` });
  }
  return warnings;
}
