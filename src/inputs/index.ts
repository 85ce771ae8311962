/**
 * Inputs from outside the code (the contract's section of that name): files a call reads through
 * `node:fs`, environment variables its code reads by name, and warnings for the clock and
 * randomness. The cache wrapper talks to this folder only through `InputTracker`.
 *
 * Pieces: frames.ts (which call is running, AsyncLocalStorage), fs-patch.ts (the `node:fs`
 * hooks), record.ts (one observation into the frames), manifest.ts (what is stored with an
 * entry), validate.ts (checked before every hit), env.ts, clock.ts, warnings.ts.
 */
export { InputTracker, type HasManifest } from './tracker';
export { installFsHooks } from './fs-patch';
export { isManifest, type Manifest } from './manifest';
export { CODES as INPUT_WARNING_CODES } from './warnings';
