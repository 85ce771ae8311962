// A cache root is used only if it is the user's own (owner, no group/other write, nothing above it
// writable by others without the sticky bit); a shared root is an explicit, documented choice.
// Planting files as another user needs root (chown): those tests are skipped otherwise.
import test from 'ava';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listFiles, node, project, smartcacheLines, tempDir, writeFile } from './fixtures/cache/helpers.mjs';
import { cli } from './fixtures/cli/helpers.mjs';
import { asRoot, chownTree, NOBODY } from './fixtures/security/helpers.mjs';

const rootTest = asRoot ? test : test.skip;
if (!asRoot) test('planting files as another user needs root', (t) => t.log('not root: ownership tests skipped (they chown files to nobody)'));

const twice = (mod) => `
const { cache } = require(${mod});
let runs = 0;
const twice = cache(function twice(x) { runs++; return x * 2; }, { name: 'twice' });
const values = [twice(1), twice(2)];
console.log('OUT ' + JSON.stringify({ values, runs }));
`;

function run(dir, env) {
  const r = node(['main.js'], { cwd: dir, env });
  return { ...r, warnings: smartcacheLines(r.stderr).filter((l) => l.includes('warning')) };
}

/** A root the user made and filled, then handed to `nobody`, as a folder another user created. */
function foreignRoot(t) {
  const dir = project({ 'main.js': twice });
  const root = tempDir('sc-root-');
  t.is(run(dir, { SMARTCACHE_DIR: root }).out.runs, 2);
  chownTree(root, NOBODY);
  return { dir, root };
}

rootTest('a root owned by another user is not used: uncached, one warning naming folder, owner and fix, nothing written', (t) => {
  const { dir, root } = foreignRoot(t);
  const before = listFiles(root);
  const r = run(dir, { SMARTCACHE_DIR: root });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.out, { values: [2, 4], runs: 2 }, 'computed, not read from the foreign root');
  t.is(r.warnings.length, 1, r.stderr);
  t.true(r.warnings[0].includes(root), r.warnings[0]);
  t.regex(r.warnings[0], /uid 65534/);
  t.regex(r.warnings[0], /ERR_UNTRUSTED_ROOT/);
  t.regex(r.warnings[0], /SMARTCACHE_TRUST_SHARED_ROOT=1/);
  t.regex(r.warnings[0], /chown/);
  t.deepEqual(listFiles(root), before);
});

test('a root others may write is not used', (t) => {
  const dir = project({ 'main.js': twice });
  const root = tempDir('sc-root-');
  t.is(run(dir, { SMARTCACHE_DIR: root }).out.runs, 2);
  fs.chmodSync(root, 0o777);
  const r = run(dir, { SMARTCACHE_DIR: root });
  t.is(r.out.runs, 2);
  t.is(r.warnings.length, 1, r.stderr);
  t.regex(r.warnings[0], /writable by anyone/);
});

rootTest("group write counts only for a group others are in, not for the user's private group", (t) => {
  const dir = project({ 'main.js': twice });
  const root = tempDir('sc-root-');
  t.is(run(dir, { SMARTCACHE_DIR: root }).out.runs, 2);
  fs.chmodSync(root, 0o770);
  // gid 0 is root's own group here (no other member), as Debian and Ubuntu give each user theirs.
  t.deepEqual(run(dir, { SMARTCACHE_DIR: root }).out, { values: [2, 4], runs: 0 });
  // adm (gid 4) is not this user's private group: its members could write the root.
  fs.chownSync(root, 0, 4);
  const r = run(dir, { SMARTCACHE_DIR: root });
  t.is(r.out.runs, 2);
  t.is(r.warnings.length, 1, r.stderr);
  t.regex(r.warnings[0], /writable by its group/);
});

test('a root inside a folder others may write (not sticky) is not used; inside a sticky one it is', (t) => {
  const dir = project({ 'main.js': twice });
  const open = tempDir('sc-open-');
  const root = path.join(open, 'cache');
  t.is(run(dir, { SMARTCACHE_DIR: root }).out.runs, 2);
  fs.chmodSync(open, 0o777);
  const refused = run(dir, { SMARTCACHE_DIR: root });
  t.is(refused.out.runs, 2);
  t.is(refused.warnings.length, 1, refused.stderr);
  t.true(refused.warnings[0].includes(`${open} is writable by anyone`), refused.warnings[0]);
  // Sticky (like /tmp): others may add names but cannot rename or remove ours.
  fs.chmodSync(open, 0o1777);
  const used = run(dir, { SMARTCACHE_DIR: root });
  t.deepEqual(used.out, { values: [2, 4], runs: 0 });
  t.deepEqual(used.warnings, []);
});

