// A package patched by the project (patch-package, `pnpm patch`, yarn patches) changes its code
// under the same version. The patch files count with the package: editing the patch (and applying
// it) recomputes; a patch of another package does not.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REGISTER, runNode, tempDir } from './fixtures/cli/helpers.mjs';

function project(t, patchFolder) {
  const dir = tempDir('smartcache-patches-');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (rel, text) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };
  write('package.json', '{"name":"patched-app","private":true,"dependencies":{"@acme/pad":"1.0.0","pad-extra":"2.0.0"}}\n');
  write('node_modules/@acme/pad/package.json', '{"name":"@acme/pad","version":"1.0.0","main":"index.js"}\n');
  write('node_modules/@acme/pad/index.js', "exports.pad = (s) => '[' + s + ']';\n");
  write('node_modules/pad-extra/package.json', '{"name":"pad-extra","version":"2.0.0","main":"index.js"}\n');
  write('node_modules/pad-extra/index.js', 'exports.extra = (s) => s;\n');
  write('app.js', "const { pad } = require('@acme/pad');\n/** @cache */\nfunction label(x) { return pad(x); }\nconsole.log(label('a'));\n");
  return { dir, write, patches: path.join(dir, patchFolder) };
}

async function run(dir) {
  const r = await runNode(['--require', REGISTER, 'app.js'], { cwd: dir, env: { SMARTCACHE_DIR: path.join(dir, 'cache'), SMARTCACHE_LOG: '1' } });
  if (r.code !== 0) throw new Error(r.stderr);
  return { out: r.stdout.trim(), hit: /\[smartcache\] hit app\.js#label /.test(r.stderr), stderr: r.stderr };
}

for (const [tool, folder, patchName, otherName] of [
  ['patch-package', 'patches', '@acme+pad+1.0.0.patch', 'pad-extra+2.0.0.patch'],
  ['pnpm', 'patches', '@acme__pad@1.0.0.patch', 'pad-extra@2.0.0.patch'],
  ['yarn', '.yarn/patches', '@acme-pad-npm-1.0.0-3f2a.patch', 'pad-extra-npm-2.0.0-77aa.patch'],
]) {
  test(`a package patched with ${tool}: an edited, applied patch recomputes; another package's patch does not`, async (t) => {
    const p = project(t, folder);
    p.write(`${folder}/${patchName}`, "-exports.pad = (s) => s;\n+exports.pad = (s) => '[' + s + ']';\n");
    p.write(`${folder}/${otherName}`, '+one\n');
    t.deepEqual(await run(p.dir).then((r) => [r.out, r.hit]), ['[a]', false]);
    const again = await run(p.dir);
    t.deepEqual([again.out, again.hit], ['[a]', true], again.stderr);

    // Another package's patch changes: not this function's input.
    p.write(`${folder}/${otherName}`, '+two\n');
    t.deepEqual(await run(p.dir).then((r) => [r.out, r.hit]), ['[a]', true]);

    // The patch of @acme/pad is edited and applied (the version stays 1.0.0).
    p.write(`${folder}/${patchName}`, "-exports.pad = (s) => s;\n+exports.pad = (s) => '<' + s + '>';\n");
    p.write('node_modules/@acme/pad/index.js', "exports.pad = (s) => '<' + s + '>';\n");
    const edited = await run(p.dir);
    t.is(edited.out, '<a>');
    t.false(edited.hit, edited.stderr);
    t.true((await run(p.dir)).hit);
  });
}

// pnpm 10 names a patch of every version `patches/name.patch`, and `patchedDependencies` (in
// package.json's `pnpm` field or pnpm-workspace.yaml) may point at a file of any name.
for (const [label, files] of [
  ['pnpm 10: patches/<name>.patch', { 'patches/@acme__pad.patch': '' }],
  ['declared in pnpm-workspace.yaml under any name', { 'pnpm-workspace.yaml': "packages:\n  - '.'\npatchedDependencies:\n  '@acme/pad@1.0.0': fixes/pad-fix.patch\n", 'fixes/pad-fix.patch': '' }],
  ['declared in package.json pnpm.patchedDependencies', { 'package.json': '{"name":"patched-app","private":true,"pnpm":{"patchedDependencies":{"@acme/pad":"fixes/pad.diff"}}}\n', 'fixes/pad.diff': '' }],
]) {
  test(`a package patched with ${label}: an edited, applied patch recomputes`, async (t) => {
    const p = project(t, 'patches');
    const patchFile = Object.keys(files).find((f) => /\.(patch|diff)$/.test(f));
    for (const [f, text] of Object.entries(files)) p.write(f, f === patchFile ? "+exports.pad = (s) => '[' + s + ']';\n" : text);
    t.deepEqual(await run(p.dir).then((r) => [r.out, r.hit]), ['[a]', false]);
    t.deepEqual(await run(p.dir).then((r) => [r.out, r.hit]), ['[a]', true]);
    p.write(patchFile, "+exports.pad = (s) => '<' + s + '>';\n");
    p.write('node_modules/@acme/pad/index.js', "exports.pad = (s) => '<' + s + '>';\n");
    const edited = await run(p.dir);
    t.is(edited.out, '<a>');
    t.false(edited.hit, edited.stderr);
  });
}
