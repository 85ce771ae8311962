/**
 * Which cached call is running: one Frame per tracked call that computes (a miss), found through
 * AsyncLocalStorage so that reads in callbacks, promise continuations and streams count for the
 * call that started them, even when several calls run concurrently.
 *
 * Cost when nothing is tracked: `active` counts open frames; every hook checks it first (one
 * module-level load) and never touches AsyncLocalStorage while it is 0. The storage itself is
 * created on the first tracked call (Node 20 enables its promise hooks only then).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { registerHiddenKey } from '../registry';
import { ManifestBuilder, UNKNOWN, type Manifest } from './manifest';
import { inInternal, untracked } from './guard';
import { sameSnap, snap } from './originals';

export class Frame {
  readonly builder = new ManifestBuilder();
  /** Set once the call has returned or settled: later reads (detached work) no longer count. */
  closed = false;
  constructor(
    /** The cached function's name, for warnings. */
    readonly name: string,
    /** The enclosing tracked call: what this call reads, that call's result depends on too. */
    readonly parent: Frame | undefined,
    /** Working directory when the call began: relative paths make it an input. */
    readonly cwd: string,
    /** The project root stored paths are relative to (the cached function's own project), if known. */
    readonly anchor: string | undefined,
  ) {}

  /** This frame and every open enclosing one, innermost first. */
  *chain(): Generator<Frame> {
    for (let f: Frame | undefined = this; f !== undefined; f = f.parent) if (!f.closed) yield f;
  }

  /** Ends the frame without a manifest (the call threw or rejected: nothing is stored). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    open.delete(this);
    if (--active === 0) onActivity?.(false);
  }

  /** Ends the frame; the manifest of what it read (undefined when it read nothing). */
  finish(): Manifest | undefined {
    this.close();
    // Files read through a descriptor were hashed at open: if they changed before the call
    // ended, the call may have read either version, and no later state proves which.
    for (const [abs, before] of this.builder.watched) {
      const now = snap(abs);
      const rec = this.builder.files.get(abs);
      if (rec !== undefined && (now === undefined || !sameSnap(now, before))) this.builder.files.set(abs, { ...rec, hash: UNKNOWN });
    }
    return this.builder.build(this.cwd, this.anchor);
  }
}

let storage: AsyncLocalStorage<Frame | undefined> | undefined;
/** Open frames in the process. Hooks do nothing more than read this while it is 0. */
let active = 0;
/**
 * Every open frame, in opening order. A read is charged to all of them, not only to the frame it
 * runs in: async context follows who started work, not who awaits its result (a shared in-flight
 * promise, a batcher's `process.nextTick` run for several callers), so a call's result may depend
 * on any read that happened while it was in progress. Over-approximate, never under.
 */
const open = new Set<Frame>();
/**
 * Depth of a cache wrapper's own synchronous work outside every frame (fingerprint, lookup,
 * storing; modules it loads lazily): not the program's reads, so not charged to the calls open
 * meanwhile. The user's code run from inside it (`runInFrame`) is counted again.
 */
let ownWork = 0;

/** Runs a cache wrapper's own work (see `ownWork`); inside a frame, `aside` does this. */
export function wrapperWork<T>(fn: () => T): T {
  ownWork++;
  try {
    return fn();
  } finally {
    ownWork--;
  }
}

/** Frames set aside while a cache wrapper does its own work (see `aside`), innermost last. */
const asideStack: Frame[] = [];

let onActivity: ((on: boolean) => void) | undefined;
let onOpen: (() => void) | undefined;

/** Told when the first frame opens and when the last one closes (the clock hooks follow it). */
export function setActivityListener(listener: (on: boolean) => void): void {
  onActivity = listener;
}

/** Told each time a frame opens (the locale hooks, unhooked once every open call recorded them). */
export function setFrameOpenListener(listener: () => void): void {
  onOpen = listener;
}

export function trackingActive(): boolean {
  return active > 0 && !inInternal();
}

/** The frame of the tracked call running here, if any (an open one). */
export function currentFrame(): Frame | undefined {
  if (active === 0 || storage === undefined || inInternal()) return undefined;
  const frame = storage.getStore();
  return frame === undefined || frame.closed ? undefined : frame;
}

/** Every open frame: each of them may depend on a read made now (see `open`). */
export function openFrames(): ReadonlySet<Frame> {
  return open;
}

/**
 * Where a read made while no call's frame is current goes: `null` when it is not the program's,
 * else the frame to charge (undefined: only the calls open meanwhile, tracking/record.ts
 * `readers`). Code outside every frame while calls are open (a timer started before them, detached
 * work of a call that settled) may feed them. Node's own use of `node:fs` inside an fs function
 * (`outsideFrames`) is not the program's. During the cache's own work (`aside`, `wrapperWork`) the
 * program's code runs too (argument getters and proxies while a key is hashed, `toJSON` while a
 * result is stored), so a counter cannot tell whose a read is: `ownRead` (the nearest caller
 * outside `node:` is smartcache's own code) decides, and is asked only inside those windows.
 */
