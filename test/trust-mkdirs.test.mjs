// Creating cache folders never hangs: Node's recursive mkdir loops forever where mkdir answers
// ENOENT under an existing parent (procfs: a root set to /proc/x), and a hung cache call hangs
// the user's program (red team 3). Run in a child with a deadline, since the failure is a hang.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const TRUST = require.resolve('../dist/trust/index.js');

function inChild(t, code) {
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', timeout: 30_000 });
  t.is(r.error?.code, undefined, 'the child hung (killed at its deadline)');
  return r;
}

const onProcfs = process.platform === 'linux' && fs.existsSync('/proc/self');

(onProcfs ? test : test.skip)('ensurePrivateFolder under /proc fails at once instead of looping', (t) => {
  const r = inChild(t, `
    const { ensurePrivateFolder, ANY_OWNER } = require(${JSON.stringify(TRUST)});
    try { console.log(JSON.stringify({ ok: ensurePrivateFolder('/proc/smartcache-red3/x', { owner: undefined }) })); }
    catch (e) { console.log(JSON.stringify({ code: e.code })); }
  `);
  t.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim());
  t.true(out.ok === false || typeof out.code === 'string', r.stdout);
});

test('makeFolders creates missing parents 0700 and reports the first one, like mkdirSync', (t) => {
  const { makeFolders } = require(TRUST);
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-mkdirs-'));
  t.teardown(() => fs.rmSync(base, { recursive: true, force: true }));
  const deep = path.join(base, 'a', 'b', 'c');
  t.is(makeFolders(deep, 0o700), path.join(base, 'a'));
  t.true(fs.statSync(deep).isDirectory());
  t.is(makeFolders(deep, 0o700), undefined);
  fs.writeFileSync(path.join(base, 'file'), '');
  const error = t.throws(() => makeFolders(path.join(base, 'file', 'x'), 0o700));
  t.is(error.code, 'ENOTDIR');
});

(onProcfs ? test : test.skip)('a cache root under /proc: the cached call returns its value at once, uncached, with a warning', (t) => {
  const api = JSON.stringify(require.resolve('../dist/index.js'));
  const r = spawnSync(process.execPath, ['-e', `
    const { cache } = require(${api});
    const f = cache(function f(x) { return x * 2; }, { name: 'f' });
    console.log(JSON.stringify({ value: f(21) }));
  `], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, SMARTCACHE_DIR: '/proc/smartcache-red3/cache' } });
  t.is(r.error?.code, undefined, 'the program hung (killed at its deadline)');
  t.is(r.status, 0, r.stderr);
  t.deepEqual(JSON.parse(r.stdout.trim()), { value: 42 });
  t.regex(r.stderr, /SmartCacheWarning|\[smartcache\] warning/);
});
