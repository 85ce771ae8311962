/**
 * What a call read from outside its code, stored inside the entry's envelope (plain data, CBOR).
 * Paths are stored project-relative where possible (paths.ts). While a call runs they are kept
 * absolute, first observation wins: the state the call saw first is the one its result used.
 */
import { absolutePath, storedPath } from './paths';
import { findProjectRoot } from '../project';
import { untracked } from './guard';

/** A file whose content was read. */
export interface FileInput {
  readonly path: string;
  /** sha256 of the bytes, or ABSENT when the read found no file. */
  readonly hash: string;
  /** Cheap state taken before the read: equal now means unchanged since. */
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly ino: number;
  /** Changed too shortly before the read for its timestamps to prove anything (see originals.ts). */
  readonly racy?: boolean;
}

/** A directory listing: the sorted names, hashed. */
export interface ListingInput {
  readonly path: string;
  readonly recursive: boolean;
  /** sha256 of the sorted names, ABSENT, or NOT_A_FOLDER. */
  readonly names: string;
  readonly count: number;
  /** The names carry each entry's type (the call got `Dirent`s). */
  readonly types?: boolean;
  /** The directory's own cheap state (non-recursive listings only: an entry added or removed changes it). */
  readonly dir?: { readonly mtimeMs: number; readonly ctimeMs: number; readonly ino: number; readonly size: number } | undefined;
  readonly racy?: boolean;
}

export interface ExistsInput {
  readonly path: string;
  readonly exists: boolean;
}

export interface AccessInput {
  readonly path: string;
  readonly mode: number;
  /** 'ok' or the error code (`ENOENT`, `EACCES`...). */
  readonly result: string;
}

/** A stat: type, size, mode and modification time (the contract's terms), or ABSENT. */
export interface StatInput {
  readonly path: string;
  readonly state: string;
  /** `lstat`: a symbolic link itself, not its target. */
  readonly link?: boolean;
}

/** An environment variable the call read: a hash of its name and value (never the value: it may be a secret). */
export interface EnvInput {
  readonly name: string;
  /** env.ts `envValueHash`: 'unset' when the variable was not set. */
  readonly value: string;
  /** Read through Node's own object while the program had put another in `process.env` (env-watch.ts). */
  readonly raw?: true;
}

export interface Manifest {
  /** Working directory at the call, when a relative path was resolved against it. */
  readonly cwd?: string;
  readonly files?: readonly FileInput[];
  readonly lists?: readonly ListingInput[];
  readonly exists?: readonly ExistsInput[];
  readonly access?: readonly AccessInput[];
  readonly stats?: readonly StatInput[];
  /** Environment variables read while the call ran (env-watch.ts), by name. */
  readonly env?: readonly EnvInput[];
  /** Inputs that can never be checked (a pipe, a descriptor of unknown origin): the entry never hits. */
  readonly opaque?: readonly string[];
}

export const ABSENT = 'absent';
/** A listing's answer when the path is there but is no folder (ENOTDIR). */
export const NOT_A_FOLDER = 'not-a-folder';
/** A hash no file has: the file changed while the call ran, or was read after the call appended to it. */
export const UNKNOWN = 'unknown';

type Keyed<T extends { path: string }> = Map<string, T>;

/**
 * Records one call keeps at most: a call that never settles stays open and is charged every read
 * the process makes (tracking/record.ts `readers`), so without a bound its frame grows with every
 * distinct path. Past it the entry is marked unverifiable (it never hits), which loses nothing a
 * never-settling call could store, and keeps a huge but finite call correct.
 */
const MAX_INPUTS = 100_000;

/** Accumulates one call's inputs, keyed by absolute path. */
export class ManifestBuilder {
  readonly files: Keyed<FileInput> = new Map();
  readonly lists: Keyed<ListingInput> = new Map();
  readonly exists: Keyed<ExistsInput> = new Map();
  readonly access: Keyed<AccessInput> = new Map();
  readonly stats: Keyed<StatInput> = new Map();
  readonly env = new Map<string, EnvInput>();
  /** Variables the call set or deleted before reading them: its own outputs. */
  readonly envWritten = new Set<string>();
  readonly opaque = new Set<string>();
  /** Paths the call created by a truncating write before reading them: its own outputs. */
  readonly produced = new Set<string>();
  /** Paths the call appended to before reading them: abs -> nothing known of the prior content. */
  readonly appended = new Set<string>();
  /** Files read through a descriptor or stream: re-checked when the call ends. */
  readonly watched = new Map<string, { size: number; mtimeMs: number; ctimeMs: number; ino: number }>();
  usedCwd = false;
  /** Other code changed the working directory while the call was open (cwd-patch.ts). */
  cwdMovedByOthers = false;
  private count = 0;

