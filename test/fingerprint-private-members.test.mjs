// Private class members reached through a member chain (`C.#g`, `this.#r` in a static method):
// no property lookup sees them, so an edit of one must still change the fingerprint (they were
// read as a missing member, and the next run hit the entry made with the old code).
import test from 'ava';
import { node, project, tempDir, writeFile } from './fixtures/cache/helpers.mjs';

const cases = {
  'static private method through C.#g': (k) => `class C { static #g(x) { return x * ${k}; } static run(x) { return C.#g(x); } }`,
  'static private field through C.#r': (k) => `class C { static #r = ${k}; static run(x) { return x * C.#r; } }`,
  'static private method through this.#g': (k) => `class C { static #g(x) { return x * ${k}; } static run(x) { return this.#g(x); } }`,
  'static private field through this.#r': (k) => `class C { static #r = ${k}; static run(x) { return x * this.#r; } }`,
};

const app = (cls) => (mod) => `const { cache } = require(${mod});
${cls}
let runs = 0;
const f = cache(function f(n) { runs++; return C.run(n); }, { name: 'f' });
console.log('OUT ' + JSON.stringify({ value: f(2), runs }));
`;

for (const [title, cls] of Object.entries(cases)) {
  test(`${title}: an edit recomputes, a comment-only edit hits`, (t) => {
    const dir = project({ 'app.js': app(cls(2)) });
    const root = tempDir();
    const run = () => {
      const r = node(['app.js'], { cwd: dir, env: { SMARTCACHE_DIR: root } });
      t.is(r.status, 0, r.stderr);
      return r.out;
    };
    t.deepEqual(run(), { value: 4, runs: 1 });
    t.deepEqual(run(), { value: 4, runs: 0 });
    writeFile(dir, 'app.js', app(cls(3)));
    t.deepEqual(run(), { value: 6, runs: 1 });
    writeFile(dir, 'app.js', app(cls(3).replace('{ static', '{ /* a note */\n  static')));
    t.deepEqual(run(), { value: 6, runs: 0 });
  });
}
