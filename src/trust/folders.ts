/**
 * Whether a cache root is the user's own: the rule Git adopted for `safe.directory` after
 * CVE-2022-24765 and OpenSSH's StrictModes (`secure_filename`), applied to every folder the
 * library reads from.
 *
 * - The root, and every folder inside it the library uses, must be a real folder (not a link),
 *   owned by the current user and writable by no one else (no other write bit, and no group write
 *   bit unless the group is the user's private group: identity.ts).
 * - Every folder above it must belong to the user or to root (uid 0) and be writable by no one
 *   else, unless it has the sticky bit (`/tmp`): there others may create names but cannot rename
 *   or delete ours. A link on the way may belong only to the user or to root, and the folders it
 *   leads to are checked the same way (the real path, as OpenSSH does).
 * - A root that does not exist yet is judged by the folders above it: the store creates it 0700,
 *   and store/io.ts checks each folder it creates or enters again, so a folder someone else made
 *   in the meantime is refused there.
 *
 * Anyone who can write a folder above the root could replace the root, and anyone who can write
 * the root could plant entries (wrong results) and, for the preload, rewritten source (code run
 * in this process). A root that fails is not used (the program runs uncached, one warning), unless
 * the user declares it shared on purpose with SMARTCACHE_TRUST_SHARED_ROOT=1: then results are
 * read and written there, but code (preload rewrites) and code analyses never are.
 */
import fs = require('node:fs');
import path = require('node:path');
import { currentUid, isPrivateGroup, ownerLabel } from './identity';

export const SHARED_ROOT_ENV = 'SMARTCACHE_TRUST_SHARED_ROOT';

/**
 * `own`: the user's alone; everything is used. `shared`: not the user's alone, declared shared:
 * results only. `refused`: not the user's alone and not declared shared: not used by the library.
 */
export type TrustLevel = 'own' | 'shared' | 'refused';

export interface RootTrust {
  readonly root: string;
  readonly level: TrustLevel;
  /** Why the root is not the user's own (undefined when it is). */
  readonly problem: string | undefined;
  /** The folder at fault. */
  readonly folder: string | undefined;
  /** Its owner, as `uid N (name)`. */
  readonly owner: string | undefined;
}

interface Fault {
  readonly folder: string;
  readonly stat: fs.Stats;
  readonly why: string;
}

function lstatQuiet(file: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(file);
  } catch {
    return undefined;
  }
}

/** `/a/b/c` -> `/`, `/a`, `/a/b`, `/a/b/c` (a drive or UNC root first on Windows). */
function components(abs: string): string[] {
  const out: string[] = [];
  for (let p = abs; ; p = path.dirname(p)) {
    out.push(p);
    if (path.dirname(p) === p) break;
  }
  return out.reverse();
}

/** Write access for anyone but the owner (group write of the user's private group does not count). */
export function othersMayWrite(stat: { mode: number; gid: number }): boolean {
  if ((stat.mode & 0o002) !== 0) return true;
  return (stat.mode & 0o020) !== 0 && !isPrivateGroup(stat.gid);
}
const sticky = (mode: number): boolean => (mode & 0o1000) !== 0;

function who(mode: number): string {
  return (mode & 0o002) !== 0 ? 'anyone' : 'its group';
}

/** A folder that must be the user's alone: the root and the folders inside it. */
export function ownFolderFault(folder: string, stat: fs.Stats, uid: number): string | undefined {
  if (stat.isSymbolicLink()) return 'is a symbolic link';
  if (!stat.isDirectory()) return 'is not a folder';
  if (stat.uid !== uid) return `belongs to ${ownerLabel(stat.uid)}, not to this user`;
  if (othersMayWrite(stat)) return `is writable by ${who(stat.mode)}`;
  return undefined;
}

/** A folder or link above the root. */
function aboveFault(stat: fs.Stats, uid: number): string | undefined {
  if (stat.uid !== uid && stat.uid !== 0) return `belongs to ${ownerLabel(stat.uid)}, neither this user nor root`;
  if (stat.isDirectory() && othersMayWrite(stat) && !sticky(stat.mode)) return `is writable by ${who(stat.mode)} (and not sticky)`;
  return undefined;
}

