// One snapshot per process: every value a fingerprint reaches is read once, the first time any
// fingerprint of the process reaches it, and later calls and other functions see that reading.
// lodash used as the program's own code (copied outside node_modules) grows an internal memo
// table (`memoizeCapped`) on each `_.get` with a new path; that must not change fingerprints.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { projectsRemovedAfter, run, write, hits, misses } from './fixtures/contract/project.mjs';

const require = createRequire(import.meta.url);
const lodashFile = require.resolve('lodash/lodash.js');
const newProject = projectsRemovedAfter(test);

function project() {
  const dir = newProject();
  fs.copyFileSync(lodashFile, path.join(dir, 'lodash.js'));
  return dir;
}

test("lodash as user code: _.get called with 'x' then 'y' hits both on the second run", (t) => {
  const dir = project();
  write(dir, 'app.js', `
    const { cache } = require('smartcache');
    const _ = require('./lodash');
    const obj = { a: [{ b: { c: 42 } }] };
    const f = cache((k) => k + _.get(obj, 'a[0].b.c'), { name: 'f' });
    console.log(JSON.stringify([f('x'), f('y')]));
  `);
  const first = run(dir, ['app.js'], { SMARTCACHE_LOG: '1' });
  t.deepEqual(first.json, ['x42', 'y42']);
  const second = run(dir, ['app.js'], { SMARTCACHE_LOG: '1' });
  t.deepEqual(second.json, ['x42', 'y42']);
  t.is(hits(second), 2, second.stderr);
  t.is(misses(second), 0, second.stderr);
});

// What one cached body changes is its own function's doing only: another function reading the
// same table sees it grown (it cannot know the table changes nothing it computes), so later runs
// compute some calls again, until every call hits.
test('two functions over one memo table: every value right on every run, until every call hits', (t) => {
  const dir = project();
  write(dir, 'app.js', `
    const { cache } = require('smartcache');
    const _ = require('./lodash');
    const obj = { a: [{ b: { c: 42 } }], p: { q: 1 } };
    const f = cache((k) => k + _.get(obj, 'a[0].b.c'), { name: 'f' });
    const g = cache((k) => k + _.get(obj, 'p.q'), { name: 'g' });
    const first = [f('x'), g('y'), f('y')];
    // Later, after the synchronous run (the fingerprints settle then): still the same readings.
    setTimeout(() => console.log(JSON.stringify([...first, g('z'), f('z')])), 1);
  `);
  const r1 = run(dir, ['app.js'], { SMARTCACHE_LOG: '1' });
  t.deepEqual(r1.json, ['x42', 'y1', 'y42', 'z1', 'z42']);
  // Every value right on every run, until a run hits every call (and the next one too).
  let all = false;
  for (let i = 0; i < 8 && !all; i++) {
    const r = run(dir, ['app.js'], { SMARTCACHE_LOG: '1' });
    t.deepEqual(r.json, ['x42', 'y1', 'y42', 'z1', 'z42']);
    all = hits(r) === 5;
  }
  t.true(all, 'every call hits within eight runs');
  const last = run(dir, ['app.js'], { SMARTCACHE_LOG: '1' });
  t.is(hits(last), 5, last.stderr);
  t.is(misses(last), 0, last.stderr);
});

test('a binding still unset at the first call is read again, the others keep their first reading', (t) => {
  const dir = project();
  write(dir, 'app.js', `
    const { cache } = require('smartcache');
    const memo = new Map();
    function lookup(k) { if (!memo.has(k)) memo.set(k, k.toUpperCase()); return memo.get(k) + SUFFIX; }
    const f = cache(function f(k) { return lookup(k); }, { name: 'f' });
    const out = [f('a')];          // SUFFIX is still undefined here (hoisted var)
    var SUFFIX = process.env.SUFFIX;
    out.push(f('b'));
    setTimeout(() => { out.push(f('c')); console.log(JSON.stringify(out)); }, 1);
  `);
  const r1 = run(dir, ['app.js'], { SMARTCACHE_LOG: '1', SUFFIX: '!' });
  t.deepEqual(r1.json, ['Aundefined', 'B!', 'C!']);
  const r2 = run(dir, ['app.js'], { SMARTCACHE_LOG: '1', SUFFIX: '!' });
  t.deepEqual(r2.json, ['Aundefined', 'B!', 'C!']);
  // 'b' and 'c' hit although `memo` grew between the calls (a hit does not run the body, so on
  // this run it did not grow): their fingerprints hold the reading taken at the first call.
  t.is(hits(r2), 3, r2.stderr);
  const r3 = run(dir, ['app.js'], { SMARTCACHE_LOG: '1', SUFFIX: '?' });
  t.deepEqual(r3.json, ['Aundefined', 'B?', 'C?'], r3.stderr);
});
