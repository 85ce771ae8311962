// An async cached function reports the library's own errors the way an async function reports
// any error: as a rejection, never as a synchronous throw at the call (red team 3). A caller
// using `.catch()` or `.then(ok, fail)` would otherwise crash on an unhashable argument or, with
// `strict`, on an unusable cache root.
import test from 'ava';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cache, SmartCacheError } from '../dist/index.js';

function tempDir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-async-errors-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function callOf(fn, ...args) {
  try {
    return { returned: fn(...args) };
  } catch (error) {
    return { thrown: error };
  }
}

test('an unhashable argument of an async function rejects with ERR_UNHASHABLE_ARGUMENT', async (t) => {
  const f = cache(async function asyncUnhashable(x) { return 1; }, { dir: tempDir(t) });
  const r = callOf(f, Symbol('local'));
  t.is(r.thrown, undefined, String(r.thrown));
  t.true(r.returned instanceof Promise);
  const error = await t.throwsAsync(r.returned, { instanceOf: SmartCacheError });
  t.is(error.code, 'ERR_UNHASHABLE_ARGUMENT');
});

test('strict: a cache root that cannot be created rejects the async call instead of throwing', async (t) => {
  const blocker = path.join(tempDir(t), 'a-file');
  fs.writeFileSync(blocker, 'not a folder');
  const f = cache(async function asyncStrict(x) { return x; }, { dir: blocker, strict: true });
  const r = callOf(f, 1);
  t.is(r.thrown, undefined, String(r.thrown));
  const error = await t.throwsAsync(r.returned, { instanceOf: SmartCacheError });
  t.regex(error.code, /^ERR_/);
});

test('sync functions still throw synchronously, and async ones still resolve and hit', async (t) => {
  const dir = tempDir(t);
  const s = cache(function syncUnhashable(x) { return 1; }, { dir });
  t.throws(() => s(Symbol('local')), { instanceOf: SmartCacheError });
  let runs = 0;
  const a = cache(async function asyncFine(x) { runs++; return x * 2; }, { dir });
  t.is(await a(21), 42);
  t.is(await a(21), 42);
  t.is(runs, 1);
});
