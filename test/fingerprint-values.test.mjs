// In-process checks of the walk on live values (no edit across runs here: that is
// fingerprint-edits.test.mjs): visiting order, memoization, special values, package policy,
// the size guard. Each case builds fresh functions so memoization cannot hide a difference.
import test from 'ava';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const fpm = require(path.resolve(here, '..', 'dist', 'fingerprint', 'index.js'));
const { fingerprint, explain, resetFingerprints, configureFingerprints } = fpm;
const { setWarningSink } = require(path.resolve(here, '..', 'dist', 'warn.js'));

// `new Function` code sees only globals, so values are passed in through a factory.
const make = (params, body, ...values) => new Function(...params, body)(...values);

test('a cycle gets the same fingerprints whichever member is fingerprinted first', (t) => {
  const pair = () => make([], 'function isEven(n) { return n === 0 || isOdd(n - 1); } function isOdd(n) { return n !== 0 && isEven(n - 1); } return { isEven, isOdd };');
  const { isEven, isOdd } = pair();
  resetFingerprints();
  const evenFirst = [fingerprint(isEven), fingerprint(isOdd)];
  resetFingerprints();
  const odd = fingerprint(isOdd);
  const even = fingerprint(isEven);
  t.deepEqual([even, odd], evenFirst);
  t.not(even, odd);
  // Another copy of the same code (new closures): same content, same fingerprints.
  const copy = pair();
  t.deepEqual([fingerprint(copy.isOdd), fingerprint(copy.isEven)], [odd, even]);
});

/** Inspector posts made while `body` runs. */
function countPosts(body) {
  const inspector = require('node:inspector');
  const post = inspector.Session.prototype.post;
  let posts = 0;
  inspector.Session.prototype.post = function counted(...args) {
    posts++;
    return post.apply(this, args);
  };
  try {
    body();
  } finally {
    inspector.Session.prototype.post = post;
  }
  return posts;
}

test('repeat requests are memoized: no inspector round trip after the first', (t) => {
  // Counted, not timed: a busy machine must not fail this, and a memo that still asked the
  // inspector would show up as posts however fast they were. A file whose text never assigns
  // `k` proves the binding keeps its value: nothing to read again (src/fingerprint/watch.ts).
  // The text compiled for the file is recorded (as the cache layer and the preload do).
  require(path.resolve(here, '..', 'dist', 'compiled-sources.js')).recordCompiledSources();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-values-'));
  const file = path.join(dir, 'factory.js');
  fs.writeFileSync(file, 'module.exports = (k) => function f(x) { return x * k; };\n');
  const f = require(file)(3);
  const first = fingerprint(f);
  t.is(countPosts(() => {
    for (let i = 0; i < 1000; i++) t.is(fingerprint(f), first);
  }), 0);
  // Code without a file (`new Function`) proves nothing: its captured bindings are read again on
  // each request (a scope read, never a walk), and a change is seen.
  const counter = make([], 'let k = 3; return { f: function f(x) { return x * k; }, set(v) { k = v; } };');
  const before = fingerprint(counter.f);
  const walks = fpm.proofCounters().walked;
  t.true(countPosts(() => t.is(fingerprint(counter.f), before)) > 0);
  t.is(fpm.proofCounters().walked, walks);
  counter.set(4);
  t.not(fingerprint(counter.f), before);
  counter.set(3);
  t.is(fingerprint(counter.f), before);
});

test('closure values count: same code, different captured value, different fingerprint', (t) => {
  const factory = make([], 'return function times(k) { return (x) => x * k; };');
  t.not(fingerprint(factory(3)), fingerprint(factory(4)));
  t.is(fingerprint(factory(3)), fingerprint(factory(3)));
});

