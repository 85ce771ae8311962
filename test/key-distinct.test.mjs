import test from 'ava';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { hashArguments, hashValue, createKeyHash } from '../dist/key/index.js';

const require = createRequire(import.meta.url);
const fixtures = fileURLToPath(new URL('./fixtures/key/', import.meta.url));

const key = (...args) => hashArguments(args);

class A { constructor() { this.x = 1; } }
class B { constructor() { this.x = 1; } }

/** Values that must all give different keys, each passed as the single argument. */
function distinctValues() {
  const f32 = new Float32Array([1, 2]);
  const i32 = new Int32Array(f32.buffer.slice(0));
  return {
    'number 1': 1,
    "string '1'": '1',
    'bigint 1n': 1n,
    'true': true,
    'false': false,
    'number 0': 0,
    'number -0': -0,
    NaN: NaN,
    Infinity: Infinity,
    '-Infinity': -Infinity,
    "string 'Infinity'": 'Infinity',
    undefined: undefined,
    null: null,
    "string ''": '',
    "string 'null'": 'null',
    '[]': [],
    '{}': {},
    '[1,[2]]': [1, [2]],
    '[[1],2]': [[1], 2],
    "['ab','c']": ['ab', 'c'],
    "['a','bc']": ['a', 'bc'],
    "['abc']": ['abc'],
    '[,] (sparse, length 1)': [,],
    '[undefined]': [undefined],
    'new Array(2)': new Array(2),
    '[undefined, undefined]': [undefined, undefined],
    '[null]': [null],
    '{a: undefined}': { a: undefined },
    '{a: null}': { a: null },
    '{a: 1}': { a: 1 },
    "{a: '1'}": { a: '1' },
    '{b: 1}': { b: 1 },
    '{a: 1, b: 2}': { a: 1, b: 2 },
    '{a: 2, b: 1}': { a: 2, b: 1 },
    "{'0': 1}": { 0: 1 },
    '[1]': [1],
    '{a: {b: 1}}': { a: { b: 1 } },
    '{a: {c: 1}}': { a: { c: 1 } },
    'Object.create(null)': Object.create(null),
    'null-proto {a: 1}': Object.assign(Object.create(null), { a: 1 }),
    'Map 1=>2': new Map([[1, 2]]),
    'Map 2=>1': new Map([[2, 1]]),
    "Map '1'=>2": new Map([['1', 2]]),
    'Map a,b': new Map([['a', 1], ['b', 2]]),
    'Map b,a': new Map([['b', 2], ['a', 1]]),
    'Set 1,2': new Set([1, 2]),
    'Set 2,1': new Set([2, 1]),
    'empty Map': new Map(),
    'empty Set': new Set(),
    'Date 0': new Date(0),
    'Date 1': new Date(1),
    'invalid Date': new Date(NaN),
    '/a/': /a/,
    '/a/g': /a/g,
    '/a/i': /a/i,
    "string 'a'": 'a',
    "string '/a/'": '/a/',
    'new Number(1)': new Number(1),
    "new String('1')": new String('1'),
    'Object(1n)': Object(1n),
    'new Boolean(false)': new Boolean(false),
    "Symbol.for('x')": Symbol.for('x'),
    "Symbol.for('y')": Symbol.for('y'),
    'Symbol.iterator': Symbol.iterator,
    "string 'x'": 'x',
    "Symbol.for('Symbol.iterator')": Symbol.for('Symbol.iterator'),
    'Buffer [1,2]': Buffer.from([1, 2]),
    'Uint8Array [1,2]': new Uint8Array([1, 2]),
    'Uint8ClampedArray [1,2]': new Uint8ClampedArray([1, 2]),
    'Int8Array [1,2]': new Int8Array([1, 2]),
    'Uint8Array [2,1]': new Uint8Array([2, 1]),
    'Float32Array': f32,
    'Int32Array, same bytes': i32,
    'ArrayBuffer [1,2]': new Uint8Array([1, 2]).buffer,
    'DataView [1,2]': new DataView(new Uint8Array([1, 2]).buffer),
    'class A {x: 1}': new A(),
    'class B {x: 1}': new B(),
    'new Error(x)': new Error('x'),
    'new TypeError(x)': new TypeError('x'),
    'new Error(y)': new Error('y'),
    'new Error(x, {cause: 1})': new Error('x', { cause: 1 }),
    "string '\\uD800' (lone surrogate)": '\uD800',
    "string '\\uFFFD'": '\uFFFD',
    "string 'a\\u0000'": 'a\u0000',
    'URL a': new URL('https://e.com/a'),
    'URL b': new URL('https://e.com/b'),
    "string 'https://e.com/a'": 'https://e.com/a',
    'function f': function f() { return 1; },
    'function g': function g() { return 2; },
    'arrow': () => 1,
  };
}

