import { isIP } from 'node:net';
import { createClient, RESP_TYPES, type RedisClientType } from '@redis/client';
import type { RemoteConfig } from './config';
import { checkKey, entryKey, indexKey, type Space } from './keys';
import { MAX_HEADER_BYTES, recordHeader, verifyRecord } from './record';

/** The last instant a JavaScript Date can hold (ms since epoch). */
const MAX_DATE_MS = 8.64e15;
import { RemoteTimeoutError, transferAllowanceMs } from './limits';

/**
 * The client is node-redis's own `@redis/client`: the `redis` package is this plus four module
 * packages (Bloom, JSON, Search, TimeSeries) that the team cache never uses, and loading them
 * measured ~250 ms of CPU against ~170 ms for the client alone (Node 20, team machine).
 *
 * One connection to the server, used by the worker thread (for the library) and by the CLI.
 * Every request has a deadline of its own; a request past it destroys the connection, so a reply
 * that arrives late can never be taken for the answer to a later request, and the next request
 * connects again (the circuit breaker, not this class, decides when to stop trying).
 *
 * Only these commands are sent: STRLEN, GETRANGE, SMEMBERS (read); SET … NX, SADD (write); PING.
 * A reader's ACL needs nothing else (see README "Team cache").
 */

export type Rejection = { readonly namespace: string; readonly why: string };

export type FetchOutcome =
  /** `entry` is a view into `record`. */
  | { readonly kind: 'hit'; readonly namespace: string; readonly record: Buffer; readonly entry: Buffer; readonly recordBytes: number; readonly rejected: readonly Rejection[] }
  | { readonly kind: 'miss'; readonly rejected: readonly Rejection[]; readonly tooLarge: number };

export type PutOutcome = 'stored' | 'exists';

type Client = RedisClientType;

const AS_BUFFER = { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } };

export interface ConnectionHooks {
  /** Called once a record's size is known, before it is fetched (the sync bridge extends its wait). */
  readonly onSize?: (recordBytes: number) => void;
}

export class Connection {
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private readonly space: Space;

  constructor(
    readonly config: RemoteConfig,
    storeFormat: number,
    private readonly hooks: ConnectionHooks = {},
  ) {
    this.space = { keyId: config.keyId, storeFormat };
  }

  /** Looks `key` up in each read namespace in order; the first verified record is the hit. */
  async fetch(key: string): Promise<FetchOutcome> {
    const { config } = this;
    const client = await this.open();
    const names = config.read.map((ns) => entryKey(ns, this.space, key));
    // Issued together: node-redis writes commands of one tick in one pipeline (one round trip).
    const lengths = await this.within(Promise.all(names.map((name) => client.sendCommand<number>(['STRLEN', name]))), config.timeoutMs, 'STRLEN');
    const rejected: Rejection[] = [];
    let tooLarge = 0;
    for (let i = 0; i < names.length; i++) {
      const length = lengths[i] ?? 0;
      const namespace = config.read[i] as string;
      if (length === 0) continue;
      // The size is checked before fetching: a record over the cap never crosses the network.
      if (length > config.maxBytes + MAX_HEADER_BYTES) {
        tooLarge++;
        continue;
      }
      this.hooks.onSize?.(length);
      // GETRANGE of the length just read, not GET: a record replaced meanwhile by a larger one
      // still moves at most this many bytes (and then fails verification).
      const record = await this.within(
        client.sendCommand<Buffer | null>(['GETRANGE', names[i] as string, '0', String(length - 1)], AS_BUFFER),
        config.timeoutMs + transferAllowanceMs(length),
        'GETRANGE',
      );
      if (record === null || record.length === 0) continue;
      const verified = verifyRecord(config, namespace, key, record);
      if (!verified.ok) {
        rejected.push({ namespace, why: verified.why });
        continue;
      }
      if (verified.entry.length > config.maxBytes) {
        tooLarge++;
        continue;
      }
      return { kind: 'hit', namespace, record, entry: verified.entry, recordBytes: record.length, rejected };
    }
    return { kind: 'miss', rejected, tooLarge };
  }

  /**
   * Write-once upload into the written namespace: `SET … NX` never replaces a record, so the
   * first writer of a key wins and a later writer (or an attacker holding only write access to
   * another namespace) cannot change what readers get. `expiresAt` (ms since epoch) gives the
   * record the entry's own ttl; the function's index gets the key for `smartcache pull`.
   */
  async put(key: string, entry: Uint8Array, expiresAt: number | undefined, fn: string, fingerprint: string): Promise<PutOutcome> {
    const { config } = this;
    const client = await this.open();
    const ns = config.namespace;
    const header = recordHeader(config, ns, key, entry);
    // One value per SET: a record split over SET + APPEND would be visible half-written.
    const record = Buffer.concat([header, entry]);
    const args = ['SET', entryKey(ns, this.space, key), record, 'NX'];
    // Past the last representable date (`ttl: Number.MAX_VALUE`) Redis refuses the argument (and
    // three refusals turn the team cache off): such a record is kept; readers still check its ttl.
    if (expiresAt !== undefined && expiresAt <= MAX_DATE_MS) args.push('PXAT', String(Math.max(1, Math.floor(expiresAt))));
    const reply = await this.within(client.sendCommand<string | null>(args), config.timeoutMs + transferAllowanceMs(record.length), 'SET');
    if (reply === null) return 'exists';
    await this.within(client.sendCommand<number>(['SADD', indexKey(ns, this.space, fn, fingerprint), key]), config.timeoutMs, 'SADD');
    return 'stored';
  }

