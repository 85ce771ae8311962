import { SmartCacheTypeError } from './errors';
import { parseDuration } from './units';

/** Bounds of the in-process layer that sits in front of the disk store. */
export interface MemoryLayerOptions {
  /** @default 10000 */
  readonly maxEntries?: number;
  /** Approximate bytes of encoded results kept in memory. @default 64 MiB */
  readonly maxBytes?: number;
}

/** Options of `cache(fn, options)`. All are optional. */
export interface CacheOptions<Args extends readonly unknown[] = readonly unknown[]> {
  /**
   * Stable identity shown by the CLI and used by `smartcache clear <name>`.
   * @default the function's name and the project-relative file that called `cache()`
   * @example cache(load, { name: 'load-users' })
   */
  readonly name?: string;
  /**
   * Cache root folder. Used only if it is the user's alone (README, "Security").
   * @default SMARTCACHE_DIR, else node_modules/.cache/smartcache of the nearest package, else ./.smartcache
   * (~/.cache/smartcache when others may write the working directory)
   */
  readonly dir?: string;
  /**
   * Arguments left out of the key, by parameter name or by position.
   * @example cache(fetchUser, { ignore: ['log', 2] })
   */
  readonly ignore?: ReadonlyArray<string | number>;
  /**
   * Custom key: its return value (hashed like an argument) replaces the argument list in the key.
   * @example cache(get, { key: (req) => req.url })
   */
  readonly key?: (...args: Args) => unknown;
  /**
   * Extra input read on every call (a file's content, an env var, a remote version...). Its return
   * value is hashed into the key, so a change is a miss.
   * @example cache(build, { dependsOn: () => fs.readFileSync('config.json', 'utf8') })
   */
  readonly dependsOn?: () => unknown;
  /**
   * How long an entry stays valid: milliseconds or `'90s' | '10m' | '1h' | '7d'`. Judged when an
   * entry is read, by the ttl declared now, from when the entry was written; an entry stamped in
   * the future counts as expired.
   * @default forever
   */
  readonly ttl?: number | string;
  /** Manual salt: bump it to invalidate every entry of the function. @default none */
  readonly version?: string | number;
  /**
   * The in-process layer: `false` reads the disk on every call.
   * @default true
   */
  readonly memory?: boolean | MemoryLayerOptions;
  /**
   * Failures of the cache itself (I/O, corrupt entries, unserializable results) throw instead of
   * warning and running uncached.
   * @default false
   */
  readonly strict?: boolean;
  /**
   * Record what each call reads from outside its code as inputs: files read through `node:fs`
   * (checked before every hit) and environment variables read by name (part of the
   * fingerprint); warn when a call uses the clock or randomness. `false` turns all of it off.
   * @default true
   */
  readonly track?: boolean;
  /**
   * Use the team cache (SMARTCACHE_REMOTE) when one is configured: `false` keeps this function's
   * results on this machine (never uploaded, never looked up remotely).
   * @default true
   */
  readonly remote?: boolean;
}

export interface ResolvedMemoryOptions {
  readonly enabled: boolean;
  readonly maxEntries: number;
  readonly maxBytes: number;
}

/** Options after validation, with defaults filled in (except `dir` and `name`, resolved lazily). */
export interface ResolvedOptions {
  readonly name: string | undefined;
  readonly dir: string | undefined;
  readonly ignore: ReadonlyArray<string | number>;
  readonly key: ((...args: readonly unknown[]) => unknown) | undefined;
  readonly dependsOn: (() => unknown) | undefined;
  readonly ttlMs: number | undefined;
  readonly version: string | undefined;
  readonly memory: ResolvedMemoryOptions;
  readonly strict: boolean;
  readonly track: boolean;
  readonly remote: boolean;
}

const KNOWN = new Set(['name', 'dir', 'ignore', 'key', 'dependsOn', 'ttl', 'version', 'memory', 'strict', 'track', 'remote']);
export const DEFAULT_MEMORY_MAX_ENTRIES = 10_000;
export const DEFAULT_MEMORY_MAX_BYTES = 64 * 1024 * 1024;

