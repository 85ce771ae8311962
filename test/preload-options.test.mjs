// Tag settings (`@cache ttl=2s ignore=log version=2 name=… memory=false strict=true`), warnings for
// unknown or unusable settings, and SMARTCACHE=off, through the preload in child processes.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { json, logCounts, makeProject, removeProject, runNode, warnings } from './fixtures/preload/harness.mjs';

const ARGS = ['--require', 'smartcache/register', 'app.js'];

test('tag settings map to cache() options', async (t) => {
  const dir = makeProject('options');
  t.teardown(() => removeProject(dir));
  const first = await runNode(dir, ARGS, { SMARTCACHE_LOG: '1' });
  const started = Date.now();
  const one = json(t, first);
  t.deepEqual(one.results, { shortLived: 2, withLog: 4, versioned: 9, renamed: 16, strictOne: 'threw ERR_UNSERIALIZABLE_RESULT', lenient: 'function', unknownOption: 35, badValue: 48 });
  t.is(logCounts(first.stderr).miss['custom-name'], 1, 'name= replaces file#function as the identity');

  const second = await runNode(dir, ARGS, { SMARTCACHE_LOG: '1' });
  const two = json(t, second);
  // The entry of shortLived was (re)written by the last run that ran its body.
  const written = two.bodies.shortLived === 1 ? Date.now() : started;
  t.is(two.bodies.withLog, undefined, 'ignore=log: another log argument is still a hit');
  t.is(two.bodies.versioned, undefined);
  t.is(two.bodies.renamed, undefined, 'memory=false still reads the disk');
  t.is(logCounts(second.stderr).hit['custom-name'], 1);
  t.is(two.bodies.unknownOption, undefined, 'an unknown setting is ignored, the function still cached');
  t.is(two.bodies.badValue, 1, 'an unusable value leaves the function uncached');
  t.is(two.bodies.lenient, 1, 'an unstorable result runs again (and warned)');
  if (Date.now() - started < 1500) t.is(two.bodies.shortLived, undefined, 'ttl=2s: still fresh');
  else t.log('second run too slow to check the fresh side of ttl');

  await sleep(Math.max(0, written + 2300 - Date.now()));
  const third = json(t, await runNode(dir, ARGS));
  t.is(third.bodies.shortLived, 1, 'ttl=2s: expired after 2 s');

  const file = path.join(dir, 'tagged.js');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('@cache version=2', '@cache version=3'));
  t.is(json(t, await runNode(dir, ARGS)).bodies.versioned, 1, 'version=3: a miss');
});

test('unknown and unusable settings warn with file:line', async (t) => {
  const dir = makeProject('options');
  t.teardown(() => removeProject(dir));
  const source = fs.readFileSync(path.join(dir, 'tagged.js'), 'utf8').split('\n');
  const lineOf = (text) => source.findIndex((l) => l.includes(text)) + 1;
  const run = await runNode(dir, ARGS);
  const lines = warnings(run.stderr);
  t.true(lines.includes(`[smartcache] warning: tagged.js:${lineOf('colour=blue')}: unknown @cache option "colour" ignored (known: ttl, ignore, version, name, memory, strict, track, dir, remote)`), lines.join('\n'));
  t.true(lines.some((l) => l.startsWith(`[smartcache] warning: tagged.js:${lineOf('ttl=soon')}: @cache ttl=soon is not valid`)), lines.join('\n'));
  t.is(lines.length, 3, 'and one for the unstorable result of lenient()');
});

test('SMARTCACHE=off: nothing rewritten, read or written', async (t) => {
  const dir = makeProject('options');
  t.teardown(() => removeProject(dir));
  for (let i = 0; i < 2; i++) {
    const run = await runNode(dir, ARGS, { SMARTCACHE: 'off' });
    const out = json(t, run);
    t.is(out.bodies.versioned, 1);
    t.is(out.results.strictOne, 'function', 'strict has no effect: the function is not wrapped at all');
    t.deepEqual(warnings(run.stderr), []);
  }
  t.false(fs.existsSync(path.join(dir, '.cache')));
});
