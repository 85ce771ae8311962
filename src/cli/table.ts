import { visibleLength } from './output';

export interface Column {
  readonly header: string;
  readonly align?: 'left' | 'right';
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - visibleLength(text)));
  return align === 'right' ? fill + text : text + fill;
}

/**
 * A plain aligned table: header row, then one line per row, columns two spaces apart. No borders,
 * so `grep`/`awk` on the output keep working. The last column is not padded (no trailing blanks).
 */
export function renderTable(columns: readonly Column[], rows: ReadonlyArray<readonly string[]>, header: (t: string) => string = (t) => t): string[] {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => visibleLength(r[i] ?? ''))));
  const line = (cells: readonly string[], decorate: (t: string) => string = (t) => t): string => {
    const parts = columns.map((c, i) => {
      const cell = cells[i] ?? '';
      const last = i === columns.length - 1;
      const align = c.align ?? 'left';
      return decorate(last && align === 'left' ? cell : pad(cell, widths[i] ?? 0, align));
    });
    return parts.join('  ').trimEnd();
  };
  return [line(columns.map((c) => c.header), header), ...rows.map((r) => line(r))];
}
