// Stored preload rewrites are code the process runs: only a rewrite in the user's own root, in a
// regular file of the user's, whole and made for exactly this source is used. A planted one never
// runs; a malformed one is discarded with one warning and never breaks start-up.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { asRoot, chownTree, editRewrite, mkfifo, NOBODY, rewriteFiles } from './fixtures/security/helpers.mjs';
import { warningLines } from './fixtures/warnings.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rootTest = asRoot ? test : test.skip;
if (!asRoot) test('planting rewrites as another user needs root', (t) => t.log('not root: ownership tests skipped (they chown files to nobody)'));

const BODY = `
/** @cache */
function twice(x) { globalThis.__runs = (globalThis.__runs || 0) + 1; return x * 2; }
console.log('OUT ' + JSON.stringify({ value: twice(21), runs: globalThis.__runs || 0 }));
`;

const FLAVOURS = {
  require: { file: 'main.js', args: ['--require', 'smartcache/register', 'main.js'] },
  import: { file: 'main.mjs', args: ['--import', 'smartcache/register', 'main.mjs'] },
};

function setup(t, flavour) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-sec-preload-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"p","private":true}\n');
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(REPO, path.join(dir, 'node_modules', 'smartcache'), 'dir');
  fs.writeFileSync(path.join(dir, FLAVOURS[flavour].file), BODY);
  const root = path.join(dir, 'cache-root');
  return { dir, root };
}

function run(dir, flavour, env) {
  const clean = { ...process.env };
  for (const k of Object.keys(clean)) if (k.startsWith('SMARTCACHE') || k === 'NODE_OPTIONS') delete clean[k];
  const r = spawnSync(process.execPath, FLAVOURS[flavour].args, { cwd: dir, env: { ...clean, ...env }, encoding: 'utf8', timeout: 60_000 });
  const out = r.stdout.split('\n').filter((l) => l.startsWith('OUT ')).map((l) => JSON.parse(l.slice(4))).pop();
  const warnings = warningLines(r.stderr);
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, out, warnings };
}

/** A first run that leaves a stored rewrite, then `plant` edits it. */
function planted(t, flavour, plant) {
  const { dir, root } = setup(t, flavour);
  const first = run(dir, flavour, { SMARTCACHE_DIR: root });
  t.deepEqual(first.out, { value: 42, runs: 1 }, first.stderr);
  const files = rewriteFiles(root);
  t.is(files.length, 1, 'one stored rewrite');
  for (const file of files) plant(file);
  return { dir, root };
}

const PLANT_CODE = (stored) => ({ ...stored, code: `${stored.code};console.log('PLANTED CODE RAN');` });

for (const flavour of Object.keys(FLAVOURS)) {
  rootTest(`--${flavour}: a rewrite in a root owned by another user never runs`, (t) => {
    const { dir, root } = planted(t, flavour, (file) => editRewrite(file, PLANT_CODE));
    chownTree(root, NOBODY);
    const r = run(dir, flavour, { SMARTCACHE_DIR: root });
    t.is(r.status, 0, r.stderr);
    t.false(r.stdout.includes('PLANTED'), r.stdout);
    t.deepEqual(r.out, { value: 42, runs: 1 });
  });

  rootTest(`--${flavour}: a rewrite file of another user in the user's own root never runs`, (t) => {
    const { dir, root } = planted(t, flavour, (file) => {
      editRewrite(file, PLANT_CODE);
      fs.chownSync(file, NOBODY, NOBODY);
    });
    const r = run(dir, flavour, { SMARTCACHE_DIR: root });
    t.is(r.status, 0, r.stderr);
    t.false(r.stdout.includes('PLANTED'), r.stdout);
    t.deepEqual(r.out, { value: 42, runs: 0 }, 'the root itself is fine: the result is a hit');
  });

  rootTest(`--${flavour}: a root declared shared never supplies code`, (t) => {
    const { dir, root } = planted(t, flavour, (file) => editRewrite(file, PLANT_CODE));
    chownTree(root, NOBODY);
    const r = run(dir, flavour, { SMARTCACHE_DIR: root, SMARTCACHE_TRUST_SHARED_ROOT: '1' });
    t.is(r.status, 0, r.stderr);
    t.false(r.stdout.includes('PLANTED'), r.stdout);
    t.deepEqual(r.out, { value: 42, runs: 0 }, 'results from the shared root are used');
  });

  test(`--${flavour}: a rewrite reached through a link is not followed`, (t) => {
    const { dir, root } = planted(t, flavour, (file) => {
      editRewrite(file, PLANT_CODE);
      const elsewhere = path.join(path.dirname(path.dirname(file)), '..', 'elsewhere.json');
      fs.renameSync(file, elsewhere);
      fs.symlinkSync(elsewhere, file);
    });
    const r = run(dir, flavour, { SMARTCACHE_DIR: root });
    t.is(r.status, 0, r.stderr);
    t.false(r.stdout.includes('PLANTED'), r.stdout);
    t.is(r.out.value, 42);
  });

  test(`--${flavour}: a FIFO in place of a rewrite neither hangs start-up nor is read`, (t) => {
    const { dir, root } = planted(t, flavour, (file) => {
      fs.rmSync(file);
      mkfifo(file);
    });
    const r = run(dir, flavour, { SMARTCACHE_DIR: root });
    t.is(r.signal, null, 'not killed by the timeout');
    t.is(r.status, 0, r.stderr);
    t.deepEqual(r.out, { value: 42, runs: 0 });
  });

  for (const [what, edit] of Object.entries({
    'code that is not a string': (s) => ({ ...s, code: 42 }),
    'warnings of the wrong shape': (s) => ({ ...s, warnings: 'not a list' }),
    'a body that is not JSON': undefined,
  })) {
    test(`--${flavour}: a stored rewrite with ${what} is discarded with one warning; the program starts and caches`, (t) => {
      const { dir, root } = planted(t, flavour, (file) => {
        if (edit !== undefined) editRewrite(file, edit);
        else fs.writeFileSync(file, `${fs.readFileSync(file, 'utf8').slice(0, -5)}`);
      });
      const r = run(dir, flavour, { SMARTCACHE_DIR: root });
      t.is(r.status, 0, r.stderr);
      t.deepEqual(r.out, { value: 42, runs: 0 }, 'rewritten afresh: the function is still cached');
      t.is(r.warnings.length, 1, r.stderr);
      t.regex(r.warnings[0], /stored rewrite .* damaged/);
      // The damaged file was replaced: the next run is quiet.
      const again = run(dir, flavour, { SMARTCACHE_DIR: root });
      t.deepEqual(again.warnings, [], again.stderr);
    });
  }
}
