// `smartcache explain --live`: the annotated functions of a file, loaded in a child with the
// preload, their trees (kind, name, location, hash) and dynamic dependencies; --json, --dot, #name.
// (Without --live, explain reads what earlier runs stored: test/cli-explain-stored.test.mjs.)
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli, copyFixture } from './fixtures/cli/helpers.mjs';

test('prints each annotated function with its dependency tree', async (t) => {
  const project = copyFixture('basic');
  const r = await cli(['explain', 'math.js', '--live'], { cwd: project });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /total\s+math\.js\s+fingerprint [0-9a-f]{16,}/);
  t.regex(r.stdout, /function\s+scale\s+math\.js:5:\d+\s+[0-9a-f]{12}/, 'helper with kind, location and hash');
  t.regex(r.stdout, /CONFIG\.factor\s+= 2/, 'the constant the helper reads, with its value');
  t.regex(r.stdout, /offset/, 'the imported module function');
  t.regex(r.stdout, /pick\s+math\.js/);
  t.regex(r.stdout, /dynamic.*\[dynamic: not followed\]|dynamic dependencies/, 'the globalThis[name] read is flagged');
  t.false(r.stdout.includes('\u001b['), 'no colour codes into a pipe');
  t.false(fs.existsSync(path.join(project, 'node_modules', '.cache')), 'explaining writes nothing into the project cache');
});

test('#name picks one function; --json is machine readable', async (t) => {
  const project = copyFixture('basic');
  const r = await cli(['explain', 'math.js#total', '--live', '--json'], { cwd: project });
  t.is(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  t.is(json.functions.length, 1);
  const [total] = json.functions;
  t.regex(total.name, /total/);
  t.regex(total.fingerprint, /^[0-9a-f]{16,}$/);
  t.is(total.explanation.root.kind, 'function');
  const names = [];
  const walk = (n) => {
    names.push(`${n.kind}:${n.name}`);
    n.children.forEach(walk);
  };
  walk(total.explanation.root);
  t.true(names.some((n) => /^function:.*scale/.test(n)), names.join(' '));
  t.true(names.some((n) => /^value:.*CONFIG\.factor/.test(n)), names.join(' '));
});

test('#name of a dynamic function shows its dynamic dependency in JSON', async (t) => {
  const project = copyFixture('basic');
  const r = await cli(['explain', path.join(project, 'math.js#pick'), '--live', '--json']);
  t.is(r.code, 0, r.stderr);
  const [pick] = JSON.parse(r.stdout).functions;
  t.true(pick.explanation.dynamic.length > 0, JSON.stringify(pick.explanation));
});

test('--dot prints a Graphviz digraph of the tree', async (t) => {
  const project = copyFixture('basic');
  const r = await cli(['explain', 'math.js#total', '--live', '--dot'], { cwd: project });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^digraph smartcache \{/);
  t.regex(r.stdout, /n0 -> n1;/);
  t.regex(r.stdout, /label="function [^"]*scale\\nmath\.js:5:\d+\\n#[0-9a-f]{12}"/);
  t.regex(r.stdout.trim(), /\}$/);
});

test('an ES module: loaded with the --import preload; methods are found by Class.method', async (t) => {
  const project = copyFixture('esm');
  const all = await cli(['explain', 'app.js', '--live', '--json'], { cwd: project });
  t.is(all.code, 0, all.stderr);
  const names = JSON.parse(all.stdout).functions.map((f) => f.name);
  t.is(names.length, 2, `each function once, even after a call at load: ${names}`);
  t.true(names.some((n) => /work$/.test(n)));
  t.true(names.some((n) => /area$/.test(n)));
  const one = await cli(['explain', 'app.js#Shape.area', '--live'], { cwd: project });
  t.is(one.code, 0, one.stderr);
  t.regex(one.stdout, /area\s+app\.js:6:\d+/);
  t.notRegex(one.stdout, /work/);
  const work = await cli(['explain', 'app.js#work', '--live'], { cwd: project });
  t.regex(work.stdout, /function\s+helper\s+util\.js:2:\d+/);
  t.regex(work.stdout, /value\s+RATE\s+= 4/);
});
