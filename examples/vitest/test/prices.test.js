import { test, expect } from 'vitest';
import { priceTable, computations } from '../src/prices.js';

test('prices in USD', () => {
  expect(priceTable('USD')).toEqual({ 10: 10.8, 20: 21.6, 50: 54 });
  // Printed for the example's own test (test/runners.test.mjs): 1 on a first run, 0 after.
  console.log(JSON.stringify({ cached: typeof priceTable.clear === 'function', computations: computations() }));
});
