/**
 * One cached function's view of its inputs from outside the code: what the call path (cache/
 * call/call-path.ts) asks at each step of a call. With `track: false` it records nothing of its own,
 * and the function's own reads still count for an enclosing tracked call (whose result they
 * shape).
 */
import { explain, fingerprint, LOCAL_TIME_UNSEEN, reachedBuiltins, type DependencyNode, type Explanation } from '../fingerprint';
import {
  ABSENT,
  aside,
  DEFAULT_LOCALE,
  ENV_LISTING,
  isMachineName,
  envLabel,
  TIME_ZONE,
  checkManifest,
  currentFrame,
  enclosingFrame,
  envReads,
  envValueHash,
  envValues,
  ignoreTree,
  INPUT_WARNING_CODES as CODES,
  installFsHooks,
  patchEarlierHandles,
  cwdHookInPlace,
  openFrame,
  openFrames,
  refreshed,
  resumeAside,
  runInFrame,
  setActivityListener,
  wrapperWork,
  setClockHooks,
  unrecordableReason,
  setFrameOpenListener,
  localTimeUnseen,
  recordLocalTime,
  releaseLocaleHooksSoon,
  setLocaleHooks,
  takeHashed,
  UNKNOWN,
  warnInputOnce,
  withEnv,
  wrapCurrentEnv,
  type EnvReads,
  type Frame,
  type Manifest,
} from '../tracking';
import path = require('node:path');
import { findProjectRoot } from '../project';
import { definitionFile } from '../registry';

setActivityListener((on) => {
  setClockHooks(on);
  if (!on) releaseLocaleHooksSoon();
});
setFrameOpenListener(() => setLocaleHooks(true));

/** What the environment contributes to a fingerprint, computed once per code fingerprint. */
interface EnvState {
  readonly code: string;
  readonly reads: EnvReads;
  readonly values: Array<[string, string | null]>;
  readonly fingerprint: string;
  /** The code reaches local time or the locale where no hook sees it: each call records both. */
  readonly localTime: boolean;
}

/** A memory entry's manifest, refreshed in place after a touched file hashed equal. */
export interface HasManifest {
  manifest: Manifest | undefined;
}

export class InputTracker {
  private env: EnvState | undefined;
  /** The inputs of the latest entry this process computed or served, for `explain`. */
  private latest: Manifest | undefined;

  constructor(
    readonly name: string,
    readonly enabled: boolean,
    private readonly fn: Function,
  ) {
    if (enabled) {
      installFsHooks();
      patchEarlierHandles();
    }
  }

  /** The cache's own files are never inputs. */
  static ignoreRoot(root: string): void {
    ignoreTree(root);
  }

  // ---- around a call ---------------------------------------------------------------------------

  /** The tracked call this one runs inside, if any (nothing tracked: one counter check). */
  outer(): Frame | undefined {
    return currentFrame();
  }

  /** The wrapper's own work inside a tracked call: not recorded, not warned about. */
  aside<T>(outer: Frame, fn: () => T): T {
    return aside(outer, fn);
  }

  /**
   * The wrapper's own work outside every call: not charged to the calls open meanwhile (which
   * take every read made while they run, tracking/record.ts `readers`).
   */
  own<T>(fn: () => T): T {
    return wrapperWork(fn);
  }

  /** The user's `key`/`dependsOn`: run in the enclosing call's frame, their reads are its inputs. */
  resume<T>(fn: () => T): T {
    return resumeAside(fn);
  }

  /**
   * The project root the paths of this function's manifests are relative to: its own file's
   * project (the same whatever the working directory, and the same place in another checkout),
   * else (a function cached in no one known file) the working directory's project.
   */
  private anchor(): string | undefined {
    if (this.anchorRoot === undefined) {
      const file = definitionFile(this.fn);
      this.anchorRoot = file === undefined ? null : (findProjectRoot(path.dirname(file)) ?? null);
    }
    return this.anchorRoot ?? undefined;
  }

