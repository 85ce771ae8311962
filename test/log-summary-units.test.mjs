// SMARTCACHE_LOG=summary states time saved net of the cache's own cost; on a first run that is
// negative (nothing skipped, loading and fingerprinting paid) and must read like the other figures
// ("-150 ms saved"), not as hundreds of thousands of microseconds (red team 3).
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { installedProject, run } from './fixtures/contract/project.mjs';

test('a negative net saving in the summary line keeps its unit scale', (t) => {
  const dir = installedProject();
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'app.js'), `
    const { cache } = require('smartcache');
    const f = cache(function f(n) { return n + 1; });
    console.log(JSON.stringify(f(1)));
  `);
  const r = run(dir, ['app.js'], { SMARTCACHE_LOG: 'summary' });
  t.is(r.json, 2);
  const line = r.stderr.split('\n').find((l) => l.startsWith('[smartcache] summary:'));
  t.truthy(line, r.stderr);
  const m = /, (-?)([\d.]+) (µs|ms|s|min|h) saved \(/.exec(line);
  t.truthy(m, line);
  // A first run skips no computation and pays the first call's fingerprinting: a net loss.
  t.is(m[1], '-', line);
  // Every figure is scaled to its unit: microseconds only below one millisecond.
  if (m[3] === 'µs') t.true(Number(m[2]) < 1000, line);
  const overhead = /([\d.]+) (µs|ms|s) overhead/.exec(line);
  t.truthy(overhead, line);
  t.is(m[3], overhead[2], line);
});
