// explain(): the dependency tree (kinds, names, project-relative locations, hashes, dynamic
// dependencies) and diffExplanations(): human lines naming what changed across a real edit,
// with the trees taken from two child processes.
import test from 'ava';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import scenarios from './fixtures/fingerprint/scenarios.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(here, '..', 'dist');
const printer = path.join(here, 'fixtures', 'fingerprint', 'print.mjs');
const { diffExplanations } = createRequire(import.meta.url)(path.join(dist, 'fingerprint', 'index.js'));

const extra = [
  {
    id: 'dynamic',
    files: {
      'main.js': `const TABLE = { a: 1 };\nfunction run(name, code) { return globalThis[name] ?? eval(code) ?? TABLE.a; }\nmodule.exports = { run };\n`,
    },
    edit: {},
  },
  {
    id: 'added-removed',
    files: { 'main.js': `function a(v) { return v; }\nfunction b(v) { return v; }\nfunction run(x) { return a(x); }\nmodule.exports = { run };\n` },
    edit: { 'main.js': `function a(v) { return v; }\nfunction b(v) { return v; }\nfunction run(x) { return b(x); }\nmodule.exports = { run };\n` },
  },
];
const picked = ['helper-edit', 'helper-of-helper-edit', 'config-member-used', 'module-member-used', 'package-version-bump', 'closure-captured-value', 'map-content', 'mutual-recursion-edit', 'class-superclass', 'json-content'];
const cases = [...scenarios.filter((s) => picked.includes(s.id)).map((s) => ({ ...s, entry: s.entry })), ...extra.map((s) => ({ ...s, entry: 'main.js', export: 'run' }))];

function writeFiles(root, files) {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}

function run(root, manifestFile) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [printer, dist, root, manifestFile], { env: { ...process.env, SMARTCACHE_DIST: dist }, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout));
    });
  });
}

test.before(async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'smartcache-fp-explain-'));
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'fp-explain', version: '1.0.0' }));
  for (const c of cases) writeFiles(path.join(root, 's', c.id), c.files);
  const manifestFile = path.join(root, 'manifest.json');
  fs.writeFileSync(manifestFile, JSON.stringify({ items: cases.map((c) => ({ id: c.id, file: path.join('s', c.id, c.entry), export: c.export, explain: true })) }));
  const before = await run(root, manifestFile);
  for (const c of cases) writeFiles(path.join(root, 's', c.id), c.edit);
  const after = await run(root, manifestFile);
  t.context = { root, before, after };
});

test.after.always((t) => fs.rmSync(t.context.root, { recursive: true, force: true }));

const diff = (t, id) => {
  t.is(t.context.before.errors[id], undefined);
  return diffExplanations(t.context.before.explain[id].root, t.context.after.explain[id].root);
};

test('the tree: kinds, names, project-relative locations, hashes, previews', (t) => {
  const { root } = t.context.before.explain['config-member-used'];
  t.is(root.kind, 'function');
  t.is(root.name, 'run');
  t.is(root.location, 's/config-member-used/main.js:2:13');
  t.regex(root.hash, /^[0-9a-f]{64}$/);
  t.is(root.fingerprint, t.context.before.fps['config-member-used']);
  t.deepEqual(
    root.children.map((c) => [c.kind, c.name, c.preview]),
    [['value', 'CONFIG.factor', '2']],
  );
  const pkg = t.context.before.explain['package-version-bump'].root.children[0];
  t.deepEqual([pkg.kind, pkg.name, pkg.hash], ['package', 'pkg', 'fake-pkg@1.0.0']);
});

test('the tree shows recursion as a cycle node and never an absolute path', (t) => {
  const { root } = t.context.before.explain['mutual-recursion-edit'];
  t.is(root.children[0].name, 'isOdd');
  t.is(root.children[0].children[0].kind, 'cycle');
  t.is(root.children[0].children[0].fingerprint, root.fingerprint);
  const text = JSON.stringify(t.context.before.explain);
  t.false(text.includes(t.context.root));
  t.false(text.includes(os.tmpdir()));
});

test('dynamic dependencies are listed with a warning', (t) => {
  const e = t.context.before.explain.dynamic;
  t.true(e.dynamic.some((d) => d.includes('eval')));
  t.true(e.dynamic.some((d) => d.includes('globalThis[')));
  t.true(e.dynamic.every((d) => d.startsWith('run (s/dynamic/main.js:2:13): ')));
  t.true(e.root.children.some((c) => c.kind === 'dynamic' && /warning/.test(c.preview)));
});

test('diff: a helper and a helper of a helper', (t) => {
  t.deepEqual(diff(t, 'helper-edit'), ['helper `scale` (s/helper-edit/main.js:2) changed']);
  t.deepEqual(diff(t, 'helper-of-helper-edit'), ['helper `shift` (s/helper-of-helper-edit/main.js:1) changed']);
});

test('diff: values by member path, with before and after', (t) => {
  t.deepEqual(diff(t, 'config-member-used'), ['`CONFIG.factor` 2 → 3']);
  t.deepEqual(diff(t, 'closure-captured-value'), ['`k` 3 → 4']);
  t.deepEqual(diff(t, 'map-content'), ['`M.get("a")` 1 → 2']);
  t.deepEqual(diff(t, 'json-content'), ['`data.b` 2 → 3']);
});

test('diff: module member, package version, superclass, mutual recursion', (t) => {
  t.deepEqual(diff(t, 'module-member-used'), ['module `utils` (s/module-member-used/utils.js) member `inner` changed']);
  t.deepEqual(diff(t, 'package-version-bump'), ['package `fake-pkg@1.0.0` → `fake-pkg@1.0.1`']);
  t.deepEqual(diff(t, 'class-superclass'), ['superclass (s/class-superclass/main.js:1) changed']);
  t.deepEqual(diff(t, 'mutual-recursion-edit'), ['helper `isOdd` (s/mutual-recursion-edit/main.js:2) changed']);
});

test('diff: dependencies added and removed, and no lines when nothing changed', (t) => {
  t.deepEqual(diff(t, 'added-removed'), ['function `run` (s/added-removed/main.js:3) changed', 'dependency `a` removed', 'dependency `b` added']);
  t.deepEqual(diff(t, 'dynamic'), []);
});
