// Stack traces of user code keep their line and column under the preload: errors thrown inside
// annotated functions and in an unannotated one below them. Where an insertion had to move code on
// its line (in-place wraps, a first line that runs code), the added source map restores the column
// under --enable-source-maps; lines are right either way.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { json, makeProject, removeProject, runNode, warnings } from './fixtures/preload/harness.mjs';

/** line:column (1-based) of `new Error('<message>')` in the fixture source, as V8 reports a throw. */
function expected(dir, file) {
  const out = {};
  fs.readFileSync(path.join(dir, file), 'utf8').split('\n').forEach((text, i) => {
    for (const m of text.matchAll(/new Error\('(\w+)'\)/g)) out[m[1]] = `${i + 1}:${m.index + 1}`;
  });
  return out;
}

const only = (object, keys) => Object.fromEntries(keys.map((k) => [k, object[k]]));

test('CommonJS: positions unchanged, with and without --enable-source-maps', async (t) => {
  const dir = makeProject('stack');
  t.teardown(() => removeProject(dir));
  const want = expected(dir, 'throws.js');
  const lineStable = ['annotated', 'arrow', 'method', 'plain'];
  const plain = json(t, await runNode(dir, ['--require', 'smartcache/register', 'check.mjs', 'throws.js']));
  t.deepEqual(only(plain, lineStable), only(want, lineStable));
  t.is(plain.inPlace.split(':')[0], want.inPlace.split(':')[0], 'an in-place wrap keeps the line');
  const mapped = json(t, await runNode(dir, ['--enable-source-maps', '--require', 'smartcache/register', 'check.mjs', 'throws.js']));
  t.deepEqual(mapped, want, 'and the column through the added source map');
});

test('ESM: positions unchanged', async (t) => {
  const dir = makeProject('stack');
  t.teardown(() => removeProject(dir));
  const run = await runNode(dir, ['--import', 'smartcache/register', 'check.mjs', 'throws.mjs']);
  t.deepEqual(warnings(run.stderr), []);
  t.deepEqual(json(t, run), expected(dir, 'throws.mjs'));
});

test('a first line that runs code: columns through the source map', async (t) => {
  const dir = makeProject('stack');
  t.teardown(() => removeProject(dir));
  const want = expected(dir, 'first-line.js');
  const plain = json(t, await runNode(dir, ['--require', 'smartcache/register', 'check.mjs', 'first-line.js']));
  t.is(plain.secondLine, want.secondLine);
  t.is(plain.firstLine.split(':')[0], '1');
  t.deepEqual(json(t, await runNode(dir, ['--enable-source-maps', '--require', 'smartcache/register', 'check.mjs', 'first-line.js'])), want);
});

test('TypeScript through tsx: positions in the .ts file', async (t) => {
  const dir = makeProject('stack', { tsx: true });
  t.teardown(() => removeProject(dir));
  const run = await runNode(dir, ['--import', 'tsx', '--import', 'smartcache/register', 'check.mjs', 'throws.ts']);
  t.deepEqual(json(t, run), expected(dir, 'throws.ts'));
});
