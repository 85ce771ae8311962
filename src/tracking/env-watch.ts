/**
 * Environment variables a call reads while it runs, whoever reads them: the fingerprint already
 * folds in the variables the reached code names (`process.env.API_URL`, env.ts), but a package
 * the function calls (its code counts by name and version, never read), a read by computed name
 * (`process.env[key]`), `require('node:process').env.X`, a helper handed `process`, or one of
 * Node's functions (`os.tmpdir()` reads TMPDIR) read variables no source text names. Each such
 * read is recorded with the entry, like a file (manifest.ts `env`), and a hit is served only
 * while every recorded variable still has the value the call saw.
 *
 * How: `process.env` holds a Proxy of the environment object (a data property still, so test
 * doubles that replace it, `sinon.replace(process, 'env', …)`, work as before). A program that
 * puts another object there (`process.env = { … }`, a stub) has it wrapped the same way when a
 * tracked call next begins (`wrapCurrentEnv`). A read is recorded only while a tracked call is
 * open, only the first time per call and variable, and only when the code reading it is not
 * smartcache's and not Node's copying of the environment for a child process or worker (one
 * stack capture per new variable and call). Listing the variables (`Object.keys(process.env)`,
 * a spread, a `for…in`) records which names exist (`ENV_LISTING`) and, as the listing reads each
 * descriptor, every value: a call that enumerates the environment depends on all of it.
 *
 * A Proxy cannot be structured-cloned: `structuredClone(process.env)` is given the object behind
 * it; `postMessage(process.env)` and `workerData: process.env` throw DataCloneError (README).
 */
import * as path from 'node:path';
import { chargeOutside, currentFrame, openFrames, trackingActive, type Frame } from './frames';
import { callSites, fileOf } from './stack';
import { envValueHash } from './env';
import { isMachineName, machineLabel, machineValue } from './machine';
import { types } from 'node:util';
import { registerPatch, registerStandIn } from '../registry';

type EnvObject = Record<string, string | undefined>;

let installed = false;
/** Node's own environment object (the one `process.env` held before smartcache). */
let nodeEnv: EnvObject = process.env;
/** Object -> its Proxy, and back: each environment object is wrapped once. */
const proxies = new WeakMap<object, EnvObject>();
const unwrapped = new WeakMap<object, EnvObject>();

/** True for smartcache's own Proxy of an environment object (its traps only record reads). */
export function isEnvProxy(value: object): boolean {
  return unwrapped.has(value);
}

/** The object `process.env` stands for now: behind our Proxy, or what the program put there (reading it records nothing). */
export function currentEnv(): EnvObject {
  const d = Object.getOwnPropertyDescriptor(process, 'env');
  const value: unknown = d !== undefined && 'value' in d ? d.value : undefined;
  if (typeof value !== 'object' || value === null) return nodeEnv;
  return unwrapped.get(value) ?? (value as EnvObject);
}

/** Node's code that copies the environment for a child process or a worker: not the call's reads. */
const NODE_COPIERS = ['node:child_process', 'node:internal/child_process', 'node:worker_threads', 'node:internal/worker'];

/**
 * Node's module loader, which reads variables for itself while a call imports a module
 * (`WATCH_REPORT_DEPENDENCIES` under `node --watch`): not what the module's code computes with.
 */
const NODE_LOADER = 'node:internal/modules/';

/** smartcache's compiled files: reads made there are the cache's own. */
const OWN_DIR = path.resolve(__dirname, '..') + path.sep;
const CALLER_FRAMES = 8;

/**
 * The record of a listing (`Object.keys(process.env)`, `for…in`, a spread): which variables
 * exist. A name no variable can have (`=` cannot be in one): a listing that gains or loses a
 * variable changes, which reading the values already listed would not show.
 */
export const ENV_LISTING = '=names';

/**
 * The time zone and the default locale, as V8 resolves them: read in C++ (ICU) from TZ, LANG,
 * LC_ALL… past `process.env`, they are recorded under these names (names no variable can have)
 * when a call uses local time or a locale (locale-watch.ts).
 */
export const TIME_ZONE = '=time-zone';
export const DEFAULT_LOCALE = '=locale';
/** The command line after the script (`process.argv.slice(2)`), read by `util.parseArgs()` (process-inputs.ts). */
export const ARGUMENTS = '=argv';

