/**
 * Applies edits and keeps stack traces right. Edits never add lines. When one moves code on its
 * line (an insertion with tokens after it), positions are mapped back with a source map: an inline
 * map the transpiler left is shifted to the new columns; otherwise an identity map per token is
 * added. Node uses either under `--enable-source-maps` (tsx enables source maps itself).
 */
import { pathToFileURL } from 'node:url';
import type { Edit } from './plan';
import type { Parsed } from './parse';
import { findInlineSourceMap, identityMap, inlineComment, shiftMap, type ColumnShifts } from './sourcemap';

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

export function applyEdits(parsed: Parsed, edits: readonly Edit[], filename: string): string {
  const code = parsed.code;
  const moved = edits.some((e) => e.text.length !== e.end - e.start && movesCode(parsed, e.end));
  if (!moved) return splice(code, edits);
  const shifts: ColumnShifts = columnShifts(parsed, edits);
  const inline = findInlineSourceMap(code);
  if (inline !== undefined) {
    return splice(code.slice(0, inline.start), edits) + inlineComment(shiftMap(inline.map, shifts));
  }
  if (/\/\/[#@] sourceMappingURL=/.test(code)) return splice(code, edits); // an external map we cannot rewrite
  const tokens = parsed.tokenStarts.map((t) => [parsed.line(t), parsed.column(t)] as const);
  const map = identityMap(pathToFileURL(filename).href, tokens, shifts, parsed.lineStarts.length);
  return `${splice(code, edits)}\n${inlineComment(map)}`;
}
