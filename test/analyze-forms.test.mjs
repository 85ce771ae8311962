// Every form Function.prototype.toString produces parses, with the right kind and params.
import test from 'ava';
import { createRequire } from 'node:module';
import { analyzeFunction, analyzeSource } from '../dist/fingerprint/source/analyze.js';
import { refStrings } from './fixtures/analyze/refs.mjs';

const require = createRequire(import.meta.url);
const { cases, Shape, obj } = require('./fixtures/analyze/forms.cjs');

for (const [label, [fn, kind]] of Object.entries(cases)) {
  test(`form: ${label} is ${kind}`, (t) => {
    t.is(analyzeFunction(fn).kind, kind, Function.prototype.toString.call(fn));
  });
}

test('real class: references across members, private names, super and superClass', (t) => {
  const a = analyzeFunction(Shape);
  t.true(a.superClass);
  t.deepEqual(a.params, ['w', 'h']);
  t.deepEqual(refStrings(a), ['Base*', 'LIMIT*', 'Set*', 'Symbol.iterator', 'helper*', 'super*', 'super.base', 'this*', 'this.#area', 'this.#secret', 'this.h', 'this.w']);
});

test('real methods: params and references', (t) => {
  t.deepEqual(analyzeFunction(obj.plain).params, ['a', undefined, '...rest']);
  t.deepEqual(refStrings(analyzeFunction(cases.asyncGenMethod[0])), ['LIMIT*', 'helper*']);
  t.deepEqual(refStrings(analyzeFunction(cases.arrowField[0])), ['super.base', 'this.#area']);
  t.deepEqual(refStrings(analyzeFunction(obj.expr)), []); // recursion through its own name
});

test('params by position', (t) => {
  t.deepEqual(analyzeSource('(a, {b}, ...rest) => a').params, ['a', undefined, '...rest']);
  t.deepEqual(analyzeSource('function f(a = 1, [b], c, ...[d]) {}').params, ['a', undefined, 'c', undefined]);
  t.deepEqual(analyzeSource('async ({ a } = {}) => a').params, [undefined]);
  t.deepEqual(analyzeSource('m(x, y) {}').params, ['x', 'y']);
  t.deepEqual(analyzeSource('get x() { return 1 }').params, []);
  t.deepEqual(analyzeSource('set x(v) {}').params, ['v']);
  t.deepEqual(analyzeSource('class A { constructor(p, q = 1) {} }').params, ['p', 'q']);
  t.deepEqual(analyzeSource('class A extends B {}').params, []);
  t.deepEqual(analyzeFunction(cases.asyncFn[0]).params, ['log', 'n']);
  t.deepEqual(analyzeFunction(Math.max).params, []);
});

test('native functions: kind native, no references, distinct by text', (t) => {
  const max = analyzeFunction(Math.max);
  t.is(max.kind, 'native');
  t.deepEqual(max.references, []);
  t.deepEqual(max.dynamic, []);
  t.not(max.codeHash, analyzeFunction(Math.min).codeHash);
  t.is(analyzeSource('function max() {\n    [native code]\n}').codeHash, max.codeHash);
});

test('a user function mentioning [native code] in a string is not native', (t) => {
  t.is(analyzeSource('function f() { return "{ [native code] }" }').kind, 'function');
  t.is(analyzeSource('function f() { return 1 } // { [native code] }').kind, 'function');
});

test('unparseable text throws ERR_FINGERPRINT, every time', (t) => {
  for (let i = 0; i < 2; i++) {
    const error = t.throws(() => analyzeSource('x y z'));
    t.is(error.code, 'ERR_FINGERPRINT');
  }
  t.is(t.throws(() => analyzeSource('a: 1')).code, 'ERR_FINGERPRINT'); // an object property, not a method
  t.is(t.throws(() => analyzeSource('a(){}, b(){}')).code, 'ERR_FINGERPRINT');
  t.is(t.throws(() => analyzeSource('1 + 2')).code, 'ERR_FINGERPRINT');
});

test('a function from an ES module using import.meta', async (t) => {
  const { default: f } = await import('./fixtures/analyze/meta.mjs');
  const a = analyzeFunction(f);
  t.deepEqual([...a.dynamic], ['import.meta']);
  t.deepEqual(refStrings(a), ['URL*']);
});
