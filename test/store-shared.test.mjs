import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { Store } from '../dist/store/index.js';
import { FIXTURES, tempRoot } from './fixtures/store/helpers.mjs';

function run(script, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(FIXTURES, script), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${script} exited ${code}: ${err}`))));
  });
}

test('stats appended by 6 processes at once add up exactly; records from each are all there', async (t) => {
  const root = tempRoot(t);
  const PROCESSES = 6;
  const COUNT = 300;
  await Promise.all(Array.from({ length: PROCESSES }, (_, id) => run('stats-writer.mjs', [root, String(id), String(COUNT)])));
  const store = Store.open(root);
  const stats = store.readStats();
  t.deepEqual([...stats.keys()].sort(), ['fn0', 'fn1', 'fn2']);
  let calls = 0;
  for (const d of stats.values()) {
    calls += d.calls;
    t.is(d.hits + d.misses, d.calls);
    t.is(d.savedMs, d.calls * 1.5);
    t.is(d.overheadMs, d.calls * 0.25);
    t.is(d.computeMs, d.calls * 2);
  }
  t.is(calls, PROCESSES * COUNT);
  for (let id = 0; id < PROCESSES; id++) {
    const records = store.readFunctionRecords(`writer${id}`);
    t.is(records.length, COUNT / 10);
    t.deepEqual(records.map((r) => r.written), [...records.map((r) => r.written)].sort((a, b) => b - a), 'newest first');
    t.deepEqual(store.latestFunctionRecord(`writer${id}`), { name: `writer${id}`, fingerprint: `fp${COUNT - 10}`, file: `src/w${id}.js`, tree: { kind: 'function', k: COUNT - 10, children: [] }, written: 1_000_000 + COUNT - 10 });
  }
  t.is(store.readFunctionRecords().length, PROCESSES * (COUNT / 10));
});

test('a torn or foreign stats line is skipped, the rest still counts', (t) => {
  const root = tempRoot(t);
  const store = Store.open(root);
  store.appendStats('f', { calls: 2, hits: 1, misses: 1, savedMs: 3, overheadMs: 0, computeMs: 1 });
  const file = path.join(root, 'smartcache-v2', 'stats', 'stats.log');
  fs.appendFileSync(file, '["f",100,100,0,0,0,0]\tdeadbeef\n["f",5,');
  store.appendStats('f', { calls: 1, hits: 1, misses: 0, savedMs: 1, overheadMs: 0, computeMs: 0 });
  t.deepEqual(store.readStats().get('f'), { calls: 3, hits: 2, misses: 1, savedMs: 4, overheadMs: 0, computeMs: 1 });
});

test('a large stats log is folded into one line per function by the appender, totals unchanged; reading writes nothing', (t) => {
  const root = tempRoot(t);
  const store = Store.open(root);
  const d = { calls: 1, hits: 1, misses: 0, savedMs: 0.5, overheadMs: 0.125, computeMs: 0 };
  const file = path.join(root, 'smartcache-v2', 'stats', 'stats.log');
  for (let i = 0; i < 12_000; i++) store.appendStats(`function number ${i % 4} ${'x'.repeat(60)}`, d);
  // 12,000 lines of ~100 bytes pass the bound (1 MiB): the append that found it so folded it.
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').length;
  t.true(lines < 12_000, `${lines} lines`);
  t.true(fs.statSync(file).size < 1 << 20);
  const before = fs.readFileSync(file);
  const first = store.readStats();
  t.is(first.get(`function number 0 ${'x'.repeat(60)}`).calls, 3000);
  t.is(first.get(`function number 3 ${'x'.repeat(60)}`).hits, 3000);
  // `ls` and `stats` only read: the log is byte for byte what it was.
  t.deepEqual(fs.readFileSync(file), before);
  t.deepEqual(store.readStats(), first);
  t.deepEqual(fs.readdirSync(path.dirname(file)), ['stats.log']);
});

test('function records: newest first, one per fingerprint, rewritten on a return to an old fingerprint', (t) => {
  const store = Store.open(tempRoot(t));
  store.writeFunctionRecord({ name: 'f', fingerprint: 'a1', tree: { v: 1 }, written: 10 });
  store.writeFunctionRecord({ name: 'f', fingerprint: 'b2', tree: { v: 2 }, written: 20 });
  store.writeFunctionRecord({ name: 'g', fingerprint: 'a1', tree: null, written: 15 });
  t.deepEqual(store.readFunctionRecords('f').map((r) => r.fingerprint), ['b2', 'a1']);
  t.is(store.latestFunctionRecord('f').fingerprint, 'b2');
  store.writeFunctionRecord({ name: 'f', fingerprint: 'a1', tree: { v: 1 }, written: 30 });
  t.deepEqual(store.readFunctionRecords('f').map((r) => r.fingerprint), ['a1', 'b2']);
  t.deepEqual(store.readFunctionRecords().map((r) => `${r.name}:${r.fingerprint}`), ['f:a1', 'f:b2', 'g:a1']);
  t.is(store.latestFunctionRecord('h'), undefined);
  t.false('file' in store.latestFunctionRecord('g'));
  t.throws(() => store.writeFunctionRecord({ name: 'f', fingerprint: 'x', tree: { fn() {} }, written: 1 }), { code: 'ERR_UNSERIALIZABLE_RESULT' });
  t.throws(() => store.writeFunctionRecord({ name: 1, fingerprint: 'x', tree: null, written: 1 }), { instanceOf: TypeError });
});
