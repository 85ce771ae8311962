// Every entry names its own key and function inside its checksummed head, and every read checks
// it: a file swapped or copied to another key's name is a miss, never another call's result.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { node, project, tempDir } from './fixtures/cache/helpers.mjs';
import { entryFiles } from './fixtures/security/helpers.mjs';
import { keyOf, META, tempRoot } from './fixtures/store/helpers.mjs';

const { Store } = await import('../dist/store/index.js');

const program = (mod) => `
const { cache } = require(${mod});
let runs = 0;
const f = cache(function f(x) { runs++; return 'f of ' + x; }, { name: 'f' });
const g = cache(function g(x) { runs++; return 'g of ' + x; }, { name: 'g' });
const which = process.argv[2] ?? 'both';
const values = which === 'g' ? [g(1)] : which === 'f' ? [f(1), f(2)] : [f(1), f(2), g(1)];
console.log('OUT ' + JSON.stringify({ values, runs }));
`;

/** Runs `which`, and returns the entry file each stored value is in, by value. */
function stored(t, dir, root, which) {
  const before = new Set(entryFiles(root).map((e) => e.file));
  const r = node(['main.js', which], { cwd: dir, env: { SMARTCACHE_DIR: root } });
  t.is(r.status, 0, r.stderr);
  return entryFiles(root).filter((e) => !before.has(e.file));
}

test('two entry files swapped: each call still gets its own result', (t) => {
  const dir = project({ 'main.js': program });
  const root = tempDir();
  const [a, b] = stored(t, dir, root, 'f');
  const aside = `${a.file}.aside`;
  fs.renameSync(a.file, aside);
  fs.renameSync(b.file, a.file);
  fs.renameSync(aside, b.file);
  const r = node(['main.js', 'f'], { cwd: dir, env: { SMARTCACHE_DIR: root } });
  t.deepEqual(r.out, { values: ['f of 1', 'f of 2'], runs: 2 });
  t.deepEqual(node(['main.js', 'f'], { cwd: dir, env: { SMARTCACHE_DIR: root } }).out, { values: ['f of 1', 'f of 2'], runs: 0 });
});

test('one function\'s entry copied over another\'s: a miss, not the other function\'s result', (t) => {
  const dir = project({ 'main.js': program });
  const root = tempDir();
  const fs1 = stored(t, dir, root, 'f');
  const [g1] = stored(t, dir, root, 'g');
  for (const { file } of fs1) fs.copyFileSync(g1.file, file);
  const r = node(['main.js', 'f'], { cwd: dir, env: { SMARTCACHE_DIR: root } });
  t.deepEqual(r.out, { values: ['f of 1', 'f of 2'], runs: 2 });
});

test('the store checks the key and function an entry names, from a file or from bytes', (t) => {
  const store = Store.open(tempRoot(t));
  const key = keyOf('own');
  store.put(key, META, 'mine');
  t.is(store.read(key, META.fn).value, 'mine');
  t.is(store.read(key).meta.key, key);
  // Asked for by another function: a miss.
  t.is(store.read(key, 'someone else'), undefined);
  store.put(key, META, 'mine');
  const file = path.join(store.root, 'smartcache-v2', 'entries', key.slice(0, 2), key.slice(2, 4), key);
  const bytes = fs.readFileSync(file);
  // Bytes from elsewhere (a remote tier) pass the same checks before anything is decoded.
  t.is(store.verifyBytes(key, bytes).value, 'mine');
  t.throws(() => store.verifyBytes(keyOf('other'), bytes), { code: 'ERR_CORRUPT_ENTRY', message: /names key/ });
  t.throws(() => store.verifyBytes(key, bytes, 'someone else'), { code: 'ERR_CORRUPT_ENTRY' });
  const flipped = Buffer.from(bytes);
  flipped[flipped.length - 10] ^= 1;
  t.throws(() => store.verifyBytes(key, flipped), { code: 'ERR_CORRUPT_ENTRY' });
  // Written under another key, the same encoding names that key.
  const encoded = store.encode(META, 'shared encoding');
  store.write(keyOf('one'), encoded);
  store.write(keyOf('two'), encoded);
  t.is(store.read(keyOf('one')).meta.key, keyOf('one'));
  t.is(store.read(keyOf('two')).meta.key, keyOf('two'));
});

test('entries of the earlier format (which named no key) are simply not read', (t) => {
  const dir = project({ 'main.js': program });
  const root = tempDir();
  stored(t, dir, root, 'f');
  fs.renameSync(path.join(root, 'smartcache-v2'), path.join(root, 'smartcache-v1'));
  const r = node(['main.js', 'f'], { cwd: dir, env: { SMARTCACHE_DIR: root } });
  t.deepEqual(r.out, { values: ['f of 1', 'f of 2'], runs: 2 });
  t.deepEqual(r.stderr.split('\n').filter((l) => l.includes('warning')), []);
});
