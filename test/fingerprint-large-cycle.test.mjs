// Large strongly connected components (lodash: thousands of functions reach each other through
// `lodash` itself) are serialized once from a start chosen by content: fingerprints must not
// depend on which member a process fingerprinted first, and any member's edit changes them all.
import test from 'ava';
import * as fs from 'node:fs';
import { installedProject, run, write } from './fixtures/contract/project.mjs';

const N = 40;
function source(edited) {
  const lines = [];
  for (let i = 0; i < N; i++) {
    const body = i === 7 && edited ? `n * 3` : `n * 2`;
    // Several members share code: colour refinement must still find a distinct start.
    const same = i % 3 === 0 ? 'base' : `base${i}`;
    lines.push(`function f${i}(n) { const ${same} = ${body}; return n > 0 ? f${(i + 1) % N}(n - 1) + ${same} : table.k${i % 5}; }`);
  }
  lines.push(`const table = { ${Array.from({ length: 5 }, (_, i) => `k${i}: ${i}`).join(', ')} };`);
  lines.push(`const { cache } = require('smartcache');`);
  lines.push(`const order = process.argv[2] === 'reverse' ? [${N - 1}, 0, 20] : [0, 20, ${N - 1}];`);
  lines.push(`const fns = { ${Array.from({ length: N }, (_, i) => `f${i}`).join(', ')} };`);
  lines.push(`const out = {}; for (const i of order) out[i] = cache(fns['f' + i], { name: 'f' + i }).fingerprint();`);
  lines.push(`console.log(JSON.stringify(out));`);
  return lines.join('\n');
}

test('a 40-member cycle: same fingerprints whichever member comes first; one edit changes every member', (t) => {
  const dir = installedProject();
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  write(dir, 'cycle.js', source(false));
  const forward = run(dir, ['cycle.js']).json;
  const reverse = run(dir, ['cycle.js', 'reverse']).json;
  t.deepEqual(forward, reverse);
  t.is(new Set(Object.values(forward)).size, 3);
  write(dir, 'cycle.js', source(true));
  const edited = run(dir, ['cycle.js']).json;
  for (const k of Object.keys(forward)) t.not(edited[k], forward[k]);
});
