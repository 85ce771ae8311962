// Binary arguments: own properties of typed arrays, Buffers, DataViews and ArrayBuffers are part
// of the key (as for Map and Date); SharedArrayBuffers, and views of them, are refused.
import test from 'ava';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hashArguments, SOURCE_KEYS } from '../dist/key/index.js';
import { readNamedKeys } from '../dist/fingerprint/index.js';
import { cache } from '../dist/index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-typed-props-'));
test.after.always(() => fs.rmSync(dir, { recursive: true, force: true }));

// The cache layer passes the inspector-backed reader of non-index property names in its key context.
const WITH_READER = { ...SOURCE_KEYS, readNamedKeys };
const key = (...args) => hashArguments(args, undefined, WITH_READER);
const tagged = (value, props) => Object.assign(value, props);

const MAKERS = {
  Uint8Array: () => new Uint8Array([10, 20]),
  Buffer: () => Buffer.from([10, 20]),
  Float64Array: () => new Float64Array([1.5, 2.5]),
  DataView: () => new DataView(new Uint8Array([10, 20]).buffer),
  ArrayBuffer: () => new Uint8Array([10, 20]).buffer,
  'Uint8Array of 100,000 elements': () => new Uint8Array(100_000).fill(7),
  'Float32Array of 300 elements': () => new Float32Array(300).fill(0.5),
};

// Without the reader (hashArguments on its own), large views are read by util.inspect's listing.
const CONTEXTS = { 'with the inspector reader': WITH_READER, 'without it': SOURCE_KEYS };
for (const [name, make] of Object.entries(MAKERS)) for (const [how, context] of Object.entries(CONTEXTS)) {
  const key = (...args) => hashArguments(args, undefined, context);
  test(`${name}: own properties are part of the key (${how})`, (t) => {
    const plain = key(make());
    t.is(key(make()), plain);
    const two = key(tagged(make(), { scale: 2 }));
    const three = key(tagged(make(), { scale: 3 }));
    t.not(two, three);
    t.not(two, plain);
    t.is(key(tagged(make(), { scale: 2 })), two);
    // Key order does not matter, as for objects.
    t.is(key(tagged(make(), { a: 1, b: 2 })), key(tagged(make(), { b: 2, a: 1 })));
    t.not(key(tagged(make(), { [Symbol.for('unit')]: 'cm' })), plain);
    // Not enumerable: not state (as for objects).
    const hidden = make();
    Object.defineProperty(hidden, 'scale', { value: 9, enumerable: false });
    t.is(key(hidden), plain);
  });
}

test('the inspector\'s listing of a large array\'s names gives the same key as listing them in JavaScript', (t) => {
  const big = tagged(new Uint16Array(50_000).fill(3), { scale: 2, unit: 'mm' });
  const withReader = key(big);
  t.is(hashArguments([big], undefined, SOURCE_KEYS), withReader);
});

test('cache(): typed arrays that differ only in own properties are different calls', (t) => {
  let runs = 0;
  const scaled = cache(function scaled(a) { runs++; return a[0] * a.scale; }, { name: 'scaled-typed-props', dir });
  t.is(scaled(tagged(new Uint8Array([10]), { scale: 2 })), 20);
  t.is(scaled(tagged(new Uint8Array([10]), { scale: 3 })), 30);
  t.is(runs, 2);
  t.is(scaled(tagged(new Uint8Array([10]), { scale: 3 })), 30);
  t.is(runs, 2);
});

test('SharedArrayBuffer arguments, and views of one, are refused: ERR_UNHASHABLE_ARGUMENT', (t) => {
  const sab = new SharedArrayBuffer(8);
  for (const value of [sab, new Uint8Array(sab), new Float64Array(sab), new DataView(sab), { nested: [new Int32Array(sab)] }]) {
    const error = t.throws(() => key(1, value), { code: 'ERR_UNHASHABLE_ARGUMENT' });
    t.regex(error.message, /shared with other threads/);
    t.regex(error.path, /^args\[1\]/);
  }
  const f = cache(function sum(a) { return a.length; }, { name: 'sab-refused', dir });
  t.throws(() => f(new Uint8Array(sab)), { code: 'ERR_UNHASHABLE_ARGUMENT' });
  const ignored = cache(function sum(n, a) { return n + a.length; }, { name: 'sab-ignored', ignore: [1], dir });
  t.is(ignored(1, new Uint8Array(sab)), 9);
});