rootTest('SMARTCACHE_TRUST_SHARED_ROOT=1: a shared root holds results, never analyses or rewrites', (t) => {
  const dir = project({ 'main.js': twice });
  const root = tempDir('sc-shared-');
  chownTree(root, NOBODY);
  fs.chmodSync(root, 0o777);
  const env = { SMARTCACHE_DIR: root, SMARTCACHE_TRUST_SHARED_ROOT: '1' };
  const first = run(dir, env);
  t.deepEqual(first.out, { values: [2, 4], runs: 2 });
  t.deepEqual(first.warnings, [], first.stderr);
  t.deepEqual(run(dir, env).out, { values: [2, 4], runs: 0 }, 'results are shared');
  t.deepEqual(fs.readdirSync(root).filter((n) => n.startsWith('analysis') || n.startsWith('preload')), []);
});

test('the default root is never inside a world-writable working directory', (t) => {
  for (const mode of [0o777, 0o1777]) {
    const cwd = tempDir('sc-drop-');
    fs.chmodSync(cwd, mode);
    writeFile(cwd, 'main.js', twice);
    const home = tempDir('sc-home-');
    const env = { HOME: home, XDG_CACHE_HOME: '' };
    t.is(run(cwd, env).out.runs, 2);
    t.false(fs.existsSync(path.join(cwd, '.smartcache')), `mode ${mode.toString(8)}: no root in the shared folder`);
    t.true(fs.existsSync(path.join(home, '.cache', 'smartcache')), 'the per-user cache folder is used');
    t.deepEqual(run(cwd, env).out, { values: [2, 4], runs: 0 });
  }
  // A private working directory keeps the contract's `.smartcache`.
  const own = tempDir('sc-own-');
  writeFile(own, 'main.js', twice);
  run(own, { HOME: tempDir('sc-home-') });
  t.true(fs.existsSync(path.join(own, '.smartcache')));
});

rootTest('an analysis planted by another user (a helper reference dropped) does not give a stale hit', (t) => {
  const dir = project({
    'h.js': 'exports.h = (x) => x + 1;\n',
    'main.js': (mod) => `
const { cache } = require(${mod});
const { h } = require('./h.js');
let runs = 0;
const f = cache(function f(x) { runs++; return h(x); }, { name: 'f' });
console.log('OUT ' + JSON.stringify({ value: f(2), runs }));
`,
  });
  const root = tempDir('sc-root-');
  t.deepEqual(run(dir, { SMARTCACHE_DIR: root }).out, { value: 3, runs: 1 });
  // Whatever form the analysis cache has (one file, or a folder of files): drop `h` from every
  // row that names it, keep the checksum valid, and hand the file to another user.
  const files = fs.readdirSync(root).filter((n) => n.startsWith('analysis')).flatMap((n) => {
    const p = path.join(root, n);
    return fs.statSync(p).isDirectory() ? fs.readdirSync(p).filter((f) => f.endsWith('.json')).map((f) => path.join(p, f)) : [p];
  });
  t.true(files.length > 0);
  let edited = 0;
  for (const file of files) {
    const [stamp, , ...rest] = fs.readFileSync(file, 'utf8').split('\n');
    const rows = JSON.parse(rest.join('\n'));
    for (const row of Object.values(rows)) {
      if (row[2].some((ref) => ref[0] === 'h')) {
        row[2] = row[2].filter((ref) => ref[0] !== 'h');
        edited++;
      }
    }
    const body = JSON.stringify(rows);
    fs.writeFileSync(file, `${stamp}\n${createHash('sha256').update(body).digest('hex')}\n${body}`);
    fs.chownSync(file, NOBODY, NOBODY);
  }
  t.true(edited > 0);
  // A run with the planted analysis in place stores its result under whatever fingerprint that
  // analysis gives; then the helper changes.
  t.is(run(dir, { SMARTCACHE_DIR: root }).out.value, 3);
  fs.writeFileSync(path.join(dir, 'h.js'), 'exports.h = (x) => x + 100;\n');
  t.deepEqual(run(dir, { SMARTCACHE_DIR: root }).out, { value: 102, runs: 1 });
});

rootTest('clear and prune refuse a root of another user unless it is declared shared; ls reads it and deletes nothing', async (t) => {
  const { root } = foreignRoot(t);
  const before = listFiles(root);
  for (const args of [['clear'], ['prune', '--max-size', '0']]) {
    const r = await cli([...args, '--dir', root]);
    t.not(r.code, 0, args.join(' '));
    t.regex(r.stderr, /uid 65534/);
    t.deepEqual(listFiles(root), before, `${args.join(' ')} removed nothing`);
  }
  const ls = await cli(['ls', '--dir', root]);
  t.is(ls.code, 0, ls.stderr);
  t.regex(ls.stdout, /twice/);
  t.deepEqual(listFiles(root), before);
  const shared = await cli(['clear', '--dir', root], { env: { SMARTCACHE_TRUST_SHARED_ROOT: '1' } });
  t.is(shared.code, 0, shared.stderr);
  t.regex(shared.stdout, /cleared 2 entries/);
});
