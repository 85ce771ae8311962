import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { Store, STORE_FORMAT_VERSION } from '../dist/store/index.js';
import { BLOB_MIN_BYTES } from '../dist/store/codec/encode-plan.js';
import { isSmartCacheError } from '../dist/errors.js';
import { META, FIXTURES, tempRoot, keyOf, fileOf, walk } from './fixtures/store/helpers.mjs';

const STATS = { calls: 1, hits: 1, misses: 0, savedMs: 5, overheadMs: 0.1, computeMs: 0 };

test('layout: <root>/smartcache-v2/entries/ab/cd/<64-hex key>', (t) => {
  const root = tempRoot(t);
  const store = Store.open(root);
  const key = keyOf('layout');
  store.put(key, META, 1);
  t.is(STORE_FORMAT_VERSION, 2);
  t.true(fs.statSync(path.join(root, 'smartcache-v2', 'entries', key.slice(0, 2), key.slice(2, 4), key)).isFile());
  t.is(store.root, path.resolve(root));
});

test('opening, reading and scanning create nothing until the first write', (t) => {
  const root = path.join(tempRoot(t), 'not-yet');
  const store = Store.open(root);
  t.is(store.read(keyOf('a')), undefined);
  t.false(store.has(keyOf('a')));
  t.false(store.delete(keyOf('a')));
  store.markUsed([keyOf('a')]);
  t.deepEqual([...store.entries()], []);
  t.is(store.totalBytes(), 0);
  t.deepEqual(store.deleteWhere(() => true), { removed: 0, bytes: 0 });
  t.deepEqual(store.readFunctionRecords(), []);
  t.is(store.latestFunctionRecord('f'), undefined);
  t.is(store.readStats().size, 0);
  t.false(fs.existsSync(root));
  store.put(keyOf('a'), META, 1);
  t.true(fs.existsSync(root));
});

test('folders are 0700 and files 0600 whatever the umask (in a child process)', (t) => {
  for (const umask of ['000', '022', '077']) {
    const root = path.join(tempRoot(t), 'nested', 'root');
    execFileSync(process.execPath, [path.join(FIXTURES, 'permissions.mjs'), root, umask]);
    const paths = walk(path.dirname(path.dirname(root)));
    const dirs = paths.filter((p) => fs.statSync(p).isDirectory());
    const files = paths.filter((p) => fs.statSync(p).isFile());
    t.true(files.length >= 4, `umask ${umask}: ${files.length} files`);
    for (const dir of dirs) t.is(fs.statSync(dir).mode & 0o777, 0o700, `umask ${umask}: ${dir}`);
    for (const file of files) t.is(fs.statSync(file).mode & 0o777, 0o600, `umask ${umask}: ${file}`);
  }
});

test('an existing root folder keeps its own mode', (t) => {
  const root = tempRoot(t);
  fs.chmodSync(root, 0o755);
  Store.open(root).put(keyOf('x'), META, 1);
  t.is(fs.statSync(root).mode & 0o777, 0o755);
  t.is(fs.statSync(path.join(root, 'smartcache-v2')).mode & 0o777, 0o700);
});

test('user-supplied names never escape the root or become raw path components', (t) => {
  const parent = tempRoot(t);
  const root = path.join(parent, 'root');
  const store = Store.open(root);
  const names = ['../../x', '../x', '/etc/passwd', 'a/b/c', '..', '.', '', 'CON', 'x'.repeat(5000), 'é\u0000\n\\', 'name with spaces'];
  for (const name of names) {
    store.writeFunctionRecord({ name, fingerprint: `../${name}`, tree: { name }, written: 1 });
    store.appendStats(name, STATS);
    store.put(keyOf(name), { ...META, fn: name, fingerprint: name }, name);
  }
  const all = walk(parent);
  for (const p of all) {
    t.true(p === root || p === path.join(root, 'smartcache-v2') || p.startsWith(path.join(root, 'smartcache-v2') + path.sep), p);
    t.true(path.basename(p).length < 120, p);
  }
  for (const name of names) {
    t.is(store.latestFunctionRecord(name)?.name, name);
    t.is(store.readStats().get(name)?.calls, 1);
    t.is(store.read(keyOf(name)).meta.fn, name);
  }
});

test('keys must be 64 lowercase hex characters', (t) => {
  const store = Store.open(tempRoot(t));
  for (const bad of ['../' + 'a'.repeat(61), 'A'.repeat(64), 'a'.repeat(63), 'a'.repeat(65), '', 'g'.repeat(64), `${'a'.repeat(62)}/a`]) {
    for (const call of [() => store.read(bad), () => store.put(bad, META, 1), () => store.has(bad), () => store.delete(bad), () => store.markUsed([bad])]) {
      const error = t.throws(call);
      t.true(isSmartCacheError(error));
      t.true(error instanceof TypeError);
    }
  }
});

