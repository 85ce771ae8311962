import path = require('node:path');
import { SmartCacheError } from '../../errors';
import { Store } from '../../store';
import { defaultCacheRoot } from '../../project';
import { refusalMessage } from '../../trust';
import { warnOnce } from '../../warn';

/** One `Store` per root folder per process, shared by every wrapper using that root. */
const stores = new Map<string, Store>();

/**
 * The working directory roots resolve against: the one of the process's first cached call. A
 * relative `SMARTCACHE_DIR` (or `dir`), and the default root found from the working directory,
 * stay where they were when the program later calls `process.chdir` (a second store appeared in
 * the new folder, and every function set up after the change missed).
 */
let baseCwd: string | undefined;

export function resolveRoot(dir: string | undefined): string {
  baseCwd ??= process.cwd();
  return dir === undefined ? defaultCacheRoot(process.env, baseCwd) : path.resolve(baseCwd, dir);
}

export function storeFor(root: string): Store {
  let store = stores.get(root);
  if (store === undefined) {
    store = Store.open(root);
    stores.set(root, store);
  }
  return store;
}

/** The error behind a refused root, naming folder, owner and fix. */
export function untrustedRootError(store: Store): SmartCacheError {
  const trust = store.trust;
  return new SmartCacheError('ERR_UNTRUSTED_ROOT', refusalMessage(trust), trust.folder === undefined ? {} : { file: trust.folder });
}

/**
 * The store of `root` when the cache may use it; undefined for a root that is not the user's own
 * and not declared shared (trust/folders.ts), after one warning per root per process (or a throw,
 * with `strict`). Then every cached function using it runs uncached.
 */
export function usableStore(root: string, strict: boolean): Store | undefined {
  const store = storeFor(root);
  if (store.trust.level !== 'refused') return store;
  const error = untrustedRootError(store);
  if (strict) throw error;
  warnOnce(`cache root ${store.root}`, 'not used, so cached functions run uncached', error, 'ERR_UNTRUSTED_ROOT');
  return undefined;
}
