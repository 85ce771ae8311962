// TypeScript through ts-node's require hook (`-r ts-node/register -r smartcache/register`), both
// annotation forms. ts-node needs TypeScript's JS compiler API, which TypeScript 7 (this project's
// own compiler) no longer ships, so it runs with TypeScript 5, installed as `typescript5`.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TS_BODIES, json, makeProject, removeProject, runNode } from './fixtures/preload/harness.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const ENV = {
  TS_NODE_COMPILER: 'typescript5',
  TS_NODE_TRANSPILE_ONLY: 'true',
  TS_NODE_COMPILER_OPTIONS: JSON.stringify({ module: 'commonjs', target: 'es2022' }),
};

test('TypeScript through ts-node: JSDoc @cache and "use cache" both cached, second run runs no body', async (t) => {
  const dir = makeProject('ts');
  t.teardown(() => removeProject(dir));
  for (const name of ['ts-node', 'typescript5']) {
    fs.symlinkSync(path.join(REPO, 'node_modules', name), path.join(dir, 'node_modules', name), 'dir');
  }
  const args = ['-r', 'ts-node/register', '-r', 'smartcache/register', 'app.ts'];
  const first = json(t, await runNode(dir, args, ENV));
  t.deepEqual(first.bodies, TS_BODIES);
  const second = json(t, await runNode(dir, args, ENV));
  t.deepEqual(second.bodies, {});
  t.deepEqual(second.results, first.results);
});
