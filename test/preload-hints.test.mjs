// What the preload used to ignore silently now gets one warning each: `// @cache`, `/* @cache */`
// and `@Cache` (with the line), smartcache/register loaded before the TypeScript loader, and vitest
// (whose module runner Node's hooks never see).
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { node, project, repo, tempDir } from './fixtures/cache/helpers.mjs';
import { parseWarnings } from './fixtures/warnings.mjs';

/** A temp project where `smartcache` and `tsx` resolve from node_modules. */
function installed(files) {
  const dir = project(files);
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  fs.symlinkSync(repo, path.join(dir, 'node_modules', 'smartcache'), 'dir');
  fs.symlinkSync(path.join(repo, 'node_modules', 'tsx'), path.join(dir, 'node_modules', 'tsx'), 'dir');
  return dir;
}

const body = (name) => `function ${name}(n) { console.log('RAN ${name}'); return n + 1; }`;
const ranCount = (r) => r.stdout.split('\n').filter((l) => l.startsWith('RAN ')).length;

const misspelled = `// @cache
${body('lineComment')}
/* @cache */
${body('oneStar')}
/** @Cache */
${body('capital')}
/**
 * Real one.
 * @cache
 */
${body('real')}
// a remark about @cache in the middle of a sentence is not a tag
for (const f of [lineComment, oneStar, capital, real]) { f(1); f(1); }
`;

for (const [file, args] of [['app.js', ['--require', 'smartcache/register']], ['app.ts', ['--import', 'tsx', '--import', 'smartcache/register']]]) {
  test(`${file}: // @cache, /* @cache */ and @Cache each get one warning with their line; /** @cache */ works`, (t) => {
    const dir = installed({ [file]: misspelled });
    const env = { SMARTCACHE_DIR: tempDir() };
    for (const [run, expectedRuns] of [['parsed', 7], ['from the transform cache', 6]]) {
      const r = node([...args, file], { cwd: dir, env });
      t.is(r.status, 0, r.stderr);
      const warnings = parseWarnings(r.stderr);
      t.deepEqual(warnings.map((w) => w.code), ['SMARTCACHE_ANNOTATION', 'SMARTCACHE_ANNOTATION', 'SMARTCACHE_ANNOTATION'], `${run}: ${r.stderr}`);
      t.deepEqual(warnings.map((w) => /^app\.[jt]s:(\d+): /.exec(w.message)?.[1]), ['1', '3', '5']);
      for (const w of warnings) t.true(w.message.includes('did you mean /** @cache */'), w.message);
      t.regex(warnings[2].message, /@Cache/);
      // The three ignored ones ran twice each; the real one once, then not at all (stored).
      t.is(ranCount(r), expectedRuns, r.stdout);
    }
  });
}

test('smartcache/register before the TypeScript loader: one warning saying the right order', (t) => {
  const dir = installed({
    'app.ts': `/** @cache */\nfunction twice(n: number): number { console.log('RAN'); return n * 2; }\nconsole.log('OUT ' + JSON.stringify(twice(2)));\n`,
  });
  const env = { SMARTCACHE_DIR: tempDir() };
  const wrong = node(['--import', 'smartcache/register', '--import', 'tsx', 'app.ts'], { cwd: dir, env });
  t.is(wrong.status, 0, wrong.stderr);
  const warnings = parseWarnings(wrong.stderr).filter((w) => w.code === 'SMARTCACHE_PRELOAD');
  t.is(warnings.length, 1, wrong.stderr);
  t.regex(warnings[0].message, /^smartcache\/register: it is loaded before tsx.*--import tsx --import smartcache\/register/);

  // With --require the hooks thread (Node 20) loads the preload too: still one warning.
  const required = node(['--require', 'smartcache/register', '--import', 'tsx', 'app.ts'], { cwd: dir, env });
  t.is(parseWarnings(required.stderr).filter((w) => w.code === 'SMARTCACHE_PRELOAD').length, 1, required.stderr);

  const viaOptions = node(['--import', 'tsx', 'app.ts'], { cwd: dir, env: { ...env, NODE_OPTIONS: '--import smartcache/register' } });
  t.is(parseWarnings(viaOptions.stderr).filter((w) => w.code === 'SMARTCACHE_PRELOAD').length, 1, 'NODE_OPTIONS preloads come first');

  const right = node(['--import', 'tsx', '--import', 'smartcache/register', 'app.ts'], { cwd: dir, env });
  t.is(right.status, 0, right.stderr);
  t.deepEqual(parseWarnings(right.stderr), []);
  t.is(right.out, 4);
});

test('under vitest: one warning that annotations are not applied in its module runner, not repeated in child processes', (t) => {
  const dir = installed({
    'app.js': `const { spawnSync } = require('node:child_process');
/** @cache */
function twice(n) { return n * 2; }
twice(1);
if (process.argv[2] !== 'child') process.stderr.write(spawnSync(process.execPath, [__filename, 'child'], { encoding: 'utf8' }).stderr);
`,
  });
  const r = node(['app.js'], { cwd: dir, env: { SMARTCACHE_DIR: tempDir(), VITEST: 'true', NODE_OPTIONS: '--require smartcache/register' } });
  t.is(r.status, 0, r.stderr);
  const warnings = parseWarnings(r.stderr);
  t.is(warnings.length, 1, r.stderr);
  t.is(warnings[0].code, 'SMARTCACHE_PRELOAD');
  t.regex(warnings[0].message, /vitest.*module runner/);
  const plain = node(['app.js'], { cwd: dir, env: { SMARTCACHE_DIR: tempDir(), NODE_OPTIONS: '--require smartcache/register' } });
  t.deepEqual(parseWarnings(plain.stderr), []);
});
