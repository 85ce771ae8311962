import test from 'ava';
import { hashArguments, hashValue } from '../dist/key/index.js';

const key = (...args) => hashArguments(args);

test('a self-referencing object hashes, deterministically', (t) => {
  const a = {};
  a.self = a;
  const b = {};
  b.self = b;
  t.regex(key(a), /^[0-9a-f]{64}$/);
  t.is(key(a), key(b));
});

test('structurally different cycle shapes give different keys', (t) => {
  const one = { n: null };
  one.n = one; // period 1
  const two = { n: { n: null } };
  two.n.n = two; // period 2
  const toChild = { n: { n: null } };
  toChild.n.n = toChild.n; // the cycle starts one level down
  t.not(key(one), key(two));
  t.not(key(two), key(toChild));
  t.not(key(one), key(toChild));
  const arr = [];
  arr.push(arr);
  const arr2 = [[]];
  arr2[0].push(arr2);
  t.not(key(arr), key(arr2));
  t.not(key(arr), key(one));
});

test('cycles through Map, Set, class instances and null-prototype objects', (t) => {
  class Node {
    constructor(v) {
      this.v = v;
      this.next = null;
    }
  }
  const build = () => {
    const m = new Map();
    const s = new Set();
    const n = new Node(1);
    const bare = Object.create(null);
    m.set('self', m).set('set', s);
    s.add(s).add(n);
    n.next = n;
    bare.loop = bare;
    bare.map = m;
    return bare;
  };
  t.is(key(build()), key(build()));
  const other = build();
  other.map.get('set').add('extra');
  t.not(key(build()), key(other));
});

test('a parent/child tree with back-pointers hashes and sees a changed leaf', (t) => {
  const tree = (leaf) => {
    const root = { name: 'root', children: [] };
    for (let i = 0; i < 3; i++) root.children.push({ parent: root, name: `c${i}`, leaf: i === 2 ? leaf : 0 });
    return root;
  };
  t.is(key(tree(1)), key(tree(1)));
  t.not(key(tree(1)), key(tree(2)));
});

test('shared sub-objects are back-references, so a DAG does not blow up', (t) => {
  let x = { leaf: true };
  for (let i = 0; i < 200; i++) x = { a: x, b: x }; // 2^200 paths, 201 objects
  const start = process.hrtime.bigint();
  t.regex(key(x), /^[0-9a-f]{64}$/);
  t.true(Number(process.hrtime.bigint() - start) < 1e9);
});

function nestedArrays(depth, leaf) {
  const root = [];
  let cur = root;
  for (let i = 0; i < depth; i++) {
    const next = [];
    cur.push(next);
    cur = next;
  }
  cur.push(leaf);
  return root;
}

function nestedObjects(depth, leaf) {
  const root = {};
  let cur = root;
  for (let i = 0; i < depth; i++) {
    cur.x = {};
    cur = cur.x;
  }
  cur.leaf = leaf;
  return root;
}

test('depth 10,000 arrays and objects do not overflow the stack', (t) => {
  t.is(key(nestedArrays(10_000, 1)), key(nestedArrays(10_000, 1)));
  t.not(key(nestedArrays(10_000, 1)), key(nestedArrays(10_000, 2)));
  t.not(key(nestedArrays(10_000, 1)), key(nestedArrays(10_001, 1)));
  t.is(key(nestedObjects(10_000, 'z')), key(nestedObjects(10_000, 'z')));
  t.not(key(nestedObjects(10_000, 'z')), key(nestedObjects(10_000, 'y')));
  let m = new Map([['end', 1]]);
  for (let i = 0; i < 10_000; i++) m = new Map([['m', m]]);
  t.regex(hashValue(m, 'this'), /^[0-9a-f]{64}$/);
});

test('depth 10,000 still names the exact path of an unhashable leaf', (t) => {
  const error = t.throws(() => key(nestedArrays(10_000, Promise.resolve())), { code: 'ERR_UNHASHABLE_ARGUMENT' });
  // 10,000 nested arrays, then the leaf at index 0 of the innermost one.
  const expected = `args[0]${'[0]'.repeat(10_001)}`;
  t.true(error.path === expected, `path of length ${error.path.length}, expected ${expected.length}`);
  t.true(error.message.includes(expected) && error.message.includes('Promise'));
});
