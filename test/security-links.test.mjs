// Nothing in the cache root is followed: links are skipped or refused, special files are never
// read (and never hang anyone), deletion never leaves the root, read-only commands never delete.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { node, project, tempDir } from './fixtures/cache/helpers.mjs';
import { cli } from './fixtures/cli/helpers.mjs';
import { entryFiles, mkfifo, storeBase } from './fixtures/security/helpers.mjs';

const program = (mod) => `
const { cache } = require(${mod});
let runs = 0;
const twice = cache(function twice(x) { runs++; return x * 2; }, { name: 'twice' });
const values = [twice(1), twice(2)];
if (process.argv[2] === 'clear') twice.clear();
console.log('OUT ' + JSON.stringify({ values, runs }));
`;

/** A project and a root holding two entries of `twice`, a record and a stats log. */
function filled(t) {
  const dir = project({ 'main.js': program });
  const root = tempDir('sc-links-');
  const r = node(['main.js'], { cwd: dir, env: { SMARTCACHE_DIR: root } });
  t.deepEqual(r.out, { values: [2, 4], runs: 2 }, r.stderr);
  return { dir, root, base: storeBase(root) };
}

/** Victim files outside the root: they must survive whatever the cache does. */
function victims(prefix, names) {
  const dir = tempDir(prefix);
  for (const name of names) fs.writeFileSync(path.join(dir, name), `precious ${name}\n`, { mode: 0o644 });
  return dir;
}

function intact(t, dir, names) {
  for (const name of names) {
    const file = path.join(dir, name);
    t.true(fs.existsSync(file), `${file} survives`);
    t.is(fs.readFileSync(file, 'utf8'), `precious ${name}\n`);
    t.is(fs.statSync(file).mode & 0o777, 0o644);
  }
}

/** Replaces the fan-out folder entries/ab of one entry with a link to a folder of victims named like entries. */
function linkFanOut(root) {
  const { key } = entryFiles(root)[0];
  const entries = path.join(storeBase(root), 'entries');
  const names = [key, `${key.slice(0, 2)}${'0'.repeat(62)}`];
  const outside = tempDir('sc-victims-');
  fs.mkdirSync(path.join(outside, key.slice(2, 4)));
  for (const name of names) fs.writeFileSync(path.join(outside, key.slice(2, 4), name), `precious ${name}\n`, { mode: 0o644 });
  fs.rmSync(path.join(entries, key.slice(0, 2)), { recursive: true });
  fs.symlinkSync(outside, path.join(entries, key.slice(0, 2)));
  return { folder: path.join(outside, key.slice(2, 4)), names };
}

test('smartcache clear does not delete through a linked fan-out folder', async (t) => {
  const { root } = filled(t);
  const { folder, names } = linkFanOut(root);
  const r = await cli(['clear', '--dir', root]);
  t.is(r.code, 0, r.stderr);
  intact(t, folder, names);
});

test('fn.clear() does not delete through a linked fan-out folder', (t) => {
  const { dir, root } = filled(t);
  const { folder, names } = linkFanOut(root);
  const r = node(['main.js', 'clear'], { cwd: dir, env: { SMARTCACHE_DIR: root } });
  t.is(r.status, 0, r.stderr);
  intact(t, folder, names);
});

test('ls, stats, prune and clear do not delete through a linked functions/<name>/ folder', async (t) => {
  const { root, base } = filled(t);
  const functions = path.join(base, 'functions');
  const [only] = fs.readdirSync(functions);
  const names = ['notes.rec', 'thesis.rec'];
  const outside = victims('sc-victims-', names);
  fs.symlinkSync(outside, path.join(functions, 'linked-name'));
  for (const args of [['ls'], ['stats'], ['prune'], ['clear', 'twice'], ['clear']]) {
    const r = await cli([...args, '--dir', root]);
    t.is(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    intact(t, outside, names);
  }
  t.truthy(only, 'the real function folder was there beside the link');
});

test('the stats log is never appended to or chmod-ed through a link', (t) => {
  const { dir, root, base } = filled(t);
  const names = ['passwd'];
  const outside = victims('sc-victims-', names);
  const log = path.join(base, 'stats', 'stats.log');
  fs.rmSync(log);
  fs.symlinkSync(path.join(outside, 'passwd'), log);
  const r = node(['main.js'], { cwd: dir, env: { SMARTCACHE_DIR: root } });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.out, { values: [2, 4], runs: 0 });
  intact(t, outside, names);
});

