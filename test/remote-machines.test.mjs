// The team cache between two "machines" (two checkouts of one project, two cache roots, one real
// redis-server): a result computed on A is a hit on B, and B never runs the function's body.
import test from 'ava';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
import { REGISTER, CLI, bodies, machine, namespace, node, warnings } from './fixtures/remote/helpers.mjs';
import { allKeys, commandCounts, haveRedis, redisTest, startRedis } from './fixtures/remote/server.mjs';

const maybe = redisTest(test);
// Server-wide command counts are compared: nothing else may run meanwhile.
const serial = redisTest(test.serial);
let server;

test.before(async () => {
  if (haveRedis() || process.env.CI) server = await startRedis();
});
test.after.always(async () => {
  await server?.stop();
});

/** A writer and a reader in one fresh namespace. */
function pair(label, env = {}) {
  const ns = { SMARTCACHE_REMOTE_NAMESPACE: namespace(label) };
  return { a: machine(server, { ...ns, SMARTCACHE_REMOTE_WRITE: '1', ...env }), b: machine(server, { ...ns, ...env }) };
}

maybe('CommonJS, sync and async: computed on A, a hit on B whose bodies never run', (t) => {
  const { a, b } = pair('cjs');
  const one = a.run(['main.cjs'], { SMARTCACHE_LOG: 'summary' });
  t.is(one.status, 0, one.stderr);
  t.deepEqual(bodies(one.stdout), ['BODY square 7', 'BODY triple 7']);
  t.regex(one.stderr, /team cache: 0 hits, 2 misses, 0 errors, 0 timeouts, 0 rejected, 0 over the size cap, 2 uploads/);

  const two = b.run(['main.cjs'], { SMARTCACHE_LOG: 'summary' });
  t.is(two.status, 0, two.stderr);
  t.deepEqual(bodies(two.stdout), [], 'B ran no body');
  t.deepEqual(two.out, one.out);
  t.regex(two.stderr, /summary: 2 calls, 2 hits, 0 misses.*team cache: 2 hits, 0 misses, 0 errors, 0 timeouts, 0 rejected, 0 over the size cap, 0 uploads/);
  t.deepEqual(warnings(two.stderr), []);

  // The remote hit was written into B's own store: with the remote gone it is a local hit.
  const three = b.run(['main.cjs'], { SMARTCACHE_REMOTE: '' });
  t.deepEqual(bodies(three.stdout), []);
  t.deepEqual(three.out, one.out);
});

maybe('ES modules: computed on A, a hit on B', (t) => {
  const { a, b } = pair('esm');
  const one = a.run(['main.mjs', '4']);
  t.is(one.status, 0, one.stderr);
  t.deepEqual(bodies(one.stdout), ['BODY cube 4', 'BODY half 4']);
  const two = b.run(['main.mjs', '4']);
  t.is(two.status, 0, two.stderr);
  t.deepEqual(bodies(two.stdout), []);
  t.deepEqual(two.out, { a: { n: 4, cube: 64 }, b: 2 });
});

maybe('the preload (node --require smartcache/register): annotated functions hit on B', (t) => {
  const { a, b } = pair('preload');
  const one = a.run(['--require', REGISTER, 'annotated.js', '15']);
  t.is(one.status, 0, one.stderr);
  t.is(bodies(one.stdout).length, 17, 'fib(0..15) and label(15) computed once each on A');
  const two = b.run(['--require', REGISTER, 'annotated.js', '15']);
  t.is(two.status, 0, two.stderr);
  t.deepEqual(bodies(two.stdout), [], 'fib(15) and label(15) come from the team cache');
  t.deepEqual(two.out, { value: 610, label: 'fib(15)' });
});

