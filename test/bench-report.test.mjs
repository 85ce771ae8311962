// What a bench run writes: the terminal table, RESULTS.md (targets judged, misses explained or
// flagged for a human), and the SVG chart.
import test from 'ava';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { renderTable } = require('../bench/lib/table.js');
const { renderResults, WHY_PLACEHOLDER } = require('../bench/lib/results.js');
const { renderChart, panelsOf } = require('../bench/lib/chart.js');
const { normalize } = require('../bench/lib/sections.js');

const machine = { cpu: 'Test CPU', cores: 2, memoryGiB: 4, os: 'Linux', node: 'v20.0.0', v8: '11', date: '2025-01-02T03:04:05.000Z' };
const rows = [
  { figure: 'cold hit: smartcache', command: 'node x.js', value: 12, unit: 'µs', target: '≤ 30 µs', peer: 'smartcache', measure: 'cold hit', chart: { panel: 'Cold', label: 'smartcache', ref: true, highlight: true } },
  { figure: 'cold hit: memoize-fs', command: 'node y.js', value: 300, unit: 'µs', peer: 'memoize-fs', measure: 'cold hit', chart: { panel: 'Cold', label: 'memoize-fs <fs>' } },
  { figure: 'memoize-fs ÷ smartcache', command: 'node z.js', value: 4, unit: '×', target: '≥ 10×', measure: 'ratio' },
  { figure: 'miss explained', command: 'node w.js', value: 200, unit: 'µs', target: '≤ 100 µs', note: 'the disk is slow.', explained: true },
];

test('the table shows verdicts, missed by how much', (t) => {
  const text = renderTable([{ title: 'peers', rows, notes: ['a note'] }, { title: 'gone', rows: [], skipped: 'bench/x.js does not exist yet' }]);
  t.regex(text, /cold hit: smartcache\s+\|\s+12 µs \| ≤ 30 µs\s+\| met/);
  t.regex(text, /MISSED by 2\.5×/);
  t.regex(text, /skipped: bench\/x\.js does not exist yet/);
  t.regex(text, /note: a note/);
});

test('RESULTS.md: machine, matrix, targets, a reason or a placeholder for each miss', (t) => {
  const md = renderResults({ machine, quick: true, command: 'npm run bench -- --quick', durationMs: 61_000, sections: [{ title: 'Peers', rows, notes: [] }], headline: ['x: **1×**'], chart: 'chart.svg' });
  t.regex(md, /\| Test CPU \| 2 \| 4 GiB \|/);
  t.regex(md, /Quick mode/);
  t.regex(md, /1 of 3 targets met/);
  t.regex(md, /\| tool \| cold hit \(median\) \|/);
  t.regex(md, /\*\*memoize-fs ÷ smartcache\*\* \(Peers\): 4× against ≥ 10×, missed by 2\.5×\. _why/);
  t.true(md.includes(`missed by 2×. the disk is slow.`));
  t.is(md.split(WHY_PLACEHOLDER).length - 1, 1);
  const explained = renderResults({ machine, quick: false, command: 'c', durationMs: 1, sections: [{ title: 'P', rows, notes: [] }], reasons: { 'memoize-fs ÷ smartcache': 'Because.' } });
  t.true(explained.includes('missed by 2.5×. Because.'));
  t.false(explained.includes(WHY_PLACEHOLDER));
  t.regex(md, /!\[headline ratios\]\(chart\.svg\)/);
});

test('the chart: one bar per charted row, sorted, escaped, ratios to the reference', (t) => {
  const svg = renderChart(rows, { title: 'T & co', subtitle: 's' });
  t.true(svg.startsWith("<svg xmlns='http://www.w3.org/2000/svg'"));
  t.is((svg.match(/<rect x=/g) ?? []).length, 2);
  t.true(svg.includes('memoize-fs &lt;fs&gt;'));
  t.true(svg.includes('T &amp; co'));
  t.true(svg.includes('300 µs  · 25× smartcache'));
  t.deepEqual(panelsOf(rows)[0].bars.map((b) => b.label), ['smartcache', 'memoize-fs <fs>']);
  t.regex(renderChart([], { title: 't', subtitle: 's' }), /No headline figures/);
});

test('run() results are normalized: arrays, { rows, notes }, malformed rows noted', (t) => {
  t.is(normalize('a', [rows[0]]).rows.length, 1);
  const n = normalize('b', { rows: [rows[0], { nope: 1 }], notes: ['n'] });
  t.is(n.rows.length, 1);
  t.deepEqual(n.notes, ['n', '1 malformed row(s) ignored']);
});

test('one row may draw a bar in several panels', (t) => {
  const shared = { figure: 'node -e 0', value: 50, unit: 'ms', chart: [{ panel: 'A', label: 'node -e 0', ref: true }, { panel: 'B', label: 'node -e 0', ref: true }] };
  const a = { figure: 'a', value: 100, unit: 'ms', chart: { panel: 'A', label: 'a' } };
  const panels = panelsOf([shared, a]);
  t.deepEqual(panels.map((p) => [p.title, p.bars.length]), [['A', 2], ['B', 1]]);
  t.true(renderChart([shared, a], { title: 't', subtitle: 's' }).includes('100 ms  · 2× node -e 0'));
});
