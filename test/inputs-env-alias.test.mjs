// `const env = process.env` and then `env.API_URL`: a const alias of process.env read by static
// names reads those variables by name, exactly as `process.env.API_URL` does (issue 13: it was
// listed as a dynamic read, warned about, and the variables were not inputs). Where the alias is
// used in a way no name can be read from (a computed name, passed whole to a call, a rest
// element, a `let` that may be reassigned), it stays dynamic.
import test from 'ava';
import { node, project, tempDir } from './fixtures/cache/helpers.mjs';

const program = (body, top = '') => (mod) => `const { cache } = require(${mod});
${top}
let runs = 0;
const warnings = [];
process.on('warning', (w) => warnings.push(w.code));
const f = cache(function f(x) { runs++; ${body} }, { name: 'f' });
const value = f(1);
setImmediate(() => console.log('OUT ' + JSON.stringify({ value, runs, warnings })));
`;

function runner(t, dir) {
  const root = tempDir();
  return (env) => {
    const r = node(['app.js'], { cwd: dir, env: { SMARTCACHE_DIR: root, ...env } });
    t.is(r.status, 0, r.stderr);
    return r.out;
  };
}

const readers = {
  'a const alias in the function': ["const env = process.env; return [x, env.API_URL, env.API_MODE ?? 'dev'].join(':');"],
  'a const alias read in a nested arrow': ["const env = process.env; const read = () => env.API_URL; return [x, read(), env['API_MODE'] ?? 'dev'].join(':');"],
  'a module-level const alias': ["return [x, env.API_URL, env.API_MODE ?? 'dev'].join(':');", 'const env = process.env;'],
  'a module-level alias read by a helper': ['return [x, url(), mode()].join(\':\');', "const env = process.env;\nfunction url() { return env.API_URL; }\nfunction mode() { const { API_MODE = 'dev' } = env; return API_MODE; }"],
  'destructuring from a const alias': ["const env = process.env; const { API_URL, API_MODE = 'dev' } = env; return [x, API_URL, API_MODE].join(':');"],
  'env destructured from process': ["const { env } = process; return [x, env.API_URL, env.API_MODE ?? 'dev'].join(':');"],
  'an alias of an alias': ["const p = process; const env = p.env; return [x, env.API_URL, env.API_MODE ?? 'dev'].join(':');"],
  'nested destructuring from process': ["const { env: { API_URL, API_MODE = 'dev' } } = process; return [x, API_URL, API_MODE].join(':');"],
  'nested destructuring from a const alias of process': ["const p = process; const { env: { API_URL }, env: { API_MODE = 'dev' } } = p; return [x, API_URL, API_MODE].join(':');"],
};

for (const [title, [body, top]] of Object.entries(readers)) {
  test(`${title}: the variables read are inputs, not a dynamic read`, (t) => {
    const dir = project({ 'app.js': program(body, top) });
    const run = runner(t, dir);
    t.like(run({ API_URL: 'a' }), { value: '1:a:dev', runs: 1, warnings: [] });
    t.like(run({ API_URL: 'a', UNRELATED_VAR: 'x' }), { value: '1:a:dev', runs: 0 }, 'an unrelated variable changed: hit');
    t.like(run({ API_URL: 'b' }), { value: '1:b:dev', runs: 1 }, 'API_URL changed: miss');
    t.like(run({ API_URL: 'b', API_MODE: 'prod' }), { value: '1:b:prod', runs: 1 }, 'API_MODE changed: miss');
    t.like(run({ API_URL: 'a' }), { value: '1:a:dev', runs: 0 }, 'switching back hits');
  });
}

const dynamic = {
  'a computed name through the alias': "const env = process.env; const k = 'API_' + 'URL'; return x + ':' + env[k];",
  'the alias passed whole to a call': "const env = process.env; return x + ':' + Object.keys(env).includes('API_URL') + ':' + env.API_URL;",
  'destructuring the alias with a rest element': "const env = process.env; const { API_MODE, ...rest } = env; return x + ':' + rest.API_URL;",
  'a let alias (may be reassigned)': "let env = process.env; if (x > 5) env = {}; return x + ':' + env.API_URL;",
  'the alias returned through a closure': "const env = process.env; const get = () => env; return x + ':' + get().API_URL;",
};

for (const [title, body] of Object.entries(dynamic)) {
  test(`${title}: still a dynamic read, warned about once`, (t) => {
    const dir = project({ 'app.js': program(body) });
    const run = runner(t, dir);
    const first = run({ API_URL: 'a' });
    t.is(first.runs, 1);
    t.deepEqual(first.warnings, ['SMARTCACHE_DYNAMIC_ENV']);
  });
}
