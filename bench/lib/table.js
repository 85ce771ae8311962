'use strict';
// The terminal table: one block per section, columns padded to fit, verdicts computed from targets.
const { formatValue, judge, hasTarget } = require('./units');

/** "met", "missed by 2.4×", "missed", or "" when the row has no target. */
function verdictText(row) {
  if (!hasTarget(row)) return '';
  const { ok, factor } = judge(row);
  if (ok === true) return 'met';
  if (ok === false) return factor ? `MISSED by ${formatValue(factor, '×')}` : 'MISSED';
  return '?';
}

function pad(text, width, right = false) {
  const len = [...text].length;
  return right ? ' '.repeat(Math.max(0, width - len)) + text : text + ' '.repeat(Math.max(0, width - len));
}

/** Renders `sections: [{ title, rows, skipped? }]` as plain text. */
function renderTable(sections) {
  const lines = [];
  const all = sections.flatMap((s) => s.rows);
  const cols = [
    { head: 'figure', get: (r) => r.figure },
    { head: 'median', get: (r) => formatValue(r.value, r.unit), right: true },
    { head: 'target', get: (r) => (r.target === undefined ? '' : String(r.target)) },
    { head: 'verdict', get: verdictText },
  ];
  const widths = cols.map((c) => Math.max(c.head.length, ...all.map((r) => [...c.get(r)].length)));
  const rule = widths.map((w) => '-'.repeat(w)).join('-+-');
  for (const section of sections) {
    lines.push('', `== ${section.title}`);
    if (section.skipped) {
      lines.push(`   skipped: ${section.skipped}`);
      continue;
    }
    lines.push(cols.map((c, i) => pad(c.head, widths[i], c.right)).join(' | '), rule);
    for (const row of section.rows) lines.push(cols.map((c, i) => pad(c.get(row), widths[i], c.right)).join(' | '));
    for (const n of section.notes ?? []) lines.push(`   note: ${n}`);
  }
  return lines.join('\n') + '\n';
}

module.exports = { renderTable, verdictText };