function invalid(option: string, expected: string, got: unknown): never {
  const shown = typeof got === 'string' ? JSON.stringify(got) : typeof got;
  throw new SmartCacheTypeError(`smartcache: option "${option}" must be ${expected} (got ${shown})`, { option });
}

function positiveInteger(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) invalid(option, 'a non-negative integer', value);
  return value;
}

function resolveMemory(value: unknown): ResolvedMemoryOptions {
  if (value === undefined || value === true) {
    return { enabled: true, maxEntries: DEFAULT_MEMORY_MAX_ENTRIES, maxBytes: DEFAULT_MEMORY_MAX_BYTES };
  }
  if (value === false) return { enabled: false, maxEntries: 0, maxBytes: 0 };
  if (typeof value !== 'object' || value === null) invalid('memory', 'a boolean or { maxEntries, maxBytes }', value);
  const layer = value as MemoryLayerOptions;
  return {
    enabled: true,
    maxEntries: layer.maxEntries === undefined ? DEFAULT_MEMORY_MAX_ENTRIES : positiveInteger('memory.maxEntries', layer.maxEntries),
    maxBytes: layer.maxBytes === undefined ? DEFAULT_MEMORY_MAX_BYTES : positiveInteger('memory.maxBytes', layer.maxBytes),
  };
}

/** Validates `options` at wrap time: a bad option is a `TypeError` naming it. */
export function resolveOptions(options: unknown): ResolvedOptions {
  if (options === undefined || options === null) options = {};
  if (typeof options !== 'object') invalid('options', 'an object', options);
  const o = options as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!KNOWN.has(k)) throw new SmartCacheTypeError(`smartcache: unknown option "${k}"`, { option: k });
  }
  const { name, dir, ignore, key, dependsOn, ttl, version, strict, track, remote } = o;
  if (name !== undefined && (typeof name !== 'string' || name.trim() === '')) invalid('name', 'a non-empty string', name);
  if (dir !== undefined && (typeof dir !== 'string' || dir === '')) invalid('dir', 'a non-empty string', dir);
  if (ignore !== undefined) {
    const ok = Array.isArray(ignore) && ignore.every((i) => (typeof i === 'string' && i !== '') || (Number.isInteger(i) && (i as number) >= 0));
    if (!ok) invalid('ignore', 'an array of parameter names or positions', ignore);
  }
  if (key !== undefined && typeof key !== 'function') invalid('key', 'a function', key);
  if (dependsOn !== undefined && typeof dependsOn !== 'function') invalid('dependsOn', 'a function', dependsOn);
  let ttlMs: number | undefined;
  if (ttl !== undefined) {
    ttlMs = typeof ttl === 'number' || typeof ttl === 'string' ? parseDuration(ttl) : undefined;
    if (ttlMs === undefined) invalid('ttl', "milliseconds or a duration like '90s', '10m', '1h', '7d'", ttl);
  }
  if (version !== undefined && typeof version !== 'string' && typeof version !== 'number') invalid('version', 'a string or a number', version);
  if (strict !== undefined && typeof strict !== 'boolean') invalid('strict', 'a boolean', strict);
  if (track !== undefined && typeof track !== 'boolean') invalid('track', 'a boolean', track);
  if (remote !== undefined && typeof remote !== 'boolean') invalid('remote', 'a boolean', remote);
  return {
    name: name as string | undefined,
    dir: dir as string | undefined,
    ignore: (ignore as ReadonlyArray<string | number> | undefined) ?? [],
    key: key as ResolvedOptions['key'],
    dependsOn: dependsOn as ResolvedOptions['dependsOn'],
    ttlMs,
    version: version === undefined ? undefined : String(version),
    memory: resolveMemory(o['memory']),
    strict: strict === true,
    track: track !== false,
    remote: remote !== false,
  };
}
