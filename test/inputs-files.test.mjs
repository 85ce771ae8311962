// Files read during a call are inputs: a later hit is served only while they still hold.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { node, project, repo, smartcacheLines, tempDir, writeFile } from './fixtures/cache/helpers.mjs';

/** A script with one cached function `body` (a function expression using `fs`, `path`); prints OUT {value, runs}. */
const app = (body, args = "'data.csv'", options = '') => (mod) => `const { cache } = require(${mod});
const fs = require('node:fs');
const path = require('node:path');
let runs = 0;
const f = cache(function f(...a) { runs++; return (${body})(...a); }, { name: 'f'${options} });
const value = f(${args});
console.log('OUT ' + JSON.stringify({ value, runs }));
`;

function run(dir, env, script = 'app.js') {
  const r = node([script], { cwd: dir, env });
  if (r.status !== 0) throw new Error(r.stderr);
  return { ...r.out, lines: smartcacheLines(r.stderr) };
}

const setup = (files) => {
  const dir = project(files);
  return { dir, env: { SMARTCACHE_DIR: tempDir(), SMARTCACHE_LOG: '1' } };
};

test('a changed file misses and the reason names it; a touch with the same content hits', (t) => {
  const { dir, env } = setup({ 'data.csv': 'a,b\n1,2\n', 'app.js': app((p) => fs.readFileSync(p, 'utf8').trim().split('\n').length) });
  t.like(run(dir, env), { value: 2, runs: 1 });
  t.like(run(dir, env), { value: 2, runs: 0 });
  writeFile(dir, 'data.csv', 'a,b\n1,2\n3,4\n');
  const changed = run(dir, env);
  t.like(changed, { value: 3, runs: 1 });
  t.regex(changed.lines[0], /^\[smartcache\] miss f .*\(file data\.csv changed(; first call: .*)?\)$/);
  const later = new Date(Date.now() + 60_000);
  fs.utimesSync(path.join(dir, 'data.csv'), later, later);
  t.like(run(dir, env), { value: 3, runs: 0 }, 'same bytes, new mtime: still a hit');
});

test('an edit whose mtime is restored still misses (content decides)', (t) => {
  const { dir, env } = setup({ 'data.csv': 'value=1\n', 'app.js': app((p) => fs.readFileSync(p, 'utf8')) });
  const file = path.join(dir, 'data.csv');
  const old = new Date('2020-01-01T00:00:00Z');
  fs.utimesSync(file, old, old);
  t.like(run(dir, env), { value: 'value=1\n', runs: 1 });
  const before = fs.statSync(file);
  fs.writeFileSync(file, 'value=2\n'); // same size
  fs.utimesSync(file, before.atime, before.mtime);
  t.is(fs.statSync(file).mtimeMs, before.mtimeMs);
  t.is(fs.statSync(file).size, before.size);
  const r = run(dir, env);
  t.like(r, { value: 'value=2\n', runs: 1 });
  t.regex(r.lines[0], /file data\.csv changed/);
});

test('a read that found no file is an input: creating the file misses', (t) => {
  const body = (p) => { try { return fs.readFileSync(p, 'utf8'); } catch { return 'default'; } };
  const { dir, env } = setup({ 'app.js': app(body, "'config.txt'") });
  t.like(run(dir, env), { value: 'default', runs: 1 });
  t.like(run(dir, env), { value: 'default', runs: 0 });
  writeFile(dir, 'config.txt', 'custom');
  const r = run(dir, env);
  t.like(r, { value: 'custom', runs: 1 });
  t.regex(r.lines[0], /config\.txt/);
});

test('a directory listing is an input: a file added misses', (t) => {
  const { dir, env } = setup({ 'in/a.txt': 'a', 'in/b.txt': 'b', 'app.js': app((d) => fs.readdirSync(d).join(','), "'in'") });
  t.like(run(dir, env), { value: 'a.txt,b.txt', runs: 1 });
  t.like(run(dir, env), { runs: 0 });
  writeFile(dir, 'in/c.txt', 'c');
  const r = run(dir, env);
  t.like(r, { value: 'a.txt,b.txt,c.txt', runs: 1 });
  t.regex(r.lines[0], /listing of in changed/);
  // Editing a file inside does not change the listing.
  writeFile(dir, 'in/a.txt', 'changed');
  t.like(run(dir, env), { runs: 0 });
});

