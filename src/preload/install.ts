/**
 * What `smartcache/register` does, for `--require` and `--import` alike: put the runtime on its
 * global, turn on compiled-code caching, hook `require` (pirates) and, where it can be done cheaply
 * or was asked for with `--import`, hook ESM loading. Each part is installed once per thread even
 * when both flags (or NODE_OPTIONS plus a flag) name the preload.
 */
import fs = require('node:fs');
import Module = require('node:module');
import path = require('node:path');
import { pathToFileURL } from 'node:url';
import { nearestPackageFolder } from '../project';
import { notePreloadMarker } from '../registry';
import { isSwitchedOff } from '../switch';
import { warnOnce } from '../warn';
import { checkPreloadSetup } from './checks';
import { installRequireHook } from './cjs-hook';
import { isOwnFile } from './filter';
import { enableCompileCache } from './compile-cache';
import type { LoadResult } from './esm-load';
import { installRuntime } from './runtime';
import { installFsHooks } from '../tracking';
import { recordCompiledSources } from '../compiled-sources';

export type PreloadMode = 'require' | 'import';

interface InstallState {
  cjs: boolean;
  esm: boolean;
}

type SyncLoad = (url: string, context: object, nextLoad: (url: string, context?: object) => LoadResult) => LoadResult;
interface ModuleHooksApi {
  registerHooks?: (hooks: { load: SyncLoad }) => unknown;
  register?: (specifier: string, parentURL: string | URL) => void;
}

const STATE = Symbol.for('smartcache.preload.installed');

function state(): InstallState {
  const g = globalThis as Record<symbol, InstallState | undefined>;
  return (g[STATE] ??= { cjs: false, esm: false });
}

/** Set by a main thread that started the ESM hooks, read by its worker threads (Node copies it to each). */
const ESM_PROGRAM = 'smartcache.esmProgram';

function isModulePackage(dir: string): boolean {
  // Node's rule: the nearest package.json decides, one that holds only `type` included.
  const root = nearestPackageFolder(path.resolve(dir));
  if (root === undefined) return false;
  try {
    return (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { type?: unknown }).type === 'module';
  } catch {
    return false;
  }
}

/**
 * The file Node runs for the entry as given: `node .` and `node server` name a folder (its
 * package.json `main`, else `index.js`) or a file without its extension, as `require` resolves
 * them; a name with a script extension is taken as it is.
 */
function entryFile(given: string): string {
  if (/\.[cm]?[jt]sx?$/.test(given)) return given;
  try {
    return require.resolve(path.resolve(given));
  } catch {
    return given;
  }
}

/**
 * The entry script is ESM: `.mjs`/`.mts`, or `.js`/`.ts` in a `"type": "module"` package. A
 * worker thread without an entry in `process.argv` (an `eval` worker) follows its program: the
 * main thread's verdict, passed as environment data.
 */
function entryIsModule(): boolean {
  const given = process.argv[1];
  if (given === undefined || given === '') {
    const threads = require('node:worker_threads') as typeof import('node:worker_threads');
    if (threads.isMainThread) return false;
    return threads.getEnvironmentData(ESM_PROGRAM) === true;
  }
  const main = entryFile(given);
  if (/\.m[jt]s$/.test(main)) return true;
  // A `.cts` entry under a TypeScript loader's ESM hooks (`--import tsx`) is loaded by Node's ESM
  // side, which hands CommonJS source to its own loader, past `require.extensions`.
  if (main.endsWith('.cts')) return true;
  if (!/\.[jt]sx?$/.test(main)) return false;
  return isModulePackage(path.dirname(main));
}

/**
 * Feature detection, not version checks: `registerHooks` (Node 22.15+/23.5+) runs in-thread and
 * also sees `require`, so it is preferred. `register` (Node 20.6+) spawns a hooks thread: about
 * 25-30 ms of start-up and ~90 ms of CPU on Node 20 (bench/rerun.js), so it is started only when
 * the entry script is ESM, under `--import` as under `--require`. A CommonJS entry's own files go
 * through the require hook; an ES module it reaches only through `import()` is then not rewritten:
 * its annotated functions run uncached (never stale; README, "ES modules").
 */
function installEsmHooks(): boolean {
  const api = Module as unknown as ModuleHooksApi;
  if (typeof api.registerHooks === 'function') {
    const { rewriteLoaded } = require('./esm-load') as typeof import('./esm-load');
    api.registerHooks({ load: (url, context, nextLoad) => rewriteLoaded(url, nextLoad(url, context)) });
    return true;
  }
  // smartcache's own CLI children (`explain --live`, `pull`) load the user's ES modules through
  // `import()`: they need the hooks whatever their own module system.
  const main = process.argv[1];
  if ((entryIsModule() || (main !== undefined && isOwnFile(main))) && typeof api.register === 'function') {
    api.register('./esm-hooks.mjs', pathToFileURL(__filename));
    // Its worker threads start without an entry of their own to judge by.
    (require('node:worker_threads') as typeof import('node:worker_threads')).setEnvironmentData(ESM_PROGRAM, true);
    return true;
  }
  return false;
}

/** `mode` says which flag loaded us; both install the same hooks (the ESM hooks follow the entry script). */
/** Flags that run code before the program: preloads, loaders, and snapshots (which restore the program's own code first). */
const EARLY_CODE = /^(?:-r|--require|--import|--loader|--experimental-loader)(?:=.*)?$|^-r.|^--snapshot-blob|^--build-snapshot/;

/**
 * True when smartcache's preload is the only code the command line or NODE_OPTIONS runs before
 * the program (one preload flag, no loader, no snapshot): then only Node compiled scripts before
 * its entry file. Unsure (a flag it cannot read) is false.
 */
function onlyPreload(): boolean {
  const words = [...process.execArgv, ...(process.env['NODE_OPTIONS'] ?? '').split(/\s+/).filter((w) => w !== '')];
  return words.filter((w) => EARLY_CODE.test(w)).length === 1;
}

export function installPreload(mode: PreloadMode, marker?: Function): void {
  void mode;
  // SMARTCACHE=off: annotated functions run exactly as written; nothing is rewritten, read or stored.
  if (isSwitchedOff(process.env['SMARTCACHE'])) return;
  if (marker !== undefined && onlyPreload()) notePreloadMarker(marker);
  const s = state();
  try {
    installRuntime();
    // Before any user module copies `readFileSync` out of node:fs: file reads of annotated
    // functions are recorded whichever way the code reaches them (src/inputs).
    installFsHooks('preload');
    recordCompiledSources();
    if (!s.cjs) {
      enableCompileCache();
      installRequireHook();
      s.cjs = true;
    }
    if (!s.esm) s.esm = installEsmHooks();
    checkPreloadSetup(entryIsModule);
  } catch (error) {
    warnOnce('smartcache/register', 'could not install its module hooks; annotated functions run uncached', error, 'SMARTCACHE_PRELOAD');
  }
}
