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

/** The recording function smartcache put on `process.cwd`, once installed. */
let hook: Function | undefined;

/**
 * Patches `process.cwd` (once per process). smartcache's own reads of it, made while a call is
 * open, go through `untracked` (frames.ts) and record nothing.
 */
export function installCwdHook(): void {
  if (hook !== undefined) return;
  const original = process.cwd;
  const hooked = function cwd(this: unknown): string {
    const value = original.call(process);
    try {
      const frame = currentFrame();
      if (frame !== undefined) for (const f of frame.chain()) f.builder.usedCwd = true;
    } catch {
      // Recording never breaks the user's call: at worst the working directory is not an input.
    }
    return value;
  };
  hook = hooked;
  // Registered like the fs hooks: a function reaching `process.cwd` is fingerprinted by the
  // built-in's name, not by this file's text.
  registerPatch(hooked, original, true);
  try {
    process.cwd = hooked;
  } catch {
    // A frozen `process` (some sandboxes): the working directory stays out of the inputs.
  }
  installChdirHook();
}

/**
 * At the start of each tracked call: whether `process.cwd` is still the hook. Some code put its
 * own function there (graceful-fs, under fs-extra and many tools, wraps the one it found and
 * memoizes its first answer; a test's stub): reads through it never reach the hook, so the call
 * cannot tell whether it used the working directory, and is taken to have used it (its entry
 * then hits only from the same working directory: never stale). The program's function is left
 * in place: replacing a test double broke the test's own assertions on it.
 */
export function cwdHookInPlace(): boolean {
  return hook === undefined || process.cwd === hook;
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
  // Not a reader: a `chdir` taken before this hook only leaves other calls unmarked.
  registerPatch(hooked, original);
  try {
    process.chdir = hooked;
  } catch {
    // A frozen `process`: calls open during another's chdir are not marked.
  }
}