// Taken before any hook: a formatter's own methods are hooked while calls run.
const RealDateTimeFormat = Intl.DateTimeFormat;
const RealNumberFormat = Intl.NumberFormat;

/**
 * The default locale is fixed at start-up (LANG assigned later changes nothing: native-notes/
 * time-zone-locale.md); the zone follows TZ, which Node hands to ICU when it is assigned. Both
 * are checked before every hit of a call that used them, and a formatter costs ~10-50 µs to
 * make: the zone is resolved again only when TZ's value changed.
 */
let defaultLocale: string | undefined;
let zoneFor: { readonly tz: string | undefined; readonly zone: string } | undefined;

/** Taken before any hook: what Date itself applies (the instants: winter and summer, now and past). */
const realOffset = Date.prototype.getTimezoneOffset;
const SAMPLES = [Date.UTC(2024, 0, 15), Date.UTC(2024, 6, 15), Date.UTC(1990, 0, 15), Date.UTC(1990, 6, 15)].map((ms) => new Date(ms));

/**
 * The zone's name as ICU resolves it, and the offsets Date applies at a few instants: a POSIX
 * rule (`TZ=JST-9`, `EST5`) has no name (`undefined` for every such zone), and Date's zone can
 * differ from ICU's (a worker sharing the environment set TZ: ICU follows, the main thread's
 * Date does not).
 */
function resolvedZone(): string {
  const tz = nodeEnv['TZ'];
  if (zoneFor === undefined || zoneFor.tz !== tz) {
    const name = new RealDateTimeFormat().resolvedOptions().timeZone as string | undefined;
    const offsets = SAMPLES.map((d) => String(Reflect.apply(realOffset, d, []))).join(',');
    zoneFor = { tz, zone: `${name ?? '?'}|${offsets}` };
  }
  return zoneFor.zone;
}

/** How a recorded name reads in a miss reason or explain. */
export function envLabel(name: string): string {
  if (name === ENV_LISTING) return 'the list of environment variables';
  if (name === TIME_ZONE) return 'the time zone (TZ)';
  if (name === DEFAULT_LOCALE) return 'the default locale (LANG, LC_ALL…)';
  if (name === ARGUMENTS) return 'the command-line arguments';
  if (isMachineName(name)) return machineLabel(name);
  return `environment variable ${name}`;
}

/** `name`'s value in `env`, read past the Proxy (nothing recorded); for ENV_LISTING, the sorted names. */
function valueIn(env: EnvObject, name: string): string | undefined {
  if (name === ENV_LISTING) return JSON.stringify(Object.keys(env).sort());
  if (name === TIME_ZONE) return resolvedZone();
  if (name === DEFAULT_LOCALE) return (defaultLocale ??= new RealNumberFormat().resolvedOptions().locale);
  if (name === ARGUMENTS) return JSON.stringify(process.argv.slice(2));
  if (isMachineName(name)) return machineValue(name);
  const v = env[name];
  return v === undefined ? undefined : String(v);
}

/**
 * A recorded variable's value now (for validation): in what `process.env` stands for now, or,
 * for a read made through Node's own object while the program had put another there (a package
 * that kept `const env = process.env`), in Node's object (`raw`).
 */
export function envNow(name: string, raw = false): string | undefined {
  return valueIn(raw ? nodeEnv : currentEnv(), name);
}

/**
 * Whose read this is: false when it is smartcache's or Node's copying of the environment for a
 * child or a worker (judged by the nearest frame below the Proxy's trap that has a file), else
 * true: the program's, or one of Node's functions working for it (`os.tmpdir()`). An unreadable
 * stack counts as the program's (record more, never less).
 */
function programsRead(cut: Function): boolean {
  // Cut at `recordRead`: the first frame left is the trap that called it, the next the reader.
  // Cut at a hook (`recordAmbient`): the first frame left is the reader.
  const sites = callSites(CALLER_FRAMES, cut);
  if (sites === undefined) return true;
  for (let i = cut === recordRead ? 1 : 0; i < sites.length; i++) {
    const site = sites[i];
    const file = site === undefined ? undefined : fileOf(site);
    if (file === undefined) continue;
    return !(file.startsWith(OWN_DIR) || file.startsWith(NODE_LOADER) || NODE_COPIERS.some((m) => file === m || file.startsWith(`${m}.`)));
  }
  return true;
}

