/**
 * The team cache: a second tier behind the local store, on a Redis-protocol server (README,
 * "Team cache"). The cache layer loads this folder only when
 * SMARTCACHE_REMOTE is set, and the Redis client itself is loaded only by the worker thread
 * (worker.ts) and by the CLI commands that talk to the server (`openConnection`): the main thread
 * of a program never parses it.
 *
 *   config.ts      environment -> RemoteConfig, or one-line problems
 *   record.ts      signed record format (HMAC-SHA256), verified before anything decodes
 *   keys.ts        key names on the server (namespace, formats, key id)
 *   connection.ts  one client connection with per-request deadlines (worker and CLI)
 *   limits.ts      timeouts, transfer allowance, the plain-socket probe (no client needed)
 *   failures.ts    denied or not, and one safe line per failure
 *   shared.ts      state shared with the worker: the circuit breaker, sync-wait slots
 *   protocol.ts    messages between the bridge and the worker
 *   bridge.ts      main-thread side of the worker: blocking and async lookups, upload queue
 *   worker.ts      the worker thread
 *   tier.ts        what the call path uses: fetchSync / fetch / put / flush / counters
 *   warnings.ts    SmartCacheWarning, once per cause
 */
import { STORE_FORMAT_VERSION } from '../store';
import type { Connection, ConnectionHooks } from './connection';
import { isConfigProblem, readRemoteConfig, type RemoteConfig } from './config';
import { RemoteTier } from './tier';
import { remoteWarning } from './warnings';

export { RemoteTier, EXIT_FLUSH_MS, adoptEntry, zeroCounters } from './tier';
export type { Expect, RemoteCounters } from './tier';
export { readRemoteConfig, isConfigProblem, remoteRequested, redact, DEFAULT_TIMEOUT_MS, DEFAULT_MAX_BYTES } from './config';
export type { RemoteConfig, ConfigProblem, Endpoint } from './config';
export type { Connection, FetchOutcome, PutOutcome } from './connection';
export { namespacePattern } from './keys';

let tier: RemoteTier | undefined;
let opened = false;

/**
 * The process's remote tier, created on first use; undefined without SMARTCACHE_REMOTE, and
 * undefined (with one warning) when the configuration is incomplete or malformed.
 */
export function processTier(env: NodeJS.ProcessEnv = process.env): RemoteTier | undefined {
  if (opened) return tier;
  opened = true;
  const config = readRemoteConfig(env);
  if (config === undefined) return undefined;
  if (isConfigProblem(config)) {
    remoteWarning('ERR_REMOTE_CONFIG', `${config.message}; running without the team cache`);
    return undefined;
  }
  for (const advice of config.advice) remoteWarning('ERR_REMOTE_CONFIG', advice);
  tier = new RemoteTier(config);
  return tier;
}

/** A direct connection for the CLI (loads the Redis client into this thread). */
export function openConnection(config: RemoteConfig, hooks?: ConnectionHooks): Connection {
  const { Connection: ConnectionClass } = require('./connection') as typeof import('./connection');
  return new ConnectionClass(config, STORE_FORMAT_VERSION, hooks);
}

export { describeFailure as describeRemoteFailure, isDenied as isRemoteDenied } from './failures';
