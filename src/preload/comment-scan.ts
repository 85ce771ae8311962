/**
 * Comments of a JavaScript or TypeScript text found without a parser, skipping strings and
 * template literals: what the preload reads before (or instead of) acorn, for TypeScript sources
 * and for annotations that look meant but are not read.
 */
export interface Comment {
  readonly start: number;
  /** Just past the comment (`*\/` included; the end of the text when a block is not closed). */
  readonly end: number;
  /** What is between the delimiters. */
  readonly text: string;
  readonly kind: 'line' | 'block' | 'jsdoc';
}

export function* comments(text: string): Generator<Comment> {
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') {
      const nl = text.indexOf('\n', i);
      const end = nl === -1 ? text.length : nl;
      yield { start: i, end, text: text.slice(i + 2, end), kind: 'line' };
      i = end;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      const bodyEnd = close === -1 ? text.length : close;
      const body = text.slice(i + 2, bodyEnd);
      const end = close === -1 ? text.length : close + 2;
      yield { start: i, end, text: body, kind: body.startsWith('*') && body !== '*' ? 'jsdoc' : 'block' };
      i = end;
    } else if (c === '"' || c === "'" || c === '`') {
      i++;
      while (i < text.length && text[i] !== c && !(c !== '`' && text[i] === '\n')) i += text[i] === '\\' ? 2 : 1;
      i++;
    } else {
      i++;
    }
  }
}

/** The 1-based line of `offset`. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
