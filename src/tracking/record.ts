/**
 * Recording one observation into every open frame of the call chain (a read inside a nested
 * cached call is an input of the enclosing calls too). Hooks in fs-patch.ts call these after
 * deciding the call is tracked; the states are taken with the unpatched functions.
 *
 * Order matters for soundness: the cheap state (stat) is taken BEFORE the bytes are read. If the
 * state is unchanged at validation time, nothing was written since the stat, so the bytes read
 * are the bytes there now; if something was written between stat and read, ctime moved and
 * validation falls back to the content hash of the bytes actually read.
 */
import * as path from 'node:path';
import { chargeOutside, currentFrame, openFrames, type Frame } from './frames';
import { ABSENT, NOT_A_FOLDER, UNKNOWN, type FileInput } from './manifest';
import { hashBytes, isRacy, readHash, real, snap, UNSIZED, type Snap } from './originals';
import { isIgnored, resolveArg, type Resolved } from './paths';
import { callSites, fileOf } from './stack';

/**
 * Recording must never break the user's file access: a failure here (a bug, an exotic argument)
 * marks the running calls' entries as unverifiable (they never hit) instead of throwing.
 */
function guarded<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
  return (...args: A): void => {
    try {
      fn(...args);
    } catch {
      opaque('an input that could not be recorded');
    }
  };
}

/** A target worth recording for the current call: its frame and resolved path. */
export interface Target {
  /** The call's frame; undefined for code running outside every call while some are open. */
  readonly frame: Frame | undefined;
  readonly abs: string;
}

/**
 * The frame and resolved path of a path argument, or undefined (untracked, a descriptor, the
 * cache's own files). `hookDepth`: how many of smartcache's frames lie between this call and the
 * code that called `node:fs` (1: the hook itself; 2: a helper of the hook).
 */
export function target(arg: unknown, hookDepth = 1): Target | undefined {
  try {
    return targetUnguarded(arg, hookDepth);
  } catch {
    opaque('an input that could not be recorded');
    return undefined;
  }
}

/** smartcache's compiled files (dist/, the bundles included): code there is the cache's own. */
const OWN_DIR = path.resolve(__dirname, '..') + path.sep;
/** Frames looked at past the hook: Node's own frames (`require` loading a module) come first. */
const CALLER_FRAMES = 12;

/**
 * True when the code that called `node:fs` is smartcache's own (its store, its lookups of
 * package.json, its reads of sources to fingerprint), judged by the nearest frame outside `node:`.
 * Unreadable or no such frame: false, the program's read, recorded (record more, never less).
 */
function issuedByCache(hookDepth: number): boolean {
  const sites = callSites(CALLER_FRAMES + hookDepth, target);
  if (sites === undefined) return false;
  for (let i = hookDepth; i < sites.length; i++) {
    const site = sites[i];
    const file = site === undefined ? undefined : fileOf(site);
    if (file === undefined || file.startsWith('node:')) continue;
    return file.startsWith(OWN_DIR);
  }
  return false;
}

function targetUnguarded(arg: unknown, hookDepth: number): Target | undefined {
  let frame = currentFrame();
  if (frame === undefined) {
    const charged = chargeOutside(() => issuedByCache(hookDepth));
    if (charged === null) return undefined;
    frame = charged;
  }
  const resolved: Resolved | undefined = resolveArg(arg);
  if (resolved === undefined || isIgnored(resolved.abs)) return undefined;
  if (resolved.relative && frame !== undefined) for (const f of frame.chain()) f.builder.usedCwd = true;
  return { frame, abs: resolved.abs };
}

/**
 * Frames that still treat `abs` as an input (not a file they wrote themselves): every open frame,
 * not only the reading call's chain. A read made for one call can reach another that overlaps it
 * in time (a shared in-flight promise, a batcher run in the first caller's context), and async
 * context cannot tell; sequential calls never overlap and keep precise manifests.
 */