  private put<T>(map: Map<string, T>, key: string, value: T): void {
    if (map.has(key)) return;
    if (this.count >= MAX_INPUTS) {
      this.opaque.add(`more than ${MAX_INPUTS} inputs`);
      return;
    }
    this.count++;
    map.set(key, value);
  }

  file(abs: string, input: FileInput): void {
    this.put(this.files, abs, input);
  }

  listing(abs: string, input: ListingInput): void {
    this.put(this.lists, listingKey(input, abs), input);
  }

  exist(abs: string, exists: boolean): void {
    this.put(this.exists, abs, { path: abs, exists });
  }

  accessed(abs: string, mode: number, result: string): void {
    this.put(this.access, `${mode}:${abs}`, { path: abs, mode, result });
  }

  stat(abs: string, state: string, link: boolean): void {
    this.put(this.stats, `${link ? 'l' : 's'}${abs}`, link ? { path: abs, state, link } : { path: abs, state });
  }

  envRead(name: string, value: string, raw = false): void {
    this.put(this.env, raw ? `raw:${name}` : name, raw ? { name, value, raw: true } : { name, value });
  }

  /**
   * Merges a stored manifest (an inner cached call that hit): its inputs are this call's too.
   * `anchor`: the project root its paths are relative to (the inner function's, ./validate.ts).
   */
  merge(m: Manifest, anchor?: string): void {
    const root = anchor ?? untracked(() => findProjectRoot());
    const abs = (p: string): string => absolutePath(p, root) ?? p;
    if (m.cwd !== undefined) this.usedCwd = true;
    for (const f of m.files ?? []) this.put(this.files, abs(f.path), { ...f, path: abs(f.path) });
    for (const l of m.lists ?? []) this.put(this.lists, listingKey(l, abs(l.path)), { ...l, path: abs(l.path) });
    for (const e of m.exists ?? []) this.put(this.exists, abs(e.path), { ...e, path: abs(e.path) });
    for (const a of m.access ?? []) this.put(this.access, `${a.mode}:${abs(a.path)}`, { ...a, path: abs(a.path) });
    for (const s of m.stats ?? []) this.put(this.stats, `${s.link === true ? 'l' : 's'}${abs(s.path)}`, { ...s, path: abs(s.path) });
    for (const v of m.env ?? []) this.put(this.env, v.raw === true ? `raw:${v.name}` : v.name, v);
    for (const o of m.opaque ?? []) this.opaque.add(o);
  }

  isEmpty(): boolean {
    return this.files.size + this.lists.size + this.exists.size + this.access.size + this.stats.size + this.env.size + this.opaque.size === 0;
  }

  /**
   * The stored form, paths made relative to `anchor` (the project of the cached function's own
   * file), else to the working directory's project; undefined when nothing was read.
   */
  build(cwd: string, anchor?: string): Manifest | undefined {
    // A call that only read the working directory (`process.cwd()`, `path.resolve('x')`) has it as its one input.
    // Relative paths or the working directory read by a call during which other code moved it:
    // which folder each read meant cannot be told from where the call started (cwd-patch.ts).
    if (this.usedCwd && this.cwdMovedByOthers) this.opaque.add('relative paths while other code changed the working directory');
    if (this.isEmpty() && !this.usedCwd) return undefined;
    const root = anchor ?? findProjectRoot(cwd);
    const rel = <T extends { path: string }>(items: Iterable<T>): T[] =>
      [...items].map((item) => ({ ...item, path: storedPath(item.path, root) })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const out: { -readonly [K in keyof Manifest]: Manifest[K] } = {};
    if (this.usedCwd) out.cwd = storedPath(cwd, root);
    if (this.files.size > 0) out.files = rel(this.files.values());
    if (this.lists.size > 0) out.lists = rel(this.lists.values());
    if (this.exists.size > 0) out.exists = rel(this.exists.values());
    if (this.access.size > 0) out.access = rel(this.access.values());
    if (this.stats.size > 0) out.stats = rel(this.stats.values());
    if (this.env.size > 0) out.env = [...this.env.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (this.opaque.size > 0) out.opaque = [...this.opaque].sort();
    return out;
  }
}

/** One record per folder and kind of listing (recursive or not, names alone or with types). */
function listingKey(l: ListingInput, abs: string): string {
  return `${l.recursive ? 'r' : 'd'}${l.types === true ? 't' : ''}${abs}`;
}

/** A stored value that is a manifest this layer wrote (defensive: entries come from disk). */
export function isManifest(value: unknown): value is Manifest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const m = value as Record<string, unknown>;
  const arrays = ['files', 'lists', 'exists', 'access', 'stats', 'env', 'opaque'];
  for (const k of arrays) if (m[k] !== undefined && !Array.isArray(m[k])) return false;
  return m['cwd'] === undefined || typeof m['cwd'] === 'string';
}