test('distinctness table: every pair of values gives different keys', (t) => {
  const byHex = new Map();
  for (const [label, value] of Object.entries(distinctValues())) {
    const hex = key(value);
    t.regex(hex, /^[0-9a-f]{64}$/);
    t.false(byHex.has(hex), `${label} collides with ${byHex.get(hex)}`);
    byHex.set(hex, label);
  }
});

test('argument lists: count, position and ignore are part of the key', (t) => {
  const lists = {
    '()': [],
    '(undefined)': [undefined],
    '(1)': [1],
    '(1, undefined)': [1, undefined],
    '(undefined, 1)': [undefined, 1],
    '(1, 2)': [1, 2],
    '([1, 2])': [[1, 2]],
    '(2, 1)': [2, 1],
    '(null)': [null],
    "('ab', 'c')": ['ab', 'c'],
    "('a', 'bc')": ['a', 'bc'],
  };
  const seen = new Map();
  for (const [label, args] of Object.entries(lists)) {
    const hex = hashArguments(args);
    t.false(seen.has(hex), `${label} collides with ${seen.get(hex)}`);
    seen.set(hex, label);
  }
  const ignore1 = { positions: new Set([1]), from: undefined };
  t.is(hashArguments([1, 'log-a', 3], ignore1), hashArguments([1, 'log-b', 3], ignore1));
  t.not(hashArguments([1, 'log-a', 3], ignore1), hashArguments([1, 'log-a', 4], ignore1));
  t.is(hashArguments([1, 'x'], ignore1), hashArguments([1], ignore1), 'an ignored argument at the end counts the same passed or not');
  t.not(hashArguments([1, 'x', 3], ignore1), hashArguments([1], ignore1), 'an ignored slot in the middle keeps its place');
  const rest = { positions: new Set(), from: 1 };
  t.is(hashArguments([1, 'a', 'b'], rest), hashArguments([1], rest), 'a rest parameter ignored: all it gathers');
  t.not(hashArguments([1, 2], ignore1), hashArguments([1, 2]));
});

test('equality table: equal values built differently give the same key', (t) => {
  const viaPush = [];
  viaPush.push(1, 'two', { three: 3 });
  const m1 = new Map([['k', { x: 1, y: 2 }]]);
  const m2 = new Map();
  m2.set('k', { y: 2, x: 1 });
  const bytes = new Uint8Array([9, 1, 2, 9]);
  const rope = ['ab', 'cd'].join('') + 'e'.repeat(3);
  const nanBits = new Float64Array(new BigUint64Array([0x7ff8000000000001n]).buffer)[0];
  class P { constructor(a, b) { this.a = a; this.b = b; } }
  const p2 = Object.create(P.prototype);
  p2.b = 2;
  p2.a = 1;
  const e1 = new Error('same');
  const e2 = (() => new Error('same'))();
  const pairs = [
    [{ a: 1, b: 2 }, { b: 2, a: 1 }],
    [{ o: { z: 1, y: [1, { q: 1, p: 2 }] } }, { o: { y: [1, { p: 2, q: 1 }], z: 1 } }],
    [{ 10: 'a', 9: 'b', x: 1 }, { x: 1, 9: 'b', 10: 'a' }],
    [[1, 'two', { three: 3 }], viaPush],
    [m1, m2],
    [new Set([1, 'a']), new Set(['z']).add(1).add('a').add('z') && new Set([1, 'a'])],
    [new Date(1234), new Date('1970-01-01T00:00:01.234Z')],
    [new Uint8Array([1, 2]), bytes.subarray(1, 3)],
    [new Float64Array([0.5, 1.5]), new Float64Array([0.5, 1.5])],
    ['abcdeee', rope],
    [1, 1.0],
    [0.30000000000000004, 0.1 + 0.2],
    [NaN, nanBits],
    [new P(1, 2), p2],
    [e1, e2],
    [/x/g, new RegExp('x', 'g')],
    [new URL('https://e.com/a/../b'), new URL('https://e.com/b')],
    [Buffer.from('hi'), Buffer.from([0x68, 0x69])],
    [process.env, { ...process.env }],
  ];
  for (const [i, [x, y]] of pairs.entries()) t.is(key(x), key(y), `pair #${i}`);
});