/** The first fault on the path as written (links included, as links). */
function givenPathFault(abs: string, uid: number): { fault: Fault | undefined; deepest: string | undefined } {
  let deepest: string | undefined;
  for (const c of components(abs)) {
    const stat = lstatQuiet(c);
    if (stat === undefined) break;
    deepest = c;
    // A file where a folder belongs is no trust matter: creating the root fails, and says so.
    if (!stat.isDirectory() && !stat.isSymbolicLink()) return { fault: undefined, deepest: undefined };
    const why = c === abs && !stat.isSymbolicLink() ? ownFolderFault(c, stat, uid) : aboveFault(stat, uid);
    if (why !== undefined) return { fault: { folder: c, stat, why }, deepest };
  }
  return { fault: undefined, deepest };
}

/** The first fault on the real path of `deepest` (the links resolved), which is the root when `isRoot`. */
function realPathFault(deepest: string, isRoot: boolean, uid: number): Fault | undefined {
  let real: string;
  try {
    real = fs.realpathSync.native(deepest);
  } catch {
    return undefined; // a dangling or looping link: creating or reading the root fails and says so
  }
  for (const c of components(real)) {
    const stat = lstatQuiet(c);
    if (stat === undefined) return undefined;
    const why = c === real && isRoot ? ownFolderFault(c, stat, uid) : aboveFault(stat, uid);
    if (why !== undefined) return { folder: c, stat, why };
  }
  return undefined;
}

/** Folders inside the root that the library reads from (when they exist). */
function insideFault(root: string, inside: readonly string[], uid: number): Fault | undefined {
  for (const rel of inside) {
    const folder = path.join(root, rel);
    const stat = lstatQuiet(folder);
    if (stat === undefined) continue;
    const why = ownFolderFault(folder, stat, uid);
    if (why !== undefined) return { folder, stat, why };
  }
  return undefined;
}

function findFault(abs: string, inside: readonly string[], uid: number): Fault | undefined {
  const given = givenPathFault(abs, uid);
  if (given.fault !== undefined) return given.fault;
  if (given.deepest === undefined) return undefined;
  const real = realPathFault(given.deepest, given.deepest === abs, uid);
  if (real !== undefined) return real;
  return given.deepest === abs ? insideFault(abs, inside, uid) : undefined;
}

function sharedOnPurpose(env: NodeJS.ProcessEnv): boolean {
  const value = env[SHARED_ROOT_ENV];
  return value === '1' || value === 'true' || value === 'yes';
}

const verdicts = new Map<string, RootTrust>();

/**
 * The verdict on `root` (memoized per process: the folders are checked once; each folder the
 * store creates or enters later is checked again where it is used). `inside` lists the folders
 * under the root the caller reads from.
 */
export function judgeRoot(root: string, inside: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): RootTrust {
  const abs = path.resolve(root);
  const shared = sharedOnPurpose(env);
  const memoKey = `${shared ? 1 : 0}\u0000${abs}\u0000${inside.join('\u0000')}`;
  const known = verdicts.get(memoKey);
  if (known !== undefined) return known;
  const uid = currentUid();
  const fault = uid === undefined ? undefined : findFault(abs, inside, uid);
  const verdict: RootTrust = fault === undefined
    ? { root: abs, level: 'own', problem: undefined, folder: undefined, owner: undefined }
    : {
        root: abs,
        level: shared ? 'shared' : 'refused',
        problem: `${fault.folder} ${fault.why}`,
        folder: fault.folder,
        owner: ownerLabel(fault.stat.uid),
      };
  verdicts.set(memoKey, verdict);
  return verdict;
}

/** Forget verdicts (tests that change ownership within one process). */
export function forgetVerdicts(): void {
  verdicts.clear();
}

/** Why a root is refused and how to fix it: the folder at fault, its owner, the ways out. */
export function refusalMessage(trust: RootTrust): string {
  const folder = trust.folder ?? trust.root;
  return (
    `${trust.problem ?? `${folder} is not this user's own`} (owner ${trust.owner ?? 'unknown'}). ` +
    `Fix: make it yours alone (chown "$(id -u)" ${folder} && chmod go-w ${folder}), ` +
    `or point SMARTCACHE_DIR at a folder of your own, ` +
    `or, if it is shared on purpose, set ${SHARED_ROOT_ENV}=1 (README, "Security")`
  );
}
