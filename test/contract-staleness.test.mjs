// Red-team staleness tests through the installed package only: write a project, run it, edit it,
// run it again in a new process, and demand the NEW correct value (a stale hit is the worst bug)
// and, for comment/format/unrelated edits, a hit. The oracle is the same program with
// SMARTCACHE=off. Scenarios are batched: one temp project and 5 processes per run mode, the modes
// in parallel. STALE_ONLY=c01,p19 runs the checks of some scenarios only (all still execute).
// Expectations ('miss', 'hit', 'dynamic', 'documented') are explained in fixtures/contract/edits.mjs.
import test from 'ava';
import * as fs from 'node:fs';
import { runMode, checkScenario } from './fixtures/contract/edits.mjs';
import { installedProject, run, write } from './fixtures/contract/project.mjs';
import cjs from './fixtures/contract/edits-cjs.mjs';
import esm from './fixtures/contract/edits-esm.mjs';
import { preloadCjs, preloadEsm } from './fixtures/contract/edits-preload.mjs';
import typescript from './fixtures/contract/edits-ts.mjs';

const suites = { cjs, esm, 'preload-cjs': preloadCjs, 'preload-esm': preloadEsm, tsx: typescript };
const results = {};
const dirs = [];
const only = process.env.STALE_ONLY ? new Set(process.env.STALE_ONLY.split(',')) : undefined;

for (const [mode, scenarios] of Object.entries(suites)) {
  const result = () => (results[mode] ??= runMode(mode, scenarios).then((r) => (dirs.push(r.dir), r)));
  for (const s of scenarios) {
    if (only && !only.has(s.id)) continue;
    test(`${mode} ${s.id} (${s.expect}): ${s.title}`, async (t) => {
      checkScenario(t, s, await result());
    });
  }
}

// External state is not code: the contract gives `dependsOn` for env, files and the like. What
// happens without it is logged (documented, not a bug); with it, a change must be seen.
test('process.env and files read at call time: dependsOn makes changes count', async (t) => {
  const dir = installedProject();
  dirs.push(dir);
  write(dir, 'env.js', `
    const fs = require('node:fs');
    const { cache } = require('smartcache');
    const plainEnv = cache(function plainEnv(n) { return n + ':' + process.env.C_MODE; });
    const keyedEnv = cache(function keyedEnv(n) { return n + ':' + process.env.C_MODE; }, { dependsOn: () => process.env.C_MODE });
    const plainFile = cache(function plainFile(n) { return n + ':' + fs.readFileSync(__dirname + '/in.txt', 'utf8'); });
    const keyedFile = cache(function keyedFile(n) { return n + ':' + fs.readFileSync(__dirname + '/in.txt', 'utf8'); },
      { dependsOn: () => fs.readFileSync(__dirname + '/in.txt', 'utf8') });
    console.log(JSON.stringify([plainEnv(1), keyedEnv(1), plainFile(1), keyedFile(1)]));
  `);
  write(dir, 'in.txt', 'one');
  const first = run(dir, ['env.js'], { C_MODE: 'a' });
  t.deepEqual(first.json, ['1:a', '1:a', '1:one', '1:one']);
  write(dir, 'in.txt', 'two');
  const second = run(dir, ['env.js'], { C_MODE: 'b', SMARTCACHE_LOG: '1' });
  t.is(second.json[1], '1:b', second.stderr);
  t.is(second.json[3], '1:two', second.stderr);
  t.log(`without dependsOn: env ${second.json[0] === '1:b' ? 'fresh' : 'STALE (documented)'}, file ${second.json[2] === '1:two' ? 'fresh' : 'STALE (documented)'}`);
});

test('the catalogue: unique ids, at least 40 behaviour edits and 15 no-op edits', (t) => {
  const all = Object.values(suites).flat();
  t.is(new Set(all.map((s) => s.id)).size, all.length);
  t.true(all.filter((s) => s.expect === 'miss').length >= 40);
  t.true(all.filter((s) => s.expect === 'hit').length >= 15);
});

test.after.always(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});
