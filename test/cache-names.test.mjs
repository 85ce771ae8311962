// Default names: the function's own name, else the binding of the cache() call, methods with
// their class; two live functions never share a name silently (one warning, a suffixed name), so
// their records stop replacing each other and prune keeps both functions' entries.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listFiles, node, project, repo, tempDir } from './fixtures/cache/helpers.mjs';
import { parseWarnings } from './fixtures/warnings.mjs';

const CLI = path.join(repo, 'dist', 'cli', 'main.js');

/** Names of `[smartcache] hit|miss <name>` log lines, in order. */
function loggedNames(stderr) {
  return stderr.split('\n').flatMap((l) => /^\[smartcache\] (?:hit|miss) (\S+)/.exec(l)?.slice(1) ?? []);
}

/** Computations print `RAN` (a counter in the program would be a closure value, part of the fingerprint). */
function runs(r) {
  return r.stdout.split('\n').filter((l) => l === 'RAN').length;
}

function entryCount(root) {
  return listFiles(root).filter((f) => /^[0-9a-f]{64}$/.test(path.basename(f))).length;
}

/** Runs `file` in `dir` twice, prunes, runs again: the third run must compute nothing. */
function runPruneRun(t, dir, file, root, extraArgs = []) {
  const env = { SMARTCACHE_DIR: root, SMARTCACHE_LOG: '1' };
  const first = node([...extraArgs, file], { cwd: dir, env });
  t.is(first.status, 0, first.stderr);
  const second = node([...extraArgs, file], { cwd: dir, env });
  t.is(runs(second), 0, second.stderr);
  t.false(/changed/.test(second.stderr), 'no function is told "changed"');
  const entries = entryCount(root);
  const pruned = node([CLI, 'prune', '--dir', root], { cwd: dir });
  t.is(pruned.status, 0, pruned.stderr);
  t.is(entryCount(root), entries, 'prune kept every live entry');
  const third = node([...extraArgs, file], { cwd: dir, env });
  t.is(runs(third), 0, third.stderr);
  return first;
}

test('anonymous arrows take the name of their binding: file#getUser, file#getPosts', (t) => {
  const dir = project({
    'main.js': (mod) => `const smartcache = require(${mod});
const { cache } = smartcache;
const getUser = cache(async (id) => { console.log('RAN'); return { id, kind: 'user' }; });
const getPosts = smartcache.cache(async (id) => { console.log('RAN'); return [{ id, kind: 'post' }]; });
let spread =
  cache((id) => { console.log('RAN'); return id * 2; });
exports.total = cache((id) => { console.log('RAN'); return id * 3; });
const api = { count: cache((id) => { console.log('RAN'); return id * 4; }) };
const named = cache(function double(id) { console.log('RAN'); return id * 5; });
(async () => {
  const out = [await getUser(1), await getPosts(1), spread(1), exports.total(1), api.count(1), named(1)];
  console.log('OUT ' + JSON.stringify({ out }));
})();
`,
  });
  const root = tempDir();
  const first = runPruneRun(t, dir, 'main.js', root);
  t.is(runs(first), 6);
  t.deepEqual(loggedNames(first.stderr), ['main.js#getUser', 'main.js#getPosts', 'main.js#spread', 'main.js#total', 'main.js#count', 'main.js#double']);
  t.deepEqual(parseWarnings(first.stderr), []);
});

// Red team round 12: `cache(Svc.prototype.render)` was `main.js#render`; the contract names
// methods `Class#method` and statics `Class.staticMethod`.
test('a method handed to cache() by its path is named Class#method, a static Class.method, an object method api.load', (t) => {
  const dir = project({
    'main.js': (mod) => `const { cache } = require(${mod});
class Svc { render(x) { console.log('RAN'); return 'r' + x; } static create(x) { console.log('RAN'); return 'c' + x; } }
const api = { load(x) { console.log('RAN'); return 'l' + x; } };
const render = cache(
  /* hot path */ Svc.prototype.render, // comments and line breaks in the call
);
const create = cache(Svc.create);
const load = cache(api.load);
const plain = cache(function helper(x) { console.log('RAN'); return 'h' + x; });
console.log('OUT ' + JSON.stringify([render(1), create(1), load(1), plain(1)]));
`,
  });
  const r = node(['main.js'], { cwd: dir, env: { SMARTCACHE_DIR: tempDir(), SMARTCACHE_LOG: '1' } });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.out, ['r1', 'c1', 'l1', 'h1']);
  t.deepEqual(loggedNames(r.stderr), ['main.js#Svc#render', 'main.js#Svc.create', 'main.js#api.load', 'main.js#helper']);
});