  /** Store keys listed for (fn, fingerprint) in the read namespaces, deduplicated. */
  async members(fn: string, fingerprint: string): Promise<string[]> {
    const { config } = this;
    const client = await this.open();
    const lists = await this.within(
      Promise.all(config.read.map((ns) => client.sendCommand<string[]>(['SMEMBERS', indexKey(ns, this.space, fn, fingerprint)]))),
      config.timeoutMs,
      'SMEMBERS',
    );
    return [...new Set(lists.flat().filter((k) => /^[0-9a-f]{64}$/.test(k)))];
  }

  /**
   * Writes the namespace's signed probe if absent (SET … NX), and touches the probe's set (SADD),
   * exercising both write commands uploads use. True when this call wrote the probe.
   */
  async writeCheck(): Promise<boolean> {
    const { config } = this;
    const client = await this.open();
    const ns = config.namespace;
    const probe = Buffer.from('smartcache remote check', 'utf8');
    const record = Buffer.concat([recordHeader(config, ns, 'check', probe), probe]);
    const name = checkKey(ns, this.space);
    const wrote = await this.within(client.sendCommand<string | null>(['SET', name, record, 'NX']), config.timeoutMs, 'SET');
    await this.within(client.sendCommand<number>(['SADD', `${name}:writers`, config.keyId]), config.timeoutMs, 'SADD');
    return wrote !== null;
  }

  /** Runs every read command lookups use (STRLEN, GETRANGE, SMEMBERS) once per read namespace. */
  async probeRead(): Promise<void> {
    const { config } = this;
    const client = await this.open();
    const probes = config.read.flatMap((ns) => {
      const name = checkKey(ns, this.space);
      return [['STRLEN', name], ['GETRANGE', name, '0', '0'], ['SMEMBERS', `${name}:writers`]];
    });
    await this.within(Promise.all(probes.map((args) => client.sendCommand(args))), config.timeoutMs, 'read');
  }

  /** Per read namespace: the probe verifies, does not, or is absent (no writer used this key id yet). */
  async readChecks(): Promise<Array<{ namespace: string; state: 'verified' | 'absent' | string }>> {
    const { config } = this;
    const client = await this.open();
    const records = await this.within(
      Promise.all(config.read.map((ns) => client.sendCommand<Buffer | null>(['GETRANGE', checkKey(ns, this.space), '0', '4095'], AS_BUFFER))),
      config.timeoutMs,
      'GETRANGE',
    );
    return config.read.map((namespace, i) => {
      const record = records[i];
      if (record === null || record === undefined || record.length === 0) return { namespace, state: 'absent' };
      const verified = verifyRecord(config, namespace, 'check', record);
      return { namespace, state: verified.ok ? 'verified' : verified.why };
    });
  }

  /** Round trip in ms (connecting first if needed). */
  async ping(): Promise<number> {
    const client = await this.open();
    const started = performance.now();
    await this.within(client.sendCommand(['PING']), this.config.timeoutMs, 'PING');
    return performance.now() - started;
  }

  destroy(): void {
    const client = this.client;
    this.client = undefined;
    if (client !== undefined) destroyQuiet(client);
  }

  private open(): Promise<Client> {
    const client = this.client;
    if (client !== undefined && client.isReady) return Promise.resolve(client);
    if (client !== undefined) this.destroy();
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connect(): Promise<Client> {
    const { config } = this;
    const client = createClient(this.clientOptions()) as Client;
    // Failures reach us through the rejected command; without a listener an 'error' event
    // would crash the process.
    client.on('error', () => undefined);
    try {
      await this.within(client.connect(), config.timeoutMs, 'connect', client);
    } catch (error) {
      destroyQuiet(client);
      throw error;
    }
    this.client = client;
    return client;
  }

  private clientOptions(): Parameters<typeof createClient>[0] {
    const { config } = this;
    const e = config.endpoint;
    const common = { connectTimeout: config.timeoutMs, reconnectStrategy: false as const };
    const socket =
      e.kind === 'unix'
        ? { ...common, path: e.path, tls: false as const }
        : e.tls
          ? // SNI takes host names only (RFC 6066); Node warns when given an IP address.
            { ...common, host: e.host, port: e.port, tls: true as const, ...(isIP(e.host) === 0 ? { servername: e.host } : {}) }
          : { ...common, host: e.host, port: e.port };
    return {
      socket,
      username: config.username,
      password: config.password,
      database: e.database === 0 ? undefined : e.database,
      // A disconnected client fails at once instead of queueing the request for later.
      disableOfflineQueue: true,
      // CLIENT SETINFO would need one more ACL permission; the server learns nothing it needs.
      disableClientInfo: true,
    };
  }

  /**
   * `promise`, or a RemoteTimeoutError after `ms`. A timeout destroys the connection (`client`,
   * else the current one), which fails whatever else was in flight on it.
   */
  private within<T>(promise: Promise<T>, ms: number, what: string, client?: Client): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (client !== undefined) destroyQuiet(client);
        else this.destroy();
        reject(new RemoteTimeoutError(`${what} got no answer from ${this.config.shown} within ${ms} ms`));
      }, ms);
      promise.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }
}

function destroyQuiet(client: Client): void {
  try {
    client.destroy();
  } catch {
    // already closed
  }
}
