import { sha256 } from '../hash';
import { parseDuration, parseSize } from '../units';

/**
 * The team cache's configuration, read from the environment only (README, "Team cache").
 * Pure: nothing here connects, warns or loads the client. A bad setting is a `ConfigProblem`
 * naming the variable, so the library warns once and runs without the remote, and
 * `smartcache remote check` prints it as one line.
 */

export type Endpoint =
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number; readonly tls: boolean; readonly database: number }
  | { readonly kind: 'unix'; readonly path: string; readonly database: number };

export interface RemoteConfig {
  readonly endpoint: Endpoint;
  /** The server as it may be printed: no user, no password, whatever the URL held. */
  readonly shown: string;
  readonly username: string | undefined;
  readonly password: string | undefined;
  /** HMAC-SHA256 secret (SMARTCACHE_REMOTE_KEY). */
  readonly secret: string;
  /** SMARTCACHE_REMOTE_KEY_ID, else derived from the secret (see keyIdOf). */
  readonly keyId: string;
  readonly write: boolean;
  /** The namespace written. */
  readonly namespace: string;
  /** Namespaces read, in order. */
  readonly read: readonly string[];
  readonly timeoutMs: number;
  readonly maxBytes: number;
  /** Weaknesses that do not stop the team cache (a short secret): said once, as warnings. */
  readonly advice: readonly string[];
}

export interface ConfigProblem {
  /** The variable at fault. */
  readonly variable: string;
  /** One line, never holding a secret. */
  readonly message: string;
}

/**
 * 500 ms: a Redis GET on a LAN or in one cloud region answers in about 1 ms, and a TLS connect
 * to a server 80 ms away (three round trips) fits; a stalled server costs this once per process.
 */
export const DEFAULT_TIMEOUT_MS = 500;
/** Entries above 64 MiB stay local by default: they would fill a shared server fast. */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
/**
 * Short secrets can be brute-forced offline by anyone who can read one signed entry; 16
 * characters is a floor, the README asks for 32 random bytes.
 */
export const MIN_SECRET_LENGTH = 16;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const ENV = {
  url: 'SMARTCACHE_REMOTE',
  user: 'SMARTCACHE_REMOTE_USER',
  password: 'SMARTCACHE_REMOTE_PASSWORD',
  key: 'SMARTCACHE_REMOTE_KEY',
  keyId: 'SMARTCACHE_REMOTE_KEY_ID',
  write: 'SMARTCACHE_REMOTE_WRITE',
  namespace: 'SMARTCACHE_REMOTE_NAMESPACE',
  read: 'SMARTCACHE_REMOTE_READ',
  timeout: 'SMARTCACHE_REMOTE_TIMEOUT',
  maxBytes: 'SMARTCACHE_REMOTE_MAX_BYTES',
} as const;

class Problem extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
  }
}

/** Set and non-empty: the user asked for a remote. */
export function remoteRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[ENV.url];
  return value !== undefined && value.trim() !== '';
}

/** Undefined when no remote is configured (SMARTCACHE_REMOTE unset or empty). */
export function readRemoteConfig(env: NodeJS.ProcessEnv = process.env): RemoteConfig | ConfigProblem | undefined {
  if (!remoteRequested(env)) return undefined;
  try {
    return parse(env);
  } catch (error) {
    if (error instanceof Problem) return { variable: error.variable, message: error.message };
    throw error;
  }
}

export function isConfigProblem(value: RemoteConfig | ConfigProblem): value is ConfigProblem {
  return 'variable' in value;
}

function parse(env: NodeJS.ProcessEnv): RemoteConfig {
  const { endpoint, shown, urlUser, urlPassword } = parseUrl((env[ENV.url] ?? '').trim());
  const secret = env[ENV.key] ?? '';
  if (secret === '') throw new Problem(ENV.key, `${ENV.key} is not set: remote entries could not be signed or verified, so the team cache is not used`);
  // A short secret is the team's choice to make (the contract asks only for one), but whoever
  // guesses it can sign entries every reader accepts: said once, not refused.
  const advice = secret.length < MIN_SECRET_LENGTH ? [`${ENV.key} is shorter than ${MIN_SECRET_LENGTH} characters: whoever guesses it can sign entries your runs accept; use a random secret (e.g. 32 random bytes, base64)`] : [];
  const keyIdText = env[ENV.keyId];
  const keyId = keyIdText === undefined || keyIdText === '' ? keyIdOf(secret) : name(ENV.keyId, keyIdText);
  const namespace = env[ENV.namespace] === undefined || env[ENV.namespace] === '' ? 'default' : name(ENV.namespace, env[ENV.namespace] as string);
  const readText = env[ENV.read];
  const read = readText === undefined || readText.trim() === '' ? [namespace] : namespaces(readText);
  return {
    endpoint,
    shown,
    username: nonEmpty(env[ENV.user]) ?? urlUser,
    password: nonEmpty(env[ENV.password]) ?? urlPassword,
    secret,
    keyId,
    write: flag(ENV.write, env[ENV.write]),
    namespace,
    read,
    timeoutMs: timeout(env[ENV.timeout]),
    maxBytes: maxBytes(env[ENV.maxBytes]),
    advice,
  };
}

