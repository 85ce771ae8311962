// The layout stays true: every folder of src/ is entered through its index.ts, and no module
// imports itself back, not even through type-only imports (issue 10).
import test from 'ava';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cycles, importGraph, importersOf, trespasses } from './fixtures/architecture/imports.mjs';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const rel = (file) => path.relative(SRC, file);

test('src/ has no import cycle, type-only imports included', (t) => {
  const found = cycles(importGraph(SRC));
  t.deepEqual(found.map((c) => c.map(rel).join(' -> ')), []);
});

test('src/ folders are entered only through their index.ts', (t) => {
  const found = trespasses(importGraph(SRC));
  t.deepEqual(found.map(([from, to]) => `${rel(from)} imports ${rel(to)}`), []);
});

// The inspector is the one costly, process-wide session the library opens: only the runtime
// phase of the fingerprint talks to it (issue 10), so nothing else can enable a domain by accident.
const INSPECTOR_HOME = path.join('fingerprint', 'runtime');
const outsideInspectorHome = (root, file) => !path.relative(root, file).startsWith(INSPECTOR_HOME + path.sep);

test('only fingerprint/runtime/ imports node:inspector', (t) => {
  const found = importersOf(SRC, 'inspector');
  t.true(found.length > 0);
  t.deepEqual(found.filter((f) => outsideInspectorHome(SRC, f)).map(rel), []);
});

// cli/ and preload/ are entered by Node itself (the `bin`, `--require`/`--import`): their front
// doors are the entry files package.json names, and nothing in src/ imports into them.
function entryFolders() {
  const pkg = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const targets = [...Object.values(pkg.bin ?? {}), ...JSON.stringify(pkg.exports).match(/\.\/dist\/[^"]+\.m?js/g)];
  return new Set(targets.map((t) => path.dirname(path.relative('dist', path.normalize(t)))).filter((d) => d !== '.'));
}

test('every folder of src/ has a front door', (t) => {
  const entries = entryFolders();
  t.true(entries.has('cli') && entries.has('preload'), [...entries].join(', '));
  const missing = [];
  (function walk(dir) {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const sub = path.join(dir, e.name);
      if (!fs.existsSync(path.join(sub, 'index.ts')) && !entries.has(rel(sub))) missing.push(rel(sub));
      walk(sub);
    }
  })(SRC);
  t.deepEqual(missing, []);
});

// The checks themselves, on a planted tree: they must see what they exist to catch.
test('the checks catch a type-only cycle, an import into a folder\'s internals and an inspector import elsewhere', (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'smartcache-layout-'));
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const write = (file, text) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  write('a/index.ts', "export { b } from './b';\n");
  write('a/b.ts', "import type { C } from './c';\nexport const b = 1 as unknown as C;\n");
  write('a/c.ts', "// import { b } from './b'; (a comment, not an import)\nexport type C = typeof import('./b').b;\n");
  write('d/index.ts', "import { b } from '../a/b';\nimport { b as ok } from '../a';\nexport const d = [b, ok];\n");
  write('d/e/f.ts', "import { d } from '..';\nimport { b } from '../../a';\nexport const f = [d, b];\n");
  write('d/g.ts', "// import 'node:inspector' (a comment)\nexport const g = () => require('inspector');\n");
  write('fingerprint/runtime/h.ts', "import * as inspector from 'node:inspector';\nexport const h = inspector;\n");
  const graph = importGraph(root);
  t.deepEqual(cycles(graph).map((c) => c.map((f) => path.relative(root, f))), [[path.join('a', 'b.ts'), path.join('a', 'c.ts')]]);
  t.deepEqual(trespasses(graph).map(([from, to]) => [path.relative(root, from), path.relative(root, to)]), [[path.join('d', 'index.ts'), path.join('a', 'b.ts')]]);
  t.deepEqual(importersOf(root, 'inspector').filter((f) => outsideInspectorHome(root, f)).map((f) => path.relative(root, f)), [path.join('d', 'g.ts')]);
});
