'use strict';

/**
 * A deliberately naive recursive model (think: a slow pure computation). Uncached it makes
 * about 2·fib(n) calls; cached, every n is computed once and later runs read the result.
 * @cache
 */
function seasonalIndex(n) {
  return n < 2 ? n : seasonalIndex(n - 1) + seasonalIndex(n - 2);
}

module.exports = { seasonalIndex };
