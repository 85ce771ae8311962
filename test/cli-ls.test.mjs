// `smartcache ls`: per function, current and older fingerprints, entries, bytes, last use,
// hits and time saved; --json for scripts.
import test from 'ava';
import * as path from 'node:path';
import { cli, duBytes, keyOf, loadStore, SIZE, tempDir } from './fixtures/cli/helpers.mjs';
import { FIB_NEW, FIB_OLD, LOAD_FP, meta, twoFunctionStore } from './fixtures/cli/stores.mjs';

test('--json: versions, entries, bytes and stats by function', async (t) => {
  const { root, store } = await twoFunctionStore();
  const r = await cli(['ls', '--json', '--dir', root]);
  t.is(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  t.is(json.entries, 6);
  // Disk use as `du` counts it (folders, records and stats included), not payload bytes.
  t.is(json.bytes, duBytes(root));
  t.true(json.bytes > store.totalBytes());
  t.deepEqual(json.functions.map((f) => f.name), ['fib', 'load']);
  const [fib, load] = json.functions;
  t.is(fib.file, 'src/fib.js');
  t.is(fib.fingerprint, FIB_NEW);
  t.is(fib.entries, 5);
  t.deepEqual(fib.versions.map((v) => [v.fingerprint, v.current, v.entries]), [[FIB_NEW, true, 3], [FIB_OLD, false, 2]]);
  t.is(fib.hits, 7);
  t.is(fib.savedMs, 1234);
  t.true(fib.lastUsed > Date.now() - 60_000);
  t.is(load.fingerprint, LOAD_FP, 'without a record, the only fingerprint is current');
  t.is(load.entries, 1);
  t.is(load.hits, 0);
  t.is(fib.bytes + load.bytes, json.entriesBytes);
  t.is(fib.bytes % 512, 0, 'allocated blocks, not file sizes');
  t.false(fib.fileMissing);
});

test('table: one block per function, one line per fingerprint, no colour into a pipe', async (t) => {
  const { root } = await twoFunctionStore();
  const r = await cli(['ls', '--dir', root]);
  t.is(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  t.regex(lines[0], /^FUNCTION\s+FILE\s+FINGERPRINT\s+VERSION\s+ENTRIES\s+SIZE\s+LAST USED\s+HITS\s+SAVED$/);
  t.regex(lines[1], new RegExp(`^fib\\s+src/fib\\.js\\s+${FIB_NEW.slice(0, 12)}\\s+current\\s+3\\s+${SIZE}\\s+just now\\s+7\\s+1\\.2 s$`));
  t.regex(lines[2], new RegExp(`^\\s+${FIB_OLD.slice(0, 12)}\\s+older\\s+2\\s+`));
  t.regex(lines[3], new RegExp(`^load\\s+-\\s+${LOAD_FP.slice(0, 12)}\\s+current\\s+1\\s+`));
  t.regex(lines[4], /^2 functions, 6 entries, .* in /);
  t.false(r.stdout.includes('\u001b['));
});

test('an empty root says so', async (t) => {
  const { root, store } = await twoFunctionStore();
  store.deleteWhere(() => true);
  const r = await cli(['ls', '--dir', root]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^nothing cached in /);
});

test('table footer: one function, one entry, in the singular', async (t) => {
  const Store = await loadStore();
  const root = path.join(tempDir(), 'cache');
  Store.open(root).put(keyOf('only'), meta('only', LOAD_FP), { result: 1 });
  const r = await cli(['ls', '--dir', root]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^1 function, 1 entry, .* in /m);
});
