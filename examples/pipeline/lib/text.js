'use strict';

/** `  oak  table` and `OAK TABLE` are the same product: trim, squeeze spaces, title case. */
function normalizeName(name) {
  return name
    .trim()
    .replace(/\s+/g, ' ')
    .toLowerCase()
    .replace(/\b\w/g, (c) => c.toUpperCase());
}

module.exports = { normalizeName };
