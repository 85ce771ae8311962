// `smartcache explain <file>` shows what earlier runs stored and runs nothing of the program:
// the fixture's top-level code writes marker.txt (as a paid API call would cost money), and the
// marker must not appear. `--live` loads the file, and does.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli, copyFixture, isOneLine, REGISTER, runNode, tempDir } from './fixtures/cli/helpers.mjs';

async function ranOnce(t) {
  const project = copyFixture('marker');
  const root = path.join(project, 'cache');
  const r = await runNode(['--require', REGISTER, 'app.js'], { cwd: project, env: { SMARTCACHE_DIR: root } });
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout.trim(), '{"total":13}');
  const marker = path.join(project, 'marker.txt');
  t.true(fs.existsSync(marker), 'the program itself writes the marker');
  fs.rmSync(marker);
  return { project, root, marker };
}

test('explain reads the stored tree and runs nothing', async (t) => {
  const { project, root, marker } = await ranOnce(t);
  const r = await cli(['explain', 'app.js', '--dir', root], { cwd: project });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^app\.js#invoice\s+app\.js\s+fingerprint [0-9a-f]{64}\s+stored \d{4}-\d\d-\d\dT/m);
  t.regex(r.stdout, /function\s+price\s+app\.js:8:\d+\s+[0-9a-f]{12}/);
  t.regex(r.stdout, /value\s+RATE\s+= 3/);
  t.false(fs.existsSync(marker), 'explain ran the file: marker.txt was written');
});

test('the stored fingerprint is the one --live computes; --live runs the file', async (t) => {
  const { project, root, marker } = await ranOnce(t);
  const stored = await cli(['explain', 'app.js', '--json', '--dir', root], { cwd: project });
  t.is(stored.code, 0, stored.stderr);
  t.false(fs.existsSync(marker));
  const live = await cli(['explain', 'app.js', '--live', '--json', '--dir', root], { cwd: project });
  t.is(live.code, 0, live.stderr);
  t.true(fs.existsSync(marker), '--live loads the file: its top-level code runs');
  const a = JSON.parse(stored.stdout);
  const b = JSON.parse(live.stdout);
  t.is(a.source, 'stored');
  t.is(b.source, 'live');
  t.deepEqual(a.functions.map((f) => [f.name, f.fingerprint]), b.functions.map((f) => [f.name, f.fingerprint]));
  t.regex(a.functions[0].explanation.root.code, /function invoice\(units\)/, 'the stored tree keeps the code');
});

test('#name picks one stored function; an unknown name lists the stored ones', async (t) => {
  const { project, root } = await ranOnce(t);
  const one = await cli(['explain', 'app.js#invoice', '--dir', root], { cwd: project });
  t.is(one.code, 0, one.stderr);
  t.regex(one.stdout, /app\.js#invoice/);
  const bad = await cli(['explain', 'app.js#nothere', '--dir', root], { cwd: project });
  t.is(bad.code, 2);
  t.true(isOneLine(bad.stderr));
  t.regex(bad.stderr, /no cached function "nothere" stored for app\.js \(stored: app\.js#invoice\)/);
});

test('a file nothing was stored for: one line, exit 0, nothing run', async (t) => {
  const { project, root, marker } = await ranOnce(t);
  fs.writeFileSync(path.join(project, 'other.js'), "require('node:fs').writeFileSync(__dirname + '/marker.txt', 'x');\n");
  const r = await cli(['explain', 'other.js', '--dir', root], { cwd: project });
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, '');
  t.true(isOneLine(r.stderr));
  t.regex(r.stderr, /nothing stored for other\.js .*--live/);
  t.false(fs.existsSync(marker));
});

test('a cache root that does not exist: exit 0, not created, nothing run', async (t) => {
  const project = copyFixture('marker');
  const root = path.join(tempDir(), 'no-cache-yet');
  for (const flags of [[], ['--diff'], ['--json']]) {
    const r = await cli(['explain', 'app.js', ...flags, '--dir', root], { cwd: project });
    t.is(r.code, 0, r.stderr);
    if (flags[0] === '--json') t.deepEqual(JSON.parse(r.stdout).functions, []);
    else t.is(r.stdout, '');
  }
  t.false(fs.existsSync(root), 'explain created the cache root');
  t.false(fs.existsSync(path.join(project, 'marker.txt')));
});

test('an edit reverted: the run that hits the older fingerprint makes it current again', async (t) => {
  const { project, root } = await ranOnce(t);
  const fingerprint = async () => JSON.parse((await cli(['explain', 'app.js', '--json', '--dir', root], { cwd: project })).stdout).functions[0].fingerprint;
  const first = await fingerprint();
  const file = path.join(project, 'app.js');
  const original = fs.readFileSync(file, 'utf8');
  const runApp = async (expected) => {
    const r = await runNode(['--require', REGISTER, 'app.js'], { cwd: project, env: { SMARTCACHE_DIR: root } });
    t.is(r.code, 0, r.stderr);
    t.is(r.stdout.trim(), expected);
  };
  // An edit of code (the helper): a new version, which prune drops once the edit is reverted. (An
  // edit of a value only, `RATE`, is not a version: see cli-prune-closures.test.mjs.)
  fs.writeFileSync(file, original.replace('return units * RATE;', 'return units * RATE + 4;'));
  await runApp('{"total":17}');
  const second = await fingerprint();
  t.not(second, first);
  fs.writeFileSync(file, original);
  await runApp('{"total":13}');
  t.is(await fingerprint(), first, 'explain shows the code as it runs now');
  // prune keeps the entries the reverted code uses, and drops the edited version's.
  const prune = await cli(['prune', '--json', '--dir', root], { cwd: project });
  t.is(prune.code, 0, prune.stderr);
  t.is(JSON.parse(prune.stdout).reasons.stale.entries, 1);
  const ls = JSON.parse((await cli(['ls', '--json', '--dir', root], { cwd: project })).stdout);
  t.deepEqual(ls.functions.map((f) => [f.name, f.fingerprint, f.entries]), [['app.js#invoice', first, 1]]);
});
