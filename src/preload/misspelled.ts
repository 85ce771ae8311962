/**
 * Annotations that look meant but are not read: `// @cache`, `/* @cache *\/` (one asterisk) and
 * `@Cache` in a JSDoc block. Each is ignored (only `/** @cache *\/` is the annotation), so each
 * gets one warning with its line, instead of a function silently left uncached.
 */
import type { FileWarning } from './annotations';

/** A tag at the start of a comment line (after an optional `*`), in any case, not `@cached`. */
const TAG = /^[ \t]*\*?[ \t]*@cache(?![\w$-])/im;
const EXACT = /^[ \t]*\*?[ \t]*@cache(?![\w$-])/m;

const HINT = 'did you mean /** @cache */? This comment is not read as an annotation (ignored)';

interface Comment {
  readonly start: number;
  readonly text: string;
  readonly kind: 'line' | 'block' | 'jsdoc';
}

/** Comments of a JavaScript or TypeScript text, skipping strings and template literals. */
function* comments(text: string): Generator<Comment> {
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') {
      const nl = text.indexOf('\n', i);
      const end = nl === -1 ? text.length : nl;
      yield { start: i, text: text.slice(i + 2, end), kind: 'line' };
      i = end;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      const end = close === -1 ? text.length : close;
      const body = text.slice(i + 2, end);
      yield { start: i, text: body, kind: body.startsWith('*') && body !== '*' ? 'jsdoc' : 'block' };
      i = end + 2;
    } else if (c === '"' || c === "'" || c === '`') {
      i++;
      while (i < text.length && text[i] !== c && !(c !== '`' && text[i] === '\n')) i += text[i] === '\\' ? 2 : 1;
      i++;
    } else {
      i++;
    }
  }
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

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
