'use strict';
const { seeded } = require('./random');

const PRODUCTS = ['  oak  table', 'Walnut Chair', 'pine shelf ', 'OAK TABLE', 'birch  desk', 'walnut chair', 'Maple Bench', 'pine Shelf'];

/**
 * Generates the orders of a dataset. Stands in for loading and cleaning a large export.
 * @cache
 */
function loadOrders({ seed, count }) {
  const random = seeded(seed);
  const orders = [];
  for (let id = 0; id < count; id++) {
    orders.push({
      id,
      customer: `C${Math.floor(random() * 2000)}`,
      product: PRODUCTS[Math.floor(random() * PRODUCTS.length)],
      quantity: 1 + Math.floor(random() * 5),
      unitPrice: Math.round(2000 + random() * 50_000) / 100,
      day: Math.floor(random() * 365),
    });
  }
  return orders;
}

module.exports = { loadOrders };
