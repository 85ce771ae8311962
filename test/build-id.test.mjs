// The build's identity (scripts/build-id.js, written by `npm run build`): the preload reuses a
// rewritten file only for the build that made it, so the identity must change with any code file
// of dist/ (bundle, doors, hooks module, CLI), and a build without one keeps no rewrites at all.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { node, project, repo, tempDir } from './fixtures/cache/helpers.mjs';

const require = createRequire(import.meta.url);
const { computeBuildId, BUILD_ID_FILE } = require('../scripts/build-id.js');
const dist = path.join(repo, 'dist');

/** A copy of the built package (dist/ and package.json; node_modules linked) that a test may edit. */
function packageCopy() {
  const root = tempDir('sc-build-id-');
  fs.cpSync(dist, path.join(root, 'dist'), { recursive: true });
  fs.copyFileSync(path.join(repo, 'package.json'), path.join(root, 'package.json'));
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  return root;
}

test('the build wrote the identity of the dist/ it built', (t) => {
  const written = JSON.parse(fs.readFileSync(path.join(dist, BUILD_ID_FILE), 'utf8')).build;
  t.regex(written, /^[0-9a-f]{64}$/);
  t.is(written, computeBuildId(dist));
});

test('the identity changes when any code file changes, and only then', (t) => {
  const root = packageCopy();
  const copy = path.join(root, 'dist');
  const id = computeBuildId(copy);
  t.is(id, computeBuildId(dist), 'the identity is the content, not the place');
  const bundled = fs.existsSync(path.join(copy, 'runtime.js'));
  const files = ['cache/index.js', 'store/entry/format.js', 'preload/esm-hooks.mjs', 'preload/register.js', 'cli/main.js', 'cache/write-worker.js', 'index.mjs'];
  if (bundled) files.push('runtime.js');
  for (const rel of files) {
    const file = path.join(copy, rel);
    const before = fs.readFileSync(file);
    fs.appendFileSync(file, '\n// edited\n');
    t.not(computeBuildId(copy), id, `${rel} edited`);
    fs.writeFileSync(file, before);
    t.is(computeBuildId(copy), id, `${rel} restored`);
  }
  // A new code file counts too; maps and declarations do not run.
  fs.writeFileSync(path.join(copy, 'cache', 'extra.js'), '');
  t.not(computeBuildId(copy), id, 'a new file');
  fs.rmSync(path.join(copy, 'cache', 'extra.js'));
  fs.appendFileSync(path.join(copy, 'cache', 'index.d.ts'), '\n');
  t.is(computeBuildId(copy), id, 'a declaration file does not run');
});

// Reports at exit whether the parser was loaded: a stored rewrite spares it on a disk hit.
const fib = `process.on('exit', () => {
  const parsed = Object.keys(require.cache).some((f) => f.split(require('node:path').sep).join('/').includes('/node_modules/acorn/dist/'));
  require('node:fs').writeSync(1, 'OUT ' + JSON.stringify({ value: fib(20), parsed }) + '\\n');
});
/** @cache */
function fib(n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}
fib(20);
`;

test('a stored rewrite is reused by the build that made it and by no other', (t) => {
  const root = packageCopy();
  const register = path.join(root, 'dist', 'preload', 'register.js');
  const dir = project({ 'fib.js': fib });
  const env = { SMARTCACHE_DIR: tempDir() };
  const run = () => {
    const r = node(['--require', register, 'fib.js'], { cwd: dir, env });
    t.is(r.status, 0, r.stderr);
    t.is(r.stderr, '');
    t.is(r.out.value, 6765);
    return r.out.parsed;
  };
  t.true(run(), 'the first run parses (and stores the rewrite and the result)');
  t.false(run(), 'the same build reuses its rewrite: no parser on a disk hit');
  // Another build: one code file differs, and its identity was written by the build step.
  const edited = fs.existsSync(path.join(root, 'dist', 'runtime.js')) ? 'runtime.js' : path.join('preload', 'rewrite.js');
  fs.appendFileSync(path.join(root, 'dist', edited), '\n// another build\n');
  const { writeBuildId } = require('../scripts/build-id.js');
  writeBuildId(path.join(root, 'dist'));
  t.true(run(), "another build's rewrite is not reused: the file is parsed again");
  t.false(run(), 'and the new build reuses its own');
});

test('a build without an identity neither reuses nor keeps rewrites', (t) => {
  const root = packageCopy();
  fs.rmSync(path.join(root, 'dist', BUILD_ID_FILE));
  const register = path.join(root, 'dist', 'preload', 'register.js');
  const dir = project({ 'fib.js': fib });
  const cacheDir = tempDir();
  const env = { SMARTCACHE_DIR: cacheDir };
  for (let i = 0; i < 2; i++) {
    const r = node(['--require', register, 'fib.js'], { cwd: dir, env });
    t.is(r.status, 0, r.stderr);
    t.deepEqual(r.out, { value: 6765, parsed: true });
  }
  const kept = fs.existsSync(path.join(cacheDir, 'preload-v3')) ? fs.readdirSync(path.join(cacheDir, 'preload-v2')) : [];
  t.deepEqual(kept, []);
});
