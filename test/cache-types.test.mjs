import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { here, repo } from './fixtures/cache/helpers.mjs';

// Type tests: cache() keeps the signature (an @ts-expect-error proves a wrong call is rejected),
// the control methods are typed, and @cached type-checks under both decorator protocols.
for (const mode of ['standard', 'legacy']) {
  test(`the public types check (${mode} decorators)`, (t) => {
    const tsc = path.join(repo, 'node_modules', '.bin', 'tsc');
    const r = spawnSync(tsc, ['-p', path.join(here, 'types', `tsconfig.${mode}.json`)], { encoding: 'utf8' });
    t.is(r.status, 0, r.stdout + r.stderr);
  });
}
