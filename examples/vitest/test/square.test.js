import { test, expect } from 'vitest';
import { cache } from 'smartcache';

// Code in a test file runs through Vite's module runner even with server.deps.external:
// annotations are not applied here, cache() works as everywhere.
let squares = 0;
const square = cache((n) => {
  squares++;
  return n * n;
}, { name: 'square' });

test('square', () => {
  expect(square(12)).toBe(144);
  // Printed for the example's own test (test/runners.test.mjs): 1 on a first run, 0 after.
  console.log(JSON.stringify({ squares }));
});
