// References: free names with static member paths, for every function form.
import test from 'ava';
import { analyzeSource } from '../dist/fingerprint/source/analyze.js';
import { refStrings } from './fixtures/analyze/refs.mjs';

// [label, source, expected refStrings ('name*' whole, 'name.path' static path), kind?]
const CASES = [
  // member paths and whole uses
  ['const member path', 'function scale(x) { return CONFIG.factor * helper(x) }', ['CONFIG.factor', 'helper*'], 'function'],
  ['nested path and builtin', 'function f() { return utils.a.b() + Math.max(1, 2) }', ['Math.max', 'utils.a.b']],
  ['optional chaining is a path', '() => cfg?.a?.b + cfg.c', ['cfg.a.b', 'cfg.c'], 'arrow'],
  ['optional call', '() => obj?.method?.()', ['obj.method']],
  ['chain in parens', '() => (a?.b).c', ['a.b.c']],
  ['passed as argument', '() => use(CONFIG)', ['CONFIG*', 'use*']],
  ['referenced only as a value', '() => [1, 2].map(helper)', ['helper*']],
  ['stored in an object', '() => ({ op: helper })', ['helper*']],
  ['spread', '() => [...list, ...more.items]', ['list*', 'more.items']],
  ['returned', '() => CONFIG', ['CONFIG*']],
  ['computed member', '(k) => ops[k]', ['ops*']],
  ['computed member after a static step', '(k) => ops.table[k].x', ['ops.table']],
  ['literal computed members are static', "() => ops['add'] + arr[0]", ['arr.0', 'ops.add']],
  ['assignment to a free member', '() => { CONFIG.x = 1 }', ['CONFIG*']],
  ['compound assignment to a member', '() => { stats.n += 1 }', ['stats*']],
  ['update of a member', '() => { counter.n++ }', ['counter*']],
  ['delete of a member', '() => { delete cache.k }', ['cache*']],
  ['member as destructuring target', '() => { [state.a, { b: state.b }] = [1, {}] }', ['state*']],
  ['for-in into a member', '(o) => { for (box.k in o); }', ['box*']],
  ['typeof', '() => typeof maybe', ['maybe*']],
  ['assignment to a free name', '() => { total = 1 }', ['total*']],
  ['path covered by a shorter one', '() => cfg.a + cfg.a.b', ['cfg.a']],
  ['whole and path together', '() => f(cfg) + cfg.x', ['cfg*', 'cfg.x', 'f*']],
  ['called directly is whole', '() => helper()', ['helper*']],
  ['new with a member', '() => new ns.Thing(arg)', ['arg*', 'ns.Thing']],
  ['tagged template', '() => tag`a${b}`', ['b*', 'tag*']],
  ['template literal', '() => `${cfg.a}-${n}`', ['cfg.a', 'n*']],
  ['member of a call result', '() => make().x.y', ['make*']],
  // shadowing and non-references
  ['shadowed by a param', '(CONFIG) => CONFIG.factor', []],
  ['let in body', '() => { let x = 1; return x + y }', ['y*']],
  ['var hoisting', 'function f() { x = 1; var x; return x }', []],
  ['var in a nested block hoists', 'function f() { { var v = 1 } return v }', []],
  ['let in a block does not leak', '() => { { const q = 1 } return q }', ['q*']],
  ['catch param', '() => { try { a() } catch (e) { return e.message } }', ['a*']],
  ['catch destructuring', '() => { try { } catch ({ message }) { return message } }', []],
  ['catch param does not leak', '() => { try { } catch (e) { } return e }', ['e*']],
  ['destructuring params', '({ a, b: [c] }, ...rest) => a + c + rest.length + d', ['d*']],
  ['default referencing outer', '({ a = DEF.x }) => a', ['DEF.x']],
  ['param default does not see body vars', 'function f(a = x) { var x = 1; return a }', ['x*']],
  ['param default sees earlier params', '(a, b = a) => b', []],
  ['for let', '() => { for (let i = 0; i < n; i++) {} return i }', ['i*', 'n*']],
  ['for-of const', '(xs) => { for (const x of xs) use(x) }', ['use*']],
  ['for-in var', 'function f(o) { for (var k in o); return k }', []],
  ['switch-scoped let', '(v) => { switch (v) { case 1: let z = 2; return z } return z }', ['z*']],
  ['function declaration hoisting', 'function f() { return g(); function g() { return h } }', ['h*']],
  ['class declaration in body', '() => { class K { m() { return K } } return new K() }', []],
  ['named nested function expression', '() => function inner() { return inner }', []],
  ['own name of a function is not a reference', 'function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2) }', []],
  ['arguments in a function is local', 'function f() { return arguments[0] }', []],
  ['arguments in a top-level arrow is free', '() => arguments[0] + arguments.length', ['arguments.0', 'arguments.length']],
  ['labels are not references', '() => { outer: for (;;) { inner: while (x) { continue outer; } break outer } }', ['x*']],
  ['object keys are not references', '() => ({ key: value, [computed]: 1, method() { return 2 }, get g() { return 3 } })', ['computed*', 'value*']],
  ['member names are not references', '(o) => o.foo.bar', []],
  ['using declaration', 'async function f() { await using r = open(); return r }', ['open*']],
  ['private in', 'class A { #x; static has(o) { return #x in o } }', []],
  ['import attributes options are code', '() => import("./x.json", { with: opts })', ['opts*']],
  // this / super / new.target
  ['this paths', 'function f() { return this.helper(this.x.y) }', ['this.helper', 'this.x.y']],
  ['this whole', 'function f() { return g(this) }', ['g*', 'this*']],
  ['nested function has its own this', 'function f() { return function () { return this.x } }', []],
  ['nested arrow shares this', 'function f() { return () => this.x }', ['this.x']],
  ['top-level arrow this', '() => this.x', ['this.x']],
  ['this[k] in a function is whole', 'function f(k) { return this[k] }', ['this*']],
  ['super paths', 'm() { return super.m() + super.x.y }', ['super.m', 'super.x.y'], 'method'],
  ['arrow cut from a method using super', '() => super.run()', ['super.run'], 'arrow'],
  ['super() call', 'class A extends B { constructor() { super(); } }', ['B*', 'super*'], 'class'],
  // methods
  ['object method', 'foo(a) { return a + bar }', ['bar*'], 'method'],
  ['method name is not a binding', 'fib(n) { return fib(n - 1) }', ['fib*'], 'method'],
  ['async generator method', 'async *gen() { yield* source }', ['source*'], 'method'],
  ['getter', 'get x() { return store.x }', ['store.x'], 'method'],
  ['setter', 'set x(v) { store.x = v }', ['store*'], 'method'],
  ['static method', 'static m() { return util.z }', ['util.z'], 'method'],
  ['computed method name', '[Symbol.iterator]() { return it }', ['Symbol.iterator', 'it*'], 'method'],
  ['private method', '#priv() { return this.#other() }', ['this.#other'], 'method'],
  ['async arrow', 'async (x) => await load(x)', ['load*'], 'arrow'],
  ['generator function', 'function* g() { yield* other() }', ['other*'], 'function'],
  ['async generator function', 'async function* g() { for await (const x of src) yield x }', ['src*'], 'function'],
  ['class field arrow using a private name', '() => this.#x', ['this.#x'], 'arrow'],
  // classes
  ['class with extends', 'class A extends Base { m() { return helper(this.x) } }', ['Base*', 'helper*', 'this.x'], 'class'],
  ['extends expression', 'class A extends mixin(Base) {}', ['Base*', 'mixin*'], 'class'],
  ['class name inside the class', 'class A { static make() { return new A() } }', [], 'class'],
  [
    'class with private fields, static block, accessors, computed keys',
    `class A {
      #x = init();
      static #count = 0;
      static { registry.add(A) }
      get v() { return this.#x * K.f }
      set v(n) { this.#x = n }
      [key]() {}
      #m() { return A.#count }
    }`,
    ['K.f', 'init*', 'key*', 'registry.add', 'this*', 'this.#x'],
    'class',
  ],
  ['class field initializers see this', 'class A { a = this.b.c; static s = this.name }', ['this.b.c', 'this.name'], 'class'],
  ['nested class methods have their own this', 'class A { m() { return class { n() { return this.q } } } }', [], 'class'],
];

for (const [label, source, expected, kind] of CASES) {
  test(`references: ${label}`, (t) => {
    const a = analyzeSource(source);
    t.deepEqual(refStrings(a), [...expected].sort(), source);
    if (kind !== undefined) t.is(a.kind, kind);
  });
}

test('references are sorted by name and each name appears once', (t) => {
  const a = analyzeSource('() => z.a + a.b + z.c + a(z) + m');
  t.deepEqual(a.references.map((r) => r.name), ['a', 'm', 'z']);
  t.deepEqual(a.references[2], { name: 'z', paths: [['a'], ['c']], whole: true });
});

test('superClass is true only for a class with extends', (t) => {
  t.true(analyzeSource('class A extends B {}').superClass);
  t.false(analyzeSource('class A {}').superClass);
  t.false(analyzeSource('function A() {}').superClass);
});
