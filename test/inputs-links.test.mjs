// Where a symbolic link points is an input: readlink and realpath (sync, callback, promise,
// .native) record every link on the way, so pointing a link elsewhere misses (red team 3: it hit
// with the old target).
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
    // Node's JavaScript fs.realpath (callback form) lstats every folder on the way through
    // node:fs itself, so folder mtimes are inputs too and the next run may miss: only the
    // retargeted link is checked for it.
    if (name !== 'realpathCallback') t.like(run(dir, env), { runs: 0 });
    fs.unlinkSync(path.join(dir, 'current'));
    fs.symlinkSync('release-2', path.join(dir, 'current'));
    const moved = run(dir, env);
    t.is(moved.runs, 1, moved.lines.join('\n'));
    t.is(moved.value, 'release-2');
  });
}
