'use strict';
// A sales report over generated orders. The slow steps are annotated with /** @cache */ (see
// lib/reports.js, lib/orders.js, lib/forecast.js); run it with
//   node --require smartcache/register main.js
// and the second run reads every annotated result from the cache.
const { customerTotals, topProducts, priceStats } = require('./lib/reports');
const { seasonalIndex } = require('./lib/forecast');

const dataset = { seed: 42, count: 150_000 };

const customers = customerTotals(dataset);
const products = topProducts(dataset, 5);
const prices = priceStats(dataset);
const season = seasonalIndex(37);

console.log(`orders: ${dataset.count}, customers: ${customers.length}`);
console.log(`best customer: ${customers[0].customer} (${customers[0].total.toFixed(2)})`);
console.log(`top products: ${products.map((p) => `${p.name} ×${p.units}`).join(', ')}`);
console.log(`price: mean ${prices.mean.toFixed(2)}, median ${prices.median.toFixed(2)}, p95 ${prices.p95.toFixed(2)}`);
console.log(`seasonal index: ${season}`);
