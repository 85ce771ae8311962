// `clear <file>` (every cached function of a file, relative to the working directory) and
// `clear <glob>` over names; functions whose file no longer exists are marked by `ls` and
// removed by `prune`. The store is filled by running a real program with the preload.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli, copyFixture, REGISTER, runNode, tempDir } from './fixtures/cli/helpers.mjs';

const ALL = ['src/other.js#otherThing', 'src/report.js#reportCount', 'src/report.js#reportTotals'];

async function ran(t) {
  const project = copyFixture('files');
  const root = path.join(project, 'cache');
  const r = await runNode(['--require', REGISTER, 'main.js'], { cwd: project, env: { SMARTCACHE_DIR: root } });
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout.trim(), '30 5 4');
  return { project, root };
}

async function cachedNames(t, root, cwd) {
  const r = await cli(['ls', '--json', '--dir', root], { cwd });
  t.is(r.code, 0, r.stderr);
  return JSON.parse(r.stdout).functions.map((f) => f.name).sort();
}

test('clear <file> removes every cached function of that file, relative to the working directory', async (t) => {
  const { project, root } = await ran(t);
  t.deepEqual(await cachedNames(t, root, project), ALL);
  const r = await cli(['clear', 'src/report.js', '--dir', root], { cwd: project });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^cleared 2 functions of src\/report\.js \(src\/report\.js#reportCount, src\/report\.js#reportTotals\): 2 entries/);
  t.deepEqual(await cachedNames(t, root, project), ['src/other.js#otherThing']);
});

test('clear <file> from a subfolder resolves the file from there', async (t) => {
  const { project, root } = await ran(t);
  const r = await cli(['clear', 'other.js', '--dir', root], { cwd: path.join(project, 'src') });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /cleared 1 function of other\.js \(src\/other\.js#otherThing\)/);
  t.deepEqual(await cachedNames(t, root, project), ALL.filter((n) => !n.includes('other')));
});

test("clear '<glob>' matches names, or the part after '#'", async (t) => {
  const { project, root } = await ran(t);
  const r = await cli(['clear', 'report*', '--dir', root], { cwd: project });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^cleared 2 functions matching report\*/);
  t.deepEqual(await cachedNames(t, root, project), ['src/other.js#otherThing']);
  const full = await cli(['clear', 'src/other.js#*', '--dir', root], { cwd: project });
  t.is(full.code, 0, full.stderr);
  t.deepEqual(await cachedNames(t, root, project), []);
});

test('clear <exact name> still removes just that function', async (t) => {
  const { project, root } = await ran(t);
  const r = await cli(['clear', 'src/report.js#reportCount', '--dir', root], { cwd: project });
  t.is(r.code, 0, r.stderr);
  t.deepEqual(await cachedNames(t, root, project), ALL.filter((n) => n !== 'src/report.js#reportCount'));
});

test('a deleted source file: ls marks its functions, prune removes them and nothing else', async (t) => {
  const { project, root } = await ran(t);
  fs.rmSync(path.join(project, 'src', 'other.js'));
  const ls = await cli(['ls', '--json', '--dir', root], { cwd: project });
  const byName = Object.fromEntries(JSON.parse(ls.stdout).functions.map((f) => [f.name, f.fileMissing]));
  t.deepEqual(byName, { 'src/other.js#otherThing': true, 'src/report.js#reportCount': false, 'src/report.js#reportTotals': false });
  const table = await cli(['ls', '--dir', root], { cwd: project });
  t.regex(table.stdout, /^src\/other\.js#otherThing\s+src\/other\.js \(file missing\)/m);
  t.regex(table.stdout, /1 function whose file no longer exists: smartcache prune removes it/);

  const prune = await cli(['prune', '--dir', root], { cwd: project });
  t.is(prune.code, 0, prune.stderr);
  t.regex(prune.stdout, /1 entry \(.*\) of functions whose file no longer exists: src\/other\.js#otherThing/);
  t.deepEqual(await cachedNames(t, root, project), ALL.filter((n) => !n.includes('other')));
  const records = await cli(['explain', 'src/report.js', '--dir', root], { cwd: project });
  t.is(records.code, 0, records.stderr);
  t.regex(records.stdout, /reportTotals/);
});

test('prune run from an unrelated folder does not take the files for deleted', async (t) => {
  const { project, root } = await ran(t);
  const elsewhere = tempDir();
  fs.writeFileSync(path.join(elsewhere, 'package.json'), '{"name":"elsewhere"}');
  const prune = await cli(['prune', '--dir', root], { cwd: elsewhere });
  t.is(prune.code, 0, prune.stderr);
  t.notRegex(prune.stdout, /no longer exists/);
  t.deepEqual(await cachedNames(t, root, project), ALL);
});
