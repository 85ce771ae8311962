// Four processes on four machines compute the same key at once and upload it: the server keeps
// exactly one value (the first SET … NX wins), later uploads and refreshes never replace it, and
// every reader gets that one value.
import test from 'ava';
import { bodies, machine, namespace, stepwise } from './fixtures/remote/helpers.mjs';
import { redisTest, startRedis } from './fixtures/remote/server.mjs';

const maybe = redisTest(test);

async function together(machines, args) {
  const children = machines.map((m) => stepwise(m, args));
  await Promise.all(children.map((c) => c.ready));
  for (const c of children) c.send();
  return Promise.all(children.map((c) => c.done));
}

maybe('concurrent uploads of one key from 4 processes: one value, never overwritten', async (t) => {
  const server = await startRedis();
  const admin = await server.client({ buffers: true });
  try {
    const ns = namespace('race');
    const writers = [0, 1, 2, 3].map(() => machine(server, { SMARTCACHE_REMOTE_NAMESPACE: ns, SMARTCACHE_REMOTE_WRITE: '1' }));
    const runs = await together(writers, ['who.cjs']);
    for (const run of runs) t.is(run.status, 0, run.stderr);
    const tokens = runs.map((r) => r.out.by);
    const computed = runs.filter((r) => bodies(r.stdout).length === 1);
    t.true(computed.length >= 1);
    t.is(new Set(computed.map((r) => r.out.by)).size, computed.length, 'each process that computed has its own value');

    const names = (await admin.keys(`smartcache:${ns}:*:e:*`)).map(String);
    t.is(names.length, 1, 'one record');
    const record = Buffer.from(await admin.get(names[0]));

    // A reader gets exactly one of the computed values: the one the server kept, which is also
    // what every writer that found it there (instead of computing) returned.
    const read = stepwise(machine(server, { SMARTCACHE_REMOTE_NAMESPACE: ns }), ['who.cjs']);
    await read.ready;
    read.send();
    const kept = await read.done;
    t.is(kept.status, 0, kept.stderr);
    t.deepEqual(bodies(kept.stdout), []);
    t.true(computed.some((r) => r.out.by === kept.out.by));
    for (const r of runs) if (!computed.includes(r)) t.is(r.out.by, kept.out.by);

    // Four more writers recompute and upload the key (refresh): the record does not change.
    const again = await together(writers, ['who.cjs', 'refresh']);
    for (const run of again) t.is(run.status, 0, run.stderr);
    t.true(again.every((r) => bodies(r.stdout).length === 1 && !tokens.includes(r.out.by)), 'fresh values were computed');
    t.true(Buffer.from(await admin.get(names[0])).equals(record), 'the record is byte-identical');
    const later = stepwise(machine(server, { SMARTCACHE_REMOTE_NAMESPACE: ns }), ['who.cjs']);
    await later.ready;
    later.send();
    t.is((await later.done).out.by, kept.out.by);
  } finally {
    await admin.close();
    await server.stop();
  }
});
