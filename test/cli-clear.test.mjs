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
