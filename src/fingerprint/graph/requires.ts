/**
 * `require('./x')` and `import('./x')` with a literal specifier inside a function's own code:
 * the module the call returns is a dependency of the function (../source/analyze.ts lists the specifiers).
 */
import fs = require('node:fs');
import path = require('node:path');
import { createRequire, isBuiltin } from 'node:module';
import { addDynamic, addEdge, leaf, PROCESS_SALT, sha256, type Entity } from './entity';
import type { Builder } from './builder';
import { isPackageFile, packageIdentity, packageOwn } from '../runtime';
import { moduleSpecifiers } from '../source';

/**
 * `require('./x')` / `import('./x')` inside the function: the module the call returns counts
 * (a loaded CommonJS module: by its exports; else by the bytes of its file and of the files it
 * loads; a package: by name@version).
 */
export function requireEdges(b: Builder, e: Entity, specifiers: readonly string[], file: string | undefined): void {
  for (const spec of specifiers) {
    const label = `require(${JSON.stringify(spec)})`;
    if (isBuiltin(spec)) {
      addEdge(e, label, b.builtin(spec.startsWith('node:') ? spec : `node:${spec}`));
      continue;
    }
    const resolved = file === undefined ? undefined : resolveFrom(file, spec);
    const esmOnly = resolved === undefined && file !== undefined ? installedPackage(file, spec) : undefined;
    if (esmOnly !== undefined) {
      addEdge(e, label, leaf('package', esmOnly, packageOwn(esmOnly)));
      continue;
    }
    const linked = resolved === undefined && file !== undefined ? linkedPackageEntry(file, spec) : undefined;
    if (linked !== undefined) {
      // The user's own package behind a workspace link that `require` cannot resolve (`exports`
      // with only `import`): its files, as any project module's.
      addEdge(e, label, leaf('module', b.relativize(linked), `files:${moduleTreeDigest(linked, (e.missingModules ??= []))}`));
      continue;
    }
    // An optional file or package not there (yet): `try { require('./config.local.json') } catch {}`.
    // Its absence is what the code ran with, found again at every walk (a function with a module
    // edge is never taken from a proof) and before every later call (../index.ts `stillValid`):
    // once it is there, the next call and the next run recompute.
    if (resolved === undefined && file !== undefined && !nameIsInstalled(file, spec) && (spec.startsWith('.') || spec.startsWith('/') || isBareName(spec))) {
      addEdge(e, label, leaf('module', label, `missing:${spec}`));
      (e.missingModules ??= []).push({ from: file, spec });
      continue;
    }
    if (resolved === undefined) {
      addDynamic(e, `${label} cannot be resolved; every call misses`);
      addEdge(e, label, leaf('dynamic', label, `unresolved:${PROCESS_SALT}`));
      continue;
    }
    const loaded = require.cache[resolved];
    if (loaded !== undefined) {
      // Through the registry: a program that reloads the module (`delete require.cache[…]`,
      // a dev server's hot reload) makes the next call's `require` return another one, which
      // the watch between calls must see (../watch.ts compares the registry's entries).
      addEdge(e, label, b.entityOf(loaded.exports), [require.cache]);
      continue;
    }
    const pkg = isPackageFile(resolved) ? packageIdentity(resolved) : undefined;
    if (pkg !== undefined) {
      addEdge(e, label, leaf('package', pkg, packageOwn(pkg)));
      continue;
    }
    addEdge(e, label, leaf('module', b.relativize(resolved), `files:${moduleTreeDigest(resolved, (e.missingModules ??= []))}`));
  }
}

/** TypeScript sources are imported by their output's name (`./x.js` for x.ts) under tsx. */
const TS_SWAPS: ReadonlyArray<readonly [string, string]> = [['.js', '.ts'], ['.js', '.tsx'], ['.mjs', '.mts'], ['.cjs', '.cts']];

function resolveFrom(file: string, spec: string): string | undefined {
  const req = createRequire(file);
  try {
    return req.resolve(spec);
  } catch {
    // maybe a TypeScript file named by its output
  }
  for (const [from, to] of TS_SWAPS) {
    if (!spec.endsWith(from)) continue;
    try {
      return req.resolve(spec.slice(0, -from.length) + to);
    } catch {
      // next
    }
  }
  return undefined;
}

/**
 * `name@version` of the installed package a bare specifier names (`esmpkg`, `@scope/pkg/sub`),
 * found as Node looks for it (node_modules folders upward from `file`), when `require` could not
 * resolve it: an ES-module-only package (`exports` with only an `import` condition) is still that
 * package. Undefined for a relative or `#imports` specifier, a package not installed, or one that
 * is the user's own code (a workspace link), which cannot be followed without resolving.
 */
function installedPackage(file: string, spec: string): string | undefined {
  const folder = packageFolder(file, spec);
  const manifest = folder === undefined ? undefined : path.join(folder, 'package.json');
  return manifest !== undefined && isPackageFile(manifest) ? packageIdentity(manifest) : undefined;
}

/** The folder of the installed package a bare specifier names, as Node looks for it upward from `file`. */
function packageFolder(file: string, spec: string): string | undefined {
  if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('#') || /^[a-z][a-z0-9+.-]*:/i.test(spec)) return undefined;
  const parts = spec.split('/');
  const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
  for (let dir = path.dirname(file); ; ) {
    const folder = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(folder, 'package.json'))) return folder;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Whether a package of that name is installed where `file` would look (then it is not "missing"). */
function nameIsInstalled(file: string, spec: string): boolean {
  return packageFolder(file, spec) !== undefined;
}