function* readers(t: Target): Generator<Frame> {
  for (const f of openFrames()) if (!f.closed && !f.builder.produced.has(t.abs)) yield f;
}

export function before(t: Target): Snap | undefined {
  return snap(t.abs);
}

/** `bytes`: how many bytes the call got, when known; unlike the stat's size, the state proves nothing. */
function fileInput(abs: string, s: Snap | undefined, hash: string, bytes?: number): FileInput {
  const base = s ?? { size: -1, mtimeMs: -1, ctimeMs: -1, ino: -1 };
  const size = bytes !== undefined && bytes !== base.size && s !== undefined ? UNSIZED : base.size;
  const input: FileInput = { path: abs, hash, size, mtimeMs: base.mtimeMs, ctimeMs: base.ctimeMs, ino: base.ino };
  return s !== undefined && isRacy(s) ? { ...input, racy: true } : input;
}

/** The call read `data` (all of the file's bytes) from `t`, whose state was `s` before the read. */
function fileReadUnguarded(t: Target, s: Snap | undefined, data: Buffer | string | undefined): void {
  let hash: string | undefined;
  // A string's UTF-8 length may differ from the bytes read (another encoding): then it is only
  // hashed at every check, never wrong.
  const bytes = data === undefined ? undefined : typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  for (const f of readers(t)) {
    if (f.builder.files.has(t.abs)) continue;
    hash ??= data === undefined ? ABSENT : hashBytes(data);
    f.builder.file(t.abs, fileInput(t.abs, s, f.builder.appended.has(t.abs) ? UNKNOWN : hash, bytes));
  }
}

/**
 * A read that failed: a missing file is an input (creating it must miss), a folder too. Any other
 * failure (EACCES, ELOOP, EMFILE…) may be what the call's result depends on (a fallback taken),
 * and no later check could tell it is gone: the entry is not reused.
 */
function readFailedUnguarded(t: Target, error: unknown): void {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') fileRead(t, undefined, undefined);
  else if (code === 'EISDIR') stat(t, snap(t.abs) === undefined ? undefined : real.statSync(t.abs));
  else opaque(`${t.abs} (the read failed: ${typeof code === 'string' ? code : 'error'})`);
}

/**
 * The call opened `t` to read through a descriptor or a stream: the whole file is hashed now,
 * before the call reads any of it, and re-checked when the call ends (a change in between makes
 * the record unknown: the call may have read either version).
 */
function fileOpenedUnguarded(t: Target): void {
  const frames = [...readers(t)].filter((f) => !f.builder.files.has(t.abs));
  if (frames.length === 0) return;
  const s = snap(t.abs);
  if (s !== undefined && !s.isFile) return; // a FIFO or a device: reads through it are opaque
  const read = s === undefined ? undefined : readHash(t.abs);
  const hash = s === undefined ? ABSENT : read?.hash ?? UNKNOWN;
  for (const f of frames) {
    f.builder.file(t.abs, fileInput(t.abs, s, f.builder.appended.has(t.abs) ? UNKNOWN : hash, read?.bytes));
    if (s !== undefined) f.builder.watched.set(t.abs, s);
  }
}

/** The call wrote `t` from scratch (writeFile, open 'w'): later reads of it read its own output. */
function fileProducedUnguarded(t: Target): void {
  if (t.frame === undefined) return;
  for (const f of t.frame.chain()) {
    if (!f.builder.files.has(t.abs)) f.builder.produced.add(t.abs);
  }
}

/** The call appended to `t`: if it reads it later, what it reads depends on the earlier content. */
function fileAppendedUnguarded(t: Target): void {
  for (const f of readers(t)) f.builder.appended.add(t.abs);
}

function namesHash(abs: string, names: readonly string[]): string {
  return listingHash(abs, names);
}

/**
 * The hash of a listing of `abs` as recorded and as checked: the cache's own files left out (a
 * recursive listing of a project whose cache root is inside it changed with every entry the
 * cache wrote, so it never hit). Names are relative to `abs`, maybe with a type after a NUL.
 */
