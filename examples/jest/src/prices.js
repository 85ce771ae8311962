'use strict';
const { cache } = require('smartcache');
// jest runs every module in its own registry, which Node's module hooks (smartcache/register)
// never see: `/** @cache */` is not applied under jest. cache() works there.
let computed = 0;

const priceTable = cache(function priceTable(currency) {
  computed++; // counts real computations, so the test can show a second run computes nothing
  const rates = { EUR: 1, USD: 1.08, GBP: 0.86 };
  return Object.fromEntries([10, 20, 50].map((p) => [p, Math.round(p * rates[currency] * 100) / 100]));
});

module.exports = { priceTable, computations: () => computed };
