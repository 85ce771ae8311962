// A store of 100,000 entries: prune finishes within 30 s and leaves exactly what it should, with
// --max-size bounding the root's disk use as `du` counts it (files and fan-out folders).
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli, duBytes, fingerprintOf, keyOf, loadStore, ramTempDir, sleep } from './fixtures/cli/helpers.mjs';
import { meta } from './fixtures/cli/stores.mjs';

const STALE = 30_000; // alpha, superseded fingerprint
const ALPHA = 50_000; // alpha, current fingerprint
const BETA = 20_000; // beta, its only fingerprint
const USED_ALPHA = 10_000;
const USED_BETA = 5_000;

/**
 * What `du -s root` would say if only the entries in `keep` remained and every fan-out folder
 * left empty were removed (the store's own files and folders stay).
 */
function projectedDu(root, keep) {
  const prefixes = new Set([...keep].flatMap((k) => [k.slice(0, 2), `${k.slice(0, 2)}/${k.slice(2, 4)}`]));
  const entries = path.join(root, 'smartcache-v2', 'entries');
  const walk = (p) => {
    const stat = fs.lstatSync(p);
    const rel = path.relative(entries, p);
    const inEntries = rel !== '' && !rel.startsWith('..');
    if (inEntries && stat.isFile() && /^[0-9a-f]{64}$/.test(path.basename(p))) return keep.has(path.basename(p)) ? stat.blocks * 512 : 0;
    if (inEntries && stat.isDirectory() && !prefixes.has(rel.split(path.sep).join('/'))) return 0;
    let total = stat.blocks * 512;
    if (stat.isDirectory()) for (const name of fs.readdirSync(p)) total += walk(path.join(p, name));
    return total;
  };
  return walk(root);
}

test('prune of 100,000 entries: stale versions, then least recently used down to --max-size', async (t) => {
  // Generous bounds only against a hang: a busy CI machine may be many times slower than this
  // one (prune's speed is measured by bench/, not asserted here).
  t.timeout(900_000);
  const Store = await loadStore();
  const scratch = ramTempDir();
  t.teardown(() => fs.rmSync(scratch, { recursive: true, force: true }));
  const root = path.join(scratch, 'cache');
  t.log(`store in ${root}`);
  const store = Store.open(root);
  const oldFp = fingerprintOf('alpha v1');
  const newFp = fingerprintOf('alpha v2');
  const betaFp = fingerprintOf('beta v1');
  const tree = (fp) => ({ root: { kind: 'function', name: 'x', hash: fp, fingerprint: fp, children: [] }, dynamic: [] });

  const building = Date.now();
  // One encoded entry per version, written under many keys: the bytes on disk are real entries.
  const write = (prefix, encoded, count) => {
    const keys = new Array(count);
    for (let i = 0; i < count; i++) {
      keys[i] = keyOf(`${prefix}:${i}`);
      store.write(keys[i], encoded);
    }
    return keys;
  };
  write('stale', store.encode(meta('alpha', oldFp), { v: 1 }), STALE);
  store.writeFunctionRecord({ name: 'alpha', fingerprint: oldFp, tree: tree(oldFp), written: Date.now() - 1000 });
  const alpha = write('alpha', store.encode(meta('alpha', newFp), { v: 2 }), ALPHA);
  store.writeFunctionRecord({ name: 'alpha', fingerprint: newFp, tree: tree(newFp), written: Date.now() });
  const beta = write('beta', store.encode(meta('beta', betaFp), { v: 3 }), BETA);
  store.writeFunctionRecord({ name: 'beta', fingerprint: betaFp, tree: tree(betaFp), written: Date.now() });
  await sleep(50);
  const used = [...alpha.slice(0, USED_ALPHA), ...beta.slice(0, USED_BETA)];
  store.markUsed(used);
  t.log(`built ${STALE + ALPHA + BETA} entries in ${Date.now() - building} ms`);

  // Exactly what the root would take with only the entries used last: LRU must evict every
  // other current entry, and no more.
  let count = 0;
  for (const _ of store.entries()) count++;
  t.is(count, STALE + ALPHA + BETA);
  const maxSize = projectedDu(root, new Set(used));
  t.log(`du now ${duBytes(root)} B; --max-size ${maxSize} B`);

  const started = Date.now();
  const r = await cli(['prune', '--max-size', String(maxSize), '--json', '--dir', root], { timeout: 600_000 });
  const elapsed = Date.now() - started;
  t.is(r.code, 0, r.stderr);
  t.log(`prune of ${count} entries: ${elapsed} ms (CLI process, wall clock)`);

  const json = JSON.parse(r.stdout);
  t.is(json.scanned, count);
  t.is(json.reasons.stale.entries, STALE);
  t.is(json.reasons.size.entries, ALPHA + BETA - used.length);
  t.is(json.removed, STALE + ALPHA + BETA - used.length);
  t.is(json.kept, used.length);
  t.is(json.keptBytes, maxSize);

  const left = new Set([...Store.open(root).entries()].map((e) => e.key));
  t.is(left.size, used.length);
  t.true(used.every((k) => left.has(k)), 'every recently used entry is still there');
  t.true(fs.existsSync(root));
  t.true(duBytes(root) <= maxSize, `du says ${duBytes(root)} B after prune --max-size ${maxSize}`);
});
