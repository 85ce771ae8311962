/**
 * Before a hit is served (from disk or from memory): does every recorded input still hold?
 * Files: one stat each; equal size, mtime, ctime and inode prove nothing was written since the
 * state taken before the read (ctime cannot be set back, unlike mtime, so an edit whose mtime
 * was restored still shows). Otherwise, or when the record is racy, the content hash decides: a
 * touched file with the same bytes still hits. Returns why it does not hold, naming the file.
 */
import { findProjectRoot } from '../project';
import { ABSENT, NOT_A_FOLDER, UNKNOWN, type FileInput, type ListingInput, type Manifest } from './manifest';
import { hashBytes, isRacy, readHash, real, sameSnap, snap, type Snap } from './originals';
import { absolutePath, storedPath } from './paths';
import { listingHash, listNow, statState } from './record';
import { untracked } from './guard';
import { envLabel, envNow } from './env-watch';
import { envValueHash } from './env';

/** Content hashes computed in this process, by path and state: a file touched once is hashed once. */
const verified = new Map<string, { readonly snap: Snap; readonly hash: string; readonly racy: boolean }>();
const MAX_VERIFIED = 10_000;
/** A check hashed a file whose cheap state had moved: the caller may refresh a memory entry. */
let hashedSinceReset = false;

export function takeHashed(): boolean {
  const was = hashedSinceReset;
  hashedSinceReset = false;
  return was;
}

function currentHash(abs: string, now: Snap): string | undefined {
  const known = verified.get(abs);
  // Racy when hashed (judged then, not now): a write in the same clock tick would not show.
  if (known !== undefined && !known.racy && sameSnap(now, known.snap)) return known.hash;
  const read = readHash(abs);
  if (read === undefined) return undefined;
  const hash = read.hash;
  // A pseudo-file (/proc, /sys) keeps its state while its content changes: never remembered.
  if (read.bytes !== now.size) return hash;
  hashedSinceReset = true;
  // `now` was taken before the bytes were read: the pair is sound to reuse while it holds.
  if (verified.size >= MAX_VERIFIED) verified.clear();
  verified.set(abs, { snap: now, hash, racy: isRacy(now) });
  return hash;
}

function checkFile(f: FileInput, abs: string): string | undefined {
  if (f.hash === UNKNOWN) return `file ${f.path} changed while it was read`;
  // The common case first, on the raw Stats: one stat, four comparisons.
  let raw: import('node:fs').Stats | undefined;
  try {
    raw = real.statSync(abs, { throwIfNoEntry: false });
  } catch {
    raw = undefined;
  }
  if (f.hash === ABSENT) return raw === undefined ? undefined : `file ${f.path} appeared`;
  if (raw === undefined) return `file ${f.path} was removed`;
  if (f.racy !== true && raw.size === f.size && raw.mtimeMs === f.mtimeMs && raw.ctimeMs === f.ctimeMs && raw.ino === f.ino) return undefined;
  if (!raw.isFile()) return `file ${f.path} changed`;
  const now: Snap = { size: raw.size, mtimeMs: raw.mtimeMs, ctimeMs: raw.ctimeMs, ino: raw.ino, isFile: true, isDirectory: false };
  return currentHash(abs, now) === f.hash ? undefined : `file ${f.path} changed`;
}

/** Absolute paths of a manifest's files, per project root: a memory entry resolves them once. */
const resolvedFiles = new WeakMap<readonly FileInput[], { readonly root: string | undefined; readonly paths: ReadonlyArray<string | undefined> }>();

function filePaths(files: readonly FileInput[], root: string | undefined): ReadonlyArray<string | undefined> {
  const known = resolvedFiles.get(files);
  if (known !== undefined && known.root === root) return known.paths;
  const paths = files.map((f) => absolutePath(f.path, root));
  resolvedFiles.set(files, { root, paths });
  return paths;
}

/** The code a listing of `abs` fails with now, or undefined when it succeeds. */
function listingError(abs: string): string | undefined {
  try {
    real.readdirSync(abs);
    return undefined;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === 'string' ? code : 'error';
  }
}

function checkListing(l: ListingInput, abs: string): string | undefined {
  const what = `${l.recursive ? 'tree' : 'listing'} of ${l.path}`;
  if (l.names === ABSENT) return real.existsSync(abs) ? `${what} appeared` : undefined;
  if (l.names === NOT_A_FOLDER) return listingError(abs) === 'ENOTDIR' ? undefined : `${what} changed (it was not a folder)`;
  if (l.dir !== undefined && l.racy !== true) {
    // Adding, removing or renaming an entry changes the directory's own mtime and ctime.
    const now = snap(abs);
    if (now !== undefined && sameSnap(now, l.dir)) return undefined;
  }
  const names = listNow(abs, l.recursive, l.types === true);
  if (names === undefined) return `${what} is gone`;
  return listingHash(abs, names) === l.names ? undefined : `${what} changed`;
}

