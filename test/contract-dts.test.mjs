// The published .d.ts files compile for a TypeScript consumer without @types/node (`types: []`,
// no DOM lib, full lib checking): the public types must not mention `NodeJS`, `Buffer`... This
// uses TypeScript 5's compiler API (`typescript5`): TypeScript 7, the project's own compiler, has no JS API.
import test from 'ava';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ts = require('typescript5');
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const CONSUMER = `import { cache, cached, SmartCacheError, type CacheOptions, type Cached, type Explanation } from 'smartcache';
const options: CacheOptions<[number]> = { ttl: '1h', ignore: [0], dependsOn: () => 1 };
const double: Cached<(n: number) => number> = cache(function double(n: number) { return n * 2; }, options);
const four: number = double(2);
const tree: Explanation = double.explain();
class Totals {
  @cached() sum(n: number): number { return n + four; }
}
export const used = [new Totals().sum(1), tree.root.fingerprint, double.has(1), SmartCacheError];
`;

/** Type errors of `file` compiled against this checkout installed as node_modules/smartcache. */
function compile(t, file, text, module) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-dts-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(REPO, path.join(dir, 'node_modules', 'smartcache'), 'dir');
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: module === 'esm' ? 'module' : 'commonjs' }));
  fs.writeFileSync(path.join(dir, file), text);
  const program = ts.createProgram([path.join(dir, file)], {
    strict: true,
    noEmit: true,
    types: [],
    lib: ['lib.es2022.d.ts'],
    skipLibCheck: false,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  });
  const files = program.getSourceFiles().map((f) => f.fileName);
  const errors = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  return { errors, files };
}

test('CommonJS consumer without @types/node compiles against dist/*.d.ts', (t) => {
  const { errors, files } = compile(t, 'main.ts', `${CONSUMER}import 'smartcache/register';\n`, 'cjs');
  t.deepEqual(errors, []);
  t.true(files.some((f) => f.endsWith(path.join('dist', 'index.d.ts'))), 'resolved through the require condition');
  t.false(files.some((f) => f.includes(`${path.sep}@types${path.sep}node${path.sep}`)), 'Node types were not pulled in');
});

test('ESM consumer without @types/node compiles against dist/*.d.mts', (t) => {
  const { errors, files } = compile(t, 'main.mts', `${CONSUMER}import 'smartcache/register';\n`, 'esm');
  t.deepEqual(errors, []);
  t.true(files.some((f) => f.endsWith(path.join('dist', 'index.d.mts'))), 'resolved through the import condition');
  t.false(files.some((f) => f.includes(`${path.sep}@types${path.sep}node${path.sep}`)));
});
