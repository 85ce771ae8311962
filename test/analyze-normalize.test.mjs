// Normalization: comments and formatting never change codeHash; semantics always do.
import test from 'ava';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { analyzeFunction, analyzeSource } from '../dist/fingerprint/source/analyze.js';

const hash = (src) => analyzeSource(src).codeHash;

// [label, a, b]: a and b must hash alike.
const SAME = [
  ['line and block comments', 'function f(a) { return a + 1 }', 'function f(a) { /* add */ return a + 1 // one\n}'],
  ['whitespace and newlines', 'function f(a){return a+1}', 'function  f( a )\n{\n\n  return a + 1;\n}'],
  ['quote style', "() => 'a'", '() => "a"'],
  ['hex vs decimal', '() => 0x10', '() => 16'],
  ['exponent vs decimal', '() => 1e3', '() => 1000'],
  ['numeric separators', '() => 1_000', '() => 1000'],
  ['1.0 vs 1', '() => 1.0', '() => 1'],
  ['bigint forms', '() => 0x10n', '() => 16n'],
  ['redundant parens', '(a, b) => ((a) * (b))', '(a, b) => a * b'],
  ['parenthesized body expression', '(a, b) => (a + b)', '(a, b) => a + b'],
  ['semicolons vs ASI (same AST)', 'function f() { a(); b(); }', 'function f() { a()\n b() }'],
  ['trailing commas', '(a, b,) => [a, b,]', '(a, b) => [a, b]'],
  ['arrow param parens', 'x => x', '(x) => x'],
  ['string escapes', "() => '\\x41\\u0042'", "() => 'AB'"],
  ['object shorthand', '(a) => ({a})', '(a) => ({a: a})'],
  ['directive quote style', "function f() { 'use strict'; return 1 }", 'function f() {\n  "use strict"\n  return 1\n}'],
  ['extra empty statements', 'function f() { a();; ; }', 'function f() { a() }'],
  ['regex flag order', '() => /a/gi', '() => /a/ig'],
  ['identifier escapes', '() => \\u0061 + 1', '() => a + 1'],
  ['class member semicolons and comments', 'class A { a() {}; /* x */ b() {} }', 'class A {\n  a() {}\n  b() {}\n}'],
  ['method spacing', 'get x ( ) { return 1 }', 'get x() { return 1 }'],
  ['untagged template escapes', '() => `\\x41${b}`', '() => `A${b}`'],
  ['comment inside template expression', '() => `${/* c */ a}`', '() => `${a}`'],
  ['comment between params', '(a /* first */, b) => a', '(a, b) => a'],
  ['trailing line comment on arrow', '(a) => a // done', '(a) => a'],
  ['use cache directive quote style', "function f() { 'use cache'; return 1 }", 'function f() { "use cache"; return 1 }'],
];

// [label, a, b]: a and b must hash differently.
const DIFFERENT = [
  ['return x vs return + newline + x (ASI)', 'function f(x) { return x }', 'function f(x) { return\nx }'],
  ['operator operands swapped', '(a, b) => a - b', '(a, b) => b - a'],
  ['number literal changed', '(a) => a + 1', '(a) => a + 2'],
  ['string literal changed', "() => 'a'", "() => 'b'"],
  ['string vs number', "() => '1'", '() => 1'],
  ['bigint vs number', '() => 1n', '() => 1'],
  ['null vs undefined', '() => null', '() => undefined'],
  ['1e999 vs a shadowed Infinity', 'function f(Infinity) { return 1e999 }', 'function f(Infinity) { return Infinity }'],
  ['-0 vs 0', '() => -0', '() => 0'],
  ['whitespace inside a string', "() => 'a b'", "() => 'a  b'"],
  ['default parameter value', '(a = 1) => a', '(a = 2) => a'],
  ['template text', '(x) => `a${x}`', '(x) => `b${x}`'],
  ['template expression order', '(a, b) => `${a}${b}`', '(a, b) => `${b}${a}`'],
  ['tagged template raw text', '() => String.raw`\\x41`', '() => String.raw`A`'],
  ['regex flags', '() => /a/g', '() => /a/gi'],
  ['regex pattern', '() => /a/', '() => /b/'],
  ['getter body', 'get x() { return 1 }', 'get x() { return 2 }'],
  ['getter vs setter', 'get x() { return 1 }', 'set x(v) { return 1 }'],
  ['getter vs method', 'get x() { return 1 }', 'x() { return 1 }'],
  ['static vs instance method', 'static m() { return 1 }', 'm() { return 1 }'],
  ['private vs public method', '#m() { return 1 }', 'm() { return 1 }'],
  ['async vs sync function', 'async function f() { return 1 }', 'function f() { return 1 }'],
  ['async vs sync arrow', 'async (x) => x', '(x) => x'],
  ['generator vs not', 'function* f() { return 1 }', 'function f() { return 1 }'],
  ['yield vs yield*', 'function* f(a) { yield a }', 'function* f(a) { yield* a }'],
  ['for await vs for', 'async function f(a) { for await (const x of a) g(x) }', 'async function f(a) { for (const x of a) g(x) }'],
  ['nested function body', 'function f() { return function g() { return 1 } }', 'function f() { return function g() { return 2 } }'],
  ['use strict directive present', "function f() { 'use strict'; return this }", 'function f() { return this }'],
  ['directive vs parenthesized string', "function f() { 'use strict'; return this }", "function f() { ('use strict'); return this }"],
  ['use cache directive present', "function f() { 'use cache'; return 1 }", 'function f() { return 1 }'],
  ['function name', 'function f() { return 1 }', 'function g() { return 1 }'],
  ['== vs ===', '(a, b) => a == b', '(a, b) => a === b'],
  ['let vs const', 'function f() { let a = 1; return a }', 'function f() { const a = 1; return a }'],
  ['postfix vs prefix increment', 'function f(a) { return a++ }', 'function f(a) { return ++a }'],
  ['optional chaining vs plain member', '(a) => a?.b', '(a) => a.b'],
  ['empty statement as if body is kept', 'function f(a) { if (a) ; b() }', 'function f(a) { if (a) b() }'],
  ['object literal body vs block body', '() => ({})', '() => {}'],
  ['superclass', 'class A extends B {}', 'class A extends C {}'],
  ['class field initializer', 'class A { x = 1 }', 'class A { x = 2 }'],
  ['static block body', 'class A { static { a() } }', 'class A { static { b() } }'],
];

