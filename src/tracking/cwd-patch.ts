/**
 * The working directory as an input. A call that reads `process.cwd()` (directly, or through
 * `path.resolve('x')` and friends, which ask `process.cwd()` at call time) may return a value
 * made of it; run from another folder, the stored result would be stale. Such a call records
 * the working directory like a relative file read does (manifest `cwd`), so a later hit needs
 * the same working directory relative to the project.
 *
 * `process.chdir` by other code while a call is open (another task of a server, while this
 * call awaits) moves the directory its later relative reads resolve against: the entry would hold
 * the other folder's file beside this call's starting directory, and a later run from there
 * would be served it (a stale hit). Such a call's entry is made uncheckable (manifest.ts
 * `cwdMovedByOthers`): it never hits. A call's own `chdir` (its chain's) is part of what it does.
 */
import { currentFrame, openFrames, type Frame } from './frames';
import { registerPatch } from '../registry';

let installed = false;
/** The recording functions smartcache put on `process.cwd`, and the one it made for each function it found there. */
const recorders = new WeakSet<Function>();
const recorderOf = new WeakMap<Function, Function>();

/** A function that records the read, then asks `inner` (Node's `process.cwd`, or what the program put there). */
function recorder(inner: Function): Function {
  let made = recorderOf.get(inner);
  if (made !== undefined) return made;
  const hooked = function cwd(this: unknown): string {
    const value = Reflect.apply(inner, process, []) as string;
    try {
      const frame = currentFrame();
      if (frame !== undefined) for (const f of frame.chain()) f.builder.usedCwd = true;
    } catch {
      // Recording never breaks the user's call: at worst the working directory is not an input.
    }
    return value;
  };
  made = hooked;
  recorders.add(made);
  recorderOf.set(inner, made);
  return made;
}

/** Patches `process.cwd` (once per process); smartcache's own uses take `realCwd`. */
export function installCwdHook(): void {
  if (installed) return;
  installed = true;
  const original = process.cwd;
  const hooked = recorder(original);
  // Registered like the fs hooks: a function reaching `process.cwd` is fingerprinted by the
  // built-in's name, not by this file's text.
  registerPatch(hooked, original, true);
  try {
    process.cwd = hooked as typeof process.cwd;
  } catch {
    // A frozen `process` (some sandboxes): the working directory stays out of the inputs.
  }
  installChdirHook();
}

/**
 * At the start of each tracked call: a `process.cwd` some code put over the hook is recorded too.
 * graceful-fs (under fs-extra and many tools) replaces `process.cwd` with a wrapper that asks the
 * function it found once and memoizes the answer: after that first answer, no call ever reached
 * the hook, and `path.resolve('x')` in a cached call stopped being an input (a stale hit run from
 * another folder). The wrapper is put behind a recorder of its own, once per wrapper.
 */
export function keepCwdHook(): void {
  if (!installed) return;
  const current = Object.getOwnPropertyDescriptor(process, 'cwd');
  const value: unknown = current !== undefined && 'value' in current ? current.value : undefined;
  if (typeof value !== 'function' || recorders.has(value) || current?.writable !== true) return;
  const wrapped = recorder(value);
  registerPatch(wrapped, value);
  try {
    process.cwd = wrapped as typeof process.cwd;
  } catch {
    // Leaves the program's function in place: its reads stay unseen.
  }
}

function installChdirHook(): void {
  const original = process.chdir;
  const hooked = function chdir(this: unknown, directory: string): void {
    original.call(process, directory);
    try {
      const frame = currentFrame();
      const own = new Set<Frame>(frame === undefined ? [] : frame.chain());
      for (const f of openFrames()) if (!f.closed && !own.has(f)) f.builder.cwdMovedByOthers = true;
    } catch {
      // Recording never breaks the user's call.
    }
  };
  Object.defineProperty(hooked, 'length', { value: original.length });
  // Not a reader: a `chdir` taken before this hook only goes unseen (README, Limits).
  registerPatch(hooked, original);
  try {
    process.chdir = hooked;
  } catch {
    // A frozen `process`: calls open during another's chdir are not marked (README, Limits).
  }
}
