import * as path from 'node:path';
import { Store } from '../../store';
import { defaultCacheRoot } from '../../project';

/** One `Store` per root folder per process, shared by every wrapper using that root. */
const stores = new Map<string, Store>();

export function resolveRoot(dir: string | undefined): string {
  return dir === undefined ? defaultCacheRoot() : path.resolve(dir);
}

export function storeFor(root: string): Store {
  let store = stores.get(root);
  if (store === undefined) {
    store = Store.open(root);
    stores.set(root, store);
  }
  return store;
}
