// The inspector session in real processes: a second session under --inspect, worker threads,
// the fallback when the inspector answers late or is missing (never a wrong hit), and that
// fingerprinting runs no user code and leaves nothing behind.
import test from 'ava';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseWarnings } from './fixtures/warnings.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(here, '..', 'dist');
const fixtures = path.join(here, 'fixtures', 'fingerprint');

function node(args) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: fixtures }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

test('same fingerprint on the main thread, in a worker thread, and under --inspect', async (t) => {
  const script = path.join(fixtures, 'session.cjs');
  const [main, worker, inspect] = await Promise.all([
    node([script, dist]),
    node([script, dist, 'worker']),
    node(['--inspect=127.0.0.1:0', script, dist]),
  ]);
  t.regex(main.stdout, /^[0-9a-f]{64}$/);
  t.is(worker.stdout, main.stdout);
  t.is(inspect.stdout, main.stdout);
  t.regex(inspect.stderr, /Debugger listening/);
});

for (const mode of ['async', 'unavailable']) {
  test(`inspector ${mode}: warning, source-only fingerprint that never matches another run`, async (t) => {
    const script = path.join(fixtures, 'fallback.cjs');
    const [a, b] = await Promise.all([node([script, dist, mode]), node([script, dist, mode])]);
    const first = JSON.parse(a.stdout);
    const second = JSON.parse(b.stdout);
    t.regex(first.fp, /^[0-9a-f]{64}$/);
    t.is(first.again, first.fp, 'stable within the process');
    t.not(second.fp, first.fp, 'a per-process salt: every run misses');
    t.is(first.result, 7, 'the program still runs');
    const warnings = parseWarnings(a.stderr);
    t.is(warnings.length, 1, 'warned once');
    t.regex(warnings[0].message, /^fingerprint: .*every cached call misses/);
    t.is(warnings[0].code, 'ERR_FINGERPRINT');
    t.is(first.explain.dynamic.length, 1);
  });
}

test('no getter or proxy trap runs, no global is left, reached values stay collectable', async (t) => {
  const { stdout } = await node(['--expose-gc', path.join(fixtures, 'behaviour.cjs'), dist]);
  const report = JSON.parse(stdout);
  t.is(report.getterCalls, 0);
  t.is(report.trapCalls, 0);
  t.deepEqual(report.globalsAdded, []);
  t.true(report.collected);
});

test('a binding read in its temporal dead zone is read again once initialized', async (t) => {
  const { stdout } = await node(['--expose-gc', path.join(fixtures, 'behaviour.cjs'), dist]);
  const report = JSON.parse(stdout);
  t.not(report.tdzLate, report.tdzEarly);
  t.is(report.tdzLateAgain, report.tdzLate);
  t.is(report.tdzPreview, '5');
});

test('a binding that stays undefined is rechecked during the synchronous run, then final', async (t) => {
  const { stdout } = await node(['--expose-gc', path.join(fixtures, 'behaviour.cjs'), dist]);
  const report = JSON.parse(stdout);
  t.true(report.sameRunRechecks > 0, 'rebuilt while modules may still be evaluating');
  t.is(report.afterRunCalls, 0, 'settled after the run: no more inspector calls');
  t.true(report.afterRunSame);
});

test('a global that appears after the first fingerprint is taken into account', async (t) => {
  const { stdout } = await node(['--expose-gc', path.join(fixtures, 'behaviour.cjs'), dist]);
  const report = JSON.parse(stdout);
  t.not(report.missingAfter, report.missingBefore);
});
