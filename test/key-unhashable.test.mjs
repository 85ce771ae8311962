import test from 'ava';
import net from 'node:net';
import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import { hashArguments, hashValue, createKeyHash } from '../dist/key/index.js';
import { SmartCacheError } from '../dist/errors.js';

const key = (...args) => hashArguments(args);

function refusal(t, fn, path, type) {
  const error = t.throws(fn);
  t.true(error instanceof SmartCacheError, 'a SmartCacheError');
  t.is(error.code, 'ERR_UNHASHABLE_ARGUMENT');
  t.is(error.path, path);
  t.true(error.message.includes(path), `message names the path: ${error.message}`);
  t.true(error.message.includes(type), `message names the type ${type}: ${error.message}`);
  return error;
}

test('a socket inside an object is refused with its path', (t) => {
  const conn = new net.Socket();
  refusal(t, () => key(1, { conn }), 'args[1].conn', 'Socket');
  conn.destroy();
});

test('each unfaithful kind is refused, named by path and type', (t) => {
  function* gen() { yield 1; }
  const cases = [
    [() => key([0, 1, 2, Promise.resolve()]), 'args[0][3]', 'Promise'],
    [() => key(new Map([['x', new WeakMap()]])), 'args[0].<Map value for key "x">', 'WeakMap'],
    [() => key(new Map([[7, new WeakSet()]])), 'args[0].<Map value for key 7>', 'WeakSet'],
    [() => key(new Map([[new WeakSet(), 1]])), 'args[0].<Map key #0>', 'WeakSet'],
    [() => key(new Map([[{}, new WeakRef({})]])), 'args[0].<Map value #0>', 'WeakRef'],
    [() => key(new Set([1, Symbol('s')])), 'args[0].<Set value #1>', 'Symbol(s)'],
    [() => key('ok', Symbol('local')), 'args[1]', 'Symbol(local)'],
    [() => key({ [Symbol('k')]: 1 }), 'args[0][Symbol(k)]', 'Symbol(k)'],
    [() => key({ 'a b': { c: new FinalizationRegistry(() => {}) } }), 'args[0]["a b"].c', 'FinalizationRegistry'],
    [() => key({ g: gen() }), 'args[0].g', 'Generator'],
    [() => key([[].values()]), 'args[0][0]', 'Array Iterator'],
    [() => key(new Map().entries()), 'args[0]', 'Map Iterator'],
    [() => key({ s: Readable.from(['a']) }), 'args[0].s', 'Readable'],
    [() => key({ e: new EventEmitter() }), 'args[0].e', 'EventEmitter'],
    [() => key({ c: new AbortController() }), 'args[0].c', 'AbortController'],
    [() => key({ f: new Intl.NumberFormat('en') }), 'args[0].f', 'NumberFormat'],
    [() => key(1, 2, { list: [{ deep: new Set([Promise.reject(new Error('x')).catch(() => {})]) }] }), 'args[2].list[0].deep.<Set value #0>', 'Promise'],
  ];
  for (const [fn, path, type] of cases) refusal(t, fn, path, type);
});

test('a subclass of a refused type is refused too', (t) => {
  class Conn extends EventEmitter { constructor() { super(); this.host = 'h'; } }
  refusal(t, () => key({ db: new Conn() }), 'args[0].db', 'Conn');
});

test('a throwing getter is reported at its path, with the cause kept', (t) => {
  const boom = new Error('boom');
  const error = refusal(t, () => key({ ok: 1, get bad() { throw boom; } }), 'args[0].bad', 'boom');
  t.is(error.cause, boom);
});

test('labels name the root for this, dependsOn() and createKeyHash', (t) => {
  refusal(t, () => hashValue({ socket: Promise.resolve() }, 'this'), 'this.socket', 'Promise');
  refusal(t, () => createKeyHash().add('dependsOn()', [new WeakMap()]), 'dependsOn()[0]', 'WeakMap');
});

test('an ignored argument is not hashed, so it may be anything', (t) => {
  const p = Promise.resolve();
  t.regex(hashArguments([1, p], { positions: new Set([1]), from: undefined }), /^[0-9a-f]{64}$/);
  t.is(hashArguments([1, p], { positions: new Set([1]), from: undefined }), hashArguments([1, new WeakMap()], { positions: new Set([1]), from: undefined }));
});

test('after a refusal the next key is unaffected', (t) => {
  const before = key({ a: [1, 2, 3] });
  t.throws(() => key({ a: [1, 2, { deep: Promise.resolve() }] }));
  t.is(key({ a: [1, 2, 3] }), before);
});
