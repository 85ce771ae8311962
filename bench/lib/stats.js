'use strict';
// Small statistics helpers. Medians, not means: the bench machines are shared and noisy, and one
// descheduled round should not move a figure.

/** Median of a non-empty list of numbers (mean of the middle two for even lengths). */
function median(values) {
  if (values.length === 0) throw new RangeError('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** q-quantile (0..1) by linear interpolation; used for the spread shown beside a median. */
function quantile(values, q) {
  if (values.length === 0) throw new RangeError('quantile of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Rounds to `digits` significant digits, keeping integers >= 10^digits whole. */
function significant(value, digits = 3) {
  if (!Number.isFinite(value) || value === 0) return value;
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  if (magnitude >= digits - 1) return Math.round(value);
  const factor = 10 ** (digits - 1 - magnitude);
  return Math.round(value * factor) / factor;
}

module.exports = { median, quantile, significant };
