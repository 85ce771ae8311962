/**
 * The team cache commands: `smartcache push` (upload local entries of current fingerprints),
 * `smartcache pull <file>[#name]` (download the entries of a file's cached functions) and
 * `smartcache remote check` (configuration, connection, signing key, permissions). The remote
 * module, and with it the Redis client, is loaded only when one of these runs.
 */
import type { Command } from 'commander';
import fs = require('node:fs');
import { SmartCacheError } from '../errors';
import type { Connection, RemoteConfig } from '../remote';
import type { Store } from '../store';
import { formatBytes } from '../units';
import { DIR_FLAG, DIR_HELP, resolveRoot, storeLibrary, usageError, type DirOption } from './context';
import { checkFile, parseTarget } from './explain';
import { runExplainChild } from './explain-run';
import type { Output } from './output';

type RemoteModule = typeof import('../remote');

function remoteModule(): RemoteModule {
  return require('../remote') as RemoteModule;
}

/** The configuration, or a one-line usage error naming the variable at fault. */
function configOrThrow(remote: RemoteModule): RemoteConfig {
  const config = remote.readRemoteConfig(process.env);
  if (config === undefined) throw usageError('SMARTCACHE_REMOTE is not set: no team cache is configured (e.g. SMARTCACHE_REMOTE=redis://host:6379)');
  if (remote.isConfigProblem(config)) throw usageError(config.message);
  for (const advice of config.advice) process.stderr.write(`warning: ${advice}\n`);
  return config;
}

function who(config: RemoteConfig): string {
  return config.username === undefined ? 'the default user' : `user ${JSON.stringify(config.username)}`;
}

/** A failure talking to the server as one line: denied, or unreachable. */
function failure(remote: RemoteModule, config: RemoteConfig, error: unknown, doing: string): SmartCacheError {
  const detail = remote.describeRemoteFailure(error, config);
  if (remote.isRemoteDenied(error)) return new SmartCacheError('ERR_REMOTE_DENIED', `${config.shown} refused ${who(config)} to ${doing} (${detail})`);
  return new SmartCacheError('ERR_REMOTE_UNAVAILABLE', `cannot ${doing} at ${config.shown}: ${detail}`);
}

async function withConnection<T>(remote: RemoteModule, config: RemoteConfig, run: (c: Connection) => Promise<T>): Promise<T> {
  const connection = remote.openConnection(config);
  try {
    return await run(connection);
  } finally {
    connection.destroy();
  }
}

/** The store of the root, or undefined when the root does not exist yet (nothing cached). */
function existingStore(options: DirOption): { root: string; store: Store | undefined } {
  const root = resolveRoot(options);
  if (!fs.existsSync(root)) return { root, store: undefined };
  if (!fs.statSync(root).isDirectory()) throw usageError(`cache root ${root} is not a directory`);
  const { Store: StoreClass } = require('../store') as typeof import('../store');
  return { root, store: StoreClass.open(root) };
}

// ---------------------------------------------------------------------------------------------
// remote check

