// Functions made in a vm context resolve their free names in their own realm: the context's
// globals are dependencies (by value), never "not defined anywhere" constants.
import test from 'ava';
import { node, project, tempDir } from './fixtures/cache/helpers.mjs';

const program = (mod) => `
const vm = require('node:vm');
const { cache } = require(${mod});
const sandbox = JSON.parse(process.argv[2]);
const fake = sandbox.fakeMath;
delete sandbox.fakeMath;
if (fake !== undefined) sandbox.Math = { max: new Function('a', 'b', 'return ' + fake) };
let runs = 0;
const scale = vm.runInNewContext('(function scale(x) { return x * K + Math.max(1, 2); })', sandbox);
const f = cache(function (x) { runs++; return scale(x); }, { name: 'scale' });
const g = cache(scale, { name: 'scale-direct' });
const tree = JSON.stringify(g.explain());
console.log('OUT ' + JSON.stringify({ value: f(2), direct: g(2), runs, notDefined: tree.includes('not defined anywhere'), kShown: /"name":"K"/.test(tree) }));
`;

function run(dir, root, sandbox) {
  const r = node(['main.js', JSON.stringify(sandbox)], { cwd: dir, env: { SMARTCACHE_DIR: root } });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.out;
}

test("a vm function's context global is a dependency: changing it recomputes, keeping it hits", (t) => {
  const dir = project({ 'main.js': program });
  const root = tempDir();
  const first = run(dir, root, { K: 3 });
  t.deepEqual(first, { value: 8, direct: 8, runs: 1, notDefined: false, kShown: true });
  t.like(run(dir, root, { K: 3 }), { value: 8, direct: 8, runs: 0 });
  t.like(run(dir, root, { K: 5 }), { value: 12, direct: 12, runs: 1 });
});

test('a sandbox may replace a built-in under its name: that counts by value too', (t) => {
  const dir = project({ 'main.js': program });
  const root = tempDir();
  t.like(run(dir, root, { K: 1, fakeMath: 10 }), { value: 12, direct: 12, runs: 1 });
  t.like(run(dir, root, { K: 1, fakeMath: 20 }), { value: 22, direct: 22, runs: 1 });
  t.like(run(dir, root, { K: 1 }), { value: 4, direct: 4, runs: 1 });
});