test('a write that cannot create its folder throws ERR_STORE_IO with the cause, and leaves nothing', (t) => {
  const parent = tempRoot(t);
  const root = path.join(parent, 'file-not-folder');
  fs.writeFileSync(root, 'x');
  const store = Store.open(root);
  const error = t.throws(() => store.put(keyOf('x'), META, 1));
  t.is(error.code, 'ERR_STORE_IO');
  t.truthy(error.cause?.code);
  t.throws(() => store.appendStats('f', STATS), { code: 'ERR_STORE_IO' });
  t.throws(() => store.writeFunctionRecord({ name: 'f', fingerprint: 'a', tree: null, written: 1 }), { code: 'ERR_STORE_IO' });
  t.deepEqual(fs.readdirSync(parent), ['file-not-folder']);
});

function failing(t, name, code, { when = () => true } = {}) {
  const original = fs[name];
  fs[name] = function (...args) {
    if (when(...args)) throw Object.assign(new Error(`${code}: simulated`), { code, syscall: name });
    return original.apply(this, args);
  };
  t.teardown(() => {
    fs[name] = original;
  });
  return () => {
    fs[name] = original;
  };
}

for (const [code, fn, size] of [
  ['ENOSPC', 'writevSync', 100],
  // Large entries too are one writev of the caller's chunks (store/entry/file.ts).
  ['ENOSPC', 'writevSync', BLOB_MIN_BYTES * 40],
  ['EDQUOT', 'writevSync', BLOB_MIN_BYTES * 40],
  ['EROFS', 'renameSync', 100],
  ['EACCES', 'openSync', 100],
  ['EIO', 'closeSync', 100],
]) {
  test(`${code} from ${fn} during a write (${size} bytes): ERR_STORE_IO, no temp file, no partial entry`, (t) => {
    const store = Store.open(tempRoot(t));
    const key = keyOf(code, fn);
    store.put(keyOf('warm'), META, 1); // folders exist, so only the write itself fails
    const restore = failing(t, fn, code, { when: (target, flags) => fn !== 'openSync' || (typeof flags === 'number' && (flags & fs.constants.O_EXCL) !== 0) });
    const error = t.throws(() => store.put(key, META, new Uint8Array(size)));
    restore();
    t.true(isSmartCacheError(error));
    t.is(error.code, 'ERR_STORE_IO');
    t.is(error.cause.code, code);
    const dir = path.dirname(fileOf(store.root, key));
    t.deepEqual(fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n !== keyOf('warm')) : [], []);
    t.is(store.read(key), undefined);
    // An earlier good entry is untouched and the next write works.
    t.is(store.read(keyOf('warm')).value, 1);
    store.put(key, META, 2);
    t.is(store.read(key).value, 2);
  });
}

test('a short writev is finished chunk by chunk, and ENOSPC there is ERR_STORE_IO with nothing left behind', (t) => {
  const store = Store.open(tempRoot(t));
  store.put(keyOf('warm'), META, 1);
  const value = new Uint8Array(BLOB_MIN_BYTES * 40).map((_, i) => i * 31);
  // The kernel may write less than asked (a signal, a quota): the rest goes through writeSync.
  const writev = fs.writevSync;
  fs.writevSync = (fd, chunks, position) => writev(fd, [chunks[0].subarray(0, 7)], position);
  t.teardown(() => {
    fs.writevSync = writev;
  });
  const short = keyOf('short', 'ok');
  store.put(short, META, value);
  t.deepEqual(store.read(short).value, value);
  const failed = keyOf('short', 'ENOSPC');
  const restore = failing(t, 'writeSync', 'ENOSPC');
  const error = t.throws(() => store.put(failed, META, value));
  restore();
  fs.writevSync = writev;
  t.is(error.code, 'ERR_STORE_IO');
  t.is(error.cause.code, 'ENOSPC');
  const dir = path.dirname(fileOf(store.root, failed));
  t.deepEqual(fs.readdirSync(dir).filter((n) => n !== keyOf('warm') && n !== short), []);
  t.is(store.read(failed), undefined);
});

test('a failed overwrite leaves the previous entry readable', (t) => {
  const store = Store.open(tempRoot(t));
  const key = keyOf('overwrite');
  store.put(key, META, 'old');
  failing(t, 'writevSync', 'ENOSPC');
  t.throws(() => store.put(key, META, 'new'), { code: 'ERR_STORE_IO' });
  t.is(store.read(key).value, 'old');
});

test('read errors other than a missing file throw ERR_STORE_IO', (t) => {
  const store = Store.open(tempRoot(t));
  store.put(keyOf('r'), META, 1);
  failing(t, 'readSync', 'EIO');
  const error = t.throws(() => store.read(keyOf('r')));
  t.is(error.code, 'ERR_STORE_IO');
  t.is(error.cause.code, 'EIO');
});

test('folders removed behind the store\'s back are created again', (t) => {
  const root = tempRoot(t);
  const store = Store.open(root);
  store.put(keyOf('a'), META, 1);
  fs.rmSync(path.join(root, 'smartcache-v2'), { recursive: true });
  store.put(keyOf('a'), META, 2);
  store.appendStats('f', STATS);
  t.is(store.read(keyOf('a')).value, 2);
});
