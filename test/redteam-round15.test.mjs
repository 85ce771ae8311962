// Red-team round 15: confirmed findings, each fixed. Child processes run the program as a user
// would, with SMARTCACHE_LOG=1; a stale hit shows as a value plain Node would not print.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { cleanEnv, REPO, tempDir } from './fixtures/cli/helpers.mjs';

const INDEX = JSON.stringify(path.join(REPO, 'dist', 'index.js'));

function project(t, files) {
  const dir = tempDir('smartcache-rt15-');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"rt15","private":true}\n');
  write(dir, files);
  return dir;
}

function write(dir, files) {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
}

function run(dir, args, env = {}) {
  const r = spawnSync(process.execPath, args, { cwd: dir, env: cleanEnv({ SMARTCACHE_DIR: path.join(dir, 'cache'), SMARTCACHE_LOG: '1', ...env }), encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}`);
  return { out: r.stdout.trim().split('\n'), log: r.stderr.split('\n').filter((l) => l.startsWith('[smartcache] ')) };
}

// Keys: an instance of the program's subclass of a built-in counted only the built-in's content.
test('a #private field of a subclass of Map, Error or Date is part of the key', (t) => {
  const app = (fallback) => `const { cache } = require(${INDEX});
class DefaultMap extends Map {
  #fallback;
  constructor(fallback, entries) { super(entries); this.#fallback = fallback; }
  get(k) { return this.has(k) ? super.get(k) : this.#fallback; }
}
const total = cache(function total(prices, items) { return items.reduce((s, i) => s + prices.get(i), 0); });
console.log(total(new DefaultMap(${fallback}, [['apple', 2]]), ['apple', 'pear']));
class HttpError extends Error { #status; constructor(s) { super('failed'); this.#status = s; } get status() { return this.#status; } }
const label = cache(function label(err) { return err.message + ' ' + err.status; });
console.log(label(new HttpError(404)), label(new HttpError(500)));
class Stamp extends Date { #zone; constructor(ms, zone) { super(ms); this.#zone = zone; } get zone() { return this.#zone; } }
const where = cache(function where(d) { return d.zone; });
console.log(where(new Stamp(0, 'UTC')), where(new Stamp(0, 'CET')));
`;
  const dir = project(t, { 'app.js': app(10) });
  t.deepEqual(run(dir, ['app.js']).out, ['12', 'failed 404 failed 500', 'UTC CET']);
  write(dir, { 'app.js': app(99) });
  t.deepEqual(run(dir, ['app.js']).out, ['101', 'failed 404 failed 500', 'UTC CET']);
  // Unchanged: every call hits.
  t.true(run(dir, ['app.js']).log.every((l) => l.startsWith('[smartcache] hit ')));
});

test("an Error argument's non-enumerable own properties are part of the key", (t) => {
  const dir = project(t, {
    'app.js': `const { cache } = require(${INDEX});
class HttpError extends Error {
  constructor(status) { super('request failed'); Object.defineProperty(this, 'status', { value: status, enumerable: false }); }
}
const describe = cache(function describe(err) { return err.message + ' (HTTP ' + err.status + ')'; });
const plain = (code) => Object.defineProperty(new Error('boom'), 'code', { value: code, enumerable: false });
const coded = cache(function coded(err) { return err.code; });
console.log(describe(new HttpError(404)), describe(new HttpError(500)), coded(plain('E1')), coded(plain('E2')));
`,
  });
  t.deepEqual(run(dir, ['app.js']).out, ['request failed (HTTP 404) request failed (HTTP 500) E1 E2']);
  const again = run(dir, ['app.js']);
  t.deepEqual(again.out, ['request failed (HTTP 404) request failed (HTTP 500) E1 E2']);
  t.true(again.log.every((l) => l.startsWith('[smartcache] hit ')), again.log.join('\n'));
});

// A "defaults" Proxy: its get trap answers for keys it never lists, so hashing what it lists
// missed the constant the trap falls back to.
test("a Proxy argument counts with its handler: an edit of what its get trap falls back to recomputes", (t) => {
  const app = (color) => `const { cache } = require(${INDEX});
const DEFAULTS = { color: '${color}' };
const withDefaults = (o) => new Proxy(o, { get: (t, k) => (k in t ? t[k] : DEFAULTS[k]) });
const render = cache(function render(opts) { return 'color=' + opts.color; });
const home = cache(function home(env) { return typeof env.PATH; });
console.log(render(withDefaults({})), render(withDefaults({ color: 'green' })), home(process.env));
`;
  const dir = project(t, { 'app.js': app('red') });
  t.deepEqual(run(dir, ['app.js']).out, ['color=red color=green string']);
  const again = run(dir, ['app.js']);
  t.true(again.log.every((l) => l.startsWith('[smartcache] hit ')), again.log.join('\n'));
  write(dir, { 'app.js': app('blue') });
  const edited = run(dir, ['app.js']);
  t.deepEqual(edited.out, ['color=blue color=green string']);
  t.true(edited.log.some((l) => l.startsWith('[smartcache] miss app.js#render ')), edited.log.join('\n'));
  // process.env handed whole is hashed as the environment (smartcache's own Proxy): still a hit.
  t.true(edited.log.some((l) => l.startsWith('[smartcache] hit app.js#home ')), edited.log.join('\n'));
});
