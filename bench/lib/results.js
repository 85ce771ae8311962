'use strict';
// bench/RESULTS.md, rewritten from one run: the machine, every figure with its command and median,
// comparison matrices, and each target met or missed "by N×" (computed, never typed by hand).
// The only sentence a human may have to add is the reason of a miss that no row explains.
const { formatValue, judge, hasTarget } = require('./units');
const { verdictText } = require('./table');

const WHY_PLACEHOLDER = '_why: not explained by the run; a maintainer should add the reason to bench/why.js under this figure\'s name._';

/** The explanation of a missed target: the run's own note, a maintainer's reason, or a placeholder. */
function reasonOf(row, reasons) {
  const parts = [row.note, reasons[row.figure]].filter(Boolean);
  if (!row.explained && !reasons[row.figure]) parts.push(WHY_PLACEHOLDER);
  return parts.join(' ');
}

function cell(text) {
  return String(text ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function table(head, rows) {
  return [`| ${head.map(cell).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

/** Peer × measure matrix for rows that carry `peer` and `measure` (first-seen order kept). */
function matrix(rows) {
  const tagged = rows.filter((r) => r.peer && r.measure && r.measure !== 'ratio');
  if (tagged.length === 0) return '';
  const peers = [...new Set(tagged.map((r) => r.peer))];
  const measures = [...new Set(tagged.map((r) => r.measure))];
  const body = peers.map((p) => [p, ...measures.map((m) => {
    const r = tagged.find((t) => t.peer === p && t.measure === m);
    return r ? formatValue(r.value, r.unit) : '—';
  })]);
  return table(['tool', ...measures.map((m) => `${m} (median)`)], body);
}

function verdictCell(row) {
  const text = verdictText(row);
  if (text === 'met') return '✅ met';
  if (text.startsWith('MISSED')) return `❌ ${text.toLowerCase()}`;
  return text;
}

function targetsSection(sections, reasons) {
  const withTarget = sections.flatMap((s) => s.rows.map((r) => ({ ...r, section: s.title }))).filter(hasTarget);
  if (withTarget.length === 0) return ['No figure of this run carries a target.'];
  const met = withTarget.filter((r) => judge(r).ok === true).length;
  const lines = [`${met} of ${withTarget.length} targets met.`, ''];
  lines.push(table(['figure', 'median', 'target', 'verdict'], withTarget.map((r) => [r.figure, formatValue(r.value, r.unit), r.target, verdictCell(r)])));
  const missed = withTarget.filter((r) => judge(r).ok === false);
  if (missed.length) {
    lines.push('', '### Missed targets: by how much and why', '');
    for (const r of missed) {
      const { factor } = judge(r);
      const by = factor ? `missed by ${formatValue(factor, '×')}` : 'missed';
      lines.push(`- **${r.figure}** (${r.section}): ${formatValue(r.value, r.unit)} against ${r.target}, ${by}. ${reasonOf(r, reasons)}`);
    }
  }
  return lines;
}

function machineTable(m) {
  return table(['CPU', 'cores', 'memory', 'OS', 'Node', 'V8', 'date'], [[m.cpu, m.cores, `${m.memoryGiB} GiB`, m.os, m.node, m.v8, m.date]]);
}

/**
 * Markdown for one run. `run = { machine, quick, command, durationMs, sections, headline, chart,
 * reasons }` where sections are `{ title, rows, notes, skipped? }`, headline is a list of
 * sentences and reasons maps a figure's name to a maintainer's explanation of its miss.
 */
function renderResults(run) {
  const L = [];
  L.push('# smartcache benchmark results', '');
  L.push(`Written by \`${run.command}\` on ${run.machine.date.slice(0, 10)} in ${(run.durationMs / 1000).toFixed(0)} s. Do not edit by hand: the next run rewrites this file.`);
  if (run.quick) L.push('', '> **Quick mode**: fewer rounds, and the large-store figures use a smaller store (named in each row). Run `npm run bench` for the full figures.');
  L.push('', 'Medians of one run on a shared, noisy machine (times per call unless said otherwise). Every figure names the command that measures it; `$DIR` is a fresh temporary folder under the OS temp dir (one filesystem for every tool).', '');
  L.push('## Machine', '', machineTable(run.machine), '');
  L.push('## Headline', '');
  if (run.chart) L.push(`![headline ratios](${run.chart})`, '');
  for (const s of run.headline ?? []) L.push(`- ${s}`);
  L.push('', '## Targets', '', ...targetsSection(run.sections, run.reasons ?? {}), '');
  for (const section of run.sections) {
    L.push(`## ${section.title}`, '');
    if (section.durationMs !== undefined) L.push(`_Measured in ${(section.durationMs / 1000).toFixed(1)} s._`, '');
    if (section.skipped) {
      L.push(`Skipped: ${section.skipped}`, '');
      continue;
    }
    const m = matrix(section.rows);
    if (m) L.push(m, '');
    if (section.rows.length) {
      L.push(table(['figure', 'median', 'target', 'verdict', 'command'], section.rows.map((r) => [r.figure, formatValue(r.value, r.unit), r.target ?? '', verdictCell(r), r.command ? `\`${r.command}\`` : ''])), '');
    }
    for (const n of section.notes ?? []) L.push(`- ${n}`);
    if (section.notes?.length) L.push('');
  }
  // bench/corpus.js runs apart (it takes many minutes); its latest summary is carried over.
  if (run.corpus) L.push(run.corpus.replace(/^# .*\n/, '## Real-code corpus (bench/corpus.js, bench/CORPUS.md)\n'), '');
  return L.join('\n').replace(/\n{3,}/g, '\n\n');
}

module.exports = { renderResults, WHY_PLACEHOLDER };
