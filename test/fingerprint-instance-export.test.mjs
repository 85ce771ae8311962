// A CommonJS module whose export is a class instance (`module.exports = new Svc()`), used from
// another file: an edit of the class must miss (issue 13: it was served stale, the module counted
// by its own members only). Each variant runs v1 twice (the second must hit), then v2 (must
// recompute and print the new value), in child processes.
import test from 'ava';
import * as fs from 'node:fs';
import { installedProject, run, write, hits, misses } from './fixtures/contract/project.mjs';

const dirs = [];
test.after.always(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const APP_CJS = `
  const { cache } = require('smartcache');
  const svc = require('./svc');
  const render = cache(function render(x) { return svc.fmt(x); }, { name: 'render' });
  console.log(JSON.stringify(render(1)));
`;

const variants = {
  'class and instance in one file': {
    files: { 'svc.js': "class Svc { fmt(x) { return 'v' + x; } }\nmodule.exports = new Svc();\n", 'app.js': APP_CJS },
    edit: { 'svc.js': "class Svc { fmt(x) { return 'w' + x; } }\nmodule.exports = new Svc();\n" },
  },
  'class in another file': {
    files: {
      'svc-class.js': "module.exports = class Svc { fmt(x) { return 'v' + x; } };\n",
      'svc.js': "const Svc = require('./svc-class');\nmodule.exports = new Svc();\n",
      'app.js': APP_CJS,
    },
    edit: { 'svc-class.js': "module.exports = class Svc { fmt(x) { return 'w' + x; } };\n" },
  },
  'method inherited from a superclass': {
    files: {
      'svc.js': "class Base { fmt(x) { return 'v' + x; } }\nclass Svc extends Base {}\nmodule.exports = new Svc();\n",
      'app.js': APP_CJS,
    },
    edit: { 'svc.js': "class Base { fmt(x) { return 'w' + x; } }\nclass Svc extends Base {}\nmodule.exports = new Svc();\n" },
  },
  'prototype object (Object.create)': {
    files: {
      'svc.js': "const proto = { fmt(x) { return 'v' + x; } };\nmodule.exports = Object.create(proto);\n",
      'app.js': APP_CJS,
    },
    edit: { 'svc.js': "const proto = { fmt(x) { return 'w' + x; } };\nmodule.exports = Object.create(proto);\n" },
  },
  'imported from an ES module': {
    files: {
      'svc.cjs': "class Svc { fmt(x) { return 'v' + x; } }\nmodule.exports = new Svc();\n",
      'app.mjs': `
        import { cache } from 'smartcache';
        import svc from './svc.cjs';
        const render = cache(function render(x) { return svc.fmt(x); }, { name: 'render' });
        console.log(JSON.stringify(render(1)));
      `,
    },
    edit: { 'svc.cjs': "class Svc { fmt(x) { return 'w' + x; } }\nmodule.exports = new Svc();\n" },
    entry: 'app.mjs',
  },
  'annotated with @cache under the preload': {
    files: {
      'svc.js': "class Svc { fmt(x) { return 'v' + x; } }\nmodule.exports = new Svc();\n",
      'app.js': "const svc = require('./svc');\n/** @cache */\nfunction render(x) { return svc.fmt(x); }\nconsole.log(JSON.stringify(render(1)));\n",
    },
    edit: { 'svc.js': "class Svc { fmt(x) { return 'w' + x; } }\nmodule.exports = new Svc();\n" },
    args: ['--require', 'smartcache/register'],
  },
};

for (const [title, v] of Object.entries(variants)) {
  test(`module.exports = new Svc(): ${title}`, (t) => {
    const dir = installedProject();
    dirs.push(dir);
    for (const [name, text] of Object.entries(v.files)) write(dir, name, text);
    const args = [...(v.args ?? []), v.entry ?? 'app.js'];
    t.is(run(dir, args).json, 'v1');
    const again = run(dir, args, { SMARTCACHE_LOG: '1' });
    t.is(again.json, 'v1');
    t.is(hits(again), 1, again.stderr);
    for (const [name, text] of Object.entries(v.edit)) write(dir, name, text);
    const edited = run(dir, args, { SMARTCACHE_LOG: '1' });
    t.is(edited.json, 'w1', edited.stderr);
    t.is(misses(edited), 1, edited.stderr);
  });
}

test('module.exports = new Svc(): a comment and an unused method added to the module still hit', (t) => {
  const dir = installedProject();
  dirs.push(dir);
  write(dir, 'svc.js', "class Svc { fmt(x) { return 'v' + x; } }\nmodule.exports = new Svc();\n");
  write(dir, 'app.js', APP_CJS);
  run(dir, ['app.js']);
  write(dir, 'svc.js', "// formatting service\nclass Svc {\n  fmt(x) {\n    return 'v' + x; // prefix\n  }\n}\nfunction unused() { return 1; }\nmodule.exports = new Svc();\n");
  const r = run(dir, ['app.js'], { SMARTCACHE_LOG: '1' });
  t.is(r.json, 'v1');
  t.is(hits(r), 1, r.stderr);
});
