// A broken hook must not break the program: files that fail to parse are loaded untouched with
// one warning; node_modules are never rewritten.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { json, logCounts, makeProject, removeProject, runNode, warnings } from './fixtures/preload/harness.mjs';

function addPackage(dir) {
  // Written here, not kept as a fixture: git ignores node_modules folders.
  const pkg = path.join(dir, 'node_modules', 'annotated-pkg');
  fs.mkdirSync(pkg, { recursive: true });
  fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'annotated-pkg', version: '1.0.0', main: 'index.js' }));
  fs.writeFileSync(
    path.join(pkg, 'index.js'),
    "'use strict';\n/** @cache */\nfunction fromPackage(x) {\n  process.emit('body', 'fromPackage');\n  return x * 100;\n}\nexports.fromPackage = fromPackage;\n",
  );
}

/** Whether this Node runs `import … assert { type: 'json' }` (removed in V8 12.x / Node 22). */
async function nodeSupportsImportAssert(dir) {
  const run = await runNode(dir, ['--input-type=module', '-e', "import d from './data.json' assert { type: 'json' };"]);
  return run.code === 0;
}

for (const flag of ['--require', '--import']) {
  test(`unparsable files load untouched with one warning; node_modules untouched (${flag})`, async (t) => {
    const dir = makeProject('robust');
    t.teardown(() => removeProject(dir));
    addPackage(dir);
    const assertSupported = await nodeSupportsImportAssert(dir);
    const args = [flag, 'smartcache/register', 'app.js'];
    for (let i = 0; i < 2; i++) {
      const run = await runNode(dir, args, { SMARTCACHE_LOG: '1' });
      const out = json(t, run);
      t.is(out.broken, 'SyntaxError at 6', "Node's own error, at the original line");
      t.is(out.good, 2);
      t.is(out.bodies.good, i === 0 ? 1 : undefined, 'other files are still rewritten');
      t.is(out.bodies.fromPackage, 1, 'node_modules: not cached, so the body runs every time');
      t.false(Object.keys(logCounts(run.stderr).miss).some((n) => n.includes('annotated-pkg')));
      const lines = warnings(run.stderr);
      t.is(lines.filter((l) => l.includes('broken.js')).length, 1, run.stderr);
      if (assertSupported) {
        // acorn does not know the `assert` form that Node 20 still runs: loaded unchanged.
        t.is(out.assert, 11);
        t.is(out.bodies.fromAssert, 1);
        // With a CommonJS entry (under --require and --import alike), Node 20 has no in-thread ESM
        // hooks and the hooks thread is not started for it (README, "Start-up"): the ES module
        // it imports is loaded as written, uncached.
        const expectWarning = out.esmHooked === true;
        if (expectWarning) t.is(lines.filter((l) => l.includes('import-assert.mjs')).length, 1, run.stderr);
      } else {
        t.log('this Node no longer runs import assertions; that half is skipped');
      }
      t.true(lines.length <= 2, run.stderr);
    }
  });
}
