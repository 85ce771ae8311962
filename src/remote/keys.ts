import { sha256 } from '../hash';
import { RECORD_VERSION } from './record';

/**
 * Names of the keys on the server, all under `smartcache:<namespace>:` so that one ACL key
 * pattern per namespace (`~smartcache:team:*`) grants or limits a user:
 *
 *   smartcache:<ns>:v<record>.<store>:<keyId>:e:<store key>     an entry record
 *   smartcache:<ns>:v<record>.<store>:<keyId>:f:<sha256>         set of the store keys of one
 *                                                                 (function name, fingerprint)
 *   smartcache:<ns>:v<record>.<store>:<keyId>:check               signed probe (`remote check`)
 *
 * The formats are in the name so a client never fetches a record it could not read. The key id
 * is in the name because entries are written once: after a key rotation, records signed with the
 * old secret could never be replaced under the same name, and would be misses forever.
 */
export const KEY_PREFIX = 'smartcache';

/** What, besides the namespace, selects a key space: the signing key and the store's format. */
export interface Space {
  readonly keyId: string;
  /** The store's STORE_FORMAT_VERSION (passed in: the worker does not load the store to learn it). */
  readonly storeFormat: number;
}

function base(namespace: string, space: Space): string {
  return `${KEY_PREFIX}:${namespace}:v${RECORD_VERSION}.${space.storeFormat}:${space.keyId}`;
}

export function entryKey(namespace: string, space: Space, key: string): string {
  return `${base(namespace, space)}:e:${key}`;
}

export function indexKey(namespace: string, space: Space, fn: string, fingerprint: string): string {
  return `${base(namespace, space)}:f:${sha256(`${fn}\u0000${fingerprint}`)}`;
}

export function checkKey(namespace: string, space: Space): string {
  return `${base(namespace, space)}:check`;
}

/** The pattern an ACL grants for one namespace. */
export function namespacePattern(namespace: string): string {
  return `${KEY_PREFIX}:${namespace}:*`;
}
