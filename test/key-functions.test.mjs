import test from 'ava';
import { hashArguments, hashValue } from '../dist/key/index.js';
import { registerWrapper } from '../dist/registry.js';

const key = (...args) => hashArguments(args);

// A key context with this function hasher: what the cache layer passes (its fingerprint).
const keyWith = (hashFunction) => (...args) => hashArguments(args, undefined, { hashFunction, readPrivateState: undefined });

test('default hasher: functions key by their source text', (t) => {
  const make = () => function scale(x) { return x * 2; };
  t.is(key(make()), key(make()), 'same source, different closures object: same key');
  t.not(key(function scale(x) { return x * 2; }), key(function scale(x) { return x * 3; }));
  t.not(key((x) => x), key((y) => y));
});

test('default hasher: a class includes its superclass source', (t) => {
  // eslint-disable-next-line no-new-func
  const family = (body) => new Function(`class Base { m() { return ${body}; } } class Child extends Base {} return Child;`)();
  t.is(key(family(1)), key(family(1)));
  t.not(key(family(1)), key(family(2)), 'Child source is identical; only Base differs');
});

test('class instances key by class and own enumerable state', (t) => {
  class Account { constructor(id, balance) { this.id = id; this.balance = balance; } }
  class Other { constructor(id, balance) { this.id = id; this.balance = balance; } }
  t.is(key(new Account(1, 5)), key(new Account(1, 5)));
  t.not(key(new Account(1, 5)), key(new Account(1, 6)));
  t.not(key(new Account(1, 5)), key(new Other(1, 5)));
  t.not(key(new Account(1, 5)), key({ id: 1, balance: 5 }));
});

test('methods put on a prototype outside a class body are part of an instance key', (t) => {
  function Legacy(x) { this.x = x; }
  Legacy.prototype.get = function get() { return this.x; };
  const before = key(new Legacy(1), new Legacy(2));
  Legacy.prototype.get = function get() { return this.x * 2; };
  t.not(key(new Legacy(1), new Legacy(2)), before, 'ES5 prototype method changed');
  class Widget { draw() { return 1; } }
  const plain = key(new Widget());
  Object.assign(Widget.prototype, { extra() { return 2; } });
  t.not(key(new Widget()), plain, 'mixin added');
});

test('without a private-state reader in the context, #private fields are not read', (t) => {
  class Secret {
    #value;
    constructor(v) { this.#value = v; }
    get() { return this.#value; }
  }
  t.is(key(new Secret(1)), key(new Secret(2)));
});

test('objects made with Object.create(proto) key their prototype, methods included', (t) => {
  const protoA = { greet() { return 'a'; } };
  const protoB = { greet() { return 'b'; } };
  Object.defineProperty(protoB, 'hidden', { value: () => 'non-enumerable', enumerable: false });
  const a1 = Object.assign(Object.create(protoA), { n: 1 });
  const a2 = Object.assign(Object.create(protoA), { n: 1 });
  const b = Object.assign(Object.create(protoB), { n: 1 });
  t.is(key(a1, a2), key(a2, a1));
  t.not(key(a1), key(b));
  t.not(key(a1), key({ n: 1 }));
  const error = t.throws(() => key(Object.create(Object.getPrototypeOf(new Intl.Segmenter().segment('x')))), { code: 'ERR_UNHASHABLE_ARGUMENT' });
  t.is(error.path, 'args[0].<prototype>', 'a built-in prototype (native methods) is refused');
});

test('bound functions are refused by the default hasher', (t) => {
  const error = t.throws(() => key({ cb: Math.max.bind(null, 1) }), { code: 'ERR_UNHASHABLE_ARGUMENT' });
  t.is(error.path, 'args[0].cb');
  t.regex(error.message, /bound max/);
});

test('a cache wrapper counts as the function it wraps', (t) => {
  const original = function work(n) { return n + 1; };
  const wrapper = function cachedWrapper(...a) { return original(...a); };
  registerWrapper(wrapper, { original, name: 'work' });
  t.is(hashValue(wrapper, 'fn'), hashValue(original, 'fn'));
});

test('a key context\'s hasher: functions, classes and instances key through it', (t) => {
  const fingerprints = new Map();
  class Model { constructor() { this.k = 1; } }
  const f = () => 1;
  const g = () => 1;
  fingerprints.set(f, 'aa').set(g, 'bb').set(Model, 'cc');
  const keyFp = keyWith((fn) => fingerprints.get(fn) ?? 'ff');
  t.not(keyFp(f), keyFp(g), 'same source, different fingerprints');
  const before = keyFp(new Model(), f);
  fingerprints.set(Model, 'cd');
  t.not(keyFp(new Model(), f), before, 'the class fingerprint is part of an instance key');
  t.is(key(f), key(g), 'without a context: source text, same source, same key');
});

test('a throwing or misbehaving hasher gives ERR_UNHASHABLE_ARGUMENT with the path', (t) => {
  const cause = new Error('no inspector');
  const throwing = t.throws(() => keyWith(() => { throw cause; })(1, { handler: () => 0 }), { code: 'ERR_UNHASHABLE_ARGUMENT' });
  t.is(throwing.path, 'args[1].handler');
  t.is(throwing.cause, cause);
  const notString = t.throws(() => keyWith(() => 42)([() => 0]), { code: 'ERR_UNHASHABLE_ARGUMENT' });
  t.is(notString.path, 'args[0][0]');
});

test('a hasher may itself hash values (re-entrant)', (t) => {
  const constant = { factor: 3 };
  const keyRe = keyWith((fn) => hashValue({ src: String(fn), constant }, 'closure'));
  const before = keyRe(() => constant.factor, 'x');
  constant.factor = 4;
  t.not(keyRe(() => constant.factor, 'x'), before);
});