/**
 * The file of the user's own package behind a link (a workspace package) that `require` cannot
 * resolve: for the package root, its `exports` `.` entry under the `import`, `node` or `default`
 * condition, else `module`, `main`, `index.js`; for a subpath (`@me/utils/rates`), its exact
 * `exports` key (`./rates`), else the file itself. Undefined for a package in node_modules
 * proper, an `exports` pattern, or an entry that is not a file.
 */
function linkedPackageEntry(file: string, spec: string): string | undefined {
  const folder = packageFolder(file, spec);
  if (folder === undefined || isPackageFile(path.join(folder, 'package.json'))) return undefined;
  const segments = spec.split('/');
  const subpath = segments.slice(spec.startsWith('@') ? 2 : 1).join('/');
  try {
    const json = JSON.parse(fs.readFileSync(path.join(folder, 'package.json'), 'utf8')) as { exports?: unknown; module?: unknown; main?: unknown };
    const pick = (target: unknown): string | undefined => {
      if (typeof target === 'string') return target;
      if (typeof target !== 'object' || target === null || Array.isArray(target)) return undefined;
      const t = target as Record<string, unknown>;
      for (const condition of ['import', 'node', 'default']) if (condition in t) return pick(t[condition]);
      return undefined;
    };
    const exportsMap = typeof json.exports === 'object' && json.exports !== null && !Array.isArray(json.exports) && Object.keys(json.exports).some((k) => k.startsWith('.')) ? (json.exports as Record<string, unknown>) : undefined;
    let rel: string | undefined;
    if (subpath === '') {
      rel = pick(exportsMap === undefined ? json.exports : exportsMap['.']) ?? (typeof json.module === 'string' ? json.module : undefined) ?? (typeof json.main === 'string' ? json.main : 'index.js');
    } else {
      rel = exportsMap !== undefined ? pick(exportsMap[`./${subpath}`]) : json.exports === undefined ? subpath : undefined;
    }
    if (rel === undefined) return undefined;
    const entry = fs.realpathSync(path.resolve(folder, rel));
    return fs.statSync(entry).isFile() ? entry : undefined;
  } catch {
    return undefined;
  }
}

/** Whether any of `missing` now resolves from where it was asked (a file created, a package installed). */
export function missingModuleAppeared(missing: ReadonlyArray<{ readonly from: string; readonly spec: string }>): boolean {
  return missing.some(({ from, spec }) => resolveFrom(from, spec) !== undefined || nameIsInstalled(from, spec));
}

/** A package name with or without a subpath (`sharp`, `@scope/pkg/sub`), not a `#imports` name or a URL. */
function isBareName(spec: string): boolean {
  return !spec.startsWith('#') && !/^[a-z][a-z0-9+.-]*:/i.test(spec);
}

/** Project files one module may pull in before the digest gives up (every call then misses). */
const MAX_TREE_FILES = 2000;

/**
 * A module that is no loaded CommonJS module (an ES module, or not loaded yet) counts by the bytes
 * of its file and of every project file it loads by a literal specifier, transitively: once an ES
 * module is loaded, `import()` reads nothing again, so an edit to a helper it imports would
 * otherwise hit. Packages count by name and version; a file that cannot be read makes every call
 * miss.
 */
function moduleTreeDigest(start: string, missing?: Array<{ readonly from: string; readonly spec: string }>): string {
  const seen = new Set<string>([start]);
  const queue = [start];
  const parts: string[] = [];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch {
      return `unreadable:${PROCESS_SALT}`;
    }
    // Paths relative to the first module: the same tree elsewhere (another checkout, a CI
    // machine sharing the team cache) gives the same digest.
    parts.push(`${path.relative(path.dirname(start), file)}\0${sha256(bytes.toString('latin1'))}`);
    if (file.endsWith('.json') || file.endsWith('.node')) continue;
    for (const spec of moduleSpecifiers(bytes.toString('utf8'))) {
      if (isBuiltin(spec)) continue;
      const next = resolveFrom(file, spec);
      // An optional dependency that is not installed, a platform file: the file asking for it
      // counts by its bytes; whether it resolves is not followed (as before any call reads it).
      if (next === undefined) {
        // `require` finds nothing where `import` may: a package whose `exports` has only an
        // `import` condition counts as the package; a `#name` of package.json's `imports` whose
        // target only `import` finds cannot be followed: every call misses rather than an edit
        // behind it being served stale. A package that is not installed stays "missing".
        const esmOnly = installedPackage(file, spec);
        const linked = esmOnly === undefined ? linkedPackageEntry(file, spec) : undefined;
        if (esmOnly !== undefined) parts.push(`package\0${esmOnly}`);
        else if (linked !== undefined) {
          if (!seen.has(linked)) {
            seen.add(linked);
            queue.push(linked);
          }
        } else if (spec.startsWith('#') || nameIsInstalled(file, spec)) return `unresolved:${PROCESS_SALT}`;
        else {
          parts.push(`missing\0${spec}`);
          // Rechecked before each later call, as for a require in the function's own code.
          missing?.push({ from: file, spec });
        }
        continue;
      }
      if (seen.has(next)) continue;
      seen.add(next);
      const pkg = isPackageFile(next) ? packageIdentity(next) : undefined;
      if (pkg !== undefined) {
        parts.push(`package\0${pkg}`);
        continue;
      }
      if (seen.size > MAX_TREE_FILES) return `too-many:${PROCESS_SALT}`;
      queue.push(next);
    }
  }
  return sha256(parts.sort().join('\n'));
}

