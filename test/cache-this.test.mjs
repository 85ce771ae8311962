import test from 'ava';
import { createRequire } from 'node:module';
import { cacheModule, node, project, tempDir } from './fixtures/cache/helpers.mjs';

const require = createRequire(import.meta.url);
const { cache, cacheAnnotated } = require(cacheModule);

test('a function that reads `this` keys on the instance state', (t) => {
  let runs = 0;
  const area = cache(function area(scale) { runs++; return this.w * this.h * scale; }, { dir: tempDir() });
  const a = { w: 2, h: 3, area };
  const b = { w: 4, h: 5, area };
  t.is(a.area(1), 6);
  t.is(b.area(1), 20);
  t.is(a.area(1), 6);
  t.is(runs, 2);
  a.w = 10;
  t.is(a.area(1), 30, 'state changed: recomputed');
  t.is(runs, 3);
  t.true(area.has.call(a, 1), '.has() takes the instance as this');
  t.false(area.has.call({ w: 1, h: 1 }, 1));
});

test('a function that never reads `this` ignores it (a CommonJS export called as a method)', (t) => {
  let runs = 0;
  const exportsLike = { big: new Array(1000).fill('x'), conn: new WeakMap() };
  exportsLike.twice = cache(function twice(x) { runs++; return x * 2; }, { dir: tempDir() });
  t.is(exportsLike.twice(4), 8, 'an unhashable `this` does not matter');
  exportsLike.big.push('y');
  t.is(exportsLike.twice(4), 8);
  t.is(runs, 1);
});

test('an unhashable `this` of a function that reads it names the path', (t) => {
  const f = cache(function uses() { return this.n; }, { dir: tempDir() });
  const error = t.throws(() => f.call({ n: 1, socket: new WeakMap() }));
  t.is(error.code, 'ERR_UNHASHABLE_ARGUMENT');
  t.regex(error.path, /^this\.socket/);
});

test('cacheAnnotated names the function file#qualifiedName (no line, edits above keep entries)', (t) => {
  const dir = project({
    'main.js': (mod) => `
const { cacheAnnotated } = require(${mod});
let runs = 0;
// The inner calls name the outer binding, i.e. the wrapper (as the preload's rewrite arranges).
const fib = cacheAnnotated((n) => { runs++; return n < 2 ? n : fib(n - 1) + fib(n - 2); }, {}, { file: 'src/math.js', line: 12, qualifiedName: 'fib' });
console.log('OUT ' + JSON.stringify({ value: fib(30), runs }));
`,
  });
  const env = { SMARTCACHE_DIR: tempDir(), SMARTCACHE_LOG: '1' };
  const r = node(['main.js'], { cwd: dir, env });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.out, { value: 832040, runs: 31 }, 'recursion through the cache: O(n)');
  t.regex(r.stderr, /^\[smartcache\] miss src\/math\.js#fib /m);
  t.is(typeof cacheAnnotated, 'function');
});
