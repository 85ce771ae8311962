/**
 * Applies edits and keeps stack traces right. Edits never add lines. When one moves code on its
 * line (an insertion with tokens after it), positions are mapped back with a source map: an inline
 * map the transpiler left is shifted to the new columns; otherwise an identity map per token is
 * added. Node uses either under `--enable-source-maps` (tsx enables source maps itself).
 */
import { pathToFileURL } from 'node:url';
import type { Edit } from './plan';
import type { Parsed } from './parse';
import { findExternalSourceMap, findInlineSourceMap, identityMap, inlineComment, parseExternalMap, shiftMap, type ColumnShifts } from './sourcemap';

/** Tokens that never show up as a stack position: moving them changes no reported column. */
const CLOSERS = new Set([')', ']', '}', ',', ';']);

function movesCode(parsed: Parsed, offset: number): boolean {
  const line = parsed.line(offset);
  for (let next = parsed.nextToken(offset); next !== undefined && parsed.line(next) === line; next = parsed.nextToken(next + 1)) {
    if (!CLOSERS.has(parsed.code[next] ?? '')) return true;
  }
  return false;
}

function columnShifts(parsed: Parsed, edits: readonly Edit[]): Map<number, Array<[number, number]>> {
  const shifts = new Map<number, Array<[number, number]>>();
  for (const e of edits) {
    const delta = e.text.length - (e.end - e.start);
    if (delta === 0) continue;
    const line = parsed.line(e.end);
    const list = shifts.get(line) ?? [];
    list.push([parsed.column(e.end), delta]);
    shifts.set(line, list);
  }
  return shifts;
}

function splice(code: string, edits: readonly Edit[]): string {
  const sorted = edits.map((e, seq) => ({ e, seq })).sort((a, b) => a.e.start - b.e.start || a.e.order - b.e.order || a.seq - b.seq);
  let out = '';
  let at = 0;
  for (const { e } of sorted) {
    if (e.text.includes('\n')) throw new Error('internal: an edit would add a line');
    if (e.start < at) throw new Error('internal: overlapping edits');
    out += code.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + code.slice(at);
}

/** A file's external source map (`//# sourceMappingURL=app.js.map`): its text and where it was read from. */
export interface ExternalMap {
  readonly text: string;
  readonly url: string;
}

export function applyEdits(parsed: Parsed, edits: readonly Edit[], filename: string, external?: ExternalMap): string {
  const code = parsed.code;
  const moved = edits.some((e) => e.text.length !== e.end - e.start && movesCode(parsed, e.end));
  if (!moved) return splice(code, edits);
  const shifts: ColumnShifts = columnShifts(parsed, edits);
  const inline = findInlineSourceMap(code);
  if (inline !== undefined) {
    return splice(code.slice(0, inline.start), edits) + inlineComment(shiftMap(inline.map, shifts));
  }
  const comment = findExternalSourceMap(code);
  if (comment !== undefined) {
    // A bundle's own map (minified: all its code on line 1, which our insertion moves): shifted
    // and inlined in place of the comment, so `--enable-source-maps` still reports the source's
    // lines. A map that cannot be read is left as it is (stack columns on that line then drift).
    const map = external === undefined ? undefined : parseExternalMap(external.text, external.url);
    if (map === undefined) return splice(code, edits);
    return splice(code.slice(0, comment.start), edits) + inlineComment(shiftMap(map, shifts));
  }
  const tokens = parsed.tokenStarts.map((t) => [parsed.line(t), parsed.column(t)] as const);
  const map = identityMap(pathToFileURL(filename).href, tokens, shifts, parsed.lineStarts.length);
  return `${splice(code, edits)}\n${inlineComment(map)}`;
}
