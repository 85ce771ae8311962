'use strict';
// Code under test: the annotated function is cached when the tests run with the preload.
let computed = 0;

/** @cache */
function priceTable(currency) {
  computed++; // counts real computations, so the test can show a second run computes nothing
  const rates = { EUR: 1, USD: 1.08, GBP: 0.86 };
  return Object.fromEntries([10, 20, 50].map((p) => [p, Math.round(p * rates[currency] * 100) / 100]));
}

module.exports = { priceTable, computations: () => computed };
