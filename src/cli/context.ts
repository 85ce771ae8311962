/** What every store-reading command needs: the root it names, checked, and the store in it. */
import fs = require('node:fs');
import path = require('node:path');
import { SmartCacheError } from '../errors';
import { defaultCacheRoot } from '../project';
import type { Store } from '../store';
import type { Output } from './output';

export interface DirOption {
  readonly dir?: string;
}

/** `--dir`, else the contract's default root (SMARTCACHE_DIR, nearest package, ./.smartcache). */
export function resolveRoot(options: DirOption): string {
  return options.dir === undefined ? defaultCacheRoot() : path.resolve(options.dir);
}

export function usageError(message: string): SmartCacheError {
  return new SmartCacheError('ERR_USAGE', message);
}

function errnoOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The root's state, read without creating anything. Only ENOENT/ENOTDIR mean "not there yet";
 * any other failure (EACCES, EIO, ELOOP...) is reported with its own code, never as missing.
 */
function rootState(root: string): 'missing' | 'present' {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(root);
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    throw new SmartCacheError('ERR_STORE_IO', `cannot read cache root ${root} (${code ?? (error instanceof Error ? error.message : String(error))})`, { cause: error, file: root });
  }
  if (!stat.isDirectory()) throw usageError(`cache root ${root} is not a directory`);
  return 'present';
}

function load(root: string): Store {
  return storeLibrary().Store.open(root);
}

/**
 * Opens the store of an existing root. A missing root is reported, never created: a typo in
 * `--dir` must not leave an empty cache folder behind, and "nothing cached yet" is worth saying.
 */
export function openExistingStore(options: DirOption): Store {
  const root = resolveRoot(options);
  if (rootState(root) === 'missing') throw usageError(`cache root ${root} does not exist (nothing cached there yet; use --dir to pick another)`);
  return load(root);
}

/**
 * The store of the root, or undefined when the root does not exist yet: a normal state (a first
 * CI run's `prune` step), so the command prints nothing on stdout (or `whenMissing` as JSON, for
 * scripts that parse it), says so in one line on stderr, and exits 0. Nothing is created.
 */
export function openStoreIfPresent(options: DirOption, out: Output, whenMissing?: object): Store | undefined {
  const root = resolveRoot(options);
  if (rootState(root) === 'present') return load(root);
  // The same one line on stderr either way (README); with --json, valid empty JSON on stdout too.
  if (whenMissing !== undefined) out.line(JSON.stringify({ root, ...whenMissing }, null, 2));
  out.warn(`smartcache: no cache at ${root} yet (nothing stored there)`);
  return undefined;
}

/** The store and its policies (inventory, prune), loaded on use: `--help` and bad input need not pay for the store and its codec. */
export function storeLibrary(): typeof import('../store') {
  return require('../store') as typeof import('../store');
}

/**
 * The store of an existing root for a command that deletes (`clear`, `prune`). Not in a root that
 * is not the user's own unless it is declared shared (SMARTCACHE_TRUST_SHARED_ROOT=1): whoever
 * else can write it could swap a folder for a link between the check and the unlink, and turn the
 * deletion against the user's own files.
 */
export function openStoreForChanges(options: DirOption, out: Output, whenMissing?: object): Store | undefined {
  const store = openStoreIfPresent(options, out, whenMissing);
  if (store === undefined) return undefined;
  if (store.trust.level === 'refused') {
    const { refusalMessage } = require('../trust') as typeof import('../trust');
    throw usageError(`refusing to change ${store.root}: ${refusalMessage(store.trust)}`);
  }
  return store;
}

/** The `--dir` option every command takes. */
export const DIR_FLAG = '--dir <path>';
export const DIR_HELP = 'cache root (default: SMARTCACHE_DIR, else node_modules/.cache/smartcache of the nearest package.json, else ./.smartcache)';
