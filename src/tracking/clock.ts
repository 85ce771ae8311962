/**
 * The clock and randomness used during a tracked call make its result depend on the moment:
 * one warning per function and source (the result is still cached). The hooks are installed only
 * while at least one tracked call runs, and removed when the last one ends, so a program's own
 * `Date.now()` between cached calls costs what it always did.
 *
 * `new Date()` can only be seen by standing in for the `Date` constructor: while a call is
 * tracked the global `Date` is a Proxy of the real one (`instanceof Date`, `Date.prototype` and
 * every static behave the same; `d.constructor === Date` is false for dates made meanwhile).
 * Functions copied before the hooks (`const { randomUUID } = require('crypto')`, ES named imports
 * of node:crypto) are not seen.
 */
import { registerPatch } from '../registry';
import { currentFrame } from './frames';
import { localTimeUsed } from './locale-watch';
import { callSites, fileOf } from './stack';
import { CODES, warnedInput, warnInputOnce } from './warnings';

type Source = 'clock' | 'performance' | 'math' | 'crypto';

const LABEL: Record<Source, string> = {
  clock: 'the clock (Date.now / new Date)',
  performance: 'the clock (performance.now)',
  math: 'randomness (Math.random)',
  crypto: 'randomness (crypto)',
};

/**
 * `hook`: the patched function (or Proxy trap) the user's code called; frames from it up are
 * skipped. Every open call of the chain is warned (a nested call's moment is its callers' too).
 */
function used(source: Source, what: string, hook: Function): void {
  const frame = currentFrame();
  if (frame === undefined) return;
  const cause = `source:${source}`;
  const code = source === 'clock' || source === 'performance' ? CODES.clock : CODES.random;
  let byNode: boolean | undefined;
  for (const f of frame.chain()) {
    // Once warned, a function is not looked at again for this source: the stack is not captured.
    if (warnedInput(f.name, cause)) continue;
    byNode ??= calledByNode(hook);
    if (byNode) return;
    warnInputOnce(
      f.name,
      cause,
      code,
      `${f.name} uses ${LABEL[source]} (${what}): its cached result depends on the moment it was computed, and later hits return that moment's result`,
    );
  }
}

/** Frames looked at: the caller, and past native ones (`arr.sort(Math.random)`) to a real file. */
const CALLER_FRAMES = 3;

/**
 * True when the code that called `hook` is one of Node's bundled dependencies
 * (`node:internal/deps/…`): undici's timing inside `fetch()` calls `performance.now()`, the
 * minimatch Node 22+ loads for `fs.globSync` calls `Math.random()` at load. That is not the user's
 * result depending on the moment. Any other caller is the user's use: another `node:` file
 * (`util.promisify`, node:crypto's wrappers) only forwards the user's call, and no frame with a
 * file at all is a built-in handed straight to a promise (`.then(Date.now)`). When the stack
 * cannot be read (a program's accessor `Error.prepareStackTrace`), it warns: the conservative answer.
 */
function calledByNode(hook: Function): boolean {
  const sites = callSites(CALLER_FRAMES, hook);
  if (sites === undefined) return false;
  for (const site of sites) {
    const file = fileOf(site);
    if (file !== undefined) return file.startsWith('node:internal/deps/');
  }
  return false;
}

interface Hook {
  readonly holder: object;
  readonly key: string;
  readonly original: unknown;
  readonly patched: unknown;
  /** The holder's own descriptor (undefined: inherited, so the stand-in is deleted again). */
  readonly descriptor: PropertyDescriptor | undefined;
}

const hooks: Array<Hook | undefined> = [];
let on = false;

function method(holder: object, key: string, source: Source, label: string): Hook | undefined {
  const descriptor = Object.getOwnPropertyDescriptor(holder, key);
  if (descriptor !== undefined && !('value' in descriptor)) return undefined;
  const original = (holder as Record<string, unknown>)[key];
  if (typeof original !== 'function') return undefined;
  const fn = original as (...args: unknown[]) => unknown;
  const patched = function (this: unknown, ...args: unknown[]): unknown {
    used(source, label, patched);
    return Reflect.apply(fn, this, args);
  };
  Object.defineProperty(patched, 'name', { value: fn.name, configurable: true });
  Object.defineProperty(patched, 'length', { value: fn.length, configurable: true });
  registerPatch(patched, fn);
  return { holder, key, original, patched, descriptor };
}

