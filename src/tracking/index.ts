/**
 * Inputs from outside the code (the contract's section of that name): files a call reads through
 * `node:fs`, environment variables its code reads by name, and warnings for the clock and
 * randomness. The cache layer's `InputTracker` (cache/input-tracker.ts) is what the wrapper talks to.
 *
 * Pieces: frames.ts (which call is running, AsyncLocalStorage), fs-patch.ts (the `node:fs`
 * hooks), record.ts (one observation into the frames), manifest.ts (what is stored with an
 * entry), validate.ts (checked before every hit), env.ts, env-watch.ts (variables read while a call
 * runs), locale-watch.ts (local time and the default locale), clock.ts, warnings.ts.
 */
export { installFsHooks, patchEarlierHandles, unrecordableReason } from './fs-patch';
export { cwdHookInPlace } from './cwd-patch';
export { ABSENT, UNKNOWN, isManifest, type Manifest } from './manifest';
export { CODES as INPUT_WARNING_CODES, warnInputOnce } from './warnings';
export { setClockHooks } from './clock';
export { localTimeUnseen, releaseLocaleHooksSoon, setLocaleHooks } from './locale-watch';
export { installProcessInputHooks } from './process-inputs';
export { envReads, envValueHash, envValues, withEnv, type EnvReads } from './env';
export { aside, currentFrame, enclosingFrame, openFrame, openFrames, resumeAside, runInFrame, setActivityListener, setFrameOpenListener, wrapperWork, type Frame } from './frames';
export { ignoreTree } from './paths';
export { checkManifest, refreshed, takeHashed } from './validate';
export { callSites, type StackSite } from './stack';
export { DEFAULT_LOCALE, ENV_LISTING, TIME_ZONE, envLabel, installEnvHook, isEnvProxy, recordLocalTime, wrapCurrentEnv } from './env-watch';
export { isMachineName, machineAnswer, machineFunctionOf } from './machine';
