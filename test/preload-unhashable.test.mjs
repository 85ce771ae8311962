// An annotated function never breaks a call that works without the preload: an argument that
// cannot be hashed runs that call uncached, with one warning naming the function and the
// argument. `cache()` keeps throwing ERR_UNHASHABLE_ARGUMENT (now naming the function), and so
// does an annotation with `strict=true`.
import test from 'ava';
import * as path from 'node:path';
import { node, project, repo, tempDir } from './fixtures/cache/helpers.mjs';
import { parseWarnings } from './fixtures/warnings.mjs';

const register = path.join(repo, 'dist', 'preload', 'register.js');

test('annotated: an unhashable argument runs the call uncached with one warning naming function and argument', (t) => {
  const dir = project({
    'app.js': `let runs = 0;
/** @cache */
function lookup(id, options) { runs++; return id * 2 + (options.extra ?? 0); }
const seen = new WeakMap();
const out = [lookup(1, { seen }), lookup(1, { seen }), lookup(2, { extra: 1 }), lookup(2, { extra: 1 })];
console.log('OUT ' + JSON.stringify({ out, runs }));
`,
  });
  const r = node(['--require', register, 'app.js'], { cwd: dir, env: { SMARTCACHE_DIR: tempDir() } });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.out, { out: [2, 2, 5, 5], runs: 3 }, 'the unhashable calls both ran; the hashable ones were cached');
  const warnings = parseWarnings(r.stderr);
  t.is(warnings.length, 1, r.stderr);
  t.is(warnings[0].code, 'ERR_UNHASHABLE_ARGUMENT');
  t.regex(warnings[0].message, /^app\.js#lookup: args\[1\]\.seen cannot be hashed, so calls with it run uncached/);
  t.regex(warnings[0].message, /WeakMap/);
  // SMARTCACHE_LOG=1: one line per call, the uncached ones included, saying why.
  const logged = node(['--require', register, 'app.js'], { cwd: dir, env: { SMARTCACHE_DIR: tempDir(), SMARTCACHE_LOG: '1' } });
  const lines = logged.stderr.split('\n').filter((l) => l.startsWith('[smartcache] '));
  t.is(lines.length, 4, logged.stderr);
  t.is(lines.filter((l) => /^\[smartcache\] miss app\.js#lookup \(no key\) .*an argument cannot be hashed: ran uncached/.test(l)).length, 2, lines.join('\n'));
});

test('annotated with strict=true: the unhashable argument throws, naming the function', (t) => {
  const dir = project({
    'app.js': `/** @cache strict=true */
function lookup(id, options) { return id; }
try { lookup(1, { seen: new WeakMap() }); console.log('OUT "no error"'); }
catch (e) { console.log('OUT ' + JSON.stringify({ code: e.code, path: e.path, fn: e.functionName, message: e.message })); }
`,
  });
  const r = node(['--require', register, 'app.js'], { cwd: dir, env: { SMARTCACHE_DIR: tempDir() } });
  t.is(r.status, 0, r.stderr);
  t.like(r.out, { code: 'ERR_UNHASHABLE_ARGUMENT', path: 'args[1].seen', fn: 'app.js#lookup' });
  t.regex(r.out.message, /app\.js#lookup: Cannot hash args\[1\]\.seen/);
});

test('cache() with default options still throws ERR_UNHASHABLE_ARGUMENT, now naming the function', (t) => {
  const dir = project({
    'main.js': (mod) => `const { cache } = require(${mod});
const lookup = cache(function lookup(id, options) { return id; });
try { lookup(1, { seen: new WeakMap() }); console.log('OUT "no error"'); }
catch (e) { console.log('OUT ' + JSON.stringify({ code: e.code, path: e.path, fn: e.functionName, message: e.message })); }
`,
  });
  const r = node(['main.js'], { cwd: dir, env: { SMARTCACHE_DIR: tempDir() } });
  t.is(r.status, 0, r.stderr);
  t.like(r.out, { code: 'ERR_UNHASHABLE_ARGUMENT', path: 'args[1].seen', fn: 'main.js#lookup' });
  t.regex(r.out.message, /main\.js#lookup: Cannot hash args\[1\]\.seen \(WeakMap/);
  t.deepEqual(parseWarnings(r.stderr), []);
});
