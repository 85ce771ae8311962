// `explain --diff` against the tree stored with the last entries: a run of the real program
// with the preload stores it, an edit follows, and the CLI names exactly what changed.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli, copyFixture, REGISTER, runNode } from './fixtures/cli/helpers.mjs';

async function storedProject(t) {
  const project = copyFixture('basic');
  const root = path.join(project, 'cache');
  const run = await runNode(['--require', REGISTER, 'math.js'], { cwd: project, env: { SMARTCACHE_DIR: root } });
  t.is(run.code, 0, run.stderr);
  t.regex(run.stdout, /^91 object/);
  return { project, root };
}

function edit(project, file, from, to) {
  const p = path.join(project, file);
  const text = fs.readFileSync(p, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} does not contain ${from}`);
  fs.writeFileSync(p, text.replace(from, to));
}

async function diff(t, project, root) {
  const r = await cli(['explain', 'math.js#total', '--diff', '--dir', root], { cwd: project });
  t.is(r.code, 0, r.stderr);
  return r.stdout;
}

test('no edit: unchanged since it was stored', async (t) => {
  const { project, root } = await storedProject(t);
  edit(project, 'math.js', 'let sum = 0;', 'let sum = 0; // a comment changes nothing');
  const out = await diff(t, project, root);
  t.regex(out, /^math\.js#total: unchanged since \d{4}-\d\d-\d\dT/m);
});

test('function edit: names the helper that changed', async (t) => {
  const { project, root } = await storedProject(t);
  edit(project, 'math.js', 'return x * CONFIG.factor;', 'return x * CONFIG.factor + 1;');
  const out = await diff(t, project, root);
  t.regex(out, /^math\.js#total: changed since .* \(fingerprint [0-9a-f]{12} → [0-9a-f]{12}\)$/m);
  t.regex(out, /^ {2}- .*`scale`.*changed/m);
  t.notRegex(out, /CONFIG\.factor.*→/, 'the constant did not change');
});

test('constant edit: names the constant with old and new value', async (t) => {
  const { project, root } = await storedProject(t);
  edit(project, 'math.js', 'factor: 2', 'factor: 3');
  const out = await diff(t, project, root);
  t.regex(out, /^ {2}- .*`CONFIG\.factor`.*2 → 3/m);
});

test('module edit: names the function of the imported module that changed', async (t) => {
  const { project, root } = await storedProject(t);
  edit(project, 'lib.js', 'return 1;', 'return 2;');
  const out = await diff(t, project, root);
  t.regex(out, /^ {2}- .*offset.*changed/m);
  t.notRegex(out, /`scale`/, 'scale did not change');
});

test('a function never stored says so', async (t) => {
  const project = copyFixture('basic');
  const root = path.join(project, 'cache');
  fs.mkdirSync(root);
  const r = await cli(['explain', 'math.js#total', '--diff', '--dir', root], { cwd: project });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^math\.js#total: nothing stored yet/m);
});
