// Sizes are disk usage as `du` counts it (allocated blocks of files AND folders), not payload
// bytes; `clear` and `prune` remove the fan-out folders they empty.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli, duBytes, fingerprintOf, foldersUnder, keyOf, keysIn, loadStore, tempDir } from './fixtures/cli/helpers.mjs';
import { meta } from './fixtures/cli/stores.mjs';

const TINY = 300;

async function tinyStore() {
  const Store = await loadStore();
  const root = path.join(tempDir(), 'cache');
  const store = Store.open(root);
  let payload = 0;
  for (let i = 0; i < TINY; i++) payload += store.put(keyOf(`tiny:${i}`), meta('tiny', fingerprintOf('tiny')), i);
  for (let i = 0; i < 20; i++) payload += store.put(keyOf(`other:${i}`), meta('other', fingerprintOf('other')), i);
  return { Store, store, root, payload, entries: path.join(root, 'smartcache-v2', 'entries') };
}

/** `du -s -B1`, when coreutils is there (it is on Debian); else undefined. */
function duCommand(dir) {
  const r = spawnSync('du', ['-s', '-B1', dir], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.split(/\s/)[0]) : undefined;
}

test('ls and stats report what du says, folders included, not payload bytes', async (t) => {
  const { root, payload } = await tinyStore();
  const du = duBytes(root);
  const command = duCommand(root);
  if (command !== undefined) t.is(du, command, 'the test helper agrees with du itself');
  const ls = JSON.parse((await cli(['ls', '--json', '--dir', root])).stdout);
  t.is(ls.bytes, du);
  t.true(ls.bytes > 4 * payload, `${ls.bytes} B on disk for ${payload} B of payload: blocks and folders count`);
  const tiny = ls.functions.find((f) => f.name === 'tiny');
  t.true(tiny.bytes >= TINY * 512, 'each entry takes at least a block');
  const stats = JSON.parse((await cli(['stats', '--json', '--dir', root])).stdout);
  t.is(stats.total.bytes, du);
  const table = (await cli(['ls', '--dir', root])).stdout;
  t.true(table.includes(`${format(du)} on disk in ${root}`), table);
});

/** The CLI's size format (units.ts formatBytes). */
function format(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[i]}`;
}

test('clear removes every fan-out folder it empties', async (t) => {
  const { root, store, entries } = await tinyStore();
  t.true(foldersUnder(entries).length > TINY / 2, 'entries are fanned out over many folders');
  const r = await cli(['clear', '--dir', root]);
  t.is(r.code, 0, r.stderr);
  t.deepEqual(keysIn(store), []);
  t.deepEqual(foldersUnder(entries), [], 'no empty folder left behind');
});

test('clear <name> removes only the folders that name emptied', async (t) => {
  const { root, store, entries } = await tinyStore();
  const r = await cli(['clear', 'tiny', '--dir', root]);
  t.is(r.code, 0, r.stderr);
  const left = keysIn(store);
  t.is(left.length, 20);
  const expected = [...new Set(left.flatMap((k) => [k.slice(0, 2), path.join(k.slice(0, 2), k.slice(2, 4))]))].sort();
  t.deepEqual(foldersUnder(entries), expected);
});

test('prune removes the folders of the entries it evicts, and --max-size bounds du', async (t) => {
  const { root, store, entries } = await tinyStore();
  // A newer fingerprint of `tiny`, of other code: the 300 old entries are stale. (Prune removes
  // a fingerprint as stale only when a record shows it is of other code.)
  const tree = (code) => ({ root: { kind: 'function', name: 'tiny', hash: fingerprintOf(code), fingerprint: '', children: [] }, dynamic: [] });
  store.writeFunctionRecord({ name: 'tiny', fingerprint: fingerprintOf('tiny'), tree: tree('tiny code v1'), written: Date.now() - 1000 });
  store.writeFunctionRecord({ name: 'tiny', fingerprint: fingerprintOf('tiny v2'), tree: tree('tiny code v2'), written: Date.now() });
  const r = await cli(['prune', '--json', '--dir', root]);
  t.is(r.code, 0, r.stderr);
  t.is(JSON.parse(r.stdout).reasons.stale.entries, TINY);
  const left = keysIn(store);
  t.is(left.length, 20);
  t.is(foldersUnder(entries).length, new Set(left.flatMap((k) => [k.slice(0, 2), `${k.slice(0, 2)}/${k.slice(2, 4)}`])).size);
  const max = duBytes(root) - 1;
  const again = await cli(['prune', '--max-size', String(max), '--json', '--dir', root]);
  t.is(again.code, 0, again.stderr);
  const json = JSON.parse(again.stdout);
  t.true(duBytes(root) <= max);
  t.is(json.keptBytes, duBytes(root), 'the size prune says it kept is what du says now');
});

test('fn.clear() removes the folders it empties too', async (t) => {
  const { cache } = await import('../dist/index.js');
  const dir = path.join(tempDir(), 'cache');
  const sq = cache((x) => x * x, { dir, name: 'sq', strict: true, memory: false });
  for (let i = 0; i < 50; i++) sq(i);
  const entries = path.join(dir, 'smartcache-v2', 'entries');
  t.true(foldersUnder(entries).length > 0);
  sq.clear();
  t.deepEqual(foldersUnder(entries), []);
  t.true(fs.existsSync(dir));
});
