/**
 * Which npm package a file belongs to, as `name@version`: code in node_modules counts by its
 * package's identity, not by its source (the contract's "packages count by name and version").
 */
import fs = require('node:fs');
import path = require('node:path');
import { sha256 } from '../../hash';

const byDir = new Map<string, string | null>();

/** smartcache's own package folder: its code is a package even when run from a checkout. */
export const OWN_PACKAGE_ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * smartcache's in-process runtime bundled into two files, the preload and the cache layer
 * (`scripts/postbuild.js`, loaded by src/runtime-loader.ts).
 */
const OWN_BUNDLE_FILES: ReadonlySet<string> = new Set(['runtime.js', 'runtime-preload.js'].map((file) => path.join(OWN_PACKAGE_ROOT, 'dist', file)));

/** Whether `file` is one of smartcache's runtime bundles. */
export function isOwnBundleFile(file: string | undefined): boolean {
  return file !== undefined && OWN_BUNDLE_FILES.has(file);
}

/**
 * The binding scripts/postbuild.js declares at the top of each module's body in the bundle (read
 * by an inner function, so it lives in the body's context and shows in every scope chain through
 * it): the scope holding it is that module's own scope.
 */
export const BUNDLED_MODULE_MARKER = '__smartcacheModule';

/** A package.json's identity, `name@version` (`name@0.0.0`, `versioned: false`, when it names no version); undefined without a name; null when unreadable as JSON. */
function readIdentity(dir: string): { readonly identity: string; readonly versioned: boolean } | null | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, 'package.json'), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const json = JSON.parse(text) as { name?: unknown; version?: unknown };
    // A package.json without a name only sets "type" for a subfolder: keep looking upward.
    if (typeof json.name !== 'string') return undefined;
    const versioned = typeof json.version === 'string';
    return { identity: `${json.name}@${versioned ? (json.version as string) : '0.0.0'}`, versioned };
  } catch {
    return null;
  }
}

/**
 * `name@version` of the package holding `file`, looking upward; undefined when none. A
 * package.json that names no version is a package's entry point for a subpath
 * (`@apollo/client/core/package.json`: `{"name":"@apollo/client/core","main":"core.cjs"}`), not
 * the package: the versioned one above it is, so an upgrade of the package changes the identity
 * (as `sub@0.0.0` it never did: a stale hit). Only when none lies above is it taken as it is.
 */
export function packageIdentity(file: string): string | undefined {
  let dir = path.dirname(file);
  const visited: string[] = [];
  let found: string | null = null;
  let unversioned: { readonly identity: string; readonly dir: string } | undefined;
  for (;;) {
    const cached = byDir.get(dir);
    if (cached !== undefined) {
      found = cached;
      break;
    }
    visited.push(dir);
    const read = readIdentity(dir);
    if (read === null) break;
    if (read !== undefined && read.versioned) {
      found = read.identity;
      noteDir(read.identity, dir);
      break;
    }
    if (read !== undefined) unversioned ??= { identity: read.identity, dir };
    const parent = path.dirname(dir);
    if (parent === dir || path.basename(dir) === 'node_modules') break;
    dir = parent;
  }
  if (found === null && unversioned !== undefined) {
    found = unversioned.identity;
    noteDir(found, unversioned.dir);
  }
  for (const d of visited) byDir.set(d, found);
  return found ?? undefined;
}

/** Per package identity, the folders it was found in (one `name@version` may be installed twice). */
const dirsOf = new Map<string, Set<string>>();
const ownOf = new Map<string, string>();

function noteDir(identity: string, dir: string): void {
  let dirs = dirsOf.get(identity);
  if (dirs === undefined) dirsOf.set(identity, (dirs = new Set()));
  dirs.add(dir);
  ownOf.delete(identity);
}

interface Manifest {
  readonly identity: string;
  readonly deps: readonly string[];
}

const manifests = new Map<string, Manifest | undefined>();

/** Read once per folder and process (several packages share most of their dependencies). */
function readManifest(dir: string): Manifest | undefined {
  if (manifests.has(dir)) return manifests.get(dir);
  const manifest = parseManifest(dir);
  manifests.set(dir, manifest);
  return manifest;
}

function parseManifest(dir: string): Manifest | undefined {
  try {
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    const names = new Set<string>();
    // What the package may load at run time; devDependencies are not installed for its users.
    for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies']) {
      const deps = json[field];
      if (typeof deps === 'object' && deps !== null) for (const name of Object.keys(deps)) names.add(name);
    }
    const name = typeof json.name === 'string' ? json.name : '?';
    return { identity: `${name}@${typeof json.version === 'string' ? json.version : '0.0.0'}`, deps: [...names].sort() };
  } catch {
    return undefined;
  }
}

/** The names in a folder (null: none, or not a folder), listed once per process. */
const listings = new Map<string, ReadonlySet<string> | null>();

function namesIn(dir: string): ReadonlySet<string> | null {
  let names = listings.get(dir);
  if (names === undefined) {
    try {
      names = new Set(fs.readdirSync(dir));
    } catch {
      names = null;
    }
    listings.set(dir, names);
  }
  return names;
}

