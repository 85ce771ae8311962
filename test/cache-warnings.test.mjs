// Warnings go through process.emitWarning: an Error named SmartCacheWarning with a stable code,
// at most once per function and cause, so --no-warnings, --trace-warnings and
// process.on('warning') work; one raised while the process exits is still delivered.
import test from 'ava';
import { node, project, tempDir } from './fixtures/cache/helpers.mjs';
import { parseWarnings } from './fixtures/warnings.mjs';

const program = (mod) => `const { cache } = require(${mod});
const seen = [];
process.on('warning', (w) => seen.push({ name: w.name, code: w.code, instance: w instanceof Error, message: w.message }));
const make = cache(function make(n) { return { n, get: () => n }; });
const out = [make(1).get(), make(1).get(), make(2).get()];
setImmediate(() => console.log('OUT ' + JSON.stringify({ out, seen })));
`;

test("process.on('warning') gets one SmartCacheWarning with a code per function and cause", (t) => {
  const dir = project({ 'main.js': program });
  const r = node(['main.js'], { cwd: dir, env: { SMARTCACHE_DIR: tempDir() } });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.out.out, [1, 1, 2]);
  t.is(r.out.seen.length, 1, JSON.stringify(r.out.seen));
  t.like(r.out.seen[0], { name: 'SmartCacheWarning', code: 'ERR_UNSERIALIZABLE_RESULT', instance: true });
  t.regex(r.out.seen[0].message, /^main\.js#make: its result cannot be stored exactly/);
  t.deepEqual(parseWarnings(r.stderr).map((w) => w.code), ['ERR_UNSERIALIZABLE_RESULT'], 'printed by Node as a warning');
  t.false(r.stderr.includes('[smartcache] warning'), 'nothing written around Node');
});

test('--no-warnings silences them; --trace-warnings shows where they came from', (t) => {
  const dir = project({ 'main.js': program });
  const quiet = node(['--no-warnings', 'main.js'], { cwd: dir, env: { SMARTCACHE_DIR: tempDir() } });
  t.is(quiet.status, 0, quiet.stderr);
  t.deepEqual(quiet.out.out, [1, 1, 2]);
  t.is(quiet.out.seen.length, 1, "listeners still get it");
  t.is(quiet.stderr, '');
  const traced = node(['--trace-warnings', 'main.js'], { cwd: dir, env: { SMARTCACHE_DIR: tempDir() } });
  t.regex(traced.stderr, /SmartCacheWarning: main\.js#make: .*\n\s+at /);
});

test('a warning raised while the process exits is still printed (and still silenced by --no-warnings)', (t) => {
  const dir = project({
    'main.js': (mod) => `const { cache } = require(${mod});
const make = cache(function make(n) { return { n, get: () => n }; });
// No tick runs after 'exit': process.emitWarning alone would lose this one.
process.on('exit', () => { make(1); });
`,
  });
  const env = { SMARTCACHE_DIR: tempDir() };
  const r = node(['main.js'], { cwd: dir, env });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(parseWarnings(r.stderr).map((w) => w.code), ['ERR_UNSERIALIZABLE_RESULT'], r.stderr);
  const quiet = node(['--no-warnings', 'main.js'], { cwd: dir, env });
  t.is(quiet.stderr, '');
});
