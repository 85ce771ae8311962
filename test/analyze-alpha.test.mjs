// Alpha-equivalence (issue 13, section 3): renaming a local variable or parameter consistently
// keeps the code hash; renaming anything visible outside the function changes it.
import test from 'ava';
import * as fs from 'node:fs';
import { analyzeSource } from '../dist/fingerprint/source/analyze.js';
import { installedProject, run, write, hits, misses } from './fixtures/contract/project.mjs';

const hash = (src) => analyzeSource(src).codeHash;

// [label, a, b]: the same code up to a consistent renaming of locals: same hash.
const SAME = [
  ['parameters', 'function f(a, b) { return a * b + K }', 'function f(x, y) { return x * y + K }'],
  ['let and const', 'function f(n) { let t = n * 2; const u = t + 1; return u }', 'function f(n) { let total = n * 2; const next = total + 1; return next }'],
  ['var used before its declaration', 'function f() { g(v); var v = 1; return v }', 'function f() { g(w); var w = 1; return w }'],
  ['catch parameter', 'function f() { try { g() } catch (e) { return e.message } }', 'function f() { try { g() } catch (err) { return err.message } }'],
  ['destructured parameter (the key stays)', '({ a: x }) => x', '({ a: y }) => y'],
  ['closure variable of a nested arrow', 'function f(n) { return [1, 2].map((i) => i + n) }', 'function f(m) { return [1, 2].map((j) => j + m) }'],
  ['loop variables', 'function f(a) { for (let i = 0; i < a.length; i++) s(a[i]) }', 'function f(list) { for (let k = 0; k < list.length; k++) s(list[k]) }'],
  ['default refers to an earlier parameter', '(a, b = a) => b', '(x, y = x) => y'],
  ['inner block shadowing', 'function f(a) { { let b = 1; g(b) } return a }', 'function f(a) { { let a = 1; g(a) } return a }'],
  ['class method parameters', 'class A { m(x) { return x + this.k } }', 'class A { m(value) { return value + this.k } }'],
  ['a parameter spelled like a function-valued variable elsewhere', 'function f() { var g = function () {}; function h(object) { return object.k } return [g, h] }', 'function f() { var g = function () {}; function h(o2) { return o2.k } return [g, h] }'],
  ['the same spelling as a binding that names an arrow, in another function', 'function f() { function a(x) { return x } function b() { var x = () => 1; return x } return [a, b] }', 'function f() { function a(y) { return y } function b() { var x = () => 1; return x } return [a, b] }'],
  ['for-of binding', 'function f(xs) { for (const x of xs) out(x) }', 'function f(items) { for (const item of items) out(item) }'],
];

// [label, a, b]: something visible outside the function differs: different hash.
const DIFFERENT = [
  ['a free name', '() => K + 1', '() => J + 1'],
  ['a property name', '(o) => o.a', '(o) => o.b'],
  ['a shorthand key', '(a) => ({ a })', '(b) => ({ b })'],
  ['a destructured key', '({ a }) => a', '({ b }) => b'],
  ['the function name', 'function f() { return 1 }', 'function g() { return 1 }'],
  ['an inner function declaration (its .name)', 'function f() { function g() {} return g }', 'function f() { function h() {} return h }'],
  ['a binding named by an arrow (its .name)', 'function f() { const h = () => 1; return h }', 'function f() { const k = () => 1; return k }'],
  ['a parameter that captures a free name', 'function f(a) { return g }', 'function f(g) { return g }'],
  ['a default that reads an outer name (separate body scope)', 'function f(a = b) { var b = 1; return a }', 'function f(a = c) { var c = 1; return a }'],
  ['with direct eval nothing is renamed', "function f(a) { return eval('a') }", "function f(b) { return eval('a') }"],
  ['with `with` nothing is renamed', 'function f(o, a) { with (o) return a }', 'function f(o, b) { with (o) return b }'],
  ['a sloppy var arguments is the arguments object', 'function f(a) { var arguments; return arguments }', 'function f(a) { var args; return args }'],
  ['a label', 'function f() { a: for (;;) break a }', 'function f() { b: for (;;) break b }'],
  ['which variable is used', 'function f(a, b) { return a }', 'function f(a, b) { return b }'],
  ['a switch discriminant is read outside the cases\' block', 'function f() { switch (b) { case 1: let b = 2; return b } }', 'function f() { switch (c) { case 1: let c = 2; return c } }'],
];

for (const [label, a, b] of SAME) test(`alpha: same hash: ${label}`, (t) => t.is(hash(a), hash(b), `${analyzeSource(a).normalized}\n---\n${analyzeSource(b).normalized}`));
for (const [label, a, b] of DIFFERENT) test(`alpha: different hash: ${label}`, (t) => t.not(hash(a), hash(b), analyzeSource(a).normalized));

test('cross-run: renaming a helper\'s locals hits; renaming a module constant the helper reads misses', (t) => {
  const dir = installedProject();
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const source = (local, constant) => `
    const { cache } = require('smartcache');
    const ${constant} = 3;
    function helper(${local}) { const doubled = ${local} * 2; return doubled + ${constant}; }
    const f = cache(function f(x) { return helper(x); }, { name: 'f' });
    console.log(JSON.stringify(f(4)));
  `;
  write(dir, 'app.js', source('value', 'OFFSET'));
  t.is(run(dir, ['app.js']).json, 11);
  write(dir, 'app.js', source('n', 'OFFSET'));
  const renamedLocal = run(dir, ['app.js'], { SMARTCACHE_LOG: '1' });
  t.is(hits(renamedLocal), 1, renamedLocal.stderr);
  write(dir, 'app.js', source('n', 'SHIFT'));
  const renamedFree = run(dir, ['app.js'], { SMARTCACHE_LOG: '1' });
  t.is(renamedFree.json, 11);
  t.is(misses(renamedFree), 1, renamedFree.stderr);
});
