import test from 'ava';
import { node, project, tempDir } from './fixtures/cache/helpers.mjs';

test('the live registry for `smartcache attach` is plain JSON-able data', (t) => {
  const dir = project({
    'main.js': (mod) => `
const { cache } = require(${mod});
const f = cache(function f(x) { return x * 2; }, { name: 'double' });
f(1); f(1); f(2);
const live = globalThis[Symbol.for('smartcache.live')];
const snap = live.snapshot();
console.log('OUT ' + JSON.stringify({ snap, same: JSON.stringify(JSON.parse(JSON.stringify(snap))) === JSON.stringify(snap) }));
`,
  });
  const root = tempDir();
  const r = node(['main.js'], { cwd: dir, env: { SMARTCACHE_DIR: root } });
  t.is(r.status, 0, r.stderr);
  const { snap, same } = r.out;
  t.true(same);
  t.is(typeof snap.pid, 'number');
  t.is(snap.root, root);
  t.is(snap.functions.length, 1);
  const [fn] = snap.functions;
  t.like(fn, { name: 'double', file: 'main.js', calls: 3, hits: 1, misses: 2 });
  t.regex(fn.fingerprint, /^[0-9a-f]+$/);
  t.is(typeof fn.savedMs, 'number');
});
