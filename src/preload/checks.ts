/**
 * Setups where the preload is installed but cannot see the user's code, which would otherwise
 * leave every annotation silently ignored:
 * - a TypeScript loader registered after smartcache/register (`--import smartcache/register
 *   --import tsx`): hooks registered later run first, so our hook gets `.ts` files before the
 *   transpiler (unparsable) or, for `require`, not at all (the `.ts` extension did not exist yet
 *   when our require hook was installed);
 * - vitest: test files and the code they import run through Vite's module runner, which
 *   Node's module hooks never see (unless vitest 4.1+'s `experimental.viteModuleRunner: false`,
 *   or `server.deps.external` naming the code's folders, which vitest then imports natively);
 * - jest: modules run in vm contexts through jest's own registry and transformer, which Node's
 *   module hooks never see either.
 */
import path = require('node:path');
import { warnOnce } from '../warn';

/** Flags that load a module before the entry (NODE_OPTIONS first, each kind in turn). */
const PRELOAD_FLAGS = new Set(['--require', '-r', '--import', '--loader', '--experimental-loader']);

/** Loaders that transpile TypeScript (and JSX): smartcache must come after them. */
const TS_LOADER = /^(?:tsx|ts-node|@swc-node\/register|@swc\/register|esbuild-register|@esbuild-kit\/(?:cjs|esm)-loader|@babel\/register|jiti|sucrase)(?:\/[\w./-]*)?$/;

const OWN_ENTRIES = [path.join(__dirname, 'register.js'), path.join(__dirname, 'register.mjs')];

/** Splits NODE_OPTIONS as Node does for the common cases: spaces, with "double quoted" values. */
function splitOptions(text: string): string[] {
  return [...text.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? '')));
}

/** The modules preloaded by flags, in load order. */
export function preloadedModules(nodeOptions: string | undefined, execArgv: readonly string[]): string[] {
  const tokens = [...splitOptions(nodeOptions ?? ''), ...execArgv];
  // Node loads every `--require` before any `--import` or loader, wherever each flag stands
  // (`NODE_OPTIONS="--import smartcache/register" tsx app.ts` runs tsx's `--require` first).
  const required: string[] = [];
  const imported: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? '';
    const eq = token.indexOf('=');
    const flag = eq === -1 ? token : token.slice(0, eq);
    if (!PRELOAD_FLAGS.has(flag)) continue;
    const value = eq === -1 ? tokens[++i] : token.slice(eq + 1);
    if (value !== undefined && value !== '') (flag === '--require' || flag === '-r' ? required : imported).push(value);
  }
  return [...required, ...imported];
}

function isOwn(specifier: string): boolean {
  if (/^smartcache\/register(?:\.m?js)?$/.test(specifier)) return true;
  const file = specifier.startsWith('file:') ? new URL(specifier).pathname : path.resolve(specifier);
  return OWN_ENTRIES.includes(file);
}

/** The package name of a preload given as a path into node_modules, else the specifier itself. */
function packageOf(specifier: string): string {
  const m = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)(?:[\\/](.*))?$/.exec(specifier);
  if (m === null) return specifier;
  return (m[1] ?? '').replace(/\\/g, '/');
}

/** The TypeScript loader preloaded after smartcache/register, if any. */
export function loaderAfterUs(modules: readonly string[]): string | undefined {
  const ours = modules.findIndex(isOwn);
  if (ours === -1) return undefined;
  return modules.slice(ours + 1).find((m) => TS_LOADER.test(packageOf(m)));
}

/** Marks the vitest warning as given, for the worker processes and threads this one starts. */
const VITEST_TOLD = '__SMARTCACHE_VITEST_WARNED';
/** The same for jest. */
const JEST_TOLD = '__SMARTCACHE_JEST_WARNED';

function underJest(env: Readonly<Record<string, string | undefined>>, argv: readonly string[]): boolean {
  if (env['JEST_WORKER_ID'] !== undefined) return true;
  return /[\\/](?:\.bin[\\/]jest|jest(?:-cli)?[\\/]bin[\\/]jest(?:\.js)?)$/.test(argv[1] ?? '');
}

function underVitest(env: Readonly<Record<string, string | undefined>>, argv: readonly string[]): boolean {
  if (env['VITEST'] !== undefined || env['VITEST_WORKER_ID'] !== undefined || env['VITEST_POOL_ID'] !== undefined) return true;
  return /[\\/]vitest(?:[\\/](?:vitest\.mjs|dist[\\/]cli\.js))?$/.test(argv[1] ?? '');
}

/**
 * tsx's own command (`tsx app.ts`, `NODE_OPTIONS="--import smartcache/register" tsx …`) runs
 * node with `--require tsx/dist/preflight.cjs … --import tsx/dist/loader.mjs`: its require
 * hooks are in place before any `--import`, so a CommonJS program's TypeScript reaches ours
 * transformed; only its ES module hooks come after ours.
 */
function onlyEsmHooksAfterUs(loader: string): boolean {
  return /(?:^|[\\/])tsx[\\/]dist[\\/]loader\.mjs$/.test(loader.startsWith('file:') ? new URL(loader).pathname : loader);
}

/** Warns about setups where annotations would be silently ignored; never throws. `esmEntry`: whether the program's entry is an ES module (asked only when it matters). */
export function checkPreloadSetup(esmEntry: () => boolean = () => false): void {
  try {
    // The setup is the process's: told by its main thread. Node 20's module-hooks thread loads
    // the preloads too, and its warnings reach the same stderr (the tsx order was said twice).
    if (!(require('node:worker_threads') as typeof import('node:worker_threads')).isMainThread) return;
    const loader = loaderAfterUs(preloadedModules(process.env['NODE_OPTIONS'], process.execArgv));
    if (loader !== undefined && !(onlyEsmHooksAfterUs(loader) && !esmEntry())) {
      warnOnce(
        'smartcache/register',
        `it is loaded before ${loader}, so TypeScript files reach it untransformed or not at all and their annotations are ignored; ` +
          `load ${loader} first (node --import tsx --import smartcache/register app.ts, or -r ts-node/register -r smartcache/register)`,
        undefined,
        'SMARTCACHE_PRELOAD',
      );
    }
    if (underVitest(process.env, process.argv) && process.env[VITEST_TOLD] === undefined) {
      process.env[VITEST_TOLD] = '1';
      warnOnce(
        'smartcache/register',
        'under vitest, test files and the code they import run through Vite\'s module runner, which Node\'s module hooks do not see: ' +
          '@cache annotations there are not applied (unless server.deps.external names the folders of that code, or vitest 4.1+ runs with experimental.viteModuleRunner: false). Use cache() or @cached() in such code',
        undefined,
        'SMARTCACHE_PRELOAD',
      );
    }
    if (underJest(process.env, process.argv) && process.env[JEST_TOLD] === undefined) {
      process.env[JEST_TOLD] = '1';
      warnOnce(
        'smartcache/register',
        "under jest, test files and the code they import run in jest's own module registry, which Node's module hooks do not see: " +
          '@cache annotations there are not applied. Use cache() or @cached() in such code',
        undefined,
        'SMARTCACHE_PRELOAD',
      );
    }
  } catch {
    // A check, not a duty: the preload goes on.
  }
}