/** The open calls that have not recorded `name` yet and did not set it themselves. */
function readersOf(name: string): Frame[] {
  const out: Frame[] = [];
  for (const f of openFrames()) if (!f.closed && !f.builder.env.has(name) && !f.builder.envWritten.has(name)) out.push(f);
  return out;
}

/**
 * Records a read of `name` into every open call that has not recorded it (a read may feed any
 * call open meanwhile, record.ts `readers`). Never throws into the program.
 */
function recordRead(name: string, target: EnvObject, cut: Function = recordRead): void {
  try {
    const frames = readersOf(name);
    if (frames.length === 0) return;
    let program: boolean | undefined;
    const isProgram = (): boolean => (program ??= programsRead(cut));
    // Outside every call's frame (a timer, detached work, the cache's own windows): frames.ts decides.
    if (currentFrame() === undefined && chargeOutside(() => !isProgram()) === null) return;
    if (!isProgram()) return;
    // The object read, which may not be what process.env stands for now (an alias kept before the
    // program replaced it): checked later where it was read, or not at all.
    const current = currentEnv();
    if (target !== current && target !== nodeEnv) {
      for (const f of frames) f.builder.opaque.add('an environment object the program has since replaced');
      return;
    }
    const raw = target !== current;
    const hash = envValueHash(name, valueIn(target, name) ?? null);
    for (const f of frames) f.builder.envRead(name, hash, raw);
  } catch {
    for (const f of openFrames()) if (!f.closed) f.builder.opaque.add('an environment variable that could not be recorded');
  }
}

/**
 * A call used local time or the default locale (`TIME_ZONE`, `DEFAULT_LOCALE`), through `hook`,
 * the patched member the reader called. True once every open call has it recorded.
 */
export function recordAmbient(name: string, hook: Function): boolean {
  if (trackingActive()) recordRead(name, currentEnv(), hook);
  return readersOf(name).length === 0;
}

/** The call assigned or deleted `name`: its later reads of it read its own output. */
export function recordWrite(name: string): void {
  const frame = currentFrame();
  if (frame === undefined) return;
  for (const f of frame.chain()) {
    if (!f.builder.env.has(name)) f.builder.envWritten.add(name);
    // A call that sets TZ itself uses the zone it chose (`process.env.TZ = 'UTC'`): its own output.
    if (name === 'TZ' && !f.builder.env.has(TIME_ZONE)) f.builder.envWritten.add(TIME_ZONE);
  }
}

/**
 * Records, into every open call, the variables `names` as they are now: for `process.loadEnvFile`,
 * whose effect depends on which of the file's variables the environment already had.
 */
export function recordPrior(names: readonly string[]): void {
  const env = currentEnv();
  for (const name of names) {
    const hash = envValueHash(name, valueIn(env, name) ?? null);
    for (const f of readersOf(name)) f.builder.envRead(name, hash, false);
  }
}

/**
 * Records the time zone and the default locale into `frame` (and the calls enclosing it): for a
 * function whose code reaches local time where no hook sees it (a bound `Intl` formatter method
 * taken before the call, a subclass or an alias of `Date`), or when the hooks could not be put in.
 */
export function recordLocalTime(frame: Frame): void {
  for (const name of [TIME_ZONE, DEFAULT_LOCALE]) {
    const hash = envValueHash(name, valueIn(currentEnv(), name) ?? null);
    for (const f of frame.chain()) if (!f.builder.env.has(name) && !f.builder.envWritten.has(name)) f.builder.envRead(name, hash, false);
  }
}