export function listingHash(abs: string, names: readonly string[]): string {
  const kept = names.filter((name) => {
    const end = name.indexOf('\u0000');
    return !isIgnored(path.join(abs, end < 0 ? name : name.slice(0, end)));
  });
  return hashBytes(JSON.stringify(kept.sort()));
}

/**
 * What a listing gave the call: its names, each with its entry's type when the call got
 * `Dirent`s (`withFileTypes`, `opendir`): a file replaced by a folder of the same name must miss.
 */
export interface Names {
  readonly names: readonly string[];
  readonly types: boolean;
}

/** A directory listing the call got (`listing` undefined when the directory was missing). */
function listedUnguarded(t: Target, recursive: boolean, dirBefore: Snap | undefined, listing: Names | undefined): void {
  let hash: string | undefined;
  for (const f of readers(t)) {
    hash ??= listing === undefined ? ABSENT : namesHash(t.abs, listing.names);
    const dir = !recursive && dirBefore !== undefined ? { mtimeMs: dirBefore.mtimeMs, ctimeMs: dirBefore.ctimeMs, ino: dirBefore.ino, size: dirBefore.size } : undefined;
    f.builder.listing(t.abs, {
      path: t.abs,
      recursive,
      names: hash,
      count: listing?.names.length ?? 0,
      ...(listing?.types === true ? { types: true } : {}),
      ...(dir === undefined ? {} : { dir }),
      ...(dirBefore !== undefined && isRacy(dirBefore) ? { racy: true } : {}),
    });
  }
}

