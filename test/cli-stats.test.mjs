// `smartcache stats`: hits, misses, time saved, size by function; net losers flagged.
import test from 'ava';
import * as path from 'node:path';
import { cli, fingerprintOf, keyOf, loadStore, tempDir } from './fixtures/cli/helpers.mjs';
import { meta } from './fixtures/cli/stores.mjs';

async function statsStore() {
  const Store = await loadStore();
  const root = path.join(tempDir(), 'cache');
  const store = Store.open(root);
  store.put(keyOf('good'), meta('good', fingerprintOf('good')), 42);
  store.put(keyOf('bad'), meta('bad', fingerprintOf('bad')), 'x');
  store.appendStats('good', { calls: 12, hits: 10, misses: 2, savedMs: 2000, overheadMs: 4, computeMs: 400 });
  store.appendStats('good', { calls: 8, hits: 5, misses: 3, savedMs: 1000, overheadMs: 6, computeMs: 600 });
  store.appendStats('bad', { calls: 50, hits: 0, misses: 50, savedMs: 0, overheadMs: 40, computeMs: 5 });
  return root;
}

test('--json sums appended stats by function and flags functions that cost more than they save', async (t) => {
  const root = await statsStore();
  const r = await cli(['stats', '--json', '--dir', root]);
  t.is(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  const good = json.functions.find((f) => f.name === 'good');
  const bad = json.functions.find((f) => f.name === 'bad');
  t.like(good, { calls: 20, hits: 15, misses: 5, savedMs: 3000, overheadMs: 10, entries: 1, costsMoreThanSaves: false });
  t.like(bad, { calls: 50, hits: 0, misses: 50, savedMs: 0, overheadMs: 40, entries: 1, costsMoreThanSaves: true });
  t.like(json.total, { calls: 70, hits: 15, misses: 55, savedMs: 3000, entries: 2 });
});

test('table shows hit rate, time saved and the flag on the losing function only', async (t) => {
  const root = await statsStore();
  const r = await cli(['stats', '--dir', root]);
  t.is(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  t.regex(lines[0], /^FUNCTION\s+CALLS\s+HITS\s+MISSES\s+HIT RATE\s+SAVED\s+OVERHEAD\s+ENTRIES\s+SIZE\s+NOTE$/);
  const bad = lines.find((l) => l.startsWith('bad '));
  const good = lines.find((l) => l.startsWith('good '));
  t.regex(bad, /\s50\s+0\s+50\s+0%\s+0 ms\s+40 ms\s+1\s+\d+(?:\.\d+)? (?:B|KiB)\s+caching costs more than it saves$/);
  t.regex(good, /\s20\s+15\s+5\s+75%\s+3\.0 s\s+10 ms\s+1\s+\d+(?:\.\d+)? (?:B|KiB)$/);
  t.regex(r.stdout, /^total\s+70\s+15\s+55\s+21%/m);
  t.regex(r.stdout, /^bad: cache overhead exceeds time saved/m);
});
