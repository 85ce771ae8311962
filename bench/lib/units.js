'use strict';
// Units of bench rows, and targets written as text ("≤ 30 µs", "≥ 10×", "≥ 1.5 GB/s") turned into
// comparisons, so RESULTS.md can say "missed by 2.4×" without a human doing the arithmetic.
const { significant } = require('./stats');

// Every unit a row may use, as a factor to its family's base unit.
const FAMILIES = {
  time: { ns: 1, 'µs': 1e3, us: 1e3, ms: 1e6, s: 1e9 },
  throughput: { 'B/s': 1, 'KB/s': 1e3, 'MB/s': 1e6, 'GB/s': 1e9 },
  size: { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 },
  ratio: { '×': 1, x: 1, '': 1 },
  rate: { 'ops/s': 1, 'calls/s': 1 },
};

/** `{ family, factor }` of a unit, or undefined when unknown (then values are compared as-is). */
function unitInfo(unit) {
  // "µs/call", "ms/op": a per-call time is still a time.
  const u = (unit ?? '').trim().replace(/\/(call|op|entry|read|write)$/, '');
  for (const [family, table] of Object.entries(FAMILIES)) {
    if (Object.prototype.hasOwnProperty.call(table, u)) return { family, factor: table[u] };
  }
  return undefined;
}

/** Converts `value` from one unit to another of the same family; undefined when not comparable. */
function convert(value, from, to) {
  const a = unitInfo(from);
  const b = unitInfo(to);
  if (!a || !b) return (from ?? '').trim() === (to ?? '').trim() ? value : undefined;
  if (a.family !== b.family) return undefined;
  return (value * a.factor) / b.factor;
}

const OPS = { '≤': 'le', '<=': 'le', '<': 'le', '≥': 'ge', '>=': 'ge', '>': 'ge' };
const TARGET_RE = /^\s*(≤|<=|<|≥|>=|>)\s*([0-9][0-9_,]*(?:\.[0-9]+)?)\s*(.*?)\s*$/u;

/**
 * Parses a target like "≤ 30 µs", "≥ 10×", "≤ 1.2". Returns `{ op: 'le'|'ge', limit, unit }`, or
 * undefined for free text (then the row's own `ok` is the only verdict).
 */
function parseTarget(target) {
  if (typeof target !== 'string') return undefined;
  const m = TARGET_RE.exec(target);
  if (!m) return undefined;
  const limit = Number(m[2].replace(/[_,]/g, ''));
  return Number.isFinite(limit) ? { op: OPS[m[1]], limit, unit: m[3] } : undefined;
}

/**
 * Verdict of a row against its target: `{ ok, factor }` where `factor` (>= 1) says by how much a
 * missed target is missed ("missed by 2.4×"); ok is undefined when nothing can be decided.
 */
/** True for a target that is only a label ("reference", "ref."): no verdict, not counted. */
function isReferenceOnly(target) {
  return typeof target === 'string' && /^\s*ref(erence)?\b/i.test(target);
}

/** True when the row carries a target that deserves a verdict. */
function hasTarget(row) {
  return row.target !== undefined && row.target !== null && row.target !== '' && !isReferenceOnly(row.target);
}

function judge(row) {
  if (!hasTarget(row)) return { ok: undefined, factor: undefined };
  const parsed = parseTarget(row.target);
  let computed;
  if (parsed && typeof row.value === 'number' && Number.isFinite(row.value)) {
    const unit = parsed.unit === '' ? row.unit : parsed.unit;
    const value = convert(row.value, row.unit, unit);
    if (value !== undefined && value > 0 && parsed.limit > 0) {
      const ok = parsed.op === 'le' ? value <= parsed.limit : value >= parsed.limit;
      const factor = parsed.op === 'le' ? value / parsed.limit : parsed.limit / value;
      computed = { ok, factor: ok ? undefined : factor };
    }
  }
  const ok = typeof row.ok === 'boolean' ? row.ok : computed?.ok;
  return { ok, factor: ok === false ? computed?.factor : undefined };
}

/** "1.23 µs", "42 ms", "1,234 MB/s", "12.3×". */
function formatValue(value, unit) {
  if (typeof value !== 'number') return String(value ?? '—');
  if (!Number.isFinite(value)) return String(value);
  const rounded = significant(value, 3);
  const text = Math.abs(rounded) >= 1000 ? Math.round(rounded).toLocaleString('en-US') : String(rounded);
  if (!unit) return text;
  return unit === '×' || unit === 'x' ? `${text}×` : `${text} ${unit}`;
}

/** Picks a readable time unit for a value in nanoseconds. */
function humanTime(ns) {
  if (ns >= 1e9) return { value: ns / 1e9, unit: 's' };
  if (ns >= 1e6) return { value: ns / 1e6, unit: 'ms' };
  if (ns >= 1e3) return { value: ns / 1e3, unit: 'µs' };
  return { value: ns, unit: 'ns' };
}

module.exports = { unitInfo, convert, parseTarget, judge, hasTarget, formatValue, humanTime };
