// Red-team round 14 and this session's own findings. Each test is a confirmed finding, fixed.
import test from 'ava';
import { projectRunner } from './fixtures/cache/helpers.mjs';

const setup = (t, files) => projectRunner(t, files);
const kinds = (lines) => lines.filter((l) => / (hit|miss) /.test(l)).map((l) => l.split(' ')[1]);

// `process.exitCode = 1` or `process.env.X = v` inside a cached function made `process` used
// whole: every run warned that the function reads the environment by computed name.
test('writing process.exitCode or process.env members is no dynamic read of the environment', (t) => {
  const { run, edit } = setup(t, {
    'app.js': (mod) => `const { cache } = require(${mod});
const f = cache(function f(x) {
  process.exitCode = 0;
  process.env.LAST_X = String(x);
  const k = 'OTHER_' + x;
  process.env[k] = '1';
  return x + (process.env.MODE === 'double' ? x : 0);
});
console.log('OUT ' + JSON.stringify({ value: [f(1), f(2), f(1)] }));
`,
  });
  const first = run(['app.js'], { MODE: 'double' });
  t.deepEqual(first.value, [2, 4, 2]);
  t.notRegex(first.stderr, /SMARTCACHE_DYNAMIC_ENV/);
  const second = run(['app.js'], { MODE: 'double' });
  t.deepEqual(kinds(second.lines), ['hit', 'hit', 'hit']);
  t.notRegex(second.stderr, /SMARTCACHE_DYNAMIC_ENV/);
  // The variable read by name is still an input.
  t.deepEqual(run(['app.js'], { MODE: 'single' }).value, [1, 2, 1]);
  // A read by computed name still warns.
  edit('app.js', "process.env[k] = '1';", 'void process.env[k];');
  t.regex(run(['app.js'], { MODE: 'single' }).stderr, /SMARTCACHE_DYNAMIC_ENV/);
});

test('a variable a call defaults with ??= is still read by name: a value set outside recomputes', (t) => {
  const { run } = setup(t, {
    'app.js': (mod) => `const { cache } = require(${mod});
const f = cache(function f(x) { process.env.GREETING ??= 'hello'; return process.env.GREETING + ' ' + x; });
console.log('OUT ' + JSON.stringify({ value: f('you') }));
`,
  });
  t.is(run().value, 'hello you');
  t.deepEqual(kinds(run().lines), ['hit']);
  t.is(run(['app.js'], { GREETING: 'hi' }).value, 'hi you');
  t.notRegex(run().stderr, /SMARTCACHE_DYNAMIC_ENV/);
});
