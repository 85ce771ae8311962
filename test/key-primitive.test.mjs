import test from 'ava';
import { primitiveKey } from '../dist/key/index.js';

test('distinct per (type, value) sequence', (t) => {
  const lists = [
    [], [1], ['1'], [1n], [true], ['true'], [0], [-0], [NaN], ['NaN'], [Infinity], ['Infinity'], [-Infinity],
    [undefined], [null], ['undefined'], ['null'], [''], [undefined, undefined], [null, undefined],
    [1, 2], [12], ['1', '2'], ['12'], ['1;', '2'], ['ab', 'c'], ['a', 'bc'], ['abc'], ['a', 'b', 'c'],
    ['n1;'], ['s1:a'], ['s1:', 'a'], [1, 'n2;'], [1, 2, 3], [1, 2, '3'], [1, 2, 3, 4], [1n, 2n], ['1n'],
    [false], [0, false], [false, 0], ['l'], ['u'], ['t'], ['f'],
  ];
  const byKey = new Map();
  for (const list of lists) {
    const k = primitiveKey(list);
    t.is(typeof k, 'string', `${JSON.stringify(list.map(String))} has a key`);
    t.false(byKey.has(k), `${list.map(String)} collides with ${byKey.get(k)}`);
    byKey.set(k, list.map(String).join(','));
  }
});

test('agreement: the same values give the same string, however they were made', (t) => {
  t.is(primitiveKey([1, 'ab', true]), primitiveKey([1, 'ab', true]));
  t.is(primitiveKey([0.1 + 0.2, 'a' + 'b', 2 > 1]), primitiveKey([0.30000000000000004, 'ab', true]));
  t.is(primitiveKey([1.0, 10n ** 20n]), primitiveKey([1, 100000000000000000000n]));
  t.is(primitiveKey([NaN, -0]), primitiveKey([0 / 0, -1 * 0]));
});

test('randomized injectivity: no two different typed lists share a key', (t) => {
  let seed = 7;
  const rnd = (n) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
  const alphabet = ['', 'n', 's', '1', ':', ';', 'a', '0', '-', 'i', 'u'];
  const value = () => {
    switch (rnd(7)) {
      case 0: return [1, 0, -0, NaN, 12, 1.5, -1][rnd(7)];
      case 1: return Array.from({ length: rnd(4) }, () => alphabet[rnd(alphabet.length)]).join('');
      case 2: return [1n, 0n, 12n, -1n][rnd(4)];
      case 3: return rnd(2) === 0;
      case 4: return undefined;
      case 5: return null;
      default: return String(rnd(20));
    }
  };
  const describe = (list) => JSON.stringify(list.map((v) => [typeof v, Object.is(v, -0) ? '-0' : String(v)]));
  const seen = new Map();
  for (let i = 0; i < 20_000; i++) {
    const list = Array.from({ length: rnd(5) }, value);
    const k = primitiveKey(list);
    const d = describe(list);
    if (seen.has(k) && seen.get(k) !== d) t.fail(`${d} and ${seen.get(k)} share ${JSON.stringify(k)}`);
    seen.set(k, d);
  }
  t.true(seen.size > 1000);
});

test('undefined when an argument is not a primitive, or the list is too long', (t) => {
  for (const list of [[{}], [[]], [() => 1], [Symbol.for('x')], [1, new Date(0)], ['x'.repeat(257)], Array.from({ length: 9 }, () => 1), [new Number(1)]]) {
    t.is(primitiveKey(list), undefined);
  }
  t.is(typeof primitiveKey(['x'.repeat(256)]), 'string');
  t.is(typeof primitiveKey(Array.from({ length: 8 }, (_, i) => i)), 'string');
});

test('a primitive key never starts with "#" (the memory layer keeps hashed keys apart that way)', (t) => {
  for (const list of [[], ['#'], [1], [true], [null], [undefined], [1n], ['#a', 1]]) {
    const k = primitiveKey(list);
    t.false(k.startsWith('#'));
  }
});
