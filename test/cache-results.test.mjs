// Results a hit could not reproduce exactly are returned uncached (one warning), never stored
// altered, and no result shape can make a call fail that works without the cache.
import test from 'ava';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { installedProject, run, write } from './fixtures/contract/project.mjs';

const program = `
  const { cache } = require('smartcache');
  const out = {};
  const strict = cache(function strict() {
    return new Proxy({ port: 80 }, { get(t, k) { if (k in t) return t[k]; throw new Error('unknown key ' + String(k)); } });
  });
  out.proxy = strict().port;
  const frozen = cache(function frozen() { return Object.freeze({ a: 1 }); });
  out.frozen = Object.isFrozen(frozen());
  const hidden = cache(function hidden() { return Object.defineProperty({ a: 1 }, 'h', { value: 2 }); });
  out.hidden = Object.getOwnPropertyNames(hidden()).join(',');
  const getter = cache(function getter() { return { get g() { return 5; } }; });
  out.getter = typeof Object.getOwnPropertyDescriptor(getter(), 'g').get;
  const throwingThen = cache(function throwingThen() { return { get then() { throw new Error('no'); }, v: 1 }; });
  out.throwingThen = 'ok';
  try { throwingThen(); } catch (e) { out.throwingThen = 'threw: ' + e.message; }
  console.log(JSON.stringify(out));
`;

test('proxies, frozen objects, non-enumerable properties and getters come back exactly, run after run', (t) => {
  const dir = installedProject();
  write(dir, 'r.js', program);
  const expected = { proxy: 80, frozen: true, hidden: 'a,h', getter: 'function', throwingThen: 'ok' };
  const first = run(dir, ['r.js']);
  t.deepEqual(first.json, expected);
  const warnings = first.stderr.split('\n').filter((l) => l.includes('returned uncached'));
  // A frozen object is stored and comes back frozen (codec/tags.ts `Frozen`); the others are refused.
  t.is(warnings.length, 4, first.stderr);
  t.false(warnings.some((l) => l.includes('#frozen')), first.stderr);
  const second = run(dir, ['r.js']);
  t.deepEqual(second.json, expected, second.stderr);
});