/**
 * Where `name` resolves from package folder `dir`: Node's node_modules lookup, upward, on the
 * listings of the node_modules folders met (one readdir each per process, not a stat per try).
 */
function dependencyDir(dir: string, name: string): string | undefined {
  const slash = name.indexOf('/');
  for (let d = dir; ; ) {
    const modules = path.join(d, 'node_modules');
    const top = namesIn(modules);
    if (top !== null) {
      if (slash < 0 ? top.has(name) : top.has(name.slice(0, slash)) && namesIn(path.join(modules, name.slice(0, slash)))?.has(name.slice(slash + 1)) === true) {
        return path.join(modules, name);
      }
    }
    const parent = path.dirname(d);
    if (parent === d) return undefined;
    d = parent;
  }
}

/** Packages one dependency closure may list before it gives up (then it counts as unknown). */
const MAX_CLOSURE = 3000;
/** Unknown: differs in every process, so nothing is reused (never `Math.random`: it is watched in calls). */
const UNKNOWN_CLOSURE = `unknown:${String(process.pid)}:${String(process.hrtime.bigint())}`;

/**
 * `name@version` of every package `dir`'s package may load, transitively (its dependencies, theirs…),
 * sorted; a dependency not installed as `name@-`. A package counts by its version *and* these: an
 * upgrade of a dependency of a dependency (`npm update`, a lockfile change) changes what its code
 * does as surely as a bump of its own version.
 */
function dependencyClosure(dir: string): string {
  const seen = new Set<string>([dir]);
  const queue = [dir];
  const out = new Set<string>();
  while (queue.length > 0) {
    const at = queue.shift() as string;
    const manifest = readManifest(at);
    if (manifest === undefined) continue;
    for (const name of manifest.deps) {
      const found = dependencyDir(at, name);
      if (found === undefined) {
        out.add(`${name}@-`);
        continue;
      }
      if (seen.has(found)) continue;
      if (seen.size >= MAX_CLOSURE) return UNKNOWN_CLOSURE;
      seen.add(found);
      out.add(readManifest(found)?.identity ?? `${name}@?`);
      queue.push(found);
    }
  }
  return [...out].sort().join(',');
}

/**
 * The folders that hold a project's patches of its installed packages: patch-package and pnpm
 * (`pnpm patch-commit`) write `patches/`, yarn `.yarn/patches/`. Such a patch edits a package's
 * code without changing its version.
 */
const PATCH_FOLDERS = ['patches', path.join('.yarn', 'patches')];

/** The project folder of an installed package: the one above the outermost node_modules of its path. */
function installingProject(dir: string): string | undefined {
  const at = dir.split(path.sep).indexOf('node_modules');
  return at <= 0 ? undefined : dir.split(path.sep).slice(0, at).join(path.sep) || path.sep;
}

/**
 * Whether a patch file's name names package `name`: patch-package `name+1.0.0.patch` and
 * `@scope+name+…` (a nested install: `parent++name+…`), pnpm `name@1.0.0.patch` and
 * `@scope__name@…`, yarn `name-npm-1.0.0-….patch` and `@scope-name-npm-…`. A near miss (a package
 * whose name continues this one's with a `-`) only costs a recompute when its patch changes.
 */
function patchNames(file: string, name: string): boolean {
  const spellings = name.startsWith('@') ? [name.replace('/', '+'), name.replace('/', '__'), name.replace('/', '-')] : [name];
  return spellings.some((spelled) => {
    for (let at = file.indexOf(spelled); at >= 0; at = file.indexOf(spelled, at + 1)) {
      const before = at === 0 || file[at - 1] === '+';
      const after = file[at + spelled.length];
      // `.`: pnpm 10 names a patch of every version `name.patch`.
      if (before && (after === '+' || after === '@' || after === '-' || after === '.')) return true;
    }
    return false;
  });
}

/**
 * The patches a project keeps for package `identity` found in `dirs`: `name:sha256` of each file
 * of a patch folder whose name names the package, sorted; '' when none (one listing per folder and
 * process, usually of a folder that does not exist). A patch applied at install time changes the
 * package's code under the same version; counting its text makes an edited patch a recompute once
 * it is applied. Code edited by hand inside node_modules is still not seen (README, Limits).
 */
function patchesOf(identity: string, dirs: Iterable<string>): string {
  const name = identity.slice(0, identity.lastIndexOf('@'));
  const found = new Set<string>();
  for (const dir of dirs) {
    const project = installingProject(dir);
    if (project === undefined) continue;
    for (const file of declaredPatches(project, name)) {
      try {
        found.add(`${file}:${sha256(fs.readFileSync(path.resolve(project, file), 'utf8'))}`);
      } catch {
        found.add(`${file}:unreadable`);
      }
    }
    for (const folder of PATCH_FOLDERS) {
      const where = path.join(project, folder);
      for (const file of namesIn(where) ?? []) {
        if (!patchNames(file, name)) continue;
        try {
          found.add(`${file}:${sha256(fs.readFileSync(path.join(where, file), 'utf8'))}`);
        } catch {
          found.add(`${file}:unreadable`);
        }
      }
    }
  }
  return [...found].sort().join(',');
}