/** A %-escaped part of the URL, decoded; a malformed escape is bad configuration (never the text: it may be a secret). */
function decodedPart(part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new Problem(ENV.url, `${ENV.url}: ${what} holds a malformed %-escape`);
  }
}

/**
 * The default key id: a short digest of the secret, so that changing the secret alone starts a
 * new key space (entries signed with the old secret are then simply not looked up) even when
 * SMARTCACHE_REMOTE_KEY_ID is not set. It reveals nothing an attacker with one signed entry
 * could not already test guesses against.
 */
export function keyIdOf(secret: string): string {
  return `k${sha256(`smartcache-remote-key-id\u0000${secret}`).slice(0, 12)}`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function name(variable: string, value: string): string {
  if (!NAME.test(value)) throw new Problem(variable, `${variable} must be 1-64 letters, digits, '.', '_' or '-' (got ${JSON.stringify(value.slice(0, 70))})`);
  return value;
}

function namespaces(text: string): string[] {
  const list = text.split(',').map((s) => s.trim());
  if (list.some((s) => s === '')) throw new Problem(ENV.read, `${ENV.read} must be a comma-separated list of namespaces (got ${JSON.stringify(text.slice(0, 70))})`);
  return [...new Set(list.map((s) => name(ENV.read, s)))];
}

function flag(variable: string, value: string | undefined): boolean {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '1' || v === 'true' || v === 'yes' || v === 'on') return true;
  if (v === '' || v === '0' || v === 'false' || v === 'no' || v === 'off') return false;
  throw new Problem(variable, `${variable} must be 1 (upload) or 0 (read only) (got ${JSON.stringify((value ?? '').slice(0, 20))})`);
}

function timeout(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_TIMEOUT_MS;
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0 || ms > 600_000) {
    throw new Problem(ENV.timeout, `${ENV.timeout} must be milliseconds between 1 and 600000, or a duration like '2s' (got ${JSON.stringify(value.slice(0, 20))})`);
  }
  return Math.ceil(ms);
}

function maxBytes(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_MAX_BYTES;
  const bytes = parseSize(value);
  // Redis refuses strings above 512 MB (proto-max-bulk-len); a record adds its header.
  if (bytes === undefined || bytes <= 0 || bytes > 512 * 1024 * 1024 - 1024) {
    throw new Problem(ENV.maxBytes, `${ENV.maxBytes} must be a size between 1 and 511M, like 10M (got ${JSON.stringify(value.slice(0, 20))})`);
  }
  return bytes;
}

interface ParsedUrl {
  readonly endpoint: Endpoint;
  readonly shown: string;
  readonly urlUser: string | undefined;
  readonly urlPassword: string | undefined;
}

function parseUrl(text: string): ParsedUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // The text may hold a password: say only what shape was expected.
    throw new Problem(ENV.url, `${ENV.url} is not a URL; expected redis://host:port[/db], rediss://host:port[/db] or unix:///path/to/socket`);
  }
  const urlUser = url.username === '' ? undefined : decodedPart(url.username, 'its user name');
  const urlPassword = url.password === '' ? undefined : decodedPart(url.password, 'its password');
  if (url.protocol === 'unix:') {
    if (url.host !== '' || url.pathname === '' || url.pathname === '/') {
      throw new Problem(ENV.url, `${ENV.url}: a unix socket is written unix:///absolute/path/to/socket`);
    }
    const socketPath = decodedPart(url.pathname, 'its socket path');
    const database = databaseOf(url.searchParams.get('db') ?? '');
    return { endpoint: { kind: 'unix', path: socketPath, database }, shown: `unix://${socketPath}${database === 0 ? '' : `?db=${database}`}`, urlUser, urlPassword };
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new Problem(ENV.url, `${ENV.url} must start with redis://, rediss:// or unix:// (got ${url.protocol}//…)`);
  }
  if (url.hostname === '') throw new Problem(ENV.url, `${ENV.url} names no host`);
  const port = url.port === '' ? 6379 : Number(url.port);
  const database = databaseOf(url.pathname.replace(/^\//, ''));
  // WHATWG URL keeps IPv6 literals bracketed; net.connect wants them bare.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const tls = url.protocol === 'rediss:';
  return {
    endpoint: { kind: 'tcp', host, port, tls, database },
    shown: `${url.protocol}//${url.host}${database === 0 ? '' : `/${database}`}`,
    urlUser,
    urlPassword,
  };
}

function databaseOf(text: string): number {
  if (text === '') return 0;
  if (!/^\d{1,5}$/.test(text)) throw new Problem(ENV.url, `${ENV.url}: the database must be a number (got ${JSON.stringify(text.slice(0, 20))})`);
  return Number(text);
}

/**
 * Removes anything secret from a message before it is printed: the password, the secret, and
 * any `user:password@` part of a URL a library may have echoed.
 */
export function redact(message: string, config: Pick<RemoteConfig, 'password' | 'secret'> | undefined): string {
  let out = message.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s]*@/gi, '$1***@');
  for (const secret of [config?.password, config?.secret]) {
    if (secret !== undefined && secret.length >= 4) out = out.split(secret).join('***');
  }
  return out;
}