test('special values: symbols, Map keys, typed arrays, proxies, opaque state', (t) => {
  const fp = (value) => fingerprint(make(['v'], 'return function f() { return v; };', value));
  t.not(fp(Symbol.for('a')), fp(Symbol.for('b')));
  t.not(fp(Symbol.iterator), fp(Symbol.asyncIterator));
  t.not(fp(new Map([[{ k: 1 }, 1]])), fp(new Map([[{ k: 2 }, 1]])));
  t.not(fp(new Float64Array([1, 2])), fp(new Float64Array([1, 3])));
  t.not(fp(new Uint8Array([1, 2])), fp(new Int8Array([1, 2])));
  t.not(fp(new Proxy({ a: 1 }, {})), fp(new Proxy({ a: 2 }, {})));
  t.is(fp(new WeakMap()), fp(new WeakMap()));
  t.not(fp(1), fp('1'));
  t.not(fp(0), fp(-0));
  t.not(fp(null), fp(undefined));
  t.not(fp([1, , 3]), fp([1, undefined, 3]));
  t.not(fp({ a: 1, b: 2 }), fp({ b: 2, a: 1 }), 'key order is content (code may iterate it)');
});

test('a value reaching more entities than the guard allows always misses, with a warning', (t) => {
  const lines = [];
  const previous = setWarningSink((line) => lines.push(line));
  t.teardown(() => setWarningSink(previous));
  const huge = Array.from({ length: 210000 }, (_, i) => ({ i }));
  const f = make(['v'], 'return function reachesState() { return v.map((o) => o.i); };', huge);
  const e = explain(f);
  t.true(e.dynamic.some((d) => d.includes('always misses')));
  t.true(lines.some((l) => l.includes('reachesState') && l.includes('always misses')));
});

test('package policy: by name@version by default, walked as source when configured', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smartcache-fp-policy-'));
  t.teardown(() => {
    configureFingerprints({ packages: 'version' });
    fs.rmSync(dir, { recursive: true, force: true });
  });
  fs.mkdirSync(path.join(dir, 'node_modules', 'tiny'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'node_modules', 'tiny', 'package.json'), '{"name":"tiny","version":"2.0.0"}');
  fs.writeFileSync(path.join(dir, 'node_modules', 'tiny', 'index.js'), 'const K = 2;\nexports.double = function double(x) { return x * K; };\n');
  const tiny = require(path.join(dir, 'node_modules', 'tiny', 'index.js'));
  const f = make(['tiny'], 'return function usesTiny(x) { return tiny.double(x); };', tiny);
  const byVersion = explain(f).root.children[0];
  t.is(byVersion.kind, 'package');
  t.is(byVersion.hash, 'tiny@2.0.0');
  configureFingerprints({ packages: 'source' });
  const walked = explain(f).root.children[0];
  t.is(walked.kind, 'module');
  t.is(walked.children[0].kind, 'function');
  t.is(walked.children[0].children[0].name, 'K');
});

test('a non-function is refused with a SmartCacheError', (t) => {
  const error = t.throws(() => fingerprint({}));
  t.is(error.code, 'ERR_UNSUPPORTED_FUNCTION');
});

test('a large typed array counts by its bytes and its named members, without listing every index', (t) => {
  // Past 2,048 elements the named members come from the inspector's non-index listing
  // (expand-value.ts): listing a million indices as strings took most of a second.
  const big = new Float64Array(1_000_001).fill(1.5);
  big.scale = 2;
  const f = make(['data'], 'return function f(i) { return data[i] * data.scale; };', big);
  resetFingerprints();
  const base = fingerprint(f);
  const named = explain(f).root.children.find((c) => c.name === 'data');
  t.truthy(named, JSON.stringify(explain(f).root.children.map((c) => c.name)));
  t.deepEqual(named.children.map((c) => c.name), ['scale']);
  big.scale = 3;
  resetFingerprints();
  const scaled = fingerprint(f);
  t.not(scaled, base, 'a named member counts');
  big[999_999] = 7;
  resetFingerprints();
  t.not(fingerprint(f), scaled, 'an element counts');
  const sym = Symbol('tag');
  big[sym] = 'x';
  resetFingerprints();
  const tagged = fingerprint(f);
  big[sym] = 'y';
  resetFingerprints();
  t.not(fingerprint(f), tagged, 'a symbol member counts');
});
