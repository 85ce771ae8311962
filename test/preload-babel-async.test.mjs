// `'use cache'` in async functions compiled by Babel for an engine without them
// (@babel/plugin-transform-async-to-generator, or preset-env with an old target, which also runs
// regenerator): the directive then opens the generator handed to `_asyncToGenerator`, or the
// `_callee` handed to `regeneratorRuntime().mark`, and the function that returns the promise is
// the one to cache (red team, issue 13). The compiled text is written out by hand below, in the
// shapes Babel 7 prints; the helpers come from test/fixtures/preload/babel-helpers.js.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { installedProject, run } from './fixtures/contract/project.mjs';

const HELPERS = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'preload', 'babel-helpers.js'), 'utf8');

const SOURCE = `
const runs = [];
const delay = () => new Promise((r) => setTimeout(r, 1));

// async function load(id) { 'use cache'; … }
function load(_x) {
  return _load.apply(this, arguments);
}
function _load() {
  _load = _asyncToGenerator(function* (id) {
    'use cache';
    runs.push('load');
    yield delay();
    return id * 2;
  });
  return _load.apply(this, arguments);
}

// const total = async function (a, b) { 'use cache'; … }
const total = /*#__PURE__*/function () {
  var _ref = _asyncToGenerator(function* (a, b) {
    'use cache';
    runs.push('total');
    return a + b;
  });
  return function total(_x2, _x3) {
    return _ref.apply(this, arguments);
  };
}();

// const arrow = async (id) => { 'use cache'; … }
const arrow = /*#__PURE__*/function () {
  var _ref2 = _asyncToGenerator(function* (id) {
    "use cache";
    runs.push('arrow');
    return id * 3;
  });
  return function arrow(_x4) {
    return _ref2.apply(this, arguments);
  };
}();

// class Repo { async find(id) { 'use cache'; … } }
class Repo {
  constructor() {
    this.base = 5;
  }
  find(id) {
    var _this = this;
    return _asyncToGenerator(function* () {
      'use cache';
      runs.push('Repo#find');
      yield delay();
      return id * _this.base;
    })();
  }
}

// async function viaRegenerator(id) { 'use cache'; … } with preset-env for an old engine
function viaRegenerator(_x5) {
  return _viaRegenerator.apply(this, arguments);
}
function _viaRegenerator() {
  _viaRegenerator = _asyncToGenerator(/*#__PURE__*/_regeneratorRuntime().mark(function _callee(id) {
    'use cache';
    return _regeneratorRuntime().wrap(function _callee$(_context) {
      while (1) switch (_context.prev = _context.next) {
        case 0:
          runs.push('viaRegenerator');
          _context.next = 3;
          return delay();
        case 3:
          return _context.abrupt("return", id * 7);
        case 4:
        case "end":
          return _context.stop();
      }
    }, _callee);
  }));
  return _viaRegenerator.apply(this, arguments);
}

// Babel 8 keeps the wrapper in a variable of the scope instead: async function later(n) { 'use cache'; … }
var _ref3;
function later(_x6) {
  return (_ref3 = _ref3 || _asyncToGenerator(function* (n) {
    'use cache';
    runs.push('later');
    return n * 11;
  })).apply(this, arguments);
}

_asyncToGenerator(function* () {
  const values = [yield load(1), yield total(1, 2), yield arrow(1), yield new Repo().find(1), yield viaRegenerator(1), yield later(1)];
  console.log(JSON.stringify({ values, runs }));
})();
`;

const APP = `${HELPERS}${SOURCE}`;
const NAMES = ['load', 'total', 'arrow', 'Repo#find', 'viaRegenerator', 'later'];

test("'use cache' in async functions compiled by Babel caches the async function", (t) => {
  const dir = installedProject();
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'app.js'), APP);
  const args = ['--require', 'smartcache/register', 'app.js'];
  const first = run(dir, args, { SMARTCACHE_LOG: '1' });
  t.deepEqual(first.json, { values: [2, 3, 3, 5, 7, 11], runs: NAMES }, first.stderr);
  t.notRegex(first.stderr, /SMARTCACHE_ANNOTATION|cannot cache/);
  for (const name of NAMES) t.regex(first.stderr, new RegExp(`\\[smartcache\\] miss app\\.js#${name} `), first.stderr);
  const second = run(dir, args, { SMARTCACHE_LOG: '1' });
  t.deepEqual(second.json, { values: [2, 3, 3, 5, 7, 11], runs: [] }, second.stderr);
  for (const name of NAMES) t.regex(second.stderr, new RegExp(`\\[smartcache\\] hit app\\.js#${name} `), second.stderr);
  // An edit inside the compiled body is an edit of the cached function.
  fs.writeFileSync(path.join(dir, 'app.js'), APP.replace('return id * 2;', 'return id * 20;').replace('id * 7', 'id * 70').replace('return a + b;', 'return a + b + 100;'));
  const edited = run(dir, args, { SMARTCACHE_LOG: '1' });
  t.deepEqual(edited.json, { values: [20, 103, 3, 5, 70, 11], runs: ['load', 'total', 'viaRegenerator'] }, edited.stderr);
});

test("'use cache' in a generator Babel left where no async function returns it: runs uncached, with the generator warning", (t) => {
  const dir = installedProject();
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  // A generator holding the directive that no outer function returns as a promise: nothing to cache.
  fs.writeFileSync(path.join(dir, 'app.js'), `${HELPERS}
const runs = [];
const step = _asyncToGenerator(function* (id) {
  'use cache';
  runs.push('step');
  return id + 1;
});
function* plain(id) {
  'use cache';
  runs.push('plain');
  yield id;
}
step(1).then((value) => console.log(JSON.stringify({ value, items: [...plain(4)], runs })));
`);
  const args = ['--require', 'smartcache/register', 'app.js'];
  for (let i = 0; i < 2; i++) {
    const r = run(dir, args);
    t.deepEqual(r.json, { value: 2, items: [4], runs: ['step', 'plain'] }, r.stderr);
    t.regex(r.stderr, /generator functions return iterators, which cannot be cached/);
  }
});