  private anchorRoot: string | null | undefined;

  /** A frame for a computing call (undefined with `track: false`). */
  begin(): Frame | undefined {
    if (!this.enabled) return undefined;
    // A `process.env` the program replaced since (a test double, `process.env = { … }`) is wrapped too.
    wrapCurrentEnv();
    const frame = openFrame(this.name, this.anchor());
    // A `process.cwd` put over the hook (graceful-fs, a stub) hides the call's reads of it.
    if (!cwdHookInPlace()) frame.builder.usedCwd = true;
    const unrecordable = unrecordableReason();
    if (unrecordable !== undefined) frame.builder.opaque.add(unrecordable);
    if (this.env?.localTime === true || localTimeUnseen()) recordLocalTime(frame);
    return frame;
  }

  /** Runs the user's function: in its frame, or (untracked) in the enclosing call's frame. */
  run<T>(frame: Frame | undefined, fn: () => T): T {
    return runInFrame(frame ?? enclosingFrame(), fn);
  }

  /** The call returned or settled: its manifest (undefined when it read nothing). */
  finish(frame: Frame | undefined): Manifest | undefined {
    if (frame === undefined) return undefined;
    const m = frame.finish();
    if (m?.opaque !== undefined && m.opaque.length > 0) {
      warnInputOnce(this.name, 'opaque', CODES.opaque, `${this.name} read ${m.opaque[0]}, which cannot be checked later: its entries never hit`);
    }
    this.latest = m;
    return m;
  }

  // ---- before a hit ----------------------------------------------------------------------------

  /** Undefined when the entry's inputs still hold, else why not (naming the file). */
  check(m: Manifest | undefined): string | undefined {
    if (m === undefined) return undefined;
    return checkManifest(m, this.anchor());
  }

  /** `check` for a memory entry; a touched file that hashed equal is refreshed in the entry. */
  checkMemory(entry: HasManifest): string | undefined {
    const m = entry.manifest;
    if (m === undefined) return undefined;
    const anchor = this.anchor();
    const why = checkManifest(m, anchor);
    if (why === undefined && takeHashed()) entry.manifest = refreshed(m, anchor);
    return why;
  }

  /** A hit's inputs are the enclosing tracked call's inputs too. */
  served(m: Manifest | undefined, into?: Frame): void {
    if (m === undefined) return;
    this.latest = m;
    // Looked up only when there is something to merge: most hits carry no manifest.
    const frame = into ?? enclosingFrame();
    if (frame === undefined) return;
    const anchor = this.anchor();
    const targets = new Set(frame.chain());
    // A served value can reach a concurrent call too, like a read (tracking/record.ts `readers`).
    for (const f of openFrames()) if (!f.closed) targets.add(f);
    for (const f of targets) f.builder.merge(m, anchor);
  }

  /** Where a joined concurrent call's inputs go once it settles. */
  enclosing(): Frame | undefined {
    return enclosingFrame();
  }

  // ---- fingerprint -----------------------------------------------------------------------------

  /** The fingerprint with the environment folded in (the code fingerprint when untracked). */
  fingerprint(code: string): string {
    if (!this.enabled) return code;
    const known = this.env;
    if (known !== undefined && known.code === code) return known.fingerprint;
    let reads: EnvReads;
    let localTime = false;
    try {
      const reached = reachedBuiltins(this.fn);
      reads = envReads(reached);
      localTime = reached.includes(LOCAL_TIME_UNSEEN);
    } catch {
      reads = { names: [], dynamic: false };
    }
    if (reads.dynamic) {
      warnInputOnce(
        this.name,
        'dynamic-env',
        CODES.dynamicEnv,
        `${this.name} reads process.env by computed name (or uses it whole): only the variables a call reads are recorded with its entry (a changed value recomputes); they are not part of the fingerprint, so switching a value back recomputes again (read them by name, or pass them as arguments)`,
      );
    }
    const values = envValues(reads.names);
    this.env = { code, reads, values, fingerprint: withEnv(code, values), localTime };
    return this.env.fingerprint;
  }