test('Map, Set and array order matter', (t) => {
  t.not(key(new Map([[1, 'a'], [2, 'b']])), key(new Map([[2, 'b'], [1, 'a']])));
  t.not(key(new Set(['a', 'b'])), key(new Set(['b', 'a'])));
  t.not(key([1, 2]), key([2, 1]));
});

test('sharing is part of the key: the same object twice differs from a copy', (t) => {
  const x = { v: 1 };
  t.not(key([x, x]), key([x, { v: 1 }]));
  t.not(key(x, x), key(x, { v: 1 }), 'sharing across arguments counts too');
  t.is(key([x, x]), key([{ v: 1 }].map((o) => [o, o])[0]));
});

test('createKeyHash: labels, order and values are all part of the digest', (t) => {
  const d = (...pairs) => pairs.reduce((h, [l, v]) => h.add(l, v), createKeyHash()).digest();
  const base = d(['name', 'f'], ['args', 'abc']);
  t.is(base, d(['name', 'f'], ['args', 'abc']));
  t.not(base, d(['args', 'abc'], ['name', 'f']));
  t.not(base, d(['nam', 'ef'], ['args', 'abc']));
  t.not(base, d(['name', 'f'], ['args', 'abd']));
  t.not(base, hashValue('f', 'name'));
  const h = createKeyHash().add('x', 1);
  h.digest();
  t.throws(() => h.digest(), { code: 'ERR_USAGE' });
  const failed = createKeyHash().add('ok', 1);
  t.throws(() => failed.add('bad', Promise.resolve()), { code: 'ERR_UNHASHABLE_ARGUMENT' });
  t.throws(() => failed.digest(), { code: 'ERR_USAGE' }, 'no digest of a partial stream');
});

test('a fixed input gives a fixed key (the encoding is pinned across machines and versions)', (t) => {
  // If this fails, the token stream changed: bump PREFIX in src/key/index.ts so old entries miss.
  const u32 = (n) => { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; };
  const f64 = (x) => { const b = Buffer.alloc(8); b.writeDoubleLE(x); return b; };
  const str = (s) => Buffer.concat([Buffer.from('s'), u32(Buffer.byteLength(s)), Buffer.from(s)]);
  const stream = Buffer.concat([
    str('smartcache-key/1'), Buffer.from('A'), u32(3),
    Buffer.from('n'), f64(1), str('a'), Buffer.from('t'),
  ]);
  t.is(key(1, 'a', true), createHash('sha256').update(stream).digest('hex'));
  t.is(key({ b: [1n, null], a: new Map([[1, new Date(0)]]) }), 'd224df0ba6c95e1fdfa11456f0bf30c5cc1523b18bf5e23d804d0b3e0af59148');
});

test('two processes (other locale and time zone) give the same keys', (t) => {
  const { build } = require(`${fixtures}values.cjs`);
  const here = build().map((args) => hashArguments(args));
  const out = execFileSync(process.execPath, [`${fixtures}child.cjs`], {
    env: { ...process.env, TZ: 'Asia/Kolkata', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' },
    encoding: 'utf8',
  });
  const there = JSON.parse(out);
  t.is(there.length, here.length);
  t.deepEqual(there, here);
  t.is(new Set(here).size, here.length, 'the fixture lists are pairwise distinct');
});

test('a plain object\'s non-enumerable own properties are part of its key, apart from the enumerable ones', (t) => {
  const hidden = (v) => Object.defineProperty({ id: 1 }, 'limit', { value: v, enumerable: false });
  t.not(key(hidden(1)), key(hidden(2)), 'objects differing only in a hidden property');
  t.is(key(hidden(1)), key(hidden(1)));
  t.not(key(hidden(1)), key({ id: 1, limit: 1 }), 'hidden is not the same as enumerable (Object.keys, JSON.stringify differ)');
  t.not(key(hidden(1)), key({ id: 1 }));
  const bare = (v) => Object.defineProperty(Object.create(null), 'limit', { value: v, enumerable: false });
  t.not(key(bare(1)), key(bare(2)), 'null-prototype objects too');
  // Objects without hidden properties keep the encoding they always had (stored keys stay valid).
  t.is(key({ b: 2, a: 1 }), key({ a: 1, b: 2 }));
  t.is(hashValue({ a: 1 }), hashValue(JSON.parse('{"a":1}')));
});
