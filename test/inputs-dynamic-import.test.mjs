// `await import('./m.mjs')` inside a cached function (red team 3). The module an import() returns
// is a dependency: an edit to a helper it imports must recompute even when the module was already
// loaded before the call (nothing is read during the call then), and a function that uses nothing
// else of its module must still learn its file to resolve the specifier (else it never hits).
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { installedProject, run, hits, misses } from './fixtures/contract/project.mjs';

const put = (dir, name, text) => fs.writeFileSync(path.join(dir, name), text);
const env = { SMARTCACHE_LOG: '1' };

test('import() of an already loaded ES module: an edit to a helper it imports recomputes', (t) => {
  const dir = installedProject();
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  put(dir, 'helper.mjs', 'export const k = () => 1;\n');
  put(dir, 'lib.mjs', "import { k } from './helper.mjs';\nexport const v = () => k();\n");
  put(dir, 'app.mjs', `import './lib.mjs';
const K = 1;
/** @cache */
async function f(x) { const m = await import('./lib.mjs'); return m.v() + x + K; }
console.log(JSON.stringify(await f(2)));
`);
  const args = ['--import', 'smartcache/register', 'app.mjs'];
  const first = run(dir, args, env);
  t.is(first.json, 4, first.stderr);
  const second = run(dir, args, env);
  t.is(second.json, 4, second.stderr);
  t.is(hits(second), 1, second.stderr);
  put(dir, 'helper.mjs', 'export const k = () => 100;\n');
  const edited = run(dir, args, env);
  t.is(edited.json, 103, edited.stderr);
  t.is(misses(edited), 1, edited.stderr);
});

for (const [ext, args] of [['mjs', ['--import', 'smartcache/register']], ['js', ['--require', 'smartcache/register']]]) {
  test(`import() in a ${ext} function that uses nothing else of its module hits on the next run`, (t) => {
    const dir = installedProject();
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    put(dir, 'lib.mjs', 'export const v = () => 1;\n');
    put(dir, `app.${ext}`, `/** @cache */
async function f(x) { const m = await import('./lib.mjs'); return m.v() + x; }
f(2).then((r) => console.log(JSON.stringify(r)));
`);
    const all = [...args, `app.${ext}`];
    const first = run(dir, all, env);
    t.is(first.json, 3, first.stderr);
    const second = run(dir, all, env);
    t.is(second.json, 3, second.stderr);
    t.is(hits(second), 1, second.stderr);
    put(dir, 'lib.mjs', 'export const v = () => 2;\n');
    const edited = run(dir, all, env);
    t.is(edited.json, 4, edited.stderr);
  });
}

test('import() under tsx: a TypeScript module named by its output (./lib.js) counts with the helpers it imports', (t) => {
  const dir = installedProject();
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  // tsx is the user's own dev dependency: linked from this checkout like smartcache itself.
  fs.symlinkSync(path.resolve('node_modules/tsx'), path.join(dir, 'node_modules', 'tsx'), 'dir');
  put(dir, 'package.json', '{"name":"user-app","private":true,"type":"module"}\n');
  put(dir, 'helper.ts', 'export const k = (): number => 1;\n');
  put(dir, 'lib.ts', "import { k } from './helper.js';\nexport const v = (): number => k();\n");
  put(dir, 'app.ts', `import './lib.js';
const K: number = 1;
export async function f(x: number): Promise<number> { 'use cache'; const m = await import('./lib.js'); return m.v() + x + K; }
console.log(JSON.stringify(await f(2)));
`);
  const args = ['--import', 'tsx', '--import', 'smartcache/register', 'app.ts'];
  t.is(run(dir, args, env).json, 4);
  const second = run(dir, args, env);
  t.is(hits(second), 1, second.stderr);
  put(dir, 'helper.ts', 'export const k = (): number => 100;\n');
  const edited = run(dir, args, env);
  t.is(edited.json, 103, edited.stderr);
});

test('import() of a module with an optional dependency that is not installed still hits', (t) => {
  const dir = installedProject();
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  put(dir, 'lib.mjs', "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nlet extra = 0;\ntry { extra = require('not-installed-optional-dep').n; } catch {}\nexport const v = () => 1 + extra;\n");
  put(dir, 'app.mjs', `import './lib.mjs';
const K = 1;
/** @cache */
async function f(x) { const m = await import('./lib.mjs'); return m.v() + x + K; }
console.log(JSON.stringify(await f(2)));
`);
  const args = ['--import', 'smartcache/register', 'app.mjs'];
  t.is(run(dir, args, env).json, 4);
  const second = run(dir, args, env);
  t.is(second.json, 4);
  t.is(hits(second), 1, second.stderr);
});
