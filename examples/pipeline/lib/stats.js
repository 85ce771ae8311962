'use strict';

// Plain helpers: not annotated themselves, but part of the fingerprint of every cached
// function that calls them.

function mean(values) {
  let sum = 0;
  for (const v of values) sum += v;
  return values.length === 0 ? 0 : sum / values.length;
}

/** The value below which `p` percent of the (sorted) values fall. */
function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length));
  return sorted[index];
}

module.exports = { mean, percentile };
