/**
 * The working directory as an input. A call that reads `process.cwd()` (directly, or through
 * `path.resolve('x')` and friends, which ask `process.cwd()` at call time) may return a value
 * made of it; run from another folder, the stored result would be stale. Such a call records
 * the working directory like a relative file read does (manifest `cwd`), so a later hit needs
 * the same working directory relative to the project.
 */
import { currentFrame } from './frames';
import { registerPatch } from '../registry';

let installed = false;

/** Patches `process.cwd` (once per process); smartcache's own uses take `realCwd`. */
export function installCwdHook(): void {
  if (installed) return;
  installed = true;
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
  // Registered like the fs hooks: a function reaching `process.cwd` is fingerprinted by the
  // built-in's name, not by this file's text.
  registerPatch(hooked, original, true);
  try {
    process.cwd = hooked;
  } catch {
    // A frozen `process` (some sandboxes): the working directory stays out of the inputs.
  }
}