test('an existence check is an input: its answer flipping misses', (t) => {
  const { dir, env } = setup({ 'app.js': app((p) => (fs.existsSync(p) ? 'on' : 'off'), "'flag'") });
  t.like(run(dir, env), { value: 'off', runs: 1 });
  t.like(run(dir, env), { runs: 0 });
  writeFile(dir, 'flag', '');
  const r = run(dir, env);
  t.like(r, { value: 'on', runs: 1 });
  t.regex(r.lines[0], /flag now exists/);
  t.like(run(dir, env), { runs: 0 });
  fs.rmSync(path.join(dir, 'flag'));
  t.like(run(dir, env), { value: 'off', runs: 1 });
});

test('a stat-only use: size and mode are inputs, content is not read', (t) => {
  const { dir, env } = setup({ 'big.bin': 'xxxx', 'app.js': app((p) => { const s = fs.statSync(p); return [s.size, s.mode & 0o777]; }, "'big.bin'") });
  const file = path.join(dir, 'big.bin');
  fs.chmodSync(file, 0o644);
  t.like(run(dir, env), { value: [4, 0o644], runs: 1 });
  t.like(run(dir, env), { runs: 0 });
  fs.chmodSync(file, 0o600);
  const r = run(dir, env);
  t.like(r, { value: [4, 0o600], runs: 1 });
  t.regex(r.lines[0], /stat of big\.bin changed/);
  fs.appendFileSync(file, 'yy');
  t.like(run(dir, env), { value: [6, 0o600], runs: 1 });
});

test('relative paths are resolved at the call: another working directory is another input', (t) => {
  const { dir, env } = setup({ 'one/data.txt': '1', 'two/data.txt': '2', 'app.js': app((p) => fs.readFileSync(p, 'utf8'), "'data.txt'") });
  const script = path.join(dir, 'app.js');
  const inOne = node([script], { cwd: path.join(dir, 'one'), env });
  t.is(inOne.out.value, '1', inOne.stderr);
  t.is(node([script], { cwd: path.join(dir, 'one'), env }).out.runs, 0);
  const inTwo = node([script], { cwd: path.join(dir, 'two'), env });
  t.deepEqual(inTwo.out, { value: '2', runs: 1 }, 'not the result read in one/');
  t.regex(smartcacheLines(inTwo.stderr)[0], /working directory changed/);
});

// A result made of the working directory itself (`process.cwd()`, `path.resolve('out')`) is as
// stale in another folder as a relative read: the working directory is then an input too.
test('process.cwd() and path.resolve() in a call make the working directory an input (sync and async)', (t) => {
  // Runs are told on stderr, not counted in a module variable: a counter the functions share is
  // a value their fingerprints read, and would make the second run miss for that reason instead.
  const { dir, env } = setup({
    'one/.keep': '',
    'two/.keep': '',
    'app.js': (mod) => `const { cache } = require(${mod});
const path = require('node:path');
const fs = require('node:fs');
const where = cache(function where() { console.error('RAN'); return path.resolve('out'); }, { name: 'where' });
const cwd = cache(async function cwd() { console.error('RAN'); await null; return process.cwd(); }, { name: 'cwd' });
const fixed = cache(function fixed() { console.error('RAN'); return fs.readFileSync(path.join(__dirname, 'package.json'), 'utf8').length; }, { name: 'fixed' });
const outer = cache(function outer() { console.error('RAN'); return fixed() + 1; }, { name: 'outer' });
(async () => console.log('OUT ' + JSON.stringify({ value: [where(), await cwd(), fixed(), outer()] })))();
`,
  });
  const script = path.join(dir, 'app.js');
  const one = path.join(dir, 'one');
  const two = path.join(dir, 'two');
  const size = fs.readFileSync(path.join(dir, 'package.json'), 'utf8').length;
  const go = (cwd) => {
    const r = node([script], { cwd, env });
    t.is(r.status, 0, r.stderr);
    return { value: r.out.value, runs: r.stderr.split('\n').filter((l) => l === 'RAN').length, lines: smartcacheLines(r.stderr) };
  };
  t.like(go(one), { value: [path.join(one, 'out'), one, size, size + 1], runs: 4 });
  t.like(go(one), { runs: 0 });
  const inTwo = go(two);
  t.like(inTwo, { value: [path.join(two, 'out'), two, size, size + 1], runs: 2 }, 'a fixed absolute read (also nested) still hits');
  t.regex(inTwo.lines[0], /working directory changed/);
});