test('a looping link anywhere in the root does not stop ls, stats, prune or clear', async (t) => {
  const { root, base } = filled(t);
  fs.symlinkSync('ff', path.join(base, 'entries', 'ff'));
  fs.symlinkSync('loop', path.join(base, 'functions', 'loop'));
  const [a] = fs.readdirSync(path.join(base, 'entries')).filter((n) => n !== 'ff');
  const [b] = fs.readdirSync(path.join(base, 'entries', a));
  fs.symlinkSync('x', path.join(base, 'entries', a, b, 'x'));
  fs.symlinkSync(`${a}${'f'.repeat(62)}`, path.join(base, 'entries', a, b, `${a}${'f'.repeat(62)}`));
  for (const args of [['ls'], ['stats'], ['prune'], ['clear', 'twice'], ['clear']]) {
    const r = await cli([...args, '--dir', root]);
    t.is(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  }
});

test('a FIFO or a link to /dev/zero in place of an entry is a miss, never a hang', (t) => {
  const { dir, root } = filled(t);
  const [first, second] = entryFiles(root);
  fs.rmSync(first.file);
  mkfifo(first.file);
  fs.rmSync(second.file);
  fs.symlinkSync('/dev/zero', second.file);
  const r = node(['main.js'], { cwd: dir, env: { SMARTCACHE_DIR: root } });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.out, { values: [2, 4], runs: 2 });
  // Replaced by real entries: the next run hits.
  t.deepEqual(node(['main.js'], { cwd: dir, env: { SMARTCACHE_DIR: root } }).out, { values: [2, 4], runs: 0 });
});

test('FIFOs in place of an entry, a record and the stats log hang neither the program nor the CLI', async (t) => {
  const { dir, root, base } = filled(t);
  mkfifo(path.join(path.dirname(entryFiles(root)[0].file), `${entryFiles(root)[0].key.slice(0, 4)}${'e'.repeat(60)}`));
  const [fnDir] = fs.readdirSync(path.join(base, 'functions'));
  mkfifo(path.join(base, 'functions', fnDir, 'fifo.rec'));
  fs.rmSync(path.join(base, 'stats', 'stats.log'));
  mkfifo(path.join(base, 'stats', 'stats.log'));
  for (const args of [['ls'], ['stats'], ['prune'], ['clear', 'twice']]) {
    const r = await cli([...args, '--dir', root]);
    t.is(r.signal, null, `${args.join(' ')} was not killed by the timeout`);
    t.is(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  }
  const r = node(['main.js'], { cwd: dir, env: { SMARTCACHE_DIR: root } });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.out.values, [2, 4]);
});

test('ls and stats delete nothing, not even a record they cannot read', async (t) => {
  const { root, base } = filled(t);
  const [fnDir] = fs.readdirSync(path.join(base, 'functions'));
  const junk = path.join(base, 'functions', fnDir, 'junk.rec');
  fs.writeFileSync(junk, 'not a record');
  for (const args of [['ls'], ['stats']]) {
    const r = await cli([...args, '--dir', root]);
    t.is(r.code, 0, r.stderr);
    t.true(fs.existsSync(junk), `${args[0]} left the unreadable record alone`);
  }
});

test('clear <name> removes only that function\'s entries, and counts only those', async (t) => {
  const { root } = filled(t);
  const leaf = path.dirname(entryFiles(root)[0].file);
  // Named like an entry of this folder (a valid key), but not one: someone else's damaged file.
  const damaged = path.join(leaf, `${entryFiles(root)[0].key.slice(0, 4)}${'d'.repeat(60)}`);
  fs.writeFileSync(damaged, 'someone else\'s damaged entry');
  const r = await cli(['clear', 'twice', '--dir', root]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /cleared twice: 2 entries/);
  t.true(fs.existsSync(damaged));
  t.deepEqual(entryFiles(root).map((e) => e.file), [damaged]);
});
