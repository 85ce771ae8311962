// Only functions that return a real Promise (every async function does) take the async path. A
// sync function's thenable result (a lazy query builder) is its value: never awaited.
import test from 'ava';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cache } from '../dist/index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-thenable-'));
test.after.always(() => fs.rmSync(dir, { recursive: true, force: true }));

class Query {
  constructor(table) {
    this.table = table;
    this.clauses = [];
  }
  where(clause) {
    this.clauses.push(clause);
    return this;
  }
  // Running the query: only when the caller awaits it.
  then(resolve) {
    executed++;
    resolve([`rows of ${this.table} where ${this.clauses.join(' and ')}`]);
  }
}
let executed = 0;

test('a sync function returning a thenable gets it back as is, not awaited, not a Promise', async (t) => {
  const query = cache(function query(table) { return new Query(table); }, { name: 'query-builder', dir });
  const q = query('users');
  t.false(q instanceof Promise);
  t.true(q instanceof Query);
  t.is(executed, 0, 'the query did not run');
  t.is(q.where('age > 3'), q);
  t.deepEqual(await q, ['rows of users where age > 3']);
  t.is(executed, 1);
  // Again: still the builder (not storable as a value: returned uncached, never a stale one).
  t.true(query('users') instanceof Query);
  t.is(executed, 1);
});

test('async functions and functions returning a real Promise still share the async path', async (t) => {
  let runs = 0;
  const viaAsync = cache(async function viaAsync(x) { runs++; return x + 1; }, { name: 'thenable-async', dir });
  const viaPromise = cache(function viaPromise(x) { runs++; return Promise.resolve(x + 2); }, { name: 'thenable-promise', dir });
  t.true(viaAsync(1) instanceof Promise);
  t.is(await viaAsync(1), 2);
  t.is(await viaPromise(1), 3);
  t.is(await viaPromise(1), 3);
  t.is(runs, 2);
});
