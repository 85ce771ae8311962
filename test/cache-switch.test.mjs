// SMARTCACHE=off|0|false|no (any case): one rule for the preload and the cache layer.
import test from 'ava';
import * as path from 'node:path';
import { listFiles, node, project, repo, tempDir } from './fixtures/cache/helpers.mjs';

const register = path.join(repo, 'dist', 'preload', 'register.js');
const files = {
  'api.js': (mod) => `const { cache } = require(${mod});
let runs = 0;
const twice = cache(function twice(n) { runs++; return n * 2; });
twice(1); twice(1);
console.log('OUT ' + JSON.stringify({ runs }));
`,
  'annotated.js': `let runs = 0;
/** @cache */
function twice(n) { runs++; return n * 2; }
twice(1); twice(1);
console.log('OUT ' + JSON.stringify({ runs, rewritten: twice.fingerprint !== undefined }));
`,
};

for (const value of ['off', 'OFF', '0', 'false', 'no', 'No ', 'FALSE']) {
  test(`SMARTCACHE=${JSON.stringify(value)} turns off both the cache layer and the preload`, (t) => {
    const dir = project(files);
    const root = tempDir();
    const env = { SMARTCACHE: value, SMARTCACHE_DIR: root };
    const api = node(['api.js'], { cwd: dir, env });
    t.is(api.status, 0, api.stderr);
    t.deepEqual(api.out, { runs: 2 });
    const pre = node(['--require', register, 'annotated.js'], { cwd: dir, env });
    t.is(pre.status, 0, pre.stderr);
    t.deepEqual(pre.out, { runs: 2, rewritten: false });
    t.deepEqual(listFiles(root), []);
  });
}

for (const value of ['on', '1', '']) {
  test(`SMARTCACHE=${JSON.stringify(value)} leaves caching on`, (t) => {
    const dir = project(files);
    const env = { SMARTCACHE: value, SMARTCACHE_DIR: tempDir() };
    t.deepEqual(node(['api.js'], { cwd: dir, env }).out, { runs: 1 });
    t.deepEqual(node(['--require', register, 'annotated.js'], { cwd: dir, env }).out, { runs: 1, rewritten: true });
  });
}
