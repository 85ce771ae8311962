/** What every store-reading command needs: the root it names, checked, and the store in it. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SmartCacheError } from '../errors';
import { defaultCacheRoot } from '../project';
import type { Store } from '../store';

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

/**
 * Opens the store of an existing root. A missing root is reported, never created: a typo in
 * `--dir` must not leave an empty cache folder behind, and "nothing cached yet" is worth saying.
 */
export function openExistingStore(options: DirOption): Store {
  const root = resolveRoot(options);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(root);
  } catch {
    throw usageError(`cache root ${root} does not exist (nothing cached there yet; use --dir to pick another)`);
  }
  if (!stat.isDirectory()) throw usageError(`cache root ${root} is not a directory`);
  return storeLibrary().Store.open(root);
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
export function openStoreForChanges(options: DirOption): Store {
  const store = openExistingStore(options);
  if (store.trust.level === 'refused') {
    const { refusalMessage } = require('../trust') as typeof import('../trust');
    throw usageError(`refusing to change ${store.root}: ${refusalMessage(store.trust)}`);
  }
  return store;
}

/** The `--dir` option every command takes. */
export const DIR_FLAG = '--dir <path>';
export const DIR_HELP = 'cache root (default: SMARTCACHE_DIR, else node_modules/.cache/smartcache of the nearest package.json, else ./.smartcache)';
