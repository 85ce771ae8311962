// The bundled runtime is compiled from a V8 code cache kept in the user's private folder
// (src/runtime-loader.ts). A code cache is code: it is used only when it is this user's alone,
// whole, and made from exactly this bundle file; anything else compiles as usual, silently.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { node, repo, tempDir } from './fixtures/cache/helpers.mjs';

const uid = process.getuid?.();
const bundled = fs.existsSync(path.join(repo, 'dist', 'runtime-loader.js'));
const run = bundled && uid !== undefined ? test.serial : test.skip;

/** A child that loads smartcache (through the loader), makes one cached call and reports. */
function script(dist) {
  return `const loader = require(${JSON.stringify(path.join(dist, 'runtime-loader.js'))});
const { cache } = require(${JSON.stringify(path.join(dist, 'index.js'))});
const double = cache((x) => x * 2, { name: 'double' });
let refused = '';
try { cache(class Shape {}); } catch (e) { refused = e.message; }
console.log('OUT ' + JSON.stringify({ state: loader.codeCacheState(), preload: loader.codeCacheState('preload'), value: double(21), refused }));
`;
}

function setup(dist = path.join(repo, 'dist')) {
  const dir = tempDir('sc-code-');
  const tmp = path.join(dir, 'tmp');
  fs.mkdirSync(tmp);
  fs.writeFileSync(path.join(dir, 'main.js'), script(dist));
  const env = { TMPDIR: tmp, SMARTCACHE_DIR: path.join(dir, 'cache') };
  const folder = path.join(tmp, `smartcache-code-${uid}`);
  const once = (extra = {}) => {
    const r = node(['main.js'], { cwd: dir, env: { ...env, ...extra } });
    if (r.status !== 0 || r.out === undefined) throw new Error(r.stderr);
    return r;
  };
  // The cache layer's caches (runtime-*.v8), or every cache (the preload part's too) with `all`.
  const cacheFiles = (all = false) => (fs.existsSync(folder) ? fs.readdirSync(folder).filter((f) => f.endsWith('.v8') && (all || f.startsWith('runtime-'))) : []);
  return { dir, folder, once, cacheFiles };
}

run('the second process compiles the bundle from the cache the first one left, in a private folder', (t) => {
  const { folder, once, cacheFiles } = setup();
  const first = once();
  t.is(first.out.state, 'none');
  t.is(first.out.preload, 'none');
  t.is(first.out.value, 42);
  t.is(cacheFiles().length, 1);
  // The preload part (loaded here by the cache layer's use of it) keeps its own cache.
  t.deepEqual(cacheFiles(true).filter((f) => !f.startsWith('runtime-')).map((f) => f.split('-')[0]), ['preload']);
  t.is(fs.statSync(folder).mode & 0o777, 0o700);
  t.is(fs.statSync(path.join(folder, cacheFiles()[0])).mode & 0o777, 0o600);
  const header = () => fs.readFileSync(path.join(folder, cacheFiles()[0]), 'latin1').split('\n')[1];
  // The first run stored its result: its cache is replaced by the next run's, which only read.
  t.regex(header(), /^[cf][0-9a-f]{8} s\d+$/);
  const second = once();
  t.is(second.out.state, 'accepted');
  t.deepEqual(second.out, { ...first.out, state: 'accepted', preload: 'accepted' });
  t.is(second.stderr, '');
  t.regex(header(), /^[cf][0-9a-f]{8} r\d+$/);
  const kept = fs.readFileSync(path.join(folder, cacheFiles()[0]));
  t.is(once().out.state, 'accepted');
  t.deepEqual(fs.readFileSync(path.join(folder, cacheFiles()[0])), kept, 'a run like the one that made it leaves it alone');
  t.is(cacheFiles().length, 1);
  t.is(cacheFiles(true).length, 2);
});

run('a damaged cache is not used; the next process leaves a whole one', (t) => {
  const { folder, once, cacheFiles } = setup();
  once();
  const file = path.join(folder, cacheFiles()[0]);
  const bytes = fs.readFileSync(file);
  bytes[bytes.length - 100] ^= 0xff;
  fs.writeFileSync(file, bytes);
  const damaged = once();
  t.is(damaged.out.state, 'none');
  t.is(damaged.out.value, 42);
  t.is(damaged.stderr, '');
  fs.truncateSync(file, 40);
  t.is(once().out.state, 'none');
  t.is(once().out.state, 'accepted');
});

