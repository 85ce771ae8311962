'use strict';
const { loadOrders } = require('./orders');
const { normalizeName } = require('./text');
const { roundCents } = require('./money');
const { mean, percentile } = require('./stats');

/**
 * Revenue per customer, largest first.
 * @cache
 */
function customerTotals(dataset) {
  const totals = new Map();
  for (const o of loadOrders(dataset)) totals.set(o.customer, (totals.get(o.customer) ?? 0) + o.quantity * o.unitPrice);
  return [...totals].map(([customer, total]) => ({ customer, total: roundCents(total) })).sort((a, b) => b.total - a.total);
}

/**
 * Units sold per product, after merging spellings of the same product.
 * @cache
 */
function topProducts(dataset, n) {
  const units = new Map();
  for (const o of loadOrders(dataset)) {
    const name = normalizeName(o.product);
    units.set(name, (units.get(name) ?? 0) + o.quantity);
  }
  return [...units].map(([name, count]) => ({ name, units: count })).sort((a, b) => b.units - a.units).slice(0, n);
}

/**
 * Mean, median and 95th percentile of unit prices.
 * @cache
 */
function priceStats(dataset) {
  const prices = loadOrders(dataset).map((o) => o.unitPrice).sort((a, b) => a - b);
  return { mean: mean(prices), median: percentile(prices, 50), p95: percentile(prices, 95) };
}

module.exports = { customerTotals, topProducts, priceStats };
