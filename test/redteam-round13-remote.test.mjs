// Red-team round 13, team cache: a real redis-server started by the test.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { INDEX_CJS, machine, namespace } from './fixtures/remote/helpers.mjs';
import { allKeys, haveRedis, redisTest, startRedis } from './fixtures/remote/server.mjs';

const maybe = redisTest(test);
let server;
test.before(async () => {
  if (!haveRedis() && !process.env.CI) return;
  server = await startRedis();
});
test.after.always(async () => {
  await server?.stop();
});

// `ttl: Number.MAX_VALUE` passed validation, then every upload failed (Redis refused the expiry),
// and after three failures the team cache was off for every other function of the process too.
maybe('a ttl past the last representable date uploads (without expiry) and leaves the team cache on', async (t) => {
  const ns = namespace('ttl');
  const m = machine(server, { SMARTCACHE_REMOTE_NAMESPACE: ns, SMARTCACHE_REMOTE_WRITE: '1' });
  fs.writeFileSync(
    path.join(m.dir, 'ttl.cjs'),
    `const { cache } = require(${JSON.stringify(INDEX_CJS)});
const forever = cache(function forever(n) { return n + 1; }, { ttl: Number.MAX_VALUE });
const plain = cache(function plain(n) { return n * 2; });
const out = [];
for (let i = 0; i < 4; i++) out.push(forever(i), plain(i));
console.log('OUT ' + JSON.stringify(out));
`,
  );
  const r = m.run(['ttl.cjs']);
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.out, [1, 0, 2, 2, 3, 4, 4, 6]);
  t.notRegex(r.stderr, /ERR_REMOTE_UNAVAILABLE/);
  const keys = (await allKeys(server)).filter((k) => k.startsWith(`smartcache:${ns}:`) && k.includes(':e:'));
  t.is(keys.length, 8, keys.join('\n'));
});
