'use strict';
// One adapter per tool, each used the way its README shows, with its documented defaults.
// `open(dir)` resolves to `{ call(i), async }`: call(i) returns the result for key i (a Promise
// when `async`). Every tool stores under `dir`, a fresh folder on the same filesystem.
const fs = require('node:fs');
const path = require('node:path');
const { sample, argsFor } = require('./work');
const { loadSmartcache } = require('../lib/smartcache');

const adapters = {
  /** The bare call: what every overhead is measured against. */
  uncached: {
    label: 'uncached call',
    async open() {
      return { async: false, call: (i) => sample(...argsFor(i)) };
    },
  },

  smartcache: {
    label: 'smartcache',
    persists: true,
    async open(dir, { memory } = {}) {
      const { cache } = loadSmartcache();
      const options = { dir, name: 'sample' };
      if (memory !== undefined) options.memory = memory;
      const cached = cache(sample, options);
      return { async: false, call: (i) => cached(...argsFor(i)) };
    },
  },

  /** The floor of an in-memory layer: a Map from a joined primitive key to the result. */
  map: {
    label: 'plain Map',
    async open() {
      const map = new Map();
      function call(i) {
        const args = argsFor(i);
        const key = args.join('\u0000');
        let value = map.get(key);
        if (value === undefined) map.set(key, (value = sample(...args)));
        return value;
      }
      return { async: false, call };
    },
  },

  /** memoizee: in memory only, default options (strict argument comparison, no limit). */
  memoizee: {
    label: 'memoizee',
    async open() {
      const memoize = require('memoizee');
      const cached = memoize(sample);
      return { async: false, call: (i) => cached(...argsFor(i)) };
    },
  },

  /** memoize-fs: disk only, one JSON file per call, always async (its README). ESM-only package. */
  'memoize-fs': {
    label: 'memoize-fs',
    persists: true,
    async open(dir) {
      const { default: memoizeFs } = await import('memoize-fs');
      const memoizer = memoizeFs({ cachePath: dir });
      const cached = await memoizer.fn(sample);
      return { async: true, call: (i) => cached(...argsFor(i)) };
    },
  },

  /**
   * cacache with a hand-made key (what a user of a content cache writes): get, and on ENOENT
   * compute + put. Values as JSON, the same encoding memoize-fs uses. Defaults: no memoization.
   */
  cacache: {
    label: 'cacache (hand-made keys)',
    persists: true,
    async open(dir) {
      const cacache = require('cacache');
      async function call(i) {
        const args = argsFor(i);
        const key = `sample:${JSON.stringify(args)}`;
        try {
          const { data } = await cacache.get(dir, key);
          return JSON.parse(data.toString('utf8'));
        } catch (error) {
          if (error.code !== 'ENOENT') throw error;
          const value = sample(...args);
          await cacache.put(dir, key, JSON.stringify(value));
          return value;
        }
      }
      return { async: true, call };
    },
  },

  /**
   * The floor: readFileSync of one small file per key, nothing else (no hashing, no decoding).
   * "Miss" writes the file with writeFileSync, so the floor of a miss is one bare small write.
   */
  floor: {
    label: 'readFileSync floor',
    persists: true,
    async open(dir) {
      fs.mkdirSync(dir, { recursive: true });
      const file = (i) => path.join(dir, `${i}.json`);
      function call(i) {
        try {
          return fs.readFileSync(file(i));
        } catch (error) {
          if (error.code !== 'ENOENT') throw error;
          const value = sample(...argsFor(i));
          fs.writeFileSync(file(i), JSON.stringify(value));
          return value;
        }
      }
      return { async: false, call };
    },
  },
};

module.exports = { adapters };
