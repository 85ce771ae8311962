'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { priceTable, computations } = require('../src/prices.js');

test('prices in USD', () => {
  assert.deepStrictEqual(priceTable('USD'), { 10: 10.8, 20: 21.6, 50: 54 });
  // Printed for the example's own test (test/runners.test.mjs): 1 on a first run, 0 after.
  console.log(JSON.stringify({ cached: typeof priceTable.clear === 'function', computations: computations() }));
});