test('a long-running process recomputes when a file changes between two calls (memory hit revalidated)', (t) => {
  const dir = project({
    'data.txt': 'v1',
    'app.js': (mod) => `const { cache } = require(${mod});
const fs = require('node:fs');
let runs = 0;
const read = cache(function read(p) { runs++; return fs.readFileSync(p, 'utf8'); }, { name: 'read' });
const out = [read('data.txt'), read('data.txt')];
fs.writeFileSync('data.txt', 'v2');
out.push(read('data.txt'), read('data.txt'));
console.log('OUT ' + JSON.stringify({ out, runs }));
`,
  });
  const r = node(['app.js'], { cwd: dir, env: { SMARTCACHE_DIR: tempDir() } });
  t.deepEqual(r.out, { out: ['v1', 'v1', 'v2', 'v2'], runs: 2 }, r.stderr);
});

test('track: false ignores file changes', (t) => {
  const { dir, env } = setup({ 'data.txt': 'v1', 'app.js': app((p) => fs.readFileSync(p, 'utf8'), "'data.txt'", ', track: false') });
  t.like(run(dir, env), { value: 'v1', runs: 1 });
  writeFile(dir, 'data.txt', 'v2');
  t.like(run(dir, env), { value: 'v1', runs: 0 }, 'the stale value, as asked');
});

test('@cache track=false in the preload turns tracking off for that function', (t) => {
  const dir = project({
    'data.txt': 'v1',
    'app.js': `const fs = require('node:fs');
let runs = 0;
/** @cache track=false */
function untracked(p) { runs++; return fs.readFileSync(p, 'utf8'); }
/** @cache */
function tracked(p) { runs++; return fs.readFileSync(p, 'utf8'); }
const out = [untracked('data.txt'), tracked('data.txt')];
console.log('OUT ' + JSON.stringify({ out, runs }));
`,
  });
  const env = { SMARTCACHE_DIR: tempDir() };
  const preload = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'dist', 'preload', 'register.js');
  const first = node(['--require', preload, 'app.js'], { cwd: dir, env });
  t.deepEqual(first.out, { out: ['v1', 'v1'], runs: 2 }, first.stderr);
  writeFile(dir, 'data.txt', 'v2');
  const second = node(['--require', preload, 'app.js'], { cwd: dir, env });
  t.deepEqual(second.out, { out: ['v1', 'v2'], runs: 1 }, second.stderr);
});

test('a file the call writes before reading it is its own output, not an input', (t) => {
  const body = (p) => { fs.writeFileSync(p, 'made'); const s = fs.readFileSync(p, 'utf8'); fs.rmSync(p); return s; };
  const { dir, env } = setup({ 'app.js': app(body, "'tmp.txt'") });
  t.like(run(dir, env), { value: 'made', runs: 1 });
  t.like(run(dir, env), { value: 'made', runs: 0 }, 'the removed temp file does not make every run miss');
});

test('a call that reads then rewrites its input records what it read: the next run recomputes', (t) => {
  const body = (p) => { const n = Number(fs.readFileSync(p, 'utf8')); fs.writeFileSync(p, String(n + 1)); return n; };
  const { dir, env } = setup({ 'count.txt': '1', 'app.js': app(body, "'count.txt'") });
  t.like(run(dir, env), { value: 1, runs: 1 });
  t.like(run(dir, env), { value: 2, runs: 1 }, 'not the result computed from 1');
  fs.writeFileSync(path.join(dir, 'count.txt'), '2');
  t.like(run(dir, env), { value: 2, runs: 0 }, 'back to the content the last entry read: a hit');
});

