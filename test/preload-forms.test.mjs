// Each annotation form × CommonJS / ESM / TypeScript through tsx, in child processes: the first run
// executes every annotated body once (fib(90): 91 times), the second run none, same results.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TS_BODIES, json, makeProject, removeProject, runNode, warnings } from './fixtures/preload/harness.mjs';

const CJS_BODIES = {
  hoisted: 2, // hoisted(3) from the module top, hoisted(1); internal(3) then hits the memory layer
  arrow: 1,
  expression: 1,
  assigned: 1,
  memberAssigned: 1,
  'Shape#area': 1,
  'Shape#later': 1,
  'Shape.unit': 1,
  'Shape.unitLater': 1,
  'api.load': 1,
  'api.parse': 1,
  'api.nested.deep': 1,
  directive: 1,
  directiveArrow: 1,
  callback: 2,
  fib: 91,
  'outer~inner': 1,
  square: 1,
  cube: 1,
};

const ESM_BODIES = {
  hoisted: 2,
  local: 1,
  arrow: 1,
  expression: 1,
  'Shape#area': 1,
  'Shape#later': 1,
  'Shape.unit': 1,
  'Shape.unitLater': 1,
  'api.load': 1,
  'api.nested.deep': 1,
  directive: 1,
  callback: 2,
  fib: 91,
  'outer~inner': 1,
  default: 1,
  'default#twice': 1,
};


async function twice(t, dir, args, expectedBodies) {
  const first = await runNode(dir, args);
  const one = json(t, first);
  t.deepEqual(warnings(first.stderr), [], first.stderr);
  t.deepEqual(one.bodies, expectedBodies, 'first run: each annotated body once');
  t.is(one.results.fib, 2880067194370816000);
  const second = await runNode(dir, args);
  const two = json(t, second);
  t.deepEqual(two.bodies, {}, 'second run: every call is a hit, including internal and recursive ones');
  t.deepEqual(two.results, one.results);
}

test('CommonJS forms with --require', async (t) => {
  const dir = makeProject('cjs');
  t.teardown(() => removeProject(dir));
  await twice(t, dir, ['--require', 'smartcache/register', 'app.js'], CJS_BODIES);
});

test('CommonJS app with --import (require hook installed by the ESM entry)', async (t) => {
  const dir = makeProject('cjs');
  t.teardown(() => removeProject(dir));
  await twice(t, dir, ['--import', 'smartcache/register', 'app.js'], CJS_BODIES);
});

test('ESM forms with --import', async (t) => {
  const dir = makeProject('esm');
  t.teardown(() => removeProject(dir));
  await twice(t, dir, ['--import', 'smartcache/register', 'app.js'], ESM_BODIES);
});

test('ESM entry with --require still gets the ESM hooks', async (t) => {
  const dir = makeProject('esm');
  t.teardown(() => removeProject(dir));
  await twice(t, dir, ['--require', 'smartcache/register', 'app.js'], ESM_BODIES);
});

test('TypeScript through tsx, CommonJS output (JSDoc read from the .ts source, directives kept)', async (t) => {
  const dir = makeProject('ts', { tsx: true });
  t.teardown(() => removeProject(dir));
  await twice(t, dir, ['--import', 'tsx', '--import', 'smartcache/register', 'app.ts'], TS_BODIES);
});

test('TypeScript through tsx, ESM output', async (t) => {
  const dir = makeProject('ts', { tsx: true });
  t.teardown(() => removeProject(dir));
  fs.copyFileSync(path.join(dir, 'forms.ts'), path.join(dir, 'forms.mts'));
  fs.copyFileSync(path.join(dir, 'bodies.ts'), path.join(dir, 'bodies.mts'));
  await twice(t, dir, ['--import', 'tsx', '--import', 'smartcache/register', 'app.mts'], TS_BODIES);
});

test('TypeScript: a type-only edit keeps the entries', async (t) => {
  const dir = makeProject('ts', { tsx: true });
  t.teardown(() => removeProject(dir));
  const args = ['--import', 'tsx', '--import', 'smartcache/register', 'app.ts'];
  t.deepEqual(json(t, await runNode(dir, args)).bodies, TS_BODIES);
  const file = path.join(dir, 'forms.ts');
  const edited = fs
    .readFileSync(file, 'utf8')
    .replace('readonly y: number;', 'readonly y: number;\n  readonly label?: string;') // a new line above everything
    .replace('export function fib(n: number): number {', 'export function fib(n: number | 0): number {');
  fs.writeFileSync(file, edited);
  const after = json(t, await runNode(dir, args));
  t.deepEqual(after.bodies, {}, 'types are erased: the transpiled functions, and so their fingerprints, are unchanged');
});

test('NODE_OPTIONS="--require smartcache/register"', async (t) => {
  const dir = makeProject('cjs');
  t.teardown(() => removeProject(dir));
  const env = { NODE_OPTIONS: '--require smartcache/register' };
  t.deepEqual(json(t, await runNode(dir, ['app.js'], env)).bodies, CJS_BODIES);
  t.deepEqual(json(t, await runNode(dir, ['app.js'], env)).bodies, {});
});