  /** The tree stored with the fingerprint: the code's, plus one node per variable read by name. */
  decorate(tree: DependencyNode): DependencyNode {
    const env = this.env;
    if (!this.enabled || env === undefined || env.values.length === 0) return tree;
    const nodes: DependencyNode[] = env.values.map(([name, value]) => {
      const hash = envValueHash(name, value);
      return { kind: 'value', name: `(env) ${name}`, hash, fingerprint: hash, preview: value === null ? 'unset' : 'set', children: [] };
    });
    return { ...tree, fingerprint: env.fingerprint, children: [...tree.children, ...nodes] };
  }

  /** `explain()`: the code's tree with the variables read and the files of the latest entry. */
  explain(): Explanation & { readonly inputs?: Manifest } {
    const base = explain(this.fn);
    if (!this.enabled) return base;
    this.fingerprint(fingerprint(this.fn)); // the variables read, even before the first call
    const root = this.decorate(base.root);
    // A variable the code names is in the tree already (`(env) NAME`); its runtime record is not repeated.
    const named = new Set(this.env?.values.map(([name]) => name) ?? []);
    const files = this.latest === undefined ? [] : inputNodes(this.latest).filter((n) => !(n.name.startsWith(ENV_READ) && named.has(n.name.slice(ENV_READ.length))));
    const out = { ...base, root: files.length === 0 ? root : { ...root, children: [...root.children, ...files] } };
    return this.latest === undefined ? out : { ...out, inputs: this.latest };
  }
}

/** How a variable read while the call ran (not named by the code) is listed. */
const ENV_READ = '(env read) ';

function shortHash(hash: string): string {
  return hash === ABSENT || hash === UNKNOWN ? hash : hash.slice(0, 12);
}

/** Tree nodes for a manifest's records (display only: they never enter a fingerprint). */
function inputNodes(m: Manifest): DependencyNode[] {
  const node = (name: string, hash: string, preview: string): DependencyNode => ({ kind: 'value', name, hash, fingerprint: hash, preview, children: [] });
  const out: DependencyNode[] = [];
  for (const f of m.files ?? []) out.push(node(`(file) ${f.path}`, f.hash, f.hash === ABSENT ? 'absent' : `sha256 ${shortHash(f.hash)}`));
  for (const l of m.lists ?? []) out.push(node(`(${l.recursive ? 'tree' : 'listing'}) ${l.path}`, l.names, l.names === ABSENT ? 'absent' : `${l.count} names`));
  for (const e of m.exists ?? []) out.push(node(`(exists) ${e.path}`, String(e.exists), String(e.exists)));
  for (const a of m.access ?? []) out.push(node(`(access) ${a.path}`, a.result, a.result));
  for (const s of m.stats ?? []) out.push(node(`(${s.link === true ? 'lstat' : 'stat'}) ${s.path}`, s.state, s.state.split(':')[0] ?? s.state));
  for (const v of m.env ?? []) {
    if (v.name === ENV_LISTING) out.push(node('(env listing)', v.value, 'names'));
    else if (v.name === TIME_ZONE || v.name === DEFAULT_LOCALE) out.push(node(`(${v.name === TIME_ZONE ? 'time zone' : 'locale'})`, v.value, 'set'));
    else if (isMachineName(v.name)) out.push(node(`(machine) ${envLabel(v.name)}`, v.value, 'asked'));
    else out.push(node(`${ENV_READ}${v.name}`, v.value, v.value === 'unset' ? 'unset' : 'set'));
  }
  for (const o of m.opaque ?? []) out.push(node(`(unchecked) ${o}`, UNKNOWN, 'cannot be checked'));
  if (m.cwd !== undefined) out.push(node('(cwd)', m.cwd, m.cwd === '.' ? 'project root' : m.cwd));
  return out;
}
