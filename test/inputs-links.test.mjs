// Where a symbolic link points is an input: readlink and realpath (sync, callback, promise,
// .native) record every link on the way, so pointing a link elsewhere misses (red team 3: it hit
// with the old target). What else is in the folders on the way is not: a file added beside the
// path hits, in every form (issue 13: Node's JavaScript fs.realpath, the callback form, lstats
// each folder through node:fs, which recorded the folders' mtimes as inputs).
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { node, project, smartcacheLines, tempDir } from './fixtures/cache/helpers.mjs';

const app = (body) => (mod) => `const { cache } = require(${mod});
const fs = require('node:fs');
let runs = 0;
const f = cache(async function f() { runs++; return (${body})(); }, { name: 'f' });
f().then((value) => console.log('OUT ' + JSON.stringify({ value, runs })));
`;

function run(dir, env) {
  const r = node(['app.js'], { cwd: dir, env });
  if (r.status !== 0) throw new Error(r.stderr);
  return { ...r.out, lines: smartcacheLines(r.stderr) };
}

const bodies = {
  readlinkSync: "() => fs.readlinkSync('current')",
  readlinkCallback: "() => new Promise((res, rej) => fs.readlink('current', (e, v) => (e ? rej(e) : res(v))))",
  readlinkPromise: "() => fs.promises.readlink('current')",
  realpathSync: "() => require('node:path').basename(require('node:path').dirname(fs.realpathSync('current/v.txt')))",
  realpathNative: "() => require('node:path').basename(fs.realpathSync.native('current'))",
  realpathCallback: "() => new Promise((res, rej) => fs.realpath('current', (e, v) => (e ? rej(e) : res(require('node:path').basename(v)))))",
  realpathCallbackNative: "() => new Promise((res, rej) => fs.realpath.native('current', (e, v) => (e ? rej(e) : res(require('node:path').basename(v)))))",
  realpathPromise: "async () => require('node:path').basename(await fs.promises.realpath('hop'))",
};

for (const [name, body] of Object.entries(bodies)) {
  test(`${name}: a link pointed elsewhere misses, an unchanged one hits`, (t) => {
    const dir = project({ 'release-1/v.txt': '1', 'release-2/v.txt': '2', 'app.js': app(body) });
    fs.symlinkSync('release-1', path.join(dir, 'current'));
    // A chain: hop -> current -> release-N; retargeting the inner link must be seen too.
    fs.symlinkSync('current', path.join(dir, 'hop'));
    const env = { SMARTCACHE_DIR: tempDir(), SMARTCACHE_LOG: '1' };
    const first = run(dir, env);
    t.is(first.runs, 1);
    t.is(first.value, 'release-1');
    t.like(run(dir, env), { runs: 0 });
    fs.unlinkSync(path.join(dir, 'current'));
    fs.symlinkSync('release-2', path.join(dir, 'current'));
    const moved = run(dir, env);
    t.is(moved.runs, 1, moved.lines.join('\n'));
    t.is(moved.value, 'release-2');
  });
}

for (const [name, body] of Object.entries(bodies)) {
  test(`${name}: a file added to the folders on the way hits; a link on the way pointed elsewhere misses`, (t) => {
    const dir = project({ 'release-1/v.txt': '1', 'release-2/v.txt': '2', 'app.js': app(body) });
    fs.symlinkSync('release-1', path.join(dir, 'current'));
    fs.symlinkSync('current', path.join(dir, 'hop'));
    const env = { SMARTCACHE_DIR: tempDir(), SMARTCACHE_LOG: '1' };
    t.like(run(dir, env), { runs: 1, value: 'release-1' });
    // New entries in the project folder and in the link's target folder: their mtimes move.
    fs.writeFileSync(path.join(dir, 'unrelated.txt'), 'x');
    fs.writeFileSync(path.join(dir, 'release-1', 'other.txt'), 'x');
    fs.mkdirSync(path.join(dir, 'more'));
    const again = run(dir, env);
    t.like(again, { runs: 0, value: 'release-1' }, again.lines.join('\n'));
    // The link on the way re-pointed: a miss with the new answer.
    fs.unlinkSync(path.join(dir, 'current'));
    fs.symlinkSync('release-2', path.join(dir, 'current'));
    const moved = run(dir, env);
    t.like(moved, { runs: 1, value: 'release-2' }, moved.lines.join('\n'));
  });
}

const existence = {
  realpathSync: "() => { try { return require('node:path').basename(fs.realpathSync('later')); } catch { return 'absent'; } }",
  realpathCallback: "() => new Promise((res) => fs.realpath('later', (e, v) => res(e ? 'absent' : require('node:path').basename(v))))",
  realpathPromise: "() => fs.promises.realpath('later').then((v) => require('node:path').basename(v), () => 'absent')",
};

for (const [name, body] of Object.entries(existence)) {
  test(`${name}: a path that did not exist and then does misses`, (t) => {
    const dir = project({ 'app.js': app(body) });
    const env = { SMARTCACHE_DIR: tempDir(), SMARTCACHE_LOG: '1' };
    t.like(run(dir, env), { runs: 1, value: 'absent' });
    t.like(run(dir, env), { runs: 0, value: 'absent' });
    fs.mkdirSync(path.join(dir, 'later'));
    const made = run(dir, env);
    t.like(made, { runs: 1, value: 'later' }, made.lines.join('\n'));
  });
}
