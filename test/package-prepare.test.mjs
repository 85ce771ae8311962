// `npm install <git checkout>` runs the package's `prepare` script after installing its
// dependencies: that script must build dist/, or the installed package has no code. Checked on a
// copy of what a checkout holds (sources, no dist/), with this checkout's node_modules.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO, tempDir } from './fixtures/cli/helpers.mjs';

test('npm run prepare on a checkout without dist/ builds a working package', (t) => {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  t.is(typeof pkg.scripts.prepare, 'string', 'package.json has no prepare script');
  const checkout = tempDir('smartcache-checkout-');
  for (const item of ['package.json', 'tsconfig.json', 'scripts', 'src']) fs.cpSync(path.join(REPO, item), path.join(checkout, item), { recursive: true });
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(checkout, 'node_modules'), 'dir');
  t.false(fs.existsSync(path.join(checkout, 'dist')));
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['run', 'prepare', '--silent'], { cwd: checkout, encoding: 'utf8', timeout: 120_000 });
  t.is(r.status, 0, `${r.stdout}\n${r.stderr}`);
  for (const file of ['dist/index.js', 'dist/index.mjs', 'dist/index.d.ts', 'dist/preload/register.js', 'dist/preload/register.mjs', 'dist/cli/main.js']) {
    t.true(fs.existsSync(path.join(checkout, file)), `${file} missing after prepare`);
  }
  t.true((fs.statSync(path.join(checkout, 'dist/cli/main.js')).mode & 0o111) !== 0, 'the bin is executable');
  const version = spawnSync(process.execPath, [path.join(checkout, 'dist/cli/main.js'), '--version'], { encoding: 'utf8' });
  t.is(version.stdout.trim(), pkg.version);
  fs.rmSync(checkout, { recursive: true, force: true });
});
