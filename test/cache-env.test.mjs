import test from 'ava';
import { listFiles, node, project, smartcacheLines, tempDir, writeFile } from './fixtures/cache/helpers.mjs';

const mathV1 = `exports.scale = function scale(x) { return x * 2; };\n`;
const mathV2 = `exports.scale = function scale(x) { return x * 3; };\n`;
const main = (mod) => `const { cache } = require(${mod});
const { scale } = require('./math');
let runs = 0;
const compute = cache(function compute(n) { runs++; return scale(n) + 1; }, { name: 'compute' });
const out = [compute(1), compute(1), compute(2)];
console.log('OUT ' + JSON.stringify({ out, runs }));
`;

test('SMARTCACHE=off runs uncached and writes nothing', (t) => {
  const dir = project({ 'math.js': mathV1, 'main.js': main });
  const root = tempDir();
  const r = node(['main.js'], { cwd: dir, env: { SMARTCACHE: 'off', SMARTCACHE_DIR: root, SMARTCACHE_LOG: 'summary' } });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.out, { out: [3, 3, 5], runs: 3 });
  t.deepEqual(listFiles(root), []);
  const again = node(['main.js'], { cwd: dir, env: { SMARTCACHE: 'off' } });
  t.is(again.out.runs, 3);
  t.deepEqual(listFiles(dir), ['main.js', 'math.js', 'package.json'], 'nothing under the default root either');
});

test('SMARTCACHE_LOG=1: one line per call, misses say why, a helper edit is named', (t) => {
  const dir = project({ 'math.js': mathV1, 'main.js': main });
  const env = { SMARTCACHE_DIR: tempDir(), SMARTCACHE_LOG: '1' };
  const first = node(['main.js'], { cwd: dir, env });
  t.is(first.status, 0, first.stderr);
  const lines = smartcacheLines(first.stderr);
  t.is(lines.length, 3, first.stderr);
  // The first call of the process pays (and says) the setup: loading the cache layer, fingerprinting.
  t.regex(lines[0], /^\[smartcache\] miss compute [0-9a-f]{6}… \S+ (µs|ms|s) \(new arguments; first call: \S+ (µs|ms|s) of it loading and fingerprinting\)$/);
  t.regex(lines[1], /^\[smartcache\] hit compute [0-9a-f]{6}… \S+ (µs|ms|s)$/);
  t.regex(lines[2], /^\[smartcache\] miss compute .*\(new arguments\)$/);
  t.is(lines[0].split(' ')[3], lines[1].split(' ')[3], 'same key prefix for the same call');

  const second = node(['main.js'], { cwd: dir, env });
  t.deepEqual(smartcacheLines(second.stderr).map((l) => l.split(' ')[1]), ['hit', 'hit', 'hit']);

  writeFile(dir, 'math.js', mathV2);
  const third = node(['main.js'], { cwd: dir, env });
  t.deepEqual(third.out, { out: [4, 4, 7], runs: 2 });
  const changed = smartcacheLines(third.stderr);
  t.regex(changed[0], /^\[smartcache\] miss compute .*scale.*\)$/, third.stderr);
  t.notRegex(changed[0], /new arguments/);
  t.regex(changed[1], /^\[smartcache\] hit compute /);
});

test('SMARTCACHE_LOG=summary: one line at exit', (t) => {
  const dir = project({ 'math.js': mathV1, 'main.js': main });
  const env = { SMARTCACHE_DIR: tempDir(), SMARTCACHE_LOG: 'summary' };
  const r = node(['main.js'], { cwd: dir, env });
  const lines = smartcacheLines(r.stderr);
  t.is(lines.length, 1, r.stderr);
  t.regex(lines[0], /^\[smartcache\] summary: 3 calls, 1 hit, 2 misses, \S+ (µs|ms|s) saved/);
  const again = smartcacheLines(node(['main.js'], { cwd: dir, env }).stderr);
  t.regex(again[0], /^\[smartcache\] summary: 3 calls, 3 hits, 0 misses, /);
});

test('caching that costs more than it saves is said once, and recorded for stats', (t) => {
  const dir = project({
    'main.js': (mod) => `const { cache } = require(${mod});
const { Store } = require(${mod}.replace(/cache.index.js$/, 'store/index.js'));
const add = cache(function add(a, b) { return a + b; }, { name: 'add', memory: false });
for (let i = 0; i < 200; i++) add(i % 50, 1);
process.on('exit', () => {});
`,
    'stats.js': (mod) => `const { Store } = require(${mod}.replace(/cache.index.js$/, 'store/index.js'));
const s = Store.open(process.env.SMARTCACHE_DIR).readStats().get('add');
console.log('OUT ' + JSON.stringify(s));
`,
  });
  const env = { SMARTCACHE_DIR: tempDir(), SMARTCACHE_LOG: 'summary' };
  const r = node(['main.js'], { cwd: dir, env });
  t.is(r.status, 0, r.stderr);
  const warnings = smartcacheLines(r.stderr).filter((l) => l.includes('costs more than it saves'));
  t.is(warnings.length, 1, r.stderr);
  t.regex(warnings[0], /^\[smartcache\] warning: add: caching costs more than it saves/);
  const stats = node(['stats.js'], { cwd: dir, env }).out;
  t.is(stats.calls, 200);
  t.is(stats.hits, 150);
  t.is(stats.misses, 50);
  t.true(stats.overheadMs > stats.computeMs + stats.savedMs, JSON.stringify(stats));
});

test('SMARTCACHE_LOG=1 in process: refresh, expired, shared and rejected calls say so', async (t) => {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  const { cache } = require('../dist/cache/index.js');
  const { setLogSink } = require('../dist/cache/process/log.js');
  const lines = [];
  const previous = setLogSink((line) => lines.push(line));
  process.env.SMARTCACHE_LOG = '1';
  try {
    const f = cache(function logged(x) { return x; }, { dir: tempDir(), ttl: 100 });
    f(1);
    f.refresh(1);
    await new Promise((r) => setTimeout(r, 150));
    f(1);
    const g = cache(async function later(x) { await new Promise((r) => setTimeout(r, 20)); if (x < 0) throw new Error('no'); return x; }, { dir: tempDir() });
    await Promise.all([g(1), g(1)]);
    await g(-1).catch(() => undefined);
  } finally {
    delete process.env.SMARTCACHE_LOG;
    setLogSink(previous);
  }
  t.regex(lines[0], /^\[smartcache\] miss test\/cache-env\.test\.mjs#logged [0-9a-f]{6}… .*\(new arguments; first call: .* of it loading and fingerprinting\)$/);
  t.regex(lines[1], /^\[smartcache\] miss .*#logged .*\(refresh\)$/);
  t.regex(lines[2], /^\[smartcache\] miss .*#logged .*\(expired\)$/);
  // Each function's first call pays its own setup (its fingerprint).
  t.regex(lines[3], /^\[smartcache\] miss .*#later .*\(new arguments; first call: .* of it loading and fingerprinting\)$/);
  t.regex(lines[4], /^\[smartcache\] hit .*#later .*\(shared a running call\)$/);
  t.regex(lines[5], /^\[smartcache\] miss .*#later .*\(rejected, nothing stored\)$/);
  t.is(lines.length, 6);
});
