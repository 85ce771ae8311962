/**
 * TypeScript transpilers (esbuild inside tsx, and others) drop JSDoc comments, so `@cache` must be
 * read from the original `.ts` file. acorn cannot parse TypeScript; a light scan is enough here:
 * find `/** … @cache … *\/` blocks outside strings, and read the declaration head that follows
 * (`export default async function name`, `static async name(`, `const name =`, `name: (`…) for the
 * name and the line it is on. The transpiled function is then found by that name and line (through
 * the transpiler's source map).
 */
import { comments, lineAt } from './comment-scan';
import { cacheTagText } from './tag-options';

export interface SourceAnnotation {
  /** Simple name of the annotated function (`fib`, `area`, `default`). */
  readonly name: string;
  /** 1-based lines from the first token after the comment to the name token. */
  readonly firstLine: number;
  readonly nameLine: number;
  /** 1-based line of the tag, for warnings. */
  readonly tagLine: number;
  readonly tagText: string;
}

const MODIFIERS = new Set(['export', 'declare', 'async', 'static', 'public', 'private', 'protected', 'readonly', 'override', 'abstract', 'accessor']);
const IDENT = /[A-Za-z_$\u00a0-\uffff][\w$\u00a0-\uffff]*/y;

class HeadReader {
  pos: number;
  constructor(private readonly text: string, start: number) {
    this.pos = start;
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos] ?? '')) this.pos++;
  }

  word(): string | undefined {
    IDENT.lastIndex = this.pos;
    const m = IDENT.exec(this.text);
    return m === null ? undefined : m[0];
  }

  take(s: string): boolean {
    if (!this.text.startsWith(s, this.pos)) return false;
    this.pos += s.length;
    return true;
  }

  /** `@decorator`, `@a.b(...)` with balanced parentheses. */
  skipDecorators(): void {
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '@') return;
      this.pos++;
      while (/[\w$.]/.test(this.text[this.pos] ?? '')) this.pos++;
      if (this.text[this.pos] === '(') {
        let depth = 0;
        do {
          const c = this.text[this.pos++];
          if (c === '(') depth++;
          else if (c === ')') depth--;
        } while (depth > 0 && this.pos < this.text.length);
      }
    }
  }
}

/** Name and its offset of the declaration starting at `start`, or undefined when it is no function head. */
function readHead(text: string, start: number): { name: string; at: number } | undefined {
  const r = new HeadReader(text, start);
  r.skipDecorators();
  let sawDefault = false;
  for (;;) {
    r.skipSpace();
    const w = r.word();
    if (w === undefined) break;
    const after = text[r.pos + w.length] ?? '';
    const next = text.slice(r.pos + w.length).trimStart()[0] ?? '';
    if (w === 'default' && /\s/.test(after)) {
      sawDefault = true;
      r.pos += w.length;
      continue;
    }
    if (MODIFIERS.has(w) && /\s/.test(after) && !'(=:<?!'.includes(next)) {
      r.pos += w.length;
      continue;
    }
    if (w === 'function') {
      r.pos += w.length;
      r.skipSpace();
      r.take('*');
      r.skipSpace();
      const name = r.word();
      return name === undefined ? { name: 'default', at: r.pos } : { name, at: r.pos };
    }
    if (w === 'const' || w === 'let' || w === 'var') {
      r.pos += w.length;
      r.skipSpace();
      const name = r.word();
      return name === undefined ? undefined : { name, at: r.pos };
    }
    if ((w === 'get' || w === 'set') && /\s/.test(after)) {
      r.pos += w.length;
      continue;
    }
    if (w === 'class' || w === 'interface' || w === 'type' || w === 'enum' || w === 'namespace') return undefined;
    const exported = /^(?:module\.)?exports\.([A-Za-z_$][\w$]*)/.exec(text.slice(r.pos));
    if (exported?.[1] !== undefined) return { name: exported[1], at: r.pos + exported[0].length - exported[1].length };
    return sawDefault ? { name: 'default', at: r.pos } : { name: w, at: r.pos };
  }
  r.skipSpace();
  if (r.take('*')) r.skipSpace();
  if (r.take('#')) {
    const name = r.word();
    return name === undefined ? undefined : { name: `#${name}`, at: r.pos - 1 };
  }
  const quote = text[r.pos];
  if (quote === '"' || quote === "'") {
    const end = text.indexOf(quote, r.pos + 1);
    return end === -1 ? undefined : { name: text.slice(r.pos + 1, end), at: r.pos };
  }
  return sawDefault ? { name: 'default', at: r.pos } : undefined;
}

export function scanSourceAnnotations(text: string): SourceAnnotation[] {
  const out: SourceAnnotation[] = [];
  for (const { start, end, kind } of comments(text)) {
    if (kind === 'line') continue;
    const value = text.slice(start + 2, end - 2);
    const tagText = cacheTagText(value);
    if (tagText === undefined) continue;
    let first = end;
    while (first < text.length && /\s/.test(text[first] ?? '')) first++;
    const head = readHead(text, first);
    const tagLine = lineAt(text, start + 2 + value.search(/@cache/));
    if (head === undefined) {
      out.push({ name: '', firstLine: lineAt(text, first), nameLine: lineAt(text, first), tagLine, tagText });
      continue;
    }
    out.push({ name: head.name, firstLine: lineAt(text, first), nameLine: lineAt(text, head.at), tagLine, tagText });
  }
  return out;
}