function accessNow(abs: string, mode: number): string {
  try {
    real.accessSync(abs, mode);
    return 'ok';
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === 'string' ? code : 'error';
  }
}

function statNow(abs: string, link: boolean): string {
  try {
    const s = link ? real.lstatSync(abs) : real.statSync(abs);
    return statState(s, abs);
  } catch {
    return ABSENT;
  }
}

/** The last value hashed per variable: a memory hit re-reads each variable but hashes it only when it changed. */
const envHashes = new Map<string, { readonly value: string | undefined; readonly hash: string }>();

function envHash(name: string, raw: boolean): string {
  const value = envNow(name, raw);
  const known = envHashes.get(name);
  if (known !== undefined && known.value === value) return known.hash;
  const hash = envValueHash(name, value ?? null);
  if (envHashes.size >= MAX_VERIFIED) envHashes.clear();
  envHashes.set(name, { value, hash });
  return hash;
}

/** Undefined when every input of `m` still holds; else the reason, naming the first that does not. */
let rootFor: { readonly cwd: string; readonly root: string | undefined } | undefined;

/** The project root for the working directory now (process.cwd() is cached by Node; resolving is not). */
function projectRoot(): string | undefined {
  const cwd = process.cwd();
  if (rootFor?.cwd !== cwd) rootFor = { cwd, root: findProjectRoot(cwd) };
  return rootFor.root;
}

/**
 * `anchor`: the project root the manifest's paths are relative to, the cached function's own
 * (InputTracker): a script run from a workspace root one day and from its package the next reads
 * the same files. Without one, the working directory's project.
 */
export function checkManifest(m: Manifest, anchor?: string): string | undefined {
  // untracked: a nested hit checked inside an enclosing call must not make the working directory
  // (read here through process.cwd()) an input of that call (cwd-patch.ts).
  return untracked(() => checkNow(m, anchor));
}

function checkNow(m: Manifest, anchor: string | undefined): string | undefined {
  if (m.opaque !== undefined && m.opaque.length > 0) return `read ${m.opaque[0]}, which cannot be checked`;
  const root = anchor ?? projectRoot();
  // Variables first: no system call, and the likeliest to differ between two shells.
  for (const v of m.env ?? []) {
    if (envHash(v.name, v.raw === true) !== v.value) return `${envLabel(v.name)} changed`;
  }
  if (m.cwd !== undefined && storedPath(process.cwd(), root) !== m.cwd) return `working directory changed (relative paths or process.cwd())`;
  const abs = (p: string): string | undefined => absolutePath(p, root);
  if (m.files !== undefined) {
    const paths = filePaths(m.files, root);
    for (let i = 0; i < m.files.length; i++) {
      const f = m.files[i] as FileInput;
      const a = paths[i];
      const why = a === undefined ? `file ${f.path} is outside any project` : checkFile(f, a);
      if (why !== undefined) return why;
    }
  }
  for (const l of m.lists ?? []) {
    const a = abs(l.path);
    const why = a === undefined ? `folder ${l.path} is outside any project` : checkListing(l, a);
    if (why !== undefined) return why;
  }
  for (const e of m.exists ?? []) {
    const a = abs(e.path);
    if (a === undefined || real.existsSync(a) !== e.exists) return `${e.path} ${e.exists ? 'no longer exists' : 'now exists'}`;
  }
  for (const x of m.access ?? []) {
    const a = abs(x.path);
    if (a === undefined || accessNow(a, x.mode) !== x.result) return `access to ${x.path} changed`;
  }
  for (const s of m.stats ?? []) {
    const a = abs(s.path);
    if (a === undefined || statNow(a, s.link === true) !== s.state) return `stat of ${s.path} changed`;
  }
  return undefined;
}

/**
 * After a stored file's cheap state failed but its hash matched, the state now can stand in for
 * it (memory entries only): the next memory hit is one stat again, not a hash.
 */
export function refreshed(m: Manifest, anchor?: string): Manifest {
  if (m.files === undefined) return m;
  const root = anchor ?? findProjectRoot();
  let changed = false;
  const files = m.files.map((f) => {
    const a = absolutePath(f.path, root);
    if (a === undefined || f.hash === ABSENT || f.hash === UNKNOWN) return f;
    const now = snap(a);
    if (now === undefined || isRacy(now) || (f.racy !== true && sameSnap(now, f))) return f;
    const known = verified.get(a);
    if (known === undefined || known.racy || !sameSnap(now, known.snap) || known.hash !== f.hash) return f;
    changed = true;
    return { path: f.path, hash: f.hash, size: now.size, mtimeMs: now.mtimeMs, ctimeMs: now.ctimeMs, ino: now.ino };
  });
  return changed ? { ...m, files } : m;
}
