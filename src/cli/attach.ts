/**
 * `smartcache attach <host:port>`: reads the live registry of a running Node process through its
 * inspector (started with `--inspect`), so a long-running service can be looked at without a
 * restart. Only `Runtime.evaluate` of one read-only expression is sent; nothing is changed.
 */
import type { Command } from 'commander';
import { DIR_FLAG, openExistingStore, storeLibrary, usageError, type DirOption } from './context';
import { formatBytes, formatMs, percent, shortHash } from './format';
import type { FunctionSummary } from '../store';
import type { Output } from './output';
import { renderTable } from './table';

// The shape the running process publishes (src/cache/process/live.ts); a type-only import loads nothing.
import type { LiveFunction, LiveSnapshot } from '../live-types';
export type { LiveFunction, LiveSnapshot };

interface EvaluateResult {
  readonly result: { readonly type: string; readonly value?: unknown; readonly description?: string };
  readonly exceptionDetails?: { readonly text?: string; readonly exception?: { readonly description?: string } };
}

interface CdpClient {
  readonly Runtime: { evaluate(params: { expression: string; returnByValue: boolean; awaitPromise?: boolean }): Promise<EvaluateResult> };
  close(): Promise<void>;
}

type CdpConnect = (options: { host?: string; port?: number; target?: string; local?: boolean }) => Promise<CdpClient>;

/** chrome-remote-interface ships no type declarations; the little of it used here is typed above. */
function cdp(): CdpConnect {
  return require('chrome-remote-interface') as CdpConnect;
}

const CONNECT_TIMEOUT_MS = 10_000;
const SNAPSHOT_EXPRESSION = `(() => {
  const live = globalThis[Symbol.for('smartcache.live')];
  return live !== undefined && live !== null && typeof live.snapshot === 'function' ? live.snapshot() : null;
})()`;

interface AttachOptions extends DirOption {
  readonly json?: boolean;
}

/** `host:port`, `:port`, `port`, `[::1]:port` or a `ws://` debugger URL. */
export function parseAddress(spec: string): { host?: string; port?: number; target?: string } {
  if (/^wss?:\/\//.test(spec)) return { target: spec };
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*))?:?(\d{1,5})$/.exec(spec.trim());
  const port = m?.[3] === undefined ? NaN : Number(m[3]);
  if (m === null || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw usageError(`invalid inspector address "${spec}": expected host:port, e.g. 127.0.0.1:9229`);
  }
  const host = m[1] ?? m[2];
  return { host: host === undefined || host === '' ? '127.0.0.1' : host, port };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function asSnapshot(value: unknown): LiveSnapshot | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as Partial<LiveSnapshot>;
  return Array.isArray(v.functions) ? (v as LiveSnapshot) : undefined;
}

export async function readLiveSnapshot(spec: string): Promise<LiveSnapshot> {
  const address = parseAddress(spec);
  let client: CdpClient;
  try {
    // local: use the protocol description bundled with the package; Node's inspector need not serve one.
    client = await withTimeout(cdp()({ ...address, local: true }), CONNECT_TIMEOUT_MS, `connecting to ${spec}`);
  } catch (error) {
    // Not bad input (exit 2): the address is well formed, the process is not there (exit 1).
    throw new Error(`cannot connect to the inspector at ${spec}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    const answer = await withTimeout(client.Runtime.evaluate({ expression: SNAPSHOT_EXPRESSION, returnByValue: true }), CONNECT_TIMEOUT_MS, 'reading the live registry');
    if (answer.exceptionDetails !== undefined) {
      const why = answer.exceptionDetails.exception?.description?.split('\n')[0] ?? answer.exceptionDetails.text ?? 'exception';
      throw new Error(`the process at ${spec} failed to report its cache: ${why}`);
    }
    const snapshot = asSnapshot(answer.result.value);
    if (snapshot === undefined) throw new Error(`the process at ${spec} does not use smartcache (no live registry found)`);
    return snapshot;
  } finally {
    await client.close().catch(() => undefined);
  }
}

const COLUMNS = [
  { header: 'FUNCTION' },
  { header: 'FILE' },
  { header: 'FINGERPRINT' },
  { header: 'CALLS', align: 'right' },
  { header: 'HITS', align: 'right' },
  { header: 'MISSES', align: 'right' },
  { header: 'HIT RATE', align: 'right' },
  { header: 'SAVED', align: 'right' },
] as const;

const DISK_COLUMNS = [{ header: 'ENTRIES', align: 'right' }, { header: 'SIZE', align: 'right' }] as const;

function liveRow(f: LiveFunction, disk: ReadonlyMap<string, FunctionSummary> | undefined): string[] {
  const row = [f.name, f.file ?? '-', shortHash(f.fingerprint), String(f.calls), String(f.hits), String(f.misses), percent(f.hits, f.hits + f.misses), formatMs(f.savedMs)];
  if (disk === undefined) return row;
  const d = disk.get(f.name);
  return [...row, String(d?.entries ?? 0), formatBytes(d?.bytes ?? 0)];
}

export async function runAttach(spec: string, options: AttachOptions, out: Output): Promise<void> {
  const disk = options.dir === undefined ? undefined : new Map(storeLibrary().takeInventory(openExistingStore(options)).functions.map((f) => [f.name, f] as const));
  const snapshot = await readLiveSnapshot(spec);
  if (options.json === true) {
    out.line(JSON.stringify(snapshot, null, 2));
    return;
  }
  out.line(`${out.style.bold(`pid ${snapshot.pid}`)}  root ${snapshot.root}  ${snapshot.functions.length} cached function${snapshot.functions.length === 1 ? '' : 's'}`);
  if (snapshot.functions.length === 0) return;
  const columns = disk === undefined ? COLUMNS : [...COLUMNS, ...DISK_COLUMNS];
  for (const line of renderTable(columns, snapshot.functions.map((f) => liveRow(f, disk)), out.style.bold)) out.line(line);
}

export function registerAttach(program: Command, out: Output): void {
  program
    .command('attach')
    .argument('<host:port>', 'inspector address of a Node process started with --inspect (e.g. 127.0.0.1:9229)')
    .summary('cached functions of a running process, live')
    .description('show the cached functions of a running process, with fingerprints and live hit/miss counts')
    .option(DIR_FLAG, 'also show entries and size stored under this cache root')
    .option('--json', 'machine-readable output')
    .action((spec: string, options: AttachOptions) => runAttach(spec, options, out));
}
