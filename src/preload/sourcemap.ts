/**
 * The little of Source Map v3 the preload needs: decode a map to look up original lines (TypeScript
 * through tsx), shift generated columns after our insertions, and build an identity map when an
 * insertion had to move code on a line. Node applies these maps to stack traces under
 * `--enable-source-maps` (tsx turns that on by itself).
 */

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map<string, number>([...BASE64].map((c, i) => [c, i]));

/** One mapping: generated column, then (when present) source index, original line, original column, name index. */
export type Segment = readonly number[];

export interface RawSourceMap {
  readonly version: number;
  readonly sources: readonly string[];
  readonly mappings: string;
  readonly names?: readonly string[];
  readonly [field: string]: unknown;
}

export interface InlineMap {
  readonly map: RawSourceMap;
  /** Offsets of the whole `//# sourceMappingURL=data:…` comment in the code. */
  readonly start: number;
  readonly end: number;
}

function encodeVlq(value: number): string {
  let vlq = value < 0 ? (-value << 1) | 1 : value << 1;
  let out = '';
  do {
    let digit = vlq & 31;
    vlq >>>= 5;
    if (vlq > 0) digit |= 32;
    out += BASE64[digit];
  } while (vlq > 0);
  return out;
}

function decodeSegment(text: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = DIGIT.get(char);
    if (digit === undefined) throw new Error(`bad base64 digit ${JSON.stringify(char)} in source map`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return values;
}

/** Per generated line, segments with absolute (not delta) fields. */
export function decodeMappings(mappings: string): Segment[][] {
  const state = [0, 0, 0, 0, 0];
  return mappings.split(';').map((line) => {
    state[0] = 0;
    if (line === '') return [];
    return line.split(',').filter((s) => s !== '').map((text) => {
      const deltas = decodeSegment(text);
      return deltas.map((d, i) => (state[i] = (state[i] ?? 0) + d));
    });
  });
}

export function encodeMappings(lines: readonly (readonly Segment[])[]): string {
  const state = [0, 0, 0, 0, 0];
  return lines.map((segments) => {
    state[0] = 0;
    return segments.map((segment) => segment.map((v, i) => {
      const delta = v - (state[i] ?? 0);
      state[i] = v;
      return encodeVlq(delta);
    }).join('')).join(',');
  }).join(';');
}

const INLINE = /\/\/[#@] sourceMappingURL=data:application\/json(?:;charset=[\w-]+)?;base64,([A-Za-z0-9+/=]+)\s*$/;

/** The inline source map a transpiler left at the end of `code`, if any. */
export function findInlineSourceMap(code: string): InlineMap | undefined {
  const tail = code.lastIndexOf('sourceMappingURL=data:');
  if (tail === -1) return undefined;
  const lineStart = code.lastIndexOf('\n', tail) + 1;
  const match = INLINE.exec(code.slice(lineStart));
  if (match === null || match[1] === undefined) return undefined;
  try {
    const map = JSON.parse(Buffer.from(match[1], 'base64').toString('utf8')) as RawSourceMap;
    if (typeof map.mappings !== 'string' || !Array.isArray(map.sources)) return undefined;
    return { map, start: lineStart + match.index, end: code.length };
  } catch {
    return undefined;
  }
}

export function inlineComment(map: RawSourceMap): string {
  return `//# sourceMappingURL=data:application/json;charset=utf-8;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}`;
}

/** The original 0-based line of a generated position: the nearest segment at or before it on its line. */
export function originalLine(lines: readonly (readonly Segment[])[], line: number, column: number): number | undefined {
  const segments = lines[line];
  if (segments === undefined) return undefined;
  let found: Segment | undefined;
  for (const segment of segments) {
    if ((segment[0] ?? 0) > column) break;
    if (segment.length >= 4) found = segment;
  }
  if (found === undefined) found = segments.find((s) => s.length >= 4);
  return found?.[2];
}

/** Column shifts of one edited text: per line, insertion columns with the length inserted there. */
export type ColumnShifts = ReadonlyMap<number, ReadonlyArray<readonly [column: number, delta: number]>>;

export function shiftColumn(shifts: ColumnShifts, line: number, column: number): number {
  let out = column;
  for (const [at, delta] of shifts.get(line) ?? []) if (at <= column) out += delta;
  return out;
}

/** An existing map, with generated columns moved to where our insertions pushed the code. */
export function shiftMap(map: RawSourceMap, shifts: ColumnShifts): RawSourceMap {
  const lines = decodeMappings(map.mappings).map((segments, line) =>
    shifts.has(line) ? segments.map((s) => [shiftColumn(shifts, line, s[0] ?? 0), ...s.slice(1)]) : segments);
  return { ...map, mappings: encodeMappings(lines) };
}

/**
 * A map from the edited text back to the original, one segment per token start. Stack positions are
 * always token starts, and Node returns a segment's original column as is (no offset arithmetic),
 * so a coarser map would report wrong columns.
 */
export function identityMap(source: string, tokenStarts: ReadonlyArray<readonly [line: number, column: number]>, shifts: ColumnShifts, lineCount: number): RawSourceMap {
  const lines: Segment[][] = Array.from({ length: lineCount }, () => []);
  for (const [line, column] of tokenStarts) lines[line]?.push([shiftColumn(shifts, line, column), 0, line, column]);
  return { version: 3, sources: [source], names: [], mappings: encodeMappings(lines) };
}

const EXTERNAL = /\/\/[#@] sourceMappingURL=([^\s'"]+)\s*$/;

/** The external source map comment at the end of `code` (`//# sourceMappingURL=app.js.map`), if any. */
export function findExternalSourceMap(code: string): { readonly url: string; readonly start: number } | undefined {
  const tail = code.lastIndexOf('sourceMappingURL=');
  if (tail === -1) return undefined;
  const lineStart = code.lastIndexOf('\n', tail) + 1;
  const match = EXTERNAL.exec(code.slice(lineStart));
  if (match === null || match[1] === undefined || match[1].startsWith('data:')) return undefined;
  return { url: match[1], start: lineStart + match.index };
}

/**
 * An external map read from `mapUrl`, made ready to be inlined into the file it maps: its sources
 * become absolute (relative ones were relative to the map's own location, which inlining loses).
 */
export function parseExternalMap(text: string, mapUrl: string): RawSourceMap | undefined {
  try {
    const map = JSON.parse(text) as RawSourceMap;
    if (typeof map !== 'object' || map === null || typeof map.mappings !== 'string' || !Array.isArray(map.sources)) return undefined;
    const root = typeof map['sourceRoot'] === 'string' && map['sourceRoot'] !== '' ? `${(map['sourceRoot'] as string).replace(/\/?$/, '/')}` : '';
    const sources = map.sources.map((s) => (typeof s === 'string' ? new URL(root + s, mapUrl).href : s));
    const { sourceRoot: _dropped, ...rest } = map;
    return { ...rest, sources };
  } catch {
    return undefined;
  }
}
