// The arithmetic behind bench verdicts: medians, target parsing, "missed by N×" across units.
import test from 'ava';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { median, quantile, significant } = require('../bench/lib/stats.js');
const { parseTarget, judge, formatValue, convert } = require('../bench/lib/units.js');

test('median of odd and even lists, unsorted input left alone', (t) => {
  const input = [5, 1, 3];
  t.is(median(input), 3);
  t.deepEqual(input, [5, 1, 3]);
  t.is(median([4, 1, 3, 2]), 2.5);
  t.throws(() => median([]), { instanceOf: RangeError });
  t.is(quantile([1, 2, 3, 4, 5], 0.25), 2);
});

test('significant digits', (t) => {
  t.is(significant(0.0123456), 0.0123);
  t.is(significant(123456), 123456);
  t.is(significant(1.23456), 1.23);
});

test('targets parse with unicode and ASCII operators', (t) => {
  t.deepEqual(parseTarget('≤ 30 µs'), { op: 'le', limit: 30, unit: 'µs' });
  t.deepEqual(parseTarget('>= 1.5 GB/s'), { op: 'ge', limit: 1.5, unit: 'GB/s' });
  t.deepEqual(parseTarget('≥ 10×'), { op: 'ge', limit: 10, unit: '×' });
  t.deepEqual(parseTarget('≤ 1.2'), { op: 'le', limit: 1.2, unit: '' });
  t.is(parseTarget('as fast as possible'), undefined);
  t.is(parseTarget(undefined), undefined);
});

test('a met target has no factor; a missed one says by how much, converting units', (t) => {
  t.deepEqual(judge({ value: 20, unit: 'µs', target: '≤ 30 µs' }), { ok: true, factor: undefined });
  const late = judge({ value: 0.06, unit: 'ms', target: '≤ 30 µs' });
  t.false(late.ok);
  t.is(Math.round(late.factor * 100) / 100, 2);
  const slow = judge({ value: 4, unit: '×', target: '≥ 10×' });
  t.false(slow.ok);
  t.is(slow.factor, 2.5);
  t.true(judge({ value: 1600, unit: 'MB/s', target: '≥ 1.5 GB/s' }).ok);
});

test('the row\'s own ok wins; incomparable units decide nothing', (t) => {
  t.deepEqual(judge({ value: 1, unit: 'µs', target: '≤ 30 µs', ok: false }), { ok: false, factor: undefined });
  t.is(judge({ value: 1, unit: 'MiB', target: '≤ 30 µs' }).ok, undefined);
  t.is(convert(1, 'ms', 'MB'), undefined);
});

test('values format with units and thousands separators', (t) => {
  t.is(formatValue(0.02345, 'µs'), '0.0235 µs');
  t.is(formatValue(12345.6, 'µs'), '12,346 µs');
  t.is(formatValue(2.5, '×'), '2.5×');
  t.is(formatValue(undefined, 'ms'), '—');
});

test('per-call units compare as times; "reference" rows get no verdict', (t) => {
  t.false(judge({ value: 2, unit: 'µs/call', target: '<= 1.5' }).ok);
  t.true(judge({ value: 1, unit: 'µs/call', target: '≤ 1500 ns' }).ok);
  t.deepEqual(judge({ value: 1, unit: 'µs', target: 'reference', ok: true }), { ok: undefined, factor: undefined });
  t.false(judge({ value: 1, unit: 'µs', target: '<= 0.25 (whole warm hit)', ok: false }).ok);
});