interface DirentLike {
  readonly name: string | Buffer;
  readonly parentPath?: string;
  readonly path?: string;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

function isDirent(item: unknown): item is DirentLike {
  return typeof item === 'object' && item !== null && 'name' in item && typeof (item as { isDirectory?: unknown }).isDirectory === 'function';
}

/** `sub/name` (relative to the listed folder `abs`) and the entry's type, as one recorded name. */
function typedName(d: DirentLike, abs: string, recursive: boolean): string {
  const name = typeof d.name === 'string' ? d.name : d.name.toString('utf8');
  const parent = d.parentPath ?? d.path;
  const rel = recursive && parent !== undefined ? path.relative(abs, path.resolve(parent, name)) : name;
  const type = d.isFile() ? 'f' : d.isDirectory() ? 'd' : d.isSymbolicLink() ? 'l' : 'o';
  return `${rel}\u0000${type}`;
}

/** Names of a directory now, as `readdir` gives them (recursive: relative paths; `types`: with each entry's type). */
export function listNow(abs: string, recursive: boolean, types = false): string[] | undefined {
  try {
    return types ? listNowOrThrow(abs, recursive) : (real.readdirSync(abs, recursive ? { recursive: true } : undefined) as Array<string | Buffer>).map((n) => (typeof n === 'string' ? n : n.toString('utf8')));
  } catch {
    return undefined;
  }
}

/** The folder's entries now, with their types; throws what readdir throws. */
export function listNowOrThrow(abs: string, recursive: boolean): string[] {
  const entries = real.readdirSync(abs, { withFileTypes: true, recursive }) as unknown as DirentLike[];
  return entries.map((d) => typedName(d, abs, recursive));
}

/** What a `readdir` call returned, as recorded; else the folder's names now. */
export function listingOf(result: unknown, abs: string, recursive: boolean): Names | undefined {
  if (Array.isArray(result)) {
    const items = result as unknown[];
    if (items.length > 0 && items.every(isDirent)) return { names: items.map((d) => typedName(d, abs, recursive)), types: true };
    if (items.every((i) => typeof i === 'string' || Buffer.isBuffer(i))) {
      return { names: items.map((n) => (typeof n === 'string' ? n : (n as Buffer).toString('utf8'))), types: false };
    }
  }
  const names = listNow(abs, recursive);
  return names === undefined ? undefined : { names, types: false };
}

function existedUnguarded(t: Target, exists: boolean): void {
  for (const f of readers(t)) f.builder.exist(t.abs, exists);
}

function accessedUnguarded(t: Target, mode: number, result: string): void {
  for (const f of readers(t)) f.builder.accessed(t.abs, mode, result);
}

interface StatLike {
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
  size: number | bigint;
  mode: number | bigint;
  mtimeMs: number | bigint;
  mtimeNs?: bigint;
}

/**
 * The modification time as a number-form Stats gives it. A `{ bigint: true }` stat truncates
 * `mtimeMs` to whole milliseconds; the validator stats in number form, so the time is rebuilt
 * from `mtimeNs` the way Node computes the number form (sec * 1e3 + nsec / 1e6).
 */
function mtimeOf(s: StatLike): number {
  if (typeof s.mtimeMs !== 'bigint') return s.mtimeMs;
  if (typeof s.mtimeNs !== 'bigint') return Number(s.mtimeMs);
  const sec = s.mtimeNs / 1_000_000_000n;
  const nsec = s.mtimeNs % 1_000_000_000n;
  return Number(sec) * 1e3 + Number(nsec) / 1e6;
}

/**
 * The contract's stat terms: type, size, mode, modification time; for a symbolic link at `abs`,
 * also where it points (a link retargeted with its mtime kept, as `cp -a`, tar or rsync do, has
 * the same size when both targets' names are as long).
 */
export function statState(s: StatLike | undefined, abs?: string): string {
  if (s === undefined) return ABSENT;
  const type = s.isFile() ? 'file' : s.isDirectory() ? 'dir' : s.isSymbolicLink() ? 'link' : 'other';
  const state = `${type}:${String(s.size)}:${String(s.mode)}:${String(mtimeOf(s))}`;
  if (type !== 'link' || abs === undefined) return state;
  try {
    return `${state}:${real.readlinkSync(abs)}`;
  } catch {
    return `${state}:?`;
  }
}

function statUnguarded(t: Target, s: StatLike | undefined, kind: 'stat' | 'lstat' = 'stat'): void {
  const state = statState(s, t.abs);
  for (const f of readers(t)) f.builder.stat(t.abs, state, kind === 'lstat');
}

function statFailedUnguarded(t: Target, error: unknown, kind: 'stat' | 'lstat' = 'stat'): void {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') stat(t, undefined, kind);
  else opaque(`${t.abs} (its ${kind} failed: ${typeof code === 'string' ? code : 'error'})`);
}

/** An input that cannot be checked later (a descriptor of unknown origin, a pipe): the entry never hits. */
export function opaque(what: string): void {
  if (currentFrame() === undefined) return;
  // Every open call: what the opaque read gave may reach any of them (see `readers`).
  for (const f of openFrames()) if (!f.closed) f.builder.opaque.add(what);
}

export const fileRead = guarded(fileReadUnguarded);
export const readFailed = guarded(readFailedUnguarded);
export const fileOpened = guarded(fileOpenedUnguarded);
export const fileProduced = guarded(fileProducedUnguarded);
export const fileAppended = guarded(fileAppendedUnguarded);
/**
 * A listing that failed: no folder there (ENOENT) is an input as such, a path that is not a folder
 * (ENOTDIR) too; any other failure (EACCES, EMFILE…) cannot be checked later.
 */
function listFailedUnguarded(t: Target, recursive: boolean, error: unknown): void {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') listedUnguarded(t, recursive, undefined, undefined);
  else if (code === 'ENOTDIR') {
    for (const f of readers(t)) f.builder.listing(t.abs, { path: t.abs, recursive, names: NOT_A_FOLDER, count: 0 });
  } else opaque(`${t.abs} (its listing failed: ${typeof code === 'string' ? code : 'error'})`);
}

export const listed = guarded(listedUnguarded);
export const listFailed = guarded(listFailedUnguarded);
export const existed = guarded(existedUnguarded);
export const accessed = guarded(accessedUnguarded);
export const stat = guarded(statUnguarded);
export const statFailed = guarded(statFailedUnguarded);
