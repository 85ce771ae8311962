/**
 * Environment variables a call reads while it runs, whoever reads them: the fingerprint already
 * folds in the variables the reached code names (`process.env.API_URL`, env.ts), but a package
 * the function calls (its code counts by name and version, never read), a read by computed name
 * (`process.env[key]`), `require('node:process').env.X` or a helper handed `process` read
 * variables no source text names. Each such read is recorded with the entry, like a file
 * (manifest.ts `env`), and a hit is served only while every recorded variable still has the value
 * the call saw.
 *
 * How: `process.env` becomes an accessor whose getter returns a Proxy of the environment object
 * (the same Proxy every time, so `process.env === process.env` holds); the setter replaces the
 * object behind it, as plain assignment did (test runners swap `process.env` for a copy). A read
 * is recorded only while a tracked call is open, only the first time per call and variable, and
 * only when the code reading it is the program's: Node's own code (`child_process` copying the
 * environment for a child, `util.debuglog`) and smartcache's are told apart by one stack capture
 * per new variable and call. Listing the variables (`Object.keys(process.env)`, a spread, a
 * `for…in`) records which names exist (`ENV_LISTING`) and, as the listing reads each descriptor,
 * every value: a call that enumerates the environment depends on all of it.
 */
import * as path from 'node:path';
import { chargeOutside, currentFrame, openFrames, trackingActive, type Frame } from './frames';
import { callSites, fileOf } from './stack';
import { envValueHash } from './env';
import { registerDataAccessor } from '../registry';

type EnvObject = Record<string, string | undefined>;

let installed = false;
/** The object behind `process.env` now (Node's, or one the program assigned). */
let backing: EnvObject = process.env;
let proxied: EnvObject = process.env;

/** smartcache's compiled files: reads made there are the cache's own. */
const OWN_DIR = path.resolve(__dirname, '..') + path.sep;
const CALLER_FRAMES = 8;

/**
 * The record of a listing (`Object.keys(process.env)`, `for…in`, a spread): which variables
 * exist. A name no variable can have (`=` cannot be in one): a listing that gains or loses a
 * variable changes, which reading the values already listed would not show.
 */
export const ENV_LISTING = '=names';

/** A variable's value now, read past the Proxy (nothing recorded); for ENV_LISTING, the sorted names. */
export function envNow(name: string): string | undefined {
  if (name === ENV_LISTING) return JSON.stringify(Object.keys(backing).sort());
  const v = backing[name];
  return v === undefined ? undefined : String(v);
}

/**
 * Whose read this is: false when it is Node's or smartcache's (judged by the nearest frame below
 * the Proxy's trap that has a file: `node:` is Node's, dist/ is smartcache's), else true. An
 * unreadable stack counts as the program's (record more, never less).
 */
function programsRead(): boolean {
  // Cut at `recordRead`: the first frame left is the trap that called it, the next the reader.
  const sites = callSites(CALLER_FRAMES, recordRead);
  if (sites === undefined) return true;
  for (let i = 1; i < sites.length; i++) {
    const site = sites[i];
    const file = site === undefined ? undefined : fileOf(site);
    if (file === undefined) continue;
    return !(file.startsWith('node:') || file.startsWith(OWN_DIR));
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
function recordRead(name: string): void {
  try {
    const frames = readersOf(name);
    if (frames.length === 0) return;
    let program: boolean | undefined;
    const isProgram = (): boolean => (program ??= programsRead());
    // Outside every call's frame (a timer, detached work, the cache's own windows): frames.ts decides.
    if (currentFrame() === undefined && chargeOutside(() => !isProgram()) === null) return;
    if (!isProgram()) return;
    const hash = envValueHash(name, envNow(name) ?? null);
    for (const f of frames) f.builder.envRead(name, hash);
  } catch {
    for (const f of openFrames()) if (!f.closed) f.builder.opaque.add('an environment variable that could not be recorded');
  }
}

/** The call assigned or deleted `name`: its later reads of it read its own output. */
function recordWrite(name: string): void {
  const frame = currentFrame();
  if (frame === undefined) return;
  for (const f of frame.chain()) if (!f.builder.env.has(name)) f.builder.envWritten.add(name);
}

function handler(): ProxyHandler<EnvObject> {
  return {
    get(target, key, receiver) {
      if (typeof key === 'string' && trackingActive()) recordRead(key);
      return Reflect.get(target, key, receiver === proxied ? target : receiver);
    },
    has(target, key) {
      if (typeof key === 'string' && trackingActive()) recordRead(key);
      return Reflect.has(target, key);
    },
    getOwnPropertyDescriptor(target, key) {
      if (typeof key === 'string' && trackingActive()) recordRead(key);
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
    ownKeys(target) {
      if (trackingActive()) recordRead(ENV_LISTING);
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

/** Installs the accessor once per process. A `process.env` that cannot be redefined is left as it is. */
export function installEnvHook(): void {
  if (installed) return;
  installed = true;
  const d = Object.getOwnPropertyDescriptor(process, 'env');
  if (d === undefined || d.configurable !== true || !('value' in d) || typeof d.value !== 'object' || d.value === null) return;
  backing = d.value as EnvObject;
  const traps = handler();
  proxied = new Proxy(backing, traps);
  const proxies = new WeakMap<object, EnvObject>([[backing, proxied]]);
  /** Proxy -> its object: assigning `process.env` its own value keeps one Proxy, not two. */
  const unwrapped = new WeakMap<object, EnvObject>([[proxied, backing]]);
  const get = (): EnvObject => proxied;
  // The fingerprint reads `process.env` as the object behind it, as it did before (registry.ts).
  registerDataAccessor(get, () => backing);
  try {
    Object.defineProperty(process, 'env', {
      configurable: true,
      enumerable: d.enumerable ?? true,
      get,
      set: (value: unknown) => {
        if (typeof value !== 'object' || value === null) {
          // What a data property would hold: the program gets back exactly what it assigned.
          Object.defineProperty(process, 'env', { value, writable: true, configurable: true, enumerable: d.enumerable ?? true });
          return;
        }
        backing = unwrapped.get(value) ?? (value as EnvObject);
        let p = proxies.get(backing);
        if (p === undefined) {
          p = new Proxy(backing, traps);
          proxies.set(backing, p);
          unwrapped.set(p, backing);
        }
        proxied = p;
      },
    });
  } catch {
    // A frozen `process`: variables are inputs by name only (env.ts).
  }
}