function handler(): ProxyHandler<EnvObject> {
  return {
    get(target, key, receiver) {
      if (typeof key === 'string' && trackingActive()) recordRead(key, target);
      return Reflect.get(target, key, unwrapped.has(receiver as object) ? target : receiver);
    },
    has(target, key) {
      if (typeof key === 'string' && trackingActive()) recordRead(key, target);
      return Reflect.has(target, key);
    },
    getOwnPropertyDescriptor(target, key) {
      if (typeof key === 'string' && trackingActive()) recordRead(key, target);
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
    ownKeys(target) {
      if (trackingActive()) recordRead(ENV_LISTING, target);
      return Reflect.ownKeys(target);
    },
    set(target, key, value) {
      if (typeof key === 'string' && trackingActive()) recordWrite(key);
      return Reflect.set(target, key, value);
    },
    deleteProperty(target, key) {
      if (typeof key === 'string' && trackingActive()) recordWrite(key);
      return Reflect.deleteProperty(target, key);
    },
    defineProperty(target, key, descriptor) {
      if (typeof key === 'string' && trackingActive()) recordWrite(key);
      return Reflect.defineProperty(target, key, descriptor);
    },
  };
}

let traps: ProxyHandler<EnvObject> | undefined;

function proxyOf(env: EnvObject): EnvObject {
  let p = proxies.get(env);
  if (p === undefined) {
    p = new Proxy(env, (traps ??= handler()));
    proxies.set(env, p);
    unwrapped.set(p, env);
    registerStandIn(p, env);
  }
  return p;
}

/** Puts the Proxy of what `process.env` holds in its place, when it is a plain writable data property. */
function wrapInPlace(): void {
  const d = Object.getOwnPropertyDescriptor(process, 'env');
  if (d === undefined || !('value' in d) || d.writable !== true || typeof d.value !== 'object' || d.value === null) return;
  if (unwrapped.has(d.value as object) || types.isProxy(d.value)) return;
  try {
    Object.defineProperty(process, 'env', { ...d, value: proxyOf(d.value as EnvObject) });
  } catch {
    // A frozen `process`: variables are inputs by name only (env.ts).
  }
}

/**
 * A tracked call begins: a program that replaced `process.env` since (`process.env = { … }`, a
 * test double) has its object wrapped too, so the call's reads are recorded.
 */
export function wrapCurrentEnv(): void {
  if (installed) wrapInPlace();
}

/** `structuredClone(process.env)` clones the object behind the Proxy (a Proxy cannot be cloned). */
function unwrapForClone(): void {
  const g = globalThis as unknown as { structuredClone?: (value: unknown, options?: unknown) => unknown };
  const original = g.structuredClone;
  if (typeof original !== 'function') return;
  const patched = function structuredClone(value: unknown, options?: unknown): unknown {
    return Reflect.apply(original, globalThis, [typeof value === 'object' && value !== null ? (unwrapped.get(value) ?? value) : value, ...(arguments.length > 1 ? [options] : [])]);
  };
  Object.defineProperty(patched, 'length', { value: original.length });
  registerPatch(patched, original);
  const d = Object.getOwnPropertyDescriptor(globalThis, 'structuredClone');
  if (d !== undefined && 'value' in d && d.writable === true) Object.defineProperty(globalThis, 'structuredClone', { ...d, value: patched });
}

/**
 * Node's functions that read variables in C++, past `process.env` (`os.tmpdir()` reads TMPDIR, TMP
 * and TEMP; `os.homedir()` HOME): their reads are recorded by name, as Node's real environment.
 */
const NATIVE_READS: Readonly<Record<string, readonly string[]>> = {
  tmpdir: ['TMPDIR', 'TMP', 'TEMP'],
  homedir: ['HOME', 'USERPROFILE'],
};

function patchNativeReaders(): void {
  const os = require('node:os') as Record<string, unknown>;
  for (const [name, variables] of Object.entries(NATIVE_READS)) {
    const original = os[name];
    if (typeof original !== 'function') continue;
    const patched = function (this: unknown, ...args: unknown[]): unknown {
      // `recordRead` judges the caller (the frame after this one): the program's, or smartcache's own.
      if (trackingActive()) for (const v of variables) recordRead(v, nodeEnv);
      return Reflect.apply(original, this, args);
    };
    Object.defineProperty(patched, 'name', { value: original.name });
    Object.defineProperty(patched, 'length', { value: original.length });
    registerPatch(patched, original as Function);
    try {
      os[name] = patched;
    } catch {
      // A frozen `node:os`: those variables are not seen through it.
    }
  }
  // ES modules that imported `tmpdir` by name see the patch once installFsHooks syncs Node's
  // ES module exports (it follows whenever a tracked function exists; nothing to record otherwise).
}

/** Installs the Proxy once per process. A `process.env` that cannot be replaced is left as it is. */
export function installEnvHook(): void {
  if (installed) return;
  installed = true;
  const d = Object.getOwnPropertyDescriptor(process, 'env');
  if (d === undefined || !('value' in d) || typeof d.value !== 'object' || d.value === null) return;
  nodeEnv = d.value as EnvObject;
  wrapInPlace();
  unwrapForClone();
  patchNativeReaders();
}