test('two live functions with one name: the second is warned about once and kept apart', (t) => {
  const dir = project({
    'main.js': (mod) => `const { cache } = require(${mod});
const fns = [cache((x) => { console.log('RAN'); return x + 1; }), cache((x) => { console.log('RAN'); return x * 10; })];
const out = [fns[0](1), fns[1](1), fns[0](2), fns[1](2)];
console.log('OUT ' + JSON.stringify({ out }));
`,
  });
  const root = tempDir();
  const first = runPruneRun(t, dir, 'main.js', root);
  t.deepEqual(first.out, { out: [2, 10, 3, 20] });
  t.is(runs(first), 4);
  t.deepEqual([...new Set(loggedNames(first.stderr))], ['main.js#anonymous', 'main.js#anonymous(2)']);
  const warnings = parseWarnings(first.stderr);
  t.is(warnings.length, 1, first.stderr);
  t.is(warnings[0].code, 'SMARTCACHE_NAME_COLLISION');
  t.regex(warnings[0].message, /^main\.js#anonymous: .*"main\.js#anonymous\(2\)"/);
});

test('the same definition wrapped again (a module evaluated twice, a factory) shares its name silently', (t) => {
  const dir = project({
    'lib.js': (mod) => `const { cache } = require(${mod});
exports.square = cache((x) => { console.log('RAN'); return x * x; });
exports.make = (k) => cache((x) => x * k);
`,
    'main.js': `const first = require('./lib');
delete require.cache[require.resolve('./lib')];
const second = require('./lib');
const out = [first.square(3), second.square(3), first.make(2)(5), first.make(3)(5)];
console.log('OUT ' + JSON.stringify({ out, same: first.square !== second.square }));
`,
  });
  const r = node(['main.js'], { cwd: dir, env: { SMARTCACHE_DIR: tempDir(), SMARTCACHE_LOG: '1' } });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.out, { out: [9, 9, 10, 15], same: true });
  t.is(runs(r), 1);
  t.deepEqual([...new Set(loggedNames(r.stderr))], ['lib.js#square', 'lib.js#anonymous']);
  t.deepEqual(parseWarnings(r.stderr), []);
});

test('TypeScript through tsx: the binding is read through the source map', (t) => {
  const dir = project({
    'main.ts': (mod) => `import { createRequire } from 'node:module';
const { cache } = createRequire(import.meta.url)(${mod}) as typeof import('smartcache');
interface User { id: number; name: string }
type Fetch = (id: number) => Promise<User>;
const getUser: Fetch = cache(async (id: number): Promise<User> => { console.log('RAN'); return { id, name: 'u' + id }; });
const getTeam = cache(async (id: number): Promise<User[]> => { console.log('RAN'); return [{ id, name: 't' }]; });
console.log('OUT ' + JSON.stringify({ out: [await getUser(1), await getTeam(2)] }));
`,
    'package.json': '{"name":"fixture","private":true,"type":"module"}\n',
  });
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(path.join(repo, 'node_modules', 'tsx'), path.join(dir, 'node_modules', 'tsx'), 'dir');
  fs.symlinkSync(repo, path.join(dir, 'node_modules', 'smartcache'), 'dir');
  const r = node(['--import', 'tsx', 'main.ts'], { cwd: dir, env: { SMARTCACHE_DIR: tempDir(), SMARTCACHE_LOG: '1' } });
  t.is(r.status, 0, r.stderr);
  t.is(runs(r), 2);
  t.deepEqual(loggedNames(r.stderr), ['main.ts#getUser', 'main.ts#getTeam']);
});

const decorated = (mod) => `import { createRequire } from 'node:module';
const { cached } = createRequire(import.meta.url)(${mod}) as typeof import('smartcache');
class A {
  constructor(readonly base: number) {}
  @cached() run(x: number): number { console.log('RAN'); return this.base + x; }
  @cached() static make(x: number): number { console.log('RAN'); return x * 2; }
}
class B {
  constructor(readonly base: number) {}
  @cached() run(x: number): number { console.log('RAN'); return this.base * x; }
  @cached() static make(x: number): number { console.log('RAN'); return x * 3; }
}
const out = [new A(1).run(2), new B(1).run(2), A.make(1), B.make(1)];
console.log('OUT ' + JSON.stringify({ out }));
`;

for (const protocol of ['standard', 'legacy']) {
  test(`@cached (${protocol} decorators): A#run, B#run, A.make, B.make are four functions`, (t) => {
    const dir = project({
      'main.ts': decorated,
      'package.json': '{"name":"fixture","private":true,"type":"module"}\n',
      'tsconfig.json': JSON.stringify({ compilerOptions: { target: 'ES2022', strict: true, experimentalDecorators: protocol === 'legacy' } }),
    });
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(path.join(repo, 'node_modules', 'tsx'), path.join(dir, 'node_modules', 'tsx'), 'dir');
    fs.symlinkSync(repo, path.join(dir, 'node_modules', 'smartcache'), 'dir');
    const first = runPruneRun(t, dir, 'main.ts', tempDir(), ['--import', 'tsx']);
    t.deepEqual(first.out, { out: [3, 2, 2, 3] });
    t.is(runs(first), 4);
    t.deepEqual(loggedNames(first.stderr), ['main.ts#A#run', 'main.ts#B#run', 'main.ts#A.make', 'main.ts#B.make']);
    t.deepEqual(parseWarnings(first.stderr), []);
  });
}

test('a decorated method called before any instance exists: clear() still removes its stored entries', (t) => {
  const dir = project({
    'main.js': (mod) => `const { cached } = require(${mod});
class A { run(x) { return x + 1; } }
const context = { kind: 'method', name: 'run', static: false, private: false, addInitializer() {} };
A.prototype.run = cached()(A.prototype.run, context);
if (process.argv[2] === 'fill') new A().run(1);
else A.prototype.run.clear();
`,
  });
  const root = tempDir();
  t.is(node(['main.js', 'fill'], { cwd: dir, env: { SMARTCACHE_DIR: root } }).status, 0);
  t.is(entryCount(root), 1);
  const r = node(['main.js', 'clear'], { cwd: dir, env: { SMARTCACHE_DIR: root } });
  t.is(r.status, 0, r.stderr);
  t.is(entryCount(root), 0);
});
