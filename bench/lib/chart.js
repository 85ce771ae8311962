'use strict';
// A small self-made SVG bar chart (no external service, no dependency): one panel per group of
// rows, horizontal bars on a log scale (the values span 5 orders of magnitude), each bar labelled
// with its value and its ratio to the panel's reference bar. Rows opt in with
// `chart: { panel, label, ref?, highlight? }` (or a list of them: one bar in several panels).
const { formatValue } = require('./units');

const WIDTH = 820;
const LABEL_W = 250;
const BAR_W = 390;
const BAR_H = 18;
const GAP = 6;
const FONT = "font-family='system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif'";

function esc(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** Panels in first-seen order: `[{ title, bars: [{ label, value, unit, ref, highlight }] }]`. */
function panelsOf(rows) {
  const panels = new Map();
  for (const row of rows) {
    if (!row.chart || typeof row.value !== 'number' || !(row.value > 0)) continue;
    for (const tag of [row.chart].flat()) {
      if (!panels.has(tag.panel)) panels.set(tag.panel, { title: tag.panel, bars: [] });
      panels.get(tag.panel).bars.push({ label: tag.label, value: row.value, unit: row.unit, ref: Boolean(tag.ref), highlight: Boolean(tag.highlight) });
    }
  }
  // Shortest bar first: the eye reads the ranking top-down.
  for (const panel of panels.values()) panel.bars.sort((a, b) => a.value - b.value);
  return [...panels.values()];
}

/** "  · 2.55× smartcache": each bar as a multiple of the panel's reference bar. */
function ratioText(bar, ref) {
  if (!ref || bar === ref) return '';
  return `  · ${formatValue(bar.value / ref.value, '×')} ${ref.label}`;
}

function renderPanel(panel, top) {
  const out = [];
  const values = panel.bars.map((b) => b.value);
  // Half a decade of room below the smallest bar, so that it stays visible.
  const lo = 10 ** Math.floor(Math.log10(Math.min(...values)) - 0.5);
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...values)) + 1e-9);
  const decades = Math.max(1, Math.round(Math.log10(hi / lo)));
  const x = (v) => LABEL_W + (Math.log10(v / lo) / decades) * BAR_W;
  const ref = panel.bars.find((b) => b.ref);
  out.push(`<text x='16' y='${top + 14}' font-size='14' font-weight='600' ${FONT}>${esc(panel.title)}</text>`);
  const barsTop = top + 26;
  const height = panel.bars.length * (BAR_H + GAP);
  for (let d = 0; d <= decades; d++) {
    const v = lo * 10 ** d;
    const gx = x(v).toFixed(1);
    out.push(`<line x1='${gx}' y1='${barsTop - 4}' x2='${gx}' y2='${barsTop + height}' stroke='#e5e7eb'/>`);
    out.push(`<text x='${gx}' y='${barsTop + height + 12}' font-size='10' fill='#6b7280' text-anchor='middle' ${FONT}>${esc(formatValue(v, panel.bars[0].unit))}</text>`);
  }
  panel.bars.forEach((bar, i) => {
    const y = barsTop + i * (BAR_H + GAP);
    const w = Math.max(2, x(bar.value) - LABEL_W);
    const fill = bar.highlight ? '#2563eb' : '#9ca3af';
    out.push(`<text x='${LABEL_W - 8}' y='${y + 13}' font-size='12' text-anchor='end' ${FONT}${bar.highlight ? " font-weight='600'" : ''}>${esc(bar.label)}</text>`);
    out.push(`<rect x='${LABEL_W}' y='${y}' width='${w.toFixed(1)}' height='${BAR_H}' rx='2' fill='${fill}'/>`);
    out.push(`<text x='${(LABEL_W + w + 6).toFixed(1)}' y='${y + 13}' font-size='11' ${FONT}>${esc(formatValue(bar.value, bar.unit) + ratioText(bar, ref))}</text>`);
  });
  return { svg: out.join('\n'), height: 26 + height + 30 };
}

/** The whole chart as SVG text; `subtitle` names the machine and the date. */
function renderChart(rows, { title, subtitle }) {
  const parts = [];
  let top = 52;
  for (const panel of panelsOf(rows)) {
    const { svg, height } = renderPanel(panel, top);
    parts.push(svg);
    top += height + 8;
  }
  if (parts.length === 0) {
    parts.push(`<text x='16' y='${top + 14}' font-size='12' ${FONT}>No headline figures were measured in this run.</text>`);
    top += 30;
  }
  const head = [
    `<text x='16' y='22' font-size='16' font-weight='700' ${FONT}>${esc(title)}</text>`,
    `<text x='16' y='40' font-size='11' fill='#4b5563' ${FONT}>${esc(subtitle)}</text>`,
  ];
  return [
    `<svg xmlns='http://www.w3.org/2000/svg' width='${WIDTH}' height='${top}' viewBox='0 0 ${WIDTH} ${top}' role='img'>`,
    `<title>${esc(title)}</title>`,
    `<rect width='100%' height='100%' fill='#ffffff'/>`,
    ...head,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

module.exports = { renderChart, panelsOf };