function dateHook(): Hook {
  const RealDate = Date;
  const handler: ProxyHandler<DateConstructor> = {
    construct(target, args, newTarget) {
      if (args.length === 0) used('clock', 'new Date()', construct);
      // Local time: `new Date(2024, 0, 1)`, `new Date('2024-01-01 10:00')` (locale-watch.ts).
      else if (args.length > 1 || typeof args[0] === 'string') localTimeUsed(construct);
      return Reflect.construct(target, args, newTarget === proxy ? target : newTarget) as object;
    },
    apply(target, self, args) {
      used('clock', 'Date()', apply);
      localTimeUsed(apply);
      return Reflect.apply(target, self, args) as unknown;
    },
  };
  const construct = handler.construct as Function;
  const apply = handler.apply as Function;
  const proxy: DateConstructor = new Proxy(RealDate, handler);
  return { holder: globalThis, key: 'Date', original: RealDate, patched: proxy, descriptor: Object.getOwnPropertyDescriptor(globalThis, 'Date') };
}

/**
 * How to hook each watched function, from what its holder holds at that moment: a program (a
 * test's `sinon.stub(Math, 'random')`, fake timers replacing `Date`, `seedrandom` installed
 * globally) may replace one between two tracked calls, and the hook must then wrap the
 * replacement, never put back the function it saw first.
 */
function hookSpecs(): Array<() => Hook | undefined> {
  const out: Array<() => Hook | undefined> = [() => method(Date, 'now', 'clock', 'Date.now()'), dateHook, () => method(Math, 'random', 'math', 'Math.random()')];
  // The instance shared by `globalThis.performance` and `perf_hooks` (its `now` is inherited).
  const perf = (require('node:perf_hooks') as typeof import('node:perf_hooks')).performance;
  out.push(() => method(perf, 'now', 'performance', 'performance.now()'));
  const crypto = require('node:crypto') as Record<string, unknown>;
  for (const key of ['randomUUID', 'randomBytes', 'randomInt', 'randomFill', 'randomFillSync', 'getRandomValues', 'pseudoRandomBytes']) {
    out.push(() => method(crypto, key, 'crypto', `crypto.${key}()`));
  }
  // Web Crypto (`globalThis.crypto`), whose methods live on its prototype.
  const web = (crypto['webcrypto'] ?? undefined) as object | undefined;
  const proto = web === undefined ? undefined : (Object.getPrototypeOf(web) as object | null);
  if (proto !== undefined && proto !== null) {
    out.push(() => method(proto, 'getRandomValues', 'crypto', 'crypto.getRandomValues()'));
    out.push(() => method(proto, 'randomUUID', 'crypto', 'crypto.randomUUID()'));
  }
  return out;
}

let specs: Array<() => Hook | undefined> | undefined;

/** The hook of spec `i` for what its holder holds now (rebuilt when the program replaced it). */
function currentHook(i: number): Hook | undefined {
  const h = hooks[i];
  if (h !== undefined && (h.holder as Record<string, unknown>)[h.key] === h.original) return h;
  const made = specs?.[i]?.();
  hooks[i] = made;
  return made;
}

/** Called when the first tracked call starts (true) and when the last one ends (false). */
export function setClockHooks(enable: boolean): void {
  if (enable === on) return;
  on = enable;
  try {
    specs ??= hookSpecs();
    for (let i = 0; i < specs.length; i++) {
      const h = enable ? currentHook(i) : hooks[i];
      if (h === undefined) continue;
      const holder = h.holder as Record<string, unknown>;
      const d = h.descriptor;
      if (enable) {
        Object.defineProperty(holder, h.key, d === undefined ? { value: h.patched, writable: true, configurable: true, enumerable: false } : { ...d, value: h.patched });
      } else if (holder[h.key] === h.patched) {
        if (d !== undefined) Object.defineProperty(holder, h.key, d);
        else delete holder[h.key];
      }
    }
  } catch {
    // Warnings are advice: a built-in that cannot be hooked is simply not watched.
  }
}
