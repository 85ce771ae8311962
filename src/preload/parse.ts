/**
 * Parsing a user file with acorn, keeping what the rewriter needs besides the tree: JSDoc-style
 * comments and where code tokens start on each line (to place insertions where they move no code).
 */
import * as acorn from 'acorn';

export type ModuleFormat = 'commonjs' | 'module';

export interface BlockComment {
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

export class Parsed {
  readonly ast: acorn.Program;
  readonly code: string;
  readonly comments: readonly BlockComment[];
  /** Offsets where each line starts. */
  readonly lineStarts: readonly number[];
  /** Start offsets of code tokens (not comments), ascending. */
  readonly tokenStarts: readonly number[];

  constructor(code: string, ast: acorn.Program, comments: BlockComment[], tokenStarts: number[]) {
    this.code = code;
    this.ast = ast;
    this.comments = comments;
    this.tokenStarts = tokenStarts;
    const starts = [0];
    for (let i = code.indexOf('\n'); i !== -1; i = code.indexOf('\n', i + 1)) starts.push(i + 1);
    this.lineStarts = starts;
  }

  /** 0-based line of an offset. */
  line(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  column(offset: number): number {
    return offset - (this.lineStarts[this.line(offset)] ?? 0);
  }

  /** First code token starting at or after `offset`, or undefined. */
  nextToken(offset: number): number | undefined {
    let lo = 0;
    let hi = this.tokenStarts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.tokenStarts[mid] ?? 0) < offset) lo = mid + 1;
      else hi = mid;
    }
    return this.tokenStarts[lo];
  }

  /** True when no code token follows `offset` on its line: text inserted there moves no code. */
  restOfLineIsFree(offset: number): boolean {
    const next = this.nextToken(offset);
    return next === undefined || this.line(next) !== this.line(offset);
  }
}

function attempt(code: string, sourceType: 'commonjs' | 'module'): Parsed {
  const comments: BlockComment[] = [];
  const tokenStarts: number[] = [];
  const ast = acorn.parse(code, {
    ecmaVersion: 'latest',
    sourceType,
    allowHashBang: true,
    onComment: (block, text, start, end) => {
      if (block) comments.push({ value: text, start, end });
    },
    onToken: (token) => {
      if (token.type !== acorn.tokTypes.eof) tokenStarts.push(token.start);
    },
  });
  return new Parsed(code, ast, comments, tokenStarts);
}

/**
 * CommonJS is parsed as acorn's `commonjs` source type (the body of Node's module wrapper function:
 * sloppy, top-level `return` and `new.target` allowed). A `.js` file with ESM syntax can still reach
 * the require hook (Node 22.12+ loads it through `require(esm)`), so a module parse is the second try.
 */
export function parseSource(code: string, format: ModuleFormat): Parsed {
  if (format === 'module') return attempt(code, 'module');
  try {
    return attempt(code, 'commonjs');
  } catch (scriptError) {
    try {
      return attempt(code, 'module');
    } catch {
      throw scriptError;
    }
  }
}