test('ES modules: named imports of node:fs and node:fs/promises are seen', (t) => {
  const dir = project({
    'data.txt': 'v1',
    'app.mjs': (mod) => `import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
const { cache } = createRequire(import.meta.url)(${mod});
const f = cache(function f(p) { return readFileSync(p, 'utf8'); }, { name: 'f' });
const g = cache(async function g(p) { return readFile(p, 'utf8'); }, { name: 'g' });
console.log('OUT ' + JSON.stringify([f('data.txt'), await g('data.txt')]));
`,
  });
  const env = { SMARTCACHE_DIR: tempDir() };
  t.deepEqual(node(['app.mjs'], { cwd: dir, env }).out, ['v1', 'v1']);
  writeFile(dir, 'data.txt', 'v2');
  t.deepEqual(node(['app.mjs'], { cwd: dir, env }).out, ['v2', 'v2']);
});

test('a reader taken from node:fs before smartcache loaded: never a stale hit, one warning; the module object still records', (t) => {
  // Without the preload, `const { readFileSync } = require('fs')` ahead of smartcache holds the
  // unpatched function: what it reads cannot be recorded, so such a function always misses.
  const early = (mod) => `const { readFileSync } = require('node:fs');
const { readFile } = require('node:fs/promises');
const fsModule = require('node:fs');
const { cache } = require(${mod});
let runs = 0;
const viaEarly = cache(function viaEarly(p) { runs++; return readFileSync(p, 'utf8'); }, { name: 'viaEarly' });
const viaPromise = cache(async function viaPromise(p) { runs++; return readFile(p, 'utf8'); }, { name: 'viaPromise' });
const viaModule = cache(function viaModule(p) { runs++; return fsModule.readFileSync(p, 'utf8'); }, { name: 'viaModule' });
(async () => {
  const value = [viaEarly('data.txt'), await viaPromise('data.txt'), viaModule('data.txt')];
  console.log('OUT ' + JSON.stringify({ value, runs }));
})();
`;
  const { dir, env } = setup({ 'data.txt': 'one', 'app.js': early });
  const first = node(['app.js'], { cwd: dir, env });
  t.is(first.status, 0, first.stderr);
  t.deepEqual(first.out, { value: ['one', 'one', 'one'], runs: 3 });
  const warnings = smartcacheLines(first.stderr).filter((l) => /taken before smartcache patched it/.test(l));
  t.is(warnings.length, 2, first.stderr);
  t.true(warnings.some((l) => l.includes('node:fs.readFileSync')));
  t.true(warnings.some((l) => /promises\.readFile|fs\/promises/.test(l)), warnings.join('\n'));
  // Unchanged: the module object's reads were recorded (a hit); the early readers run again.
  t.deepEqual(node(['app.js'], { cwd: dir, env }).out, { value: ['one', 'one', 'one'], runs: 2 });
  fs.writeFileSync(path.join(dir, 'data.txt'), 'two');
  t.deepEqual(node(['app.js'], { cwd: dir, env }).out, { value: ['two', 'two', 'two'], runs: 3 });
});

test('a file or folder the call copies is an input: a changed source misses, even when the call reads only the copy', (t) => {
  const copies = {
    copyFileSync: "(p) => { fs.copyFileSync(p, 'out/copy.txt'); return fs.readFileSync('out/copy.txt', 'utf8'); }",
    copyFile: "(p) => new Promise((ok, no) => fs.copyFile(p, 'out/copy.txt', (e) => (e ? no(e) : ok(fs.readFileSync('out/copy.txt', 'utf8')))))",
    promisesCopyFile: "async (p) => { await fs.promises.copyFile(p, 'out/copy.txt'); return fs.readFileSync('out/copy.txt', 'utf8'); }",
    cpSyncFile: "(p) => { fs.cpSync(p, 'out/copy.txt'); return fs.readFileSync('out/copy.txt', 'utf8'); }",
    cpSyncFolder: "(p) => { fs.cpSync(path.dirname(p), 'out/tree', { recursive: true }); return fs.readFileSync('out/tree/data.csv', 'utf8'); }",
    cpFolder: "(p) => new Promise((ok, no) => fs.cp(path.dirname(p), 'out/tree', { recursive: true }, (e) => (e ? no(e) : ok(fs.readFileSync('out/tree/data.csv', 'utf8')))))",
    promisesCp: "async (p) => { await fs.promises.cp(path.dirname(p), 'out/tree', { recursive: true }); return fs.readFileSync('out/tree/data.csv', 'utf8'); }",
  };
  for (const [name, body] of Object.entries(copies)) {
    const script = `${name}.js`;
    const awaited = (mod) => app(body, "'in/data.csv'")(mod).replace(/const value = (.*);\nconsole.log\((.*)\);/, 'Promise.resolve($1).then((value) => console.log($2));');
    const { dir, env } = setup({ 'in/data.csv': 'one', 'out/.keep': '', [script]: awaited });
    const first = run(dir, env, script);
    t.like(first, { value: 'one', runs: 1 }, name);
    t.like(run(dir, env, script), { value: 'one', runs: 0 }, `${name}: unchanged source hits`);
    writeFile(dir, 'in/data.csv', 'two');
    t.like(run(dir, env, script), { value: 'two', runs: 1 }, `${name}: a changed source misses`);
  }
});