export function chargeOutside(ownRead: () => boolean): Frame | undefined | null {
  if (active === 0 || storage === undefined || inInternal()) return null;
  const store = storage.getStore();
  if (store === NODE_WORK || store === PROBE) return null;
  if (store === ASIDE) return ownRead() ? null : openAside();
  if (store !== undefined && !store.closed) return store;
  if (ownWork !== 0 && ownRead()) return null;
  return openAside();
}

/** The frame set aside by the innermost `aside` running now, if it is still open. */
function openAside(): Frame | undefined {
  const top = asideStack[asideStack.length - 1];
  return top !== undefined && !top.closed ? top : undefined;
}

/** The frame a wrapper working aside belongs to, else the current one. */
export function enclosingFrame(): Frame | undefined {
  return openAside() ?? currentFrame();
}

/** Opens a frame for a call of `name` nested in whatever call encloses it. */
/** A frame no call ever runs in: only the probe below sees it. */
const PROBE = new Frame('(probe)', undefined, '', undefined);
PROBE.closed = true;
/** The store while the wrapper works aside: no call's; reads made there are judged by `chargeOutside`. */
const ASIDE = new Frame('(aside)', undefined, '', undefined);
ASIDE.closed = true;
/** The store while Node works inside an fs function (`outsideFrames`): never the program's reads. */
const NODE_WORK = new Frame('(node)', undefined, '', undefined);
NODE_WORK.closed = true;

function createStorage(): AsyncLocalStorage<Frame | undefined> {
  const created = new AsyncLocalStorage<Frame | undefined>();
  // Node 20 keeps async context in symbol-keyed properties of promises and resources (Node 24's
  // AsyncContextFrame adds none): learn them, so fingerprints can skip them (registry.ts).
  const own = (created as unknown as { kResourceStore?: unknown }).kResourceStore;
  if (typeof own === 'symbol') registerHiddenKey(own);
  // A store must be set for Node 20 to tag the promise (with `undefined` it skips the hooks).
  const probe = created.run(PROBE, () => Promise.resolve());
  for (const key of Object.getOwnPropertySymbols(probe)) registerHiddenKey(key);
  return created;
}

export function openFrame(name: string, anchor?: string): Frame {
  storage ??= createStorage();
  // untracked: the enclosing call did not read the working directory (cwd-patch.ts).
  const frame = new Frame(name, enclosingFrame(), untracked(() => process.cwd()), anchor);
  open.add(frame);
  if (active++ === 0) onActivity?.(true);
  onOpen?.();
  return frame;
}

/** Runs `fn` (the user's code) inside `frame`: what it reads, sync or async, is recorded there. */
export function runInFrame<T>(frame: Frame | undefined, fn: () => T): T {
  // The user's code: out of the wrapper's own work again, whatever frame it runs in.
  const savedOwn = ownWork;
  ownWork = 0;
  try {
    return inFrame(frame, fn);
  } finally {
    ownWork = savedOwn;
  }
}

function inFrame<T>(frame: Frame | undefined, fn: () => T): T {
  if (frame === undefined || storage === undefined) return fn();
  // The aside stack belongs to the wrapper's own work; user code below sees only its frame.
  const saved = asideStack.length;
  const kept = saved === 0 ? undefined : asideStack.splice(0, saved);
  try {
    return storage.run(frame, fn);
  } finally {
    if (kept !== undefined) asideStack.unshift(...kept);
  }
}

/**
 * A cache wrapper's own work (store reads and writes, timing, fingerprints) while a tracked call
 * encloses it: not recorded, not warned about. Continuations it schedules (a background write,
 * the settling of a shared promise) run outside every frame too.
 */
export function aside<T>(outer: Frame, fn: () => T): T {
  if (storage === undefined) return fn();
  asideStack.push(outer);
  try {
    // `run(ASIDE)`, not `exit()`: on Node 20 `exit` only disables the storage, and a `run`
    // nested inside it (the inner call's own frame) re-enables it with the outer frame current.
    return storage.run(ASIDE, fn);
  } finally {
    asideStack.pop();
  }
}

/**
 * Runs `fn` outside every call's frame, its callbacks and continuations included: for Node's own
 * use of `node:fs` inside an fs function (the JavaScript `fs.realpath` lstats each folder on the
 * way through `fs.lstat`; `fs.cp` goes on asynchronously), which is not what the call read. The hook records the answer itself
 * and hands the result back inside the frame (`runInFrame`).
 */
export function outsideFrames<T>(fn: () => T): T {
  if (storage === undefined) return fn();
  // `run(NODE_WORK)`, not `exit()`: see `aside`.
  return storage.run(NODE_WORK, fn);
}

/** Runs the user's `fn` (a `key` or `dependsOn` option) in the frame set aside, so its reads count. */
export function resumeAside<T>(fn: () => T): T {
  const top = asideStack[asideStack.length - 1];
  if (top === undefined || top.closed || storage === undefined) return fn();
  return runInFrame(top, fn);
}
