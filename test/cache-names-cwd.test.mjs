// The default name of `cache(fn)` is relative to the project holding the file, like the names of
// annotated functions, whatever folder the program starts from: the name is part of the key, so a
// name that followed the working directory (`../../app/lib.js#f`, `/abs/lib.js#f`) missed for the
// same code and arguments run from elsewhere (red team 3).
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { installedProject, run, hits } from './fixtures/contract/project.mjs';

test('cache() names and hits do not depend on the working directory', (t) => {
  const dir = installedProject();
  const root = path.join(dir, 'shared-root');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'lib'));
  fs.mkdirSync(path.join(dir, 'elsewhere'));
  // A folder with its own package.json, like a sibling workspace the program is started from.
  fs.writeFileSync(path.join(dir, 'elsewhere', 'package.json'), '{"name":"elsewhere","private":true}\n');
  fs.writeFileSync(path.join(dir, 'lib', 'math.js'), `
    const { cache } = require('smartcache');
    exports.square = cache(function square(x) { return x * x; });
  `);
  fs.writeFileSync(path.join(dir, 'app.js'), `
    const { square } = require('./lib/math.js');
    console.log(JSON.stringify(square(7)));
  `);
  const env = { SMARTCACHE_DIR: root, SMARTCACHE_LOG: '1' };
  const first = run(dir, ['app.js'], env);
  t.is(first.json, 49);
  t.regex(first.stderr, /\[smartcache\] miss lib\/math\.js#square /);
  for (const cwd of [path.join(dir, 'lib'), path.join(dir, 'elsewhere')]) {
    const again = run(cwd, [path.join(dir, 'app.js')], env);
    t.is(again.json, 49);
    t.regex(again.stderr, /\[smartcache\] hit lib\/math\.js#square /, `from ${cwd}: ${again.stderr}`);
    t.is(hits(again), 1);
  }
});