test('normalization table has at least 25 pairs each way', (t) => {
  t.true(SAME.length >= 25);
  t.true(DIFFERENT.length >= 25);
});

for (const [label, a, b] of SAME) {
  test(`same hash: ${label}`, (t) => {
    t.is(hash(a), hash(b), `${a}\n---\n${b}\n${analyzeSource(a).normalized}\n---\n${analyzeSource(b).normalized}`);
  });
}

for (const [label, a, b] of DIFFERENT) {
  test(`different hash: ${label}`, (t) => {
    t.not(hash(a), hash(b), `${analyzeSource(a).normalized}`);
  });
}

test('codeHash is the sha256 of normalized, and normalized is stable canonical text', (t) => {
  const a = analyzeSource('(a, b) => /* minus */ a - b');
  // Parameters and locals print as their place (alpha.ts): `%0`, `%1`.
  t.is(a.normalized, '(ArrowFunctionExpression [%0 %1] (BinaryExpression:- %0 %1))');
  t.is(a.codeHash, createHash('sha256').update(a.normalized).digest('hex'));
  const f = analyzeSource("function f(x) {\n  'use strict';\n  return x ?? 'k'\n}");
  t.is(
    f.normalized,
    '(FunctionExpression f [%0] (BlockStatement\n  (Directive "use strict")\n  (ReturnStatement (LogicalExpression:?? %0 "k"))))',
  );
});

test('normalized text carries no comments or positions', (t) => {
  const a = analyzeSource('function f(/* p */ a) {\n  // note\n  return a /* r */ * 2\n}');
  t.false(/note|\/\*|\/\/|\bstart\b|\bend\b/.test(a.normalized));
});

test('same function text in two files at different positions gives the same analysis', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smartcache-analyze-'));
  const body = 'function area(w, h) {\n  // in cm\n  return w * h * UNIT.scale;\n}\nmodule.exports = area;\n';
  fs.writeFileSync(path.join(dir, 'a.js'), body);
  fs.writeFileSync(path.join(dir, 'b.js'), `'use strict';\n\nconst pad = 1;\n\n\n    ${body}`);
  const require = createRequire(path.join(dir, 'x.js'));
  const a = require('./a.js');
  const b = require('./b.js');
  t.not(a, b);
  t.is(analyzeFunction(a).codeHash, analyzeFunction(b).codeHash);
  t.deepEqual(analyzeFunction(a).references, analyzeFunction(b).references);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('analysis is memoized per function and per source text', (t) => {
  const f = function twice(x) { return x * 2; };
  const g = function twice(x) { return x * 2; };
  t.is(analyzeFunction(f), analyzeFunction(f));
  t.is(analyzeFunction(f), analyzeFunction(g)); // same text, same object
  t.true(Object.isFrozen(analyzeFunction(f)));
});
