// `smartcache explain` on TypeScript run through tsx (`node --import tsx --import
// smartcache/register app.ts`): the stored mode maps the file to its records and parses nothing
// (no "Unexpected identifier"); `--live` loads the file through the project's tsx, also when tsx
// comes from NODE_OPTIONS (where the preload used to be installed before tsx and saw nothing).
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli, copyFixture, REPO, runNode } from './fixtures/cli/helpers.mjs';

/** The ts fixture in a temp project where `smartcache` and `tsx` resolve as they would for a user. */
function tsProject() {
  const project = copyFixture('ts');
  fs.mkdirSync(path.join(project, 'node_modules'));
  fs.symlinkSync(REPO, path.join(project, 'node_modules', 'smartcache'), 'dir');
  fs.symlinkSync(path.join(REPO, 'node_modules', 'tsx'), path.join(project, 'node_modules', 'tsx'), 'dir');
  return project;
}

async function ranOnce(t) {
  const project = tsProject();
  const root = path.join(project, 'cache');
  const r = await runNode(['--import', 'tsx', '--import', 'smartcache/register', 'app.ts'], { cwd: project, env: { SMARTCACHE_DIR: root } });
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout.trim(), '12');
  const marker = path.join(project, 'marker.txt');
  t.true(fs.existsSync(marker));
  fs.rmSync(marker);
  return { project, root, marker };
}

test('explain app.ts shows the stored tree without parsing or running TypeScript', async (t) => {
  const { project, root, marker } = await ranOnce(t);
  const r = await cli(['explain', 'app.ts', '--dir', root], { cwd: project });
  t.is(r.code, 0, r.stderr);
  t.notRegex(r.stderr, /Unexpected identifier/);
  t.regex(r.stdout, /^app\.ts#total\s+app\.ts\s+fingerprint [0-9a-f]{64}/m);
  // Locations are lines of app.ts itself (through tsx's source map), not of the transpiled text.
  t.regex(r.stdout, /function\s+total\s+app\.ts:17:\d+/);
  t.regex(r.stdout, /function\s+scale\s+app\.ts:12:\d+/);
  t.regex(r.stdout, /value\s+RATES\.factor\s+= 2/);
  t.false(fs.existsSync(marker));
});

test('explain app.ts --live loads it through tsx and agrees with the stored fingerprint', async (t) => {
  const { project, root, marker } = await ranOnce(t);
  const stored = JSON.parse((await cli(['explain', 'app.ts', '--json', '--dir', root], { cwd: project })).stdout);
  const live = await cli(['explain', 'app.ts', '--live', '--json', '--dir', root], { cwd: project });
  t.is(live.code, 0, live.stderr);
  t.true(fs.existsSync(marker), '--live ran the file');
  const [f] = JSON.parse(live.stdout).functions;
  t.is(f.name, 'app.ts#total');
  t.is(f.fingerprint, stored.functions[0].fingerprint);
});

test('tsx in NODE_OPTIONS: --live still finds the annotated functions', async (t) => {
  const { project, root } = await ranOnce(t);
  const r = await cli(['explain', 'app.ts', '--live', '--dir', root], { cwd: project, env: { NODE_OPTIONS: '--import tsx' } });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^app\.ts#total/m);
  t.notRegex(r.stderr, /no annotated functions/);
});

test('explain app.ts --diff --live after an edit shows the changed function and its code', async (t) => {
  const { project, root } = await ranOnce(t);
  const file = path.join(project, 'app.ts');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('return x * RATES.factor;', 'return x * RATES.factor + 7;'));
  const r = await cli(['explain', 'app.ts', '--diff', '--live', '--dir', root], { cwd: project });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^app\.ts#total: changed since /m);
  t.regex(r.stdout, /`scale`.*changed/);
  t.regex(r.stdout, /^\s+-.*RATES\.factor[;}]?/m);
  t.regex(r.stdout, /^\s+\+.*RATES\.factor ?\+ ?7/m);
});

test('explain app.ts --diff without --live says the TypeScript file changed and runs nothing', async (t) => {
  const { project, root, marker } = await ranOnce(t);
  const file = path.join(project, 'app.ts');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('return x * RATES.factor;', 'return x * RATES.factor + 7;'));
  const r = await cli(['explain', 'app.ts', '--diff', '--dir', root], { cwd: project });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /app\.ts edited/);
  t.regex(r.stdout, /--live --diff/);
  t.false(fs.existsSync(marker));
});

test('explain --live finds the cache() wrappers and @cached() methods of a TypeScript file', async (t) => {
  const project = tsProject();
  fs.writeFileSync(
    path.join(project, 'prog.ts'),
    `import { cache, cached } from 'smartcache';
export const quad = cache(function quad(x: number): number { return x * 4; });
export class Shape {
  constructor(readonly side: number) {}
  @cached()
  area(): number { return this.side * this.side; }
}
quad(2);
new Shape(3).area();
`,
  );
  const r = await cli(['explain', 'prog.ts', '--live', '--json', '--dir', path.join(project, 'cache')], { cwd: project });
  t.is(r.code, 0, r.stderr);
  const names = JSON.parse(r.stdout).functions.map((f) => f.name).sort();
  t.deepEqual(names, ['prog.ts#Shape#area', 'prog.ts#quad']);
});
