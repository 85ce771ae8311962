import test from 'ava';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { node, project, tempDir } from './fixtures/cache/helpers.mjs';
import { warningLines } from './fixtures/warnings.mjs';

// Tests run as root on CI machines, where chmod does not stop writes: the failures below are
// made real another way (a path below a regular file fails with ENOTDIR for everyone; a 1 MiB
// tmpfs really fills up) or simulated (ENOSPC from a patched fs.writeSync).

const work = (mod, extra = '') => `${extra}
const { cache } = require(${mod});
let runs = 0;
const work = cache(function work(n) { runs++; return { n, text: 'v'.repeat(n) }; });
const a = work(1000); const b = work(1000); const c = work(2000);
const ok = a.text.length === 1000 && b.text.length === 1000 && c.text.length === 2000;
console.log('OUT ' + JSON.stringify({ ok, runs }));
`;

function warnings(stderr) {
  return warningLines(stderr);
}

test('an unwritable root (below a regular file: ENOTDIR) still returns right values, one warning', (t) => {
  const file = path.join(tempDir(), 'a-file');
  fs.writeFileSync(file, 'x');
  const dir = project({ 'main.js': (mod) => work(mod) });
  const r = node(['main.js'], { cwd: dir, env: { SMARTCACHE_DIR: path.join(file, 'cache') } });
  t.is(r.status, 0, r.stderr);
  t.true(r.out.ok);
  const lines = warnings(r.stderr);
  t.is(lines.length, 1, r.stderr);
  t.regex(lines[0], /work.*ENOTDIR/);
});

test('a full disk (simulated ENOSPC) still returns right values, one warning', (t) => {
  const patch = `
const fs = require('fs');
const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
fs.writeSync = () => { throw enospc(); };
fs.writeFileSync = () => { throw enospc(); };
fs.appendFileSync = () => { throw enospc(); };
`;
  const dir = project({ 'main.js': (mod) => work(mod, patch) });
  const r = node(['main.js'], { cwd: dir, env: { SMARTCACHE_DIR: tempDir() } });
  t.is(r.status, 0, r.stderr);
  t.true(r.out.ok);
  t.is(r.out.runs, 2, 'memory layer still serves the in-process hit');
  const lines = warnings(r.stderr);
  t.is(lines.length, 1, r.stderr);
  t.regex(lines[0], /work.*ENOSPC/);
});

function canMountTmpfs() {
  if (process.platform !== 'linux') return false;
  const probe = tempDir();
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

(canMountTmpfs() ? test : test.skip)('a really full disk (1 MiB tmpfs) still returns right values, one warning', (t) => {
  const mount = tempDir();
  // mode=0700: a tmpfs is world-writable (1777) by default, and such a root is refused as not private.
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'tmpfs', mount]);
  t.teardown(() => execFileSync('umount', ['-l', mount]));
  const dir = project({
    'main.js': (mod) => `
const { cache } = require(${mod});
let runs = 0;
const blob = cache(function blob(n) { runs++; return Buffer.alloc(n, n % 251); });
const sizes = [300000, 300000, 300000, 300000, 300000];
const ok = sizes.map((n, i) => blob(n + i)).every((b, i) => b.length === sizes[i] + i && b[0] === (sizes[i] + i) % 251);
console.log('OUT ' + JSON.stringify({ ok, runs }));
`,
  });
  const r = node(['main.js'], { cwd: dir, env: { SMARTCACHE_DIR: mount } });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.out, { ok: true, runs: 5 });
  const lines = warnings(r.stderr);
  t.is(lines.length, 1, r.stderr);
  t.regex(lines[0], /blob.*ENOSPC/);
});

test('a corrupt entry is a miss, replaced, and the value stays right', (t) => {
  const dir = project({ 'main.js': (mod) => work(mod) });
  const root = tempDir();
  const env = { SMARTCACHE_DIR: root };
  t.deepEqual(node(['main.js'], { cwd: dir, env }).out, { ok: true, runs: 2 });
  const entries = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (fs.statSync(p).size > 1000) entries.push(p);
    }
  };
  walk(root);
  t.true(entries.length >= 2, 'two entries larger than 1000 bytes');
  for (const file of entries) {
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 10] ^= 0xff;
    fs.writeFileSync(file, bytes);
  }
  const r = node(['main.js'], { cwd: dir, env });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.out, { ok: true, runs: 2 });
  t.deepEqual(node(['main.js'], { cwd: dir, env }).out, { ok: true, runs: 0 }, 'replaced by good entries');
});

test('a function that cannot be fingerprinted runs uncached with one warning', (t) => {
  const dir = project({
    'main.js': (mod) => `
// Fingerprinting fails (as it would on an internal error of the inspector walk).
require(${mod}.replace(/cache.index.js$/, 'fingerprint/index.js')).fingerprint = () => { throw new Error('simulated walk failure'); };
const { cache } = require(${mod});
let runs = 0;
const f = cache(function target(x) { runs++; return x + 1; });
const out = [f(1), f(1), f(1)];
console.log('OUT ' + JSON.stringify({ out, runs }));
`,
  });
  const r = node(['main.js'], { cwd: dir, env: { SMARTCACHE_DIR: tempDir() } });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.out, { out: [2, 2, 2], runs: 3 });
  const lines = warnings(r.stderr);
  t.is(lines.length, 1, r.stderr);
  t.regex(lines[0], /target: cannot fingerprint.*simulated walk failure/);
});

test("an error the cached function throws, left uncaught, is reported at the user's line, not smartcache's", (t) => {
  const register = JSON.stringify(path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'dist', 'preload', 'register.js'));
  const dir = project({
    'api.js': (mod) => `const { cache } = require(${mod});
const f = cache(function f(x) { if (x > 0) throw new Error('boom ' + x); return x; });
f(1);
`,
    'annotated.js': `/** @cache */
function g(x) { if (x > 0) throw new Error('boom ' + x); return x; }
g(2);
`,
  });
  for (const [file, args] of [['api.js', []], ['annotated.js', ['--require', JSON.parse(register)]]]) {
    const r = node([...args, file], { cwd: dir, env: { SMARTCACHE_DIR: tempDir() } });
    t.is(r.status, 1);
    const [where, line] = r.stderr.split('\n');
    t.true(where.endsWith(`${path.sep}${file}:2`), r.stderr.slice(0, 300));
    t.regex(line, /throw new Error\('boom ' \+ x\)/);
    t.regex(r.stderr, /Error: boom/);
  }
});
