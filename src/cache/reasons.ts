/**
 * Why a call missed, for SMARTCACHE_LOG=1 lines. Each cause is checked, not guessed:
 * - the cache could not be read or written (an unavailable root, a full disk) in this process, or
 *   this key's result could not be stored last time;
 * - the code changed since the fingerprint last recorded, and an entry under the previous
 *   fingerprint exists for these inputs (see code-change.ts); for methods, whose `this` digest holds
 *   the class fingerprint and so changes with it, the check cannot be made, and a detected code
 *   change is the reason;
 * - `dependsOn()` returned something else than the last time (kept across runs as a function
 *   note) and an entry exists for these arguments under that previous value;
 * - the `version` option is another than the last time (a note too) and an entry exists for these
 *   arguments under the previous one;
 * - for a method, the class of `this` is another than at its last miss (a note: the class's name
 *   and fingerprint);
 * - otherwise: new arguments.
 */
import type { Store } from '../store';
import { type CallInputs, composeKey, identityDigest, type KeyIdentity } from './inputs';
import type { CodeChange } from './code-change';
import { errnoOf } from './fail-open';

/** Keys whose result was not stored, with why; bounded so a long run of unstorable calls cannot grow it. */
const NOT_STORED_MAX = 1024;
const DEPENDS_NOTE = 'dependsOn';
const VERSION_NOTE = 'version';
/** The class of `this` at the last miss of a method (`name` + fingerprint): its change is told as such. */
const SELF_CLASS_NOTE = 'this-class';
/** How a version is kept in its note: `undefined` (no version) must be told from the string 'undefined'. */
const versionText = (v: string | undefined): string => JSON.stringify(v ?? null);

/** A miss reason for the log, from a store failure: "cache unavailable (ENOSPC)". */
export function unavailable(error: unknown): string {
  const errno = errnoOf(error);
  return `cache unavailable${errno === undefined ? '' : ` (${errno})`}`;
}

/** The reason, plus whether this call's result went unstored (`notStored`: why not). */
export function withStorage(reason: string | undefined, notStored: string | undefined): string {
  const why = reason ?? 'new arguments';
  return notStored === undefined || why.startsWith('not stored') || why === notStored ? why : `${why}; not stored: ${notStored}`;
}

/** The class of a method's `this`: its name, and `note` (name and fingerprint) to compare. */
export interface SelfClass {
  readonly name: string;
  readonly note: string;
}

export class MissReasons {
  /** What changed since the fingerprint last recorded (set on the first miss of a fingerprint). */
  change: CodeChange | null = null;
  /** The last store failure of this function ("cache unavailable (ENOSPC)"): every later miss is told it. */
  unavailable: string | undefined;
  private readonly notStored = new Map<string, string>();
  /** The last `dependsOn()` digest seen: in this process, else the note of an earlier run. */
  private lastDepends: string | undefined;
  private noted: string | undefined;
  private noteRead = false;
  /** The version an earlier run's last miss ran under (its note, `versionText`): a process has one version per function. */
  private earlierVersion: string | undefined;
  private versionRead = false;
  private versionWritten: string | undefined;
  private selfClassNote: string | undefined;
  private selfClassRead = false;

  constructor(private readonly name: string) {}

  /** A key whose result could not be stored (`why`: "it cannot be stored exactly", "the cache is unavailable (ENOSPC)"). */
  notSaved(key: string, why: string): void {
    if (this.notStored.size >= NOT_STORED_MAX) this.notStored.delete(this.notStored.keys().next().value as string);
    this.notStored.set(key, why);
  }

  saved(key: string): void {
    if (this.notStored.size > 0) this.notStored.delete(key);
  }

  /** A call's `dependsOn()` digest (hits included): the latest value is what a later change is told against. */
  sawDepends(digest: string | undefined): void {
    if (digest !== undefined) this.lastDepends = digest;
  }