test('a descriptor or FileHandle opened before the call: what the call reads through it is an input', (t) => {
  const reads = {
    readSync: "() => { const b = Buffer.alloc(64); return b.toString('utf8', 0, fs.readSync(fd, b, 0, 64, 0)); }",
    readvSync: "() => { const b = Buffer.alloc(64); return b.toString('utf8', 0, fs.readvSync(fd, [b], 0)); }",
    read: "() => new Promise((ok) => { const b = Buffer.alloc(64); fs.read(fd, b, 0, 64, 0, (e, n) => ok(b.toString('utf8', 0, n))); })",
    fstatSync: '() => fs.fstatSync(fd).size',
    handleRead: "async () => { const b = Buffer.alloc(64); const { bytesRead } = await handle.read(b, 0, 64, 0); return b.toString('utf8', 0, bytesRead); }",
    handleReadFile: "() => handle.readFile('utf8')",
    handleStat: 'async () => (await handle.stat()).size',
  };
  for (const [name, body] of Object.entries(reads)) {
    const script = `${name}.js`;
    const program = (mod) => `const { cache } = require(${mod});
const fs = require('node:fs');
let runs = 0;
const fd = fs.openSync('data.txt', 'r');
let handle;
const f = cache(function f() { runs++; return (${body})(); }, { name: 'f' });
fs.promises.open('data.txt').then(async (opened) => {
  handle = opened;
  const value = await f();
  await handle.close();
  console.log('OUT ' + JSON.stringify({ value, runs }));
});
`;
    const { dir, env } = setup({ 'data.txt': 'one', [script]: program });
    const first = run(dir, env, script);
    t.is(first.runs, 1, name);
    t.like(run(dir, env, script), { value: first.value, runs: 0 }, `${name}: unchanged file hits`);
    writeFile(dir, 'data.txt', 'three');
    const changed = run(dir, env, script);
    t.like(changed, { runs: 1 }, `${name}: a changed file misses`);
    t.not(changed.value, first.value, name);
  }
});

test('a listing with file types is an input by names and types: an entry that became a folder misses', (t) => {
  const listings = {
    readdirSync: "(d) => fs.readdirSync(d, { withFileTypes: true }).map((e) => e.name + (e.isDirectory() ? '/' : '')).sort()",
    recursive: "(d) => fs.readdirSync(d, { withFileTypes: true, recursive: true }).map((e) => e.name + (e.isDirectory() ? '/' : '')).sort()",
    promises: "async (d) => (await fs.promises.readdir(d, { withFileTypes: true })).map((e) => e.name + (e.isDirectory() ? '/' : '')).sort()",
    opendir: "async (d) => { const out = []; for await (const e of await fs.promises.opendir(d)) out.push(e.name + (e.isDirectory() ? '/' : '')); return out.sort(); }",
  };
  for (const [name, body] of Object.entries(listings)) {
    const script = `${name}.js`;
    const awaited = (mod) => app(body, "'box'")(mod).replace(/const value = (.*);\nconsole.log\((.*)\);/, 'Promise.resolve($1).then((value) => console.log($2));');
    const { dir, env } = setup({ 'box/a': 'file', 'box/sub/b': 'file', [script]: awaited });
    const first = run(dir, env, script);
    t.is(first.runs, 1, name);
    t.like(run(dir, env, script), { value: first.value, runs: 0 }, `${name}: unchanged folder hits`);
    fs.rmSync(path.join(dir, 'box', 'a'));
    fs.mkdirSync(path.join(dir, 'box', 'a'));
    const changed = run(dir, env, script);
    t.like(changed, { runs: 1 }, `${name}: a file that became a folder misses`);
    t.true(changed.value.includes('a/'), `${name}: ${JSON.stringify(changed.value)}`);
  }
});