// An entry from the team cache is B's first of its fingerprint: B records it as a miss would, so
// `explain` shows the stored tree and B's next miss names what changed (it said "nothing stored").
maybe('a team hit records the fingerprint on B: explain shows it, and a later edit is named', (t) => {
  const { a, b } = pair('records');
  t.is(a.run(['--require', REGISTER, 'annotated.js', '6']).status, 0);
  const two = b.run(['--require', REGISTER, 'annotated.js', '6']);
  t.deepEqual(bodies(two.stdout), []);
  const explained = node([CLI, 'explain', 'annotated.js', '--dir', b.root], { cwd: b.dir, env: b.env });
  t.is(explained.status, 0, explained.stderr);
  t.regex(explained.stdout, /annotated\.js#fib\s+annotated\.js\s+fingerprint [0-9a-f]{64}\s+stored /);
  t.regex(explained.stdout, /annotated\.js#label\s/);
  const file = require('node:path').join(b.dir, 'annotated.js');
  require('node:fs').writeFileSync(file, require('node:fs').readFileSync(file, 'utf8').replace("'fib(' + n + ')'", "'fib ' + n"));
  const three = b.run(['--require', REGISTER, 'annotated.js', '6'], { SMARTCACHE_LOG: '1', SMARTCACHE_REMOTE: '' });
  t.is(three.status, 0, three.stderr);
  t.regex(three.stderr, /miss annotated\.js#label \S+ .*\(function `label` \(annotated\.js:\d+\) changed/);
});

serial('a read-only client never writes to the server', async (t) => {
  const { a, b } = pair('readonly');
  t.is(a.run(['main.cjs', '2']).status, 0);
  const keys = await allKeys(server);
  const before = await commandCounts(server);
  // B computes new arguments (misses everywhere) and hits A's entries: no SET, no SADD.
  const run = b.run(['main.cjs', '3']);
  t.is(run.status, 0, run.stderr);
  t.deepEqual(bodies(run.stdout), ['BODY square 3', 'BODY triple 3']);
  t.is(b.run(['main.cjs', '2']).status, 0);
  const after = await commandCounts(server);
  t.deepEqual(await allKeys(server), keys);
  t.is(after.set ?? 0, before.set ?? 0);
  t.is(after.sadd ?? 0, before.sadd ?? 0);
  t.true((after.getrange ?? 0) > (before.getrange ?? 0), 'B did read');
});

maybe('concurrent identical async calls share one remote lookup, each with its own copy', (t) => {
  const { a, b } = pair('joined');
  const one = a.run(['joined.cjs']);
  t.is(one.status, 0, one.stderr);
  t.deepEqual(bodies(one.stdout), ['BODY load 4'], 'one execution on A');
  const two = b.run(['joined.cjs'], { SMARTCACHE_LOG: 'summary' });
  t.is(two.status, 0, two.stderr);
  t.deepEqual(bodies(two.stdout), []);
  t.deepEqual(two.out, { x: { n: 4, rows: [4, 5, 'mutated'] }, y: { n: 4, rows: [4, 5] }, same: false });
  t.regex(two.stderr, /team cache: 1 hit, 0 misses/, 'one lookup for both calls');
});

maybe('option remote: false keeps a result on its machine', (t) => {
  const { a, b } = pair('private');
  t.is(a.run(['private.cjs']).status, 0);
  const two = b.run(['private.cjs']);
  t.is(two.status, 0, two.stderr);
  t.deepEqual(bodies(two.stdout), ['BODY secret 1'], 'secret() was never uploaded; shared() came from A');
  t.deepEqual(two.out, { a: 'local 1', b: 'team 1' });
});

maybe('smartcache stats shows the team cache counters recorded by earlier runs', (t) => {
  const { a, b } = pair('stats');
  t.is(a.run(['main.cjs']).status, 0);
  t.is(b.run(['main.cjs']).status, 0);
  t.is(b.run(['main.cjs', '8']).status, 0);
  const text = node([CLI, 'stats', '--dir', b.root]);
  t.is(text.status, 0, text.stderr);
  t.regex(text.stdout, /team cache: 2 hits, 2 misses, 0 errors, 0 timeouts, 0 rejected, 0 over the size cap, 0 uploads, [\d.]+ \w*B in, 0 B out/);
  const json = JSON.parse(node([CLI, 'stats', '--dir', b.root, '--json']).stdout);
  t.like(json.remote, { hits: 2, misses: 2, errors: 0, timeouts: 0, uploads: 0, bytesOut: 0 });
  t.true(json.remote.bytesIn > 0);
  const ofA = JSON.parse(node([CLI, 'stats', '--dir', a.root, '--json']).stdout);
  t.like(ofA.remote, { hits: 0, misses: 2, uploads: 2 });
  // ls shows the same counters (issue 14: "stats and ls show the remote's counters").
  const ls = node([CLI, 'ls', '--dir', b.root]);
  t.is(ls.status, 0, ls.stderr);
  t.regex(ls.stdout, /team cache: 2 hits, 2 misses, 0 errors/);
  t.like(JSON.parse(node([CLI, 'ls', '--dir', b.root, '--json']).stdout).remote, { hits: 2, misses: 2 });
});