/** Per project folder, pnpm's declared patches: [package name, patch file] pairs. */
const declared = new Map<string, ReadonlyArray<readonly [string, string]>>();

/** The package name of a `patchedDependencies` key: `name`, `name@1.0.0`, `@scope/name@^1`. */
function keyName(key: string): string {
  const at = key.lastIndexOf('@');
  return at > 0 ? key.slice(0, at) : key;
}

/**
 * The patch files pnpm declares for package `name` in `project`: `pnpm.patchedDependencies` in
 * package.json, `patchedDependencies` in pnpm-workspace.yaml (read line by line: a map of one
 * level, `key: path`). Such a file may have any name (`patches/fix-1.patch`).
 */
function declaredPatches(project: string, name: string): string[] {
  let pairs = declared.get(project);
  if (pairs === undefined) {
    const list: Array<readonly [string, string]> = [];
    try {
      const json = JSON.parse(fs.readFileSync(path.join(project, 'package.json'), 'utf8')) as { pnpm?: { patchedDependencies?: unknown } };
      const map = json.pnpm?.patchedDependencies;
      if (typeof map === 'object' && map !== null) for (const [k, v] of Object.entries(map)) if (typeof v === 'string') list.push([keyName(k), v]);
    } catch {
      // No package.json patches.
    }
    try {
      const lines = fs.readFileSync(path.join(project, 'pnpm-workspace.yaml'), 'utf8').split(/\r?\n/);
      const start = lines.findIndex((l) => /^patchedDependencies:\s*(#.*)?$/.test(l));
      for (let i = start < 0 ? lines.length : start + 1; i < lines.length; i++) {
        const line = lines[i] as string;
        if (/^\S/.test(line)) break;
        const m = /^\s+(['"]?)(.+?)\1\s*:\s*(['"]?)(.+?)\3\s*(#.*)?$/.exec(line);
        if (m !== null) list.push([keyName(m[2] as string), m[4] as string]);
      }
    } catch {
      // No workspace file.
    }
    pairs = list;
    declared.set(project, pairs);
  }
  return pairs.filter(([n]) => n === name).map(([, file]) => file);
}

/**
 * What a package counts as in a fingerprint: `package:name@version`, with the dependency closure
 * of every folder it was found in (see `dependencyClosure`) and the project's patches of it (see
 * `patchesOf`). Once per identity and process.
 */
export function packageOwn(identity: string): string {
  let own = ownOf.get(identity);
  if (own === undefined) {
    const dirs = dirsOf.get(identity) ?? [];
    const closures = [...dirs].map(dependencyClosure).sort();
    own = closures.every((c) => c === '') ? `package:${identity}` : `package:${identity}+deps:${sha256(closures.join('\n'))}`;
    const patches = patchesOf(identity, dirs);
    if (patches !== '') own += `+patches:${sha256(patches)}`;
    ownOf.set(identity, own);
  }
  return own;
}

let countByVersion = true;

/**
 * `'version'` (default): code in node_modules counts as `name@version`. `'source'`: it is walked
 * like project code (slower; catches patched packages and `npm link` setups without a bump).
 */
export function setPackagePolicy(policy: 'version' | 'source'): void {
  countByVersion = policy === 'version';
}

const installed = new Map<string, boolean>();

function inNodeModules(file: string): boolean {
  return file.split(path.sep).includes('node_modules');
}

/**
 * pnpm's store folder of a dependency installed from a local folder (`"mylib": "file:../mylib"`):
 * `node_modules/.pnpm/mylib@file+..+mylib/node_modules/mylib`, hard links to the user's own files,
 * edited without version bumps. (A `link:` dependency is a symbolic link, seen by its realpath.)
 */
function pnpmLocalCopy(file: string): boolean {
  const parts = file.split(path.sep);
  const store = parts.indexOf('.pnpm');
  const folder = store < 0 ? undefined : parts[store + 1];
  return store > 0 && parts[store - 1] === 'node_modules' && folder !== undefined && /@file\+/.test(folder);
}

/**
 * True for files npm installed (under a node_modules folder) and for smartcache itself. A path
 * under node_modules that is a link to a file outside any (a workspace package, `npm link`,
 * seen as such under `--preserve-symlinks`, where Node keeps the link's path) or pnpm's copy of a
 * local folder dependency (`file:../lib`) is the user's own code, edited without version bumps:
 * it is walked like the project's. (Yarn's copies of such folders cannot be told apart: README.)
 */
export function isPackageFile(file: string): boolean {
  if (file.startsWith(OWN_PACKAGE_ROOT + path.sep + 'dist' + path.sep)) return true;
  if (!countByVersion || !inNodeModules(file)) return false;
  let known = installed.get(file);
  if (known === undefined) {
    try {
      const real = fs.realpathSync(file);
      known = inNodeModules(real) && !pnpmLocalCopy(real);
    } catch {
      known = true; // not a file on disk (a bundled or virtual module): as before, by its package
    }
    installed.set(file, known);
  }
  return known;
}