test('a file opened as a Blob (fs.openAsBlob) is an input', (t) => {
  const body = "async (p) => (await fs.openAsBlob(p)).text()";
  const awaited = (mod) => app(body, "'data.txt'")(mod).replace(/const value = (.*);\nconsole.log\((.*)\);/, 'Promise.resolve($1).then((value) => console.log($2));');
  const { dir, env } = setup({ 'data.txt': 'one', 'app.js': awaited });
  t.like(run(dir, env), { value: 'one', runs: 1 });
  t.like(run(dir, env), { value: 'one', runs: 0 });
  writeFile(dir, 'data.txt', 'two');
  t.like(run(dir, env), { value: 'two', runs: 1 });
});

test('a file the call moves or hard-links is an input: a changed source misses, even when the call reads only the new name', (t) => {
  const moves = {
    renameSync: "(p) => { fs.renameSync(p, 'out/moved.txt'); return fs.readFileSync('out/moved.txt', 'utf8'); }",
    rename: "(p) => new Promise((ok, no) => fs.rename(p, 'out/moved.txt', (e) => (e ? no(e) : ok(fs.readFileSync('out/moved.txt', 'utf8')))))",
    promisesRename: "async (p) => { await fs.promises.rename(p, 'out/moved.txt'); return fs.readFileSync('out/moved.txt', 'utf8'); }",
    linkSync: "(p) => { fs.rmSync('out/linked.txt', { force: true }); fs.linkSync(p, 'out/linked.txt'); return fs.readFileSync('out/linked.txt', 'utf8'); }",
  };
  for (const [name, body] of Object.entries(moves)) {
    const script = `${name}.js`;
    const awaited = (mod) => app(body, "'in/data.csv'")(mod).replace(/const value = (.*);\nconsole.log\((.*)\);/, 'Promise.resolve($1).then((value) => console.log($2));');
    const { dir, env } = setup({ 'in/data.csv': 'one', 'out/.keep': '', [script]: awaited });
    t.like(run(dir, env, script), { value: 'one', runs: 1 }, name);
    // A new file under the old name (the moved one is gone, the linked one replaced): the call would read it.
    fs.rmSync(path.join(dir, 'in/data.csv'), { force: true });
    writeFile(dir, 'in/data.csv', 'two');
    t.like(run(dir, env, script), { value: 'two', runs: 1 }, `${name}: a new source misses`);
  }
});

test('under the preload (no FileHandle opened at start-up): a FileHandle the program opens before the call is still an input', (t) => {
  // The preload installs the hooks before any program code, so it opens no file of its own to
  // find FileHandle's prototype: the program's first handle is patched (src/tracking/fs-patch.ts).
  const program = `const fs = require('node:fs');
let runs = 0;
let handle;
/** @cache */
async function f() { runs++; return handle.readFile('utf8'); }
fs.promises.open('data.txt').then(async (opened) => {
  handle = opened;
  const value = await f();
  await handle.close();
  console.log('OUT ' + JSON.stringify({ value, runs }));
});
`;
  const dir = project({ 'data.txt': 'one', 'app.js': program });
  const env = { SMARTCACHE_DIR: tempDir() };
  const go = () => {
    const r = node(['--require', path.join(repo, 'dist', 'preload', 'register.js'), 'app.js'], { cwd: dir, env });
    t.is(r.status, 0, r.stderr);
    return r.out;
  };
  t.like(go(), { value: 'one', runs: 1 });
  t.like(go(), { value: 'one', runs: 0 });
  writeFile(dir, 'data.txt', 'three');
  t.like(go(), { value: 'three', runs: 1 });
});