  /**
   * The reason of a miss of `key`, checked before the call computes (so that what this call
   * stores or fails to store does not answer for it). `unavailable` is set when the read failed.
   */
  explain(store: Store, identity: KeyIdentity, inputs: CallInputs, key: string, hasSelf: boolean, unavailable: string | undefined, selfClass?: SelfClass): string {
    if (unavailable !== undefined || this.unavailable !== undefined) return unavailable ?? (this.unavailable as string);
    const lost = this.notStored.get(key);
    if (lost !== undefined) return `not stored last time: ${lost}`;
    const change = this.change;
    if (change !== null) {
      const before = composeKey(identityDigest({ ...identity, fingerprint: change.previousFingerprint }), inputs);
      if (hasSelf || this.exists(store, before)) return change.lines.length > 0 ? [...new Set(change.lines)].join('; ') : 'code changed';
    }
    // A method whose class changed (another method edited): `this`'s digest holds the class
    // fingerprint, so its key is new; the class seen at the last miss tells why.
    if (selfClass !== undefined) {
      const before = this.previousSelfClass(store);
      if (before !== undefined && before !== selfClass.note) return `class \`${selfClass.name}\` of \`this\` changed`;
    }
    const previous = this.previousDepends(store);
    if (inputs.depends !== undefined && previous !== undefined && previous !== inputs.depends) {
      const digest = identityDigest(identity);
      if (this.exists(store, composeKey(digest, { ...inputs, depends: previous }))) return 'dependsOn() changed';
    }
    const version = this.previousVersion(store);
    if (version !== undefined && version !== versionText(identity.version)) {
      const before = JSON.parse(version) as string | null;
      if (this.exists(store, composeKey(identityDigest({ ...identity, version: before ?? undefined }), inputs))) return `version ${version} → ${versionText(identity.version)}`;
    }
    return 'new arguments';
  }

  /** After a miss of a method: keeps the class of its `this` as a note for later runs (written only when it changed). */
  rememberSelfClass(store: Store, selfClass: SelfClass | undefined): void {
    if (selfClass === undefined || this.previousSelfClass(store) === selfClass.note) return;
    this.selfClassNote = selfClass.note;
    this.writeNote(store, SELF_CLASS_NOTE, selfClass.note);
  }

  private previousSelfClass(store: Store): string | undefined {
    if (!this.selfClassRead) {
      this.selfClassRead = true;
      this.selfClassNote = this.readNote(store, SELF_CLASS_NOTE);
    }
    return this.selfClassNote;
  }

  /** After a miss: keeps the version it ran under as a note for later runs (written only when it changed). */
  rememberVersion(store: Store, version: string | undefined): void {
    // Most functions have no version: their misses read and write no note, unless a note of an
    // earlier version was already read (to tell "version "2" → null" later).
    if (version === undefined && this.earlierVersion === undefined) return;
    const text = versionText(version);
    if (this.versionWritten === text || this.previousVersion(store) === text) return;
    this.versionWritten = text;
    this.writeNote(store, VERSION_NOTE, text);
  }

  private previousVersion(store: Store): string | undefined {
    if (!this.versionRead) {
      this.versionRead = true;
      const noted = this.readNote(store, VERSION_NOTE);
      // Only a note this code wrote is believed (it is parsed back into a version).
      this.earlierVersion = noted !== undefined && /^(null|"(?:[^"\\]|\\.)*")$/.test(noted) ? noted : undefined;
    }
    return this.earlierVersion;
  }

  /**
   * After a miss of a function with `dependsOn`: keeps the digest as a note for later runs, written
   * only when it differs from the note (a config that changes rarely costs one small write per change).
   */
  rememberDepends(store: Store, digest: string | undefined): void {
    if (digest === undefined) return;
    this.previousDepends(store);
    this.lastDepends = digest;
    if (this.noted === digest) return;
    this.noted = digest;
    this.writeNote(store, DEPENDS_NOTE, digest);
  }

  /** Only a log reason depends on a note: a store failure is reported where it matters, not here. */
  private writeNote(store: Store, kind: string, text: string): void {
    try {
      store.writeFunctionNote(this.name, kind, text);
    } catch {
      // See above.
    }
  }

  private readNote(store: Store, kind: string): string | undefined {
    try {
      return store.readFunctionNote(this.name, kind);
    } catch {
      return undefined;
    }
  }

  private previousDepends(store: Store): string | undefined {
    if (!this.noteRead) {
      this.noteRead = true;
      this.noted = this.readNote(store, DEPENDS_NOTE);
      this.lastDepends ??= this.noted;
    }
    return this.lastDepends;
  }

  private exists(store: Store, key: string): boolean {
    try {
      return store.has(key);
    } catch {
      return false;
    }
  }
}
