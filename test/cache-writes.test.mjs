import test from 'ava';
import { node, project, smartcacheLines, tempDir } from './fixtures/cache/helpers.mjs';

// Entries of 8 MiB and more are written by a background worker thread (see src/cache/writer.ts).
const big = (mod, after = '') => `
const { cache } = require(${mod});
let runs = 0;
const blob = cache(function blob(n) { runs++; return Buffer.alloc(n * 1024 * 1024, n); }, { memory: false });
const value = blob(16);
const ok = value.length === 16 * 1024 * 1024 && value[0] === 16 && value[value.length - 1] === 16;
value.fill(0); // the caller mutates its result at once: the stored entry must not change
console.log('OUT ' + JSON.stringify({ ok, runs, pendingHas: blob.has(16) }));
${after}
`;

test('a large result is written in the background, whole, unaffected by the caller mutating it', (t) => {
  const dir = project({ 'main.js': (mod) => big(mod) });
  const env = { SMARTCACHE_DIR: tempDir() };
  const first = node(['main.js'], { cwd: dir, env });
  t.is(first.status, 0, first.stderr);
  t.deepEqual(first.out, { ok: true, runs: 1, pendingHas: true });
  const second = node(['main.js'], { cwd: dir, env });
  t.is(second.status, 0, second.stderr);
  t.deepEqual(second.out, { ok: true, runs: 0, pendingHas: true }, 'the process waited for its write before exiting');
  t.is(second.stderr, '');
});

test('process.exit() with a pending background write drops it safely', (t) => {
  const dir = project({ 'main.js': (mod) => big(mod, 'process.exit(0);') });
  const env = { SMARTCACHE_DIR: tempDir(), SMARTCACHE_LOG: '1' };
  const first = node(['main.js'], { cwd: dir, env });
  t.is(first.status, 0, first.stderr);
  t.true(first.out.ok);
  const second = node(['main.js'], { cwd: dir, env });
  t.is(second.status, 0, second.stderr);
  t.true(second.out.ok, 'right value whether the write finished or was dropped');
  t.true([0, 1].includes(second.out.runs));
  t.false(/corrupt/.test(second.stderr), second.stderr);
  t.true(smartcacheLines(second.stderr).every((l) => !l.includes('warning')), second.stderr);
});

test('delete() and clear() during a background write leave nothing behind', (t) => {
  const dir = project({
    'main.js': (mod) => `
const { cache } = require(${mod});
const blob = cache(function blob(n) { return Buffer.alloc(n * 1024 * 1024, 1); }, { memory: false, name: 'blob' });
const which = process.argv[2];
blob(9);
if (which === 'delete') blob.delete(9);
if (which === 'clear') blob.clear();
console.log('OUT ' + JSON.stringify({ has: blob.has(9) }));
`,
    'check.js': (mod) => `
const { cache } = require(${mod});
const blob = cache(function blob(n) { return Buffer.alloc(n * 1024 * 1024, 1); }, { memory: false, name: 'blob' });
console.log('OUT ' + JSON.stringify({ has: blob.has(9) }));
`,
  });
  for (const which of ['delete', 'clear']) {
    const env = { SMARTCACHE_DIR: tempDir() };
    const r = node(['main.js', which], { cwd: dir, env });
    t.is(r.status, 0, r.stderr);
    t.deepEqual(r.out, { has: false }, which);
    t.deepEqual(node(['check.js'], { cwd: dir, env }).out, { has: false }, `${which}: nothing stored after the write landed`);
  }
});
