// State an object keeps in a WeakMap or WeakSet its cached method (or a cached function given it)
// reaches is part of the key: the WeakMap "private fields" pattern, and TypeScript's `#private`
// as esbuild lowers it when a class has decorators (tsx). Two instances differing only there
// shared one entry before, in the same process and across runs.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { node, project, repo, tempDir } from './fixtures/cache/helpers.mjs';

test('WeakMap and WeakSet state of `this` and of an argument is in the key, in one process and the next', (t) => {
  const dir = project({
    'app.js': (mod) => `const { cache } = require(${mod});
const priv = new WeakMap();
const flags = new WeakSet();
class Calc {
  constructor(rate, flagged) { priv.set(this, { rate }); if (flagged) flags.add(this); }
  mul(x) { return priv.get(this).rate * x + (flags.has(this) ? 1000 : 0); }
}
Calc.prototype.mul = cache(Calc.prototype.mul, { name: 'mul' });
const area = cache(function area(c) { return priv.get(c).rate * 10; }, { name: 'area' });
const out = [new Calc(2).mul(3), new Calc(5).mul(3), new Calc(5, true).mul(3), new Calc(2).mul(3), area(new Calc(2)), area(new Calc(7))];
console.log('OUT ' + JSON.stringify(out));
`,
  });
  const env = { SMARTCACHE_DIR: tempDir() };
  const expected = [6, 15, 1015, 6, 20, 70];
  const first = node(['app.js'], { cwd: dir, env });
  t.is(first.status, 0, first.stderr);
  t.deepEqual(first.out, expected);
  const second = node(['app.js'], { cwd: dir, env: { ...env, SMARTCACHE_LOG: '1' } });
  t.deepEqual(second.out, expected);
  t.regex(second.stderr, /\[smartcache\] hit \S*mul/, 'equal state still hits');
});

const hasTsx = fs.existsSync(path.join(repo, 'node_modules', 'tsx'));
(hasTsx ? test : test.skip)('@cached() on a class with #private fields under tsx (lowered to WeakMaps): instances differing only there do not share entries', (t) => {
  const dir = project({
    'main.ts': `import { createRequire } from 'node:module';
const { cached } = createRequire(import.meta.url)('smartcache') as typeof import('smartcache');
class Calc {
  #rate: number;
  constructor(rate: number) { this.#rate = rate; }
  @cached() mul(x: number): number { return this.#rate * x; }
}
console.log('OUT ' + JSON.stringify([new Calc(2).mul(3), new Calc(5).mul(3), new Calc(2).mul(3)]));
`,
    'package.json': '{"name":"fixture","private":true,"type":"module"}\n',
    'tsconfig.json': JSON.stringify({ compilerOptions: { target: 'ES2022', strict: true } }),
  });
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  fs.symlinkSync(path.join(repo, 'node_modules', 'tsx'), path.join(dir, 'node_modules', 'tsx'), 'dir');
  fs.symlinkSync(repo, path.join(dir, 'node_modules', 'smartcache'), 'dir');
  const env = { SMARTCACHE_DIR: tempDir() };
  for (let run = 0; run < 2; run++) {
    const r = node(['--import', 'tsx', 'main.ts'], { cwd: dir, env });
    t.is(r.status, 0, r.stderr);
    t.deepEqual(r.out, [6, 15, 6]);
  }
});