async function runCheck(options: DirOption, out: Output): Promise<void> {
  const remote = remoteModule();
  const config = configOrThrow(remote);
  out.line(`local root: ${resolveRoot(options)}`);
  const tls = config.endpoint.kind === 'tcp' && config.endpoint.tls ? 'TLS' : 'no TLS';
  out.line(`team cache: ${config.shown} (${tls}, ${who(config)})`);
  await withConnection(remote, config, async (c) => {
    let ms: number;
    try {
      ms = await c.ping();
    } catch (error) {
      throw failure(remote, config, error, 'connect');
    }
    out.line(`server: answers in ${ms < 1 ? ms.toFixed(2) : ms.toFixed(1)} ms`);
    try {
      await c.probeRead();
    } catch (error) {
      throw failure(remote, config, error, `read ${config.read.map((ns) => `smartcache:${ns}:*`).join(', ')}`);
    }
    if (config.write) {
      try {
        await c.writeCheck();
      } catch (error) {
        throw failure(remote, config, error, `write smartcache:${config.namespace}:* (SMARTCACHE_REMOTE_WRITE=1)`);
      }
    }
    const checks = await c.readChecks().catch((error: unknown) => {
      throw failure(remote, config, error, 'read');
    });
    const parts = checks.map((r) => `namespace ${r.namespace}: ${r.state === 'verified' ? 'verified' : r.state === 'absent' ? 'nothing signed with this key id yet' : r.state}`);
    out.line(`signing key: id ${config.keyId}; ${parts.join('; ')}`);
    const bad = checks.find((r) => r.state !== 'verified' && r.state !== 'absent');
    if (bad !== undefined) {
      throw new SmartCacheError('ERR_REMOTE_SIGNATURE', `namespace ${bad.namespace} holds a check record under key id ${config.keyId} that does not verify with SMARTCACHE_REMOTE_KEY (${bad.state}): readers and writers must share the secret`);
    }
    const reads = `reads ${config.read.join(', ')}`;
    out.line(config.write ? `may: read and write (writes ${config.namespace}; ${reads})` : `may: read (${reads}; set SMARTCACHE_REMOTE_WRITE=1 to upload)`);
  });
}

// ---------------------------------------------------------------------------------------------
// push

interface PushTally {
  pushed: number;
  bytes: number;
  present: number;
  tooLarge: number;
  stale: number;
  /** Entries of functions that say `remote: false`. */
  local: number;
}

async function runPush(options: DirOption, out: Output): Promise<void> {
  const remote = remoteModule();
  const config = configOrThrow(remote);
  if (!config.write) throw usageError('push uploads, and this client is read-only: set SMARTCACHE_REMOTE_WRITE=1 (on a trusted machine, e.g. protected-branch CI)');
  const { root, store } = existingStore(options);
  if (store === undefined) {
    out.line(`nothing to push: no cache at ${root}`);
    return;
  }
  // Every current fingerprint of a name, not only its newest: closures of one factory share a
  // name, each with its own fingerprint (store/prune.ts, currentVersions).
  const current = new Map<string, { readonly test: (fingerprint: string) => boolean | undefined; readonly local: ReadonlySet<string> }>();
  const versions = (fn: string): { readonly test: (fingerprint: string) => boolean | undefined; readonly local: ReadonlySet<string> } => {
    let known = current.get(fn);
    if (known === undefined) {
      const records = store.readFunctionRecords(fn);
      known = { test: storeLibrary().currentVersions(records), local: new Set(records.filter((r) => r.local === true).map((r) => r.fingerprint)) };
      current.set(fn, known);
    }
    return known;
  };
  const tally: PushTally = { pushed: 0, bytes: 0, present: 0, tooLarge: 0, stale: 0, local: 0 };
  const now = Date.now();
  await withConnection(remote, config, async (c) => {
    for (const entry of store.entries()) {
      const { fn, fingerprint, expires } = entry.meta;
      const known = versions(fn);
      if (known.test(fingerprint) !== true || (expires !== undefined && expires <= now)) {
        tally.stale++;
        continue;
      }
      // A run of this code said `remote: false`: its results never leave the machine.
      if (known.local.has(fingerprint)) {
        tally.local++;
        continue;
      }
      const bytes = store.readBytes(entry.key, config.maxBytes);
      if (bytes === undefined) continue;
      if (!Buffer.isBuffer(bytes)) {
        tally.tooLarge++;
        continue;
      }
      let outcome: string;
      try {
        outcome = await c.put(entry.key, bytes, expires, fn, fingerprint);
      } catch (error) {
        throw failure(remote, config, error, `write smartcache:${config.namespace}:*`);
      }
      if (outcome === 'stored') {
        tally.pushed++;
        tally.bytes += bytes.length;
      } else {
        tally.present++;
      }
    }
  });
  out.line(
    `pushed ${tally.pushed} ${tally.pushed === 1 ? 'entry' : 'entries'} (${formatBytes(tally.bytes)}) to ${config.shown}, namespace ${config.namespace}; ` +
      `${tally.present} already there, ${tally.tooLarge} over the size cap, ${tally.stale} of old fingerprints or expired skipped` +
      (tally.local === 0 ? '' : `, ${tally.local} of remote: false functions kept local`),
  );
}

