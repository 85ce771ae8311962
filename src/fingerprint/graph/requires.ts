/**
 * `require('./x')` and `import('./x')` with a literal specifier inside a function's own code:
 * the module the call returns is a dependency of the function (../source/analyze.ts lists the specifiers).
 */
import * as fs from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { addDynamic, addEdge, leaf, PROCESS_SALT, sha256, type Entity } from './entity';
import type { Builder } from './builder';
import { isPackageFile, packageIdentity } from '../runtime';

/**
 * `require('./x')` / `import('./x')` inside the function: the module the call returns counts
 * (loaded: by its exports; not loaded yet: by its file's bytes; a package: by name@version).
 */
export function requireEdges(b: Builder, e: Entity, specifiers: readonly string[], file: string | undefined): void {
  for (const spec of specifiers) {
    const label = `require(${JSON.stringify(spec)})`;
    if (isBuiltin(spec)) {
      addEdge(e, label, b.builtin(spec.startsWith('node:') ? spec : `node:${spec}`));
      continue;
    }
    let resolved: string | undefined;
    try {
      resolved = file === undefined ? undefined : createRequire(file).resolve(spec);
    } catch {
      resolved = undefined;
    }
    if (resolved === undefined) {
      addDynamic(e, `${label} cannot be resolved; every call misses`);
      addEdge(e, label, leaf('dynamic', label, `unresolved:${PROCESS_SALT}`));
      continue;
    }
    const loaded = require.cache[resolved];
    if (loaded !== undefined) {
      addEdge(e, label, b.entityOf(loaded.exports));
      continue;
    }
    const pkg = isPackageFile(resolved) ? packageIdentity(resolved) : undefined;
    if (pkg !== undefined) {
      addEdge(e, label, leaf('package', pkg, `package:${pkg}`));
      continue;
    }
    let content: string;
    try {
      content = sha256(fs.readFileSync(resolved, 'latin1'));
    } catch {
      content = `unreadable:${PROCESS_SALT}`;
    }
    addEdge(e, label, leaf('module', b.relativize(resolved), `file:${content}`));
  }
}

