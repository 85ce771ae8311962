// Dynamic reasons (what static analysis cannot follow) and module specifiers.
import test from 'ava';
import { analyzeSource } from '../dist/fingerprint/source/analyze.js';
import { refStrings } from './fixtures/analyze/refs.mjs';

// [label, source, expected dynamic reasons, expected requires?]
const CASES = [
  ['direct eval', 'function f(s) { return eval(s) }', ['eval']],
  ['indirect eval', '(s) => (0, eval)(s)', ['eval']],
  ['eval shadowed by a param (sloppy)', 'function f(eval) { return eval(1) }', []],
  ['with', 'function f(o) { with (o) { return x } }', ['with']],
  ['new Function', "() => new Function('a', 'return a')", ['new Function']],
  ['Function called', "() => Function('return 1')()", ['new Function']],
  ['local Function is ordinary code', '(Function) => new Function()', []],
  ['globalThis[computed]', '(name) => globalThis[name]()', ['globalThis[<computed>]']],
  ['window[computed]', '(k) => window[k]', ['window[<computed>]']],
  ['global[computed]', '(k) => global[k]', ['global[<computed>]']],
  ['self[computed]', '(k) => self[k]', ['self[<computed>]']],
  ['eval through the global object', '(s) => globalThis.eval(s)', ['eval']],
  ['Function through the global object', "() => new window.Function('return 1')", ['new Function']],
  ['globalThis static member is fine', "() => globalThis.x + globalThis['y']", []],
  ['computed member of a global property is fine', '(k) => globalThis.table[k]', []],
  ['local self is ordinary code', '(k) => { const self = {}; return self[k] }', []],
  ['this[computed] in a class', 'class A { m(k) { return this[k]() } }', ['this[<computed>]']],
  ['this[computed] in a method', 'm(k) { return this[k] }', ['this[<computed>]']],
  ['this[computed] in a plain function is a whole use only', 'function f(k) { return this[k] }', []],
  ['import(computed)', '(spec) => import(spec)', ['import(<computed>)']],
  ['import(literal)', "() => import('./m.js')", [], ['./m.js']],
  ['import(template without expressions)', '() => import(`./t.js`)', [], ['./t.js']],
  ['require(computed)', '(name) => require(name)', ['require(<computed>)']],
  ['require(computed template)', '(n) => require(`./${n}`)', ['require(<computed>)']],
  ['require(literal)', "() => require('fs').readFileSync", [], ['fs']],
  ['several requires are sorted and unique', "() => [require('b'), require('a'), require('b')]", [], ['a', 'b']],
  ['local require is ordinary code', "(require) => require('x')", [], []],
  ['new.target', 'function F() { if (!new.target) throw 1 }', ['new.target']],
  ['new.target of a nested function is not ours', 'function f() { return function () { return new.target } }', []],
  ['import.meta', '() => import.meta.url', ['import.meta']],
  ['arguments is not dynamic', 'function f() { return arguments.length }', []],
  ['several reasons sorted', 'function f(s, k) { with (s) eval(k); return globalThis[k] }', ['eval', 'globalThis[<computed>]', 'with']],
];

for (const [label, source, dynamic, requires = []] of CASES) {
  test(`dynamic: ${label}`, (t) => {
    const a = analyzeSource(source);
    t.deepEqual([...a.dynamic], dynamic, source);
    t.deepEqual([...a.requires], requires, source);
  });
}

test('require with a literal is still a reference to require', (t) => {
  t.deepEqual(refStrings(analyzeSource("() => require('fs').readFileSync")), ['require*']);
});

test('new.target is also a reference of the function itself', (t) => {
  t.deepEqual(refStrings(analyzeSource('function F() { return new.target }')), ['new.target*']);
  t.deepEqual(refStrings(analyzeSource('() => new.target')), ['new.target*']);
});