// ---------------------------------------------------------------------------------------------
// pull

async function runPull(spec: string, options: DirOption, out: Output): Promise<void> {
  const remote = remoteModule();
  const config = configOrThrow(remote);
  const target = parseTarget(spec);
  const file = checkFile(target.file);
  // Loading the file (in a child, as `explain --live`) tells the current fingerprints.
  const result = runExplainChild(file, target.name, (line) => out.warn(line));
  if (!result.ok) throw new SmartCacheError('ERR_USAGE', result.error);
  if (result.functions.length === 0) {
    const names = result.available.map((f) => f.name).join(', ');
    throw usageError(target.name === undefined ? `${target.file} defines no cached function` : `${target.file} has no cached function ${target.name}${names === '' ? '' : ` (it has: ${names})`}`);
  }
  const { Store: StoreClass } = require('../store') as typeof import('../store');
  const store = StoreClass.open(resolveRoot(options));
  const tally = { pulled: 0, bytes: 0, local: 0, refused: 0, missing: 0, kept: [] as string[] };
  await withConnection(remote, config, async (c) => {
    for (const fn of result.functions) {
      // `remote: false`: its results are this machine's alone, never looked up remotely.
      if (fn.local === true) {
        tally.kept.push(fn.name);
        continue;
      }
      let keys: string[];
      try {
        keys = await c.members(fn.name, fn.fingerprint);
      } catch (error) {
        throw failure(remote, config, error, 'read');
      }
      for (const key of keys) {
        if (store.has(key)) {
          tally.local++;
          continue;
        }
        let fetched;
        try {
          fetched = await c.fetch(key);
        } catch (error) {
          throw failure(remote, config, error, 'read');
        }
        tally.refused += fetched.rejected.length;
        if (fetched.kind !== 'hit') {
          tally.missing++;
          continue;
        }
        if (remote.adoptEntry(store, key, fetched.entry, { fn: fn.name, fingerprint: fn.fingerprint }) === undefined) {
          tally.refused++;
          continue;
        }
        tally.pulled++;
        tally.bytes += fetched.entry.length;
      }
    }
  });
  const names = result.functions.map((f) => f.name).join(', ');
  out.line(
    `pulled ${tally.pulled} ${tally.pulled === 1 ? 'entry' : 'entries'} (${formatBytes(tally.bytes)}) for ${names} from ${config.shown}; ` +
      `${tally.local} already local, ${tally.refused} refused (bad signature or entry), ${tally.missing} gone or over the size cap` +
      (tally.kept.length === 0 ? '' : `; ${tally.kept.join(', ')} say remote: false, nothing fetched`),
  );
}

export function registerRemote(program: Command, out: Output): void {
  program
    .command('push')
    .summary('upload local entries of current fingerprints to the team cache')
    .description('upload the entries of current fingerprints to the team cache (SMARTCACHE_REMOTE, needs SMARTCACHE_REMOTE_WRITE=1); entries already there are left as they are')
    .option(DIR_FLAG, DIR_HELP)
    .action((options: DirOption) => runPush(options, out));
  program
    .command('pull')
    .summary('download the team cache entries of a file’s cached functions')
    .description('load <file> (in a child process, as `explain --live` does) to learn the current fingerprints of its cached functions, and download their entries from the team cache into the local store')
    .argument('<file[#name]>', 'file, optionally #function')
    .option(DIR_FLAG, DIR_HELP)
    .action((spec: string, options: DirOption) => runPull(spec, options, out));
  const remote = program.command('remote').summary('team cache administration').description('team cache administration');
  remote
    .command('check')
    .summary('check the team cache configuration and say what this client may do')
    .description('connect to SMARTCACHE_REMOTE, verify the signing key against the namespaces read, and say whether this client may read, or read and write')
    .option(DIR_FLAG, DIR_HELP)
    .action((options: DirOption) => runCheck(options, out));
}
