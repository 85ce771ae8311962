// `smartcache clear [name]`.
import test from 'ava';
import { cli, isOneLine, keysIn, SIZE } from './fixtures/cli/helpers.mjs';
import { twoFunctionStore } from './fixtures/cli/stores.mjs';

test('clear <name> removes that function only', async (t) => {
  const { root, store, keys } = await twoFunctionStore();
  const r = await cli(['clear', 'fib', '--dir', root]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, new RegExp(`^cleared fib: 5 entries, ${SIZE} freed$`, 'm'));
  t.deepEqual(keysIn(store), [...keys.load].sort());
});

test('clear removes every entry', async (t) => {
  const { root, store, bytes } = await twoFunctionStore();
  const r = await cli(['clear', '--dir', root]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^cleared 6 entries, .* freed from /);
  t.deepEqual(keysIn(store), []);
  t.true(bytes > 0);
});

test('clear of an unknown name is an error, and removes nothing', async (t) => {
  const { root, store } = await twoFunctionStore();
  const r = await cli(['clear', 'fibb', '--dir', root]);
  t.not(r.code, 0);
  t.true(isOneLine(r.stderr));
  t.regex(r.stderr, /^smartcache: no cached function, file or glob matching "fibb"/);
  t.is(keysIn(store).length, 6);
});

// Red team round 12: `K*` found `app.js#K.stat` but not `app.js#K#inst` (only the part after the
// last `#` was matched), and `K#*` matched nothing.
test('clear <glob> matches the name within its file: K* and K#* find the instance methods of K', async (t) => {
  const { loadStore, keyOf, tempDir } = await import('./fixtures/cli/helpers.mjs');
  const { meta, LOAD_FP } = await import('./fixtures/cli/stores.mjs');
  const path = await import('node:path');
  const fill = async () => {
    const Store = await loadStore();
    const root = path.join(tempDir(), 'cache');
    const store = Store.open(root);
    for (const name of ['app.js#K#inst', 'app.js#K.stat', 'app.js#Kother', 'app.js#L#inst']) store.put(keyOf(name), meta(name, LOAD_FP), 1);
    return { root, store };
  };
  const names = (store) => [...store.entries()].map((e) => e.meta.fn).sort();
  let { root, store } = await fill();
  let r = await cli(['clear', 'K#*', '--dir', root]);
  t.is(r.code, 0, r.stderr);
  t.deepEqual(names(store), ['app.js#K.stat', 'app.js#Kother', 'app.js#L#inst']);
  ({ root, store } = await fill());
  r = await cli(['clear', 'K*', '--dir', root]);
  t.is(r.code, 0, r.stderr);
  t.deepEqual(names(store), ['app.js#L#inst']);
});

test('sizes take binary unit names in any case: --max-size 10MiB', async (t) => {
  const { root } = await twoFunctionStore();
  for (const size of ['10MiB', '10mib', '1GiB', '512KiB', '10M']) {
    const r = await cli(['prune', '--max-size', size, '--dir', root]);
    t.is(r.code, 0, `${size}: ${r.stderr}`);
  }
  const bad = await cli(['prune', '--max-size', '10MiBs', '--dir', root]);
  t.not(bad.code, 0);
  t.true(isOneLine(bad.stderr));
});

test('clear of a file that does not exist and names no cached function is an error, like an unknown name', async (t) => {
  const { root, store } = await twoFunctionStore();
  const r = await cli(['clear', 'nowhere/missing.js', '--dir', root]);
  t.not(r.code, 0);
  t.true(isOneLine(r.stderr), r.stderr);
  t.regex(r.stderr, /^smartcache: no cached function, file or glob matching "nowhere\/missing\.js"/);
  t.is(keysIn(store).length, 6);
});