run('a cache others may write, a link, or a folder others may enter is never used', (t) => {
  const { folder, once, cacheFiles } = setup();
  once();
  const file = path.join(folder, cacheFiles()[0]);
  fs.chmodSync(file, 0o666);
  t.is(once().out.state, 'none');
  // The refused file is replaced (renamed over) by a private one.
  t.is(fs.statSync(file).mode & 0o777, 0o600);
  t.is(once().out.state, 'accepted');

  const elsewhere = path.join(tempDir('sc-code-link-'), 'runtime.v8');
  fs.copyFileSync(file, elsewhere);
  fs.chmodSync(elsewhere, 0o600);
  fs.rmSync(file);
  fs.symlinkSync(elsewhere, file);
  t.is(once().out.state, 'none');

  fs.chmodSync(folder, 0o777);
  const open = once();
  t.is(open.out.state, 'off');
  t.is(open.out.value, 42);
  fs.chmodSync(folder, 0o700);
});

(uid === 0 && bundled ? test.serial : test.skip)('a cache owned by another user is never used (run as root)', (t) => {
  const { folder, once, cacheFiles } = setup();
  once();
  const file = path.join(folder, cacheFiles()[0]);
  fs.chownSync(file, 1, 1);
  t.is(once().out.state, 'none');
  fs.chownSync(folder, 1, 1);
  t.is(once().out.state, 'off');
});

run('NODE_DISABLE_COMPILE_CACHE=1 keeps no code cache', (t) => {
  const { folder, once } = setup();
  const r = once({ NODE_DISABLE_COMPILE_CACHE: '1' });
  t.is(r.out.state, 'off');
  t.is(r.out.value, 42);
  t.false(fs.existsSync(folder));
});

run('a bundle edited in place, same length, is compiled afresh: its new code runs', (t) => {
  // A copy of the package: this test edits its runtime.
  const pkg = tempDir('sc-code-pkg-');
  fs.cpSync(path.join(repo, 'dist'), path.join(pkg, 'dist'), { recursive: true });
  fs.copyFileSync(path.join(repo, 'package.json'), path.join(pkg, 'package.json'));
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(pkg, 'node_modules'), 'dir');
  const { once } = setup(path.join(pkg, 'dist'));
  const before = once();
  t.is(once().out.state, 'accepted');
  t.regex(before.out.refused, /is a class; cache a function/);
  const runtime = path.join(pkg, 'dist', 'runtime.js');
  const text = fs.readFileSync(runtime, 'utf8');
  t.true(text.includes('is a class; cache a function'));
  // V8 compares only the source length with the cache: the same length must still compile anew.
  const edited = text.replace('is a class; cache a function', 'IS A CLASS; cache a function');
  t.is(edited.length, text.length);
  fs.writeFileSync(runtime, edited);
  const after = once();
  t.not(after.out.state, 'accepted');
  t.regex(after.out.refused, /IS A CLASS; cache a function/);
  t.is(once().out.state, 'accepted');
});

run('the folder keeps the most recent caches only, and no old temporary file', (t) => {
  const { folder, once, cacheFiles } = setup();
  fs.mkdirSync(folder, { mode: 0o700 });
  const old = Date.now() / 1000 - 86_400;
  for (let i = 0; i < 30; i++) {
    const f = path.join(folder, `runtime-old${i}.v8`);
    fs.writeFileSync(f, 'x', { mode: 0o600 });
    fs.utimesSync(f, old + i, old + i);
  }
  const stray = path.join(folder, 'runtime-x.v8.1.tmp');
  fs.writeFileSync(stray, 'x', { mode: 0o600 });
  fs.utimesSync(stray, old, old);
  const fresh = path.join(folder, 'runtime-y.v8.2.tmp');
  fs.writeFileSync(fresh, 'x', { mode: 0o600 });
  const r = once();
  t.is(r.out.state, 'none');
  const left = cacheFiles(true);
  t.is(left.length, 24);
  // This build's two caches (just written) and the newest of the old ones stay; the oldest go.
  t.is(left.filter((f) => !f.startsWith('runtime-old')).length, 2);
  t.true(left.includes('runtime-old29.v8'));
  t.false(left.includes('runtime-old0.v8'));
  t.false(fs.existsSync(stray));
  t.true(fs.existsSync(fresh));
  t.is(once().out.state, 'accepted');
});

// Red team round 12: SMARTCACHE=off ("nothing is read or written") still wrote the bundles' code
// caches under the temp folder.
run('SMARTCACHE=off: no code cache is read or written', (t) => {
  const { folder, once } = setup();
  const r = once({ SMARTCACHE: 'off' });
  t.is(r.out.value, 42);
  t.is(r.out.state, 'off');
  t.false(fs.existsSync(folder), 'the code cache folder was created');
});
