/**
 * Local time and the default locale used during a tracked call are inputs of it, like the
 * environment variables it reads: V8 takes the time zone from TZ and the locale from LANG,
 * LC_ALL… in C++ (ICU), past `process.env`, so `d.getHours()`, `d.toLocaleDateString()`,
 * `n.toLocaleString()`, `a.localeCompare(b)` or a package formatting dates (dayjs, moment,
 * date-fns) in another zone or locale would be served the first one's result. A call that uses
 * them records the resolved zone or locale (env-watch.ts `TIME_ZONE`, `DEFAULT_LOCALE`) with its
 * entry, and a hit is served only while they are the same. Code that uses neither (UTC methods,
 * `toISOString`, explicit `timeZone` and locale arguments to a formatter made outside the call)
 * records nothing, and its entries are shared across zones and machines.
 *
 * The members that depend on them are hooked when a tracked call begins, and each group is
 * unhooked by its first use once every open call has recorded it, and all of them soon after the
 * last call ends: a call formatting a million dates pays the hook once, not a million times. `new Date(y, m, …)` and `new
 * Date('…')` (local time) are seen by the clock's stand-in for `Date` (clock.ts).
 */
import { registerPatch } from '../registry';
import { DEFAULT_LOCALE, TIME_ZONE, recordAmbient } from './env-watch';

type Ambient = typeof TIME_ZONE | typeof DEFAULT_LOCALE;

/** A member to hook, and what its use records. */
interface Spec {
  readonly holder: object;
  readonly key: string;
  readonly names: readonly Ambient[];
}

/** A member replaced by its hook: the descriptor to put back, and the hook's. */
interface Hooked {
  readonly holder: object;
  readonly key: string;
  readonly original: PropertyDescriptor;
  readonly hooked: PropertyDescriptor;
}

/** Date's methods that read or write local time (the UTC ones and `toISOString` do not). */
const LOCAL_TIME = [
  'getFullYear', 'getYear', 'getMonth', 'getDate', 'getDay', 'getHours', 'getMinutes', 'getSeconds', 'getTimezoneOffset',
  'setFullYear', 'setYear', 'setMonth', 'setDate', 'setHours', 'setMinutes', 'setSeconds', 'setMilliseconds',
  'toString', 'toDateString', 'toTimeString',
];
const LOCALIZED = ['toLocaleString', 'toLocaleDateString', 'toLocaleTimeString'];
const INTL_LOCALE_ONLY = ['NumberFormat', 'Collator', 'PluralRules', 'RelativeTimeFormat', 'ListFormat', 'DisplayNames', 'Segmenter', 'DurationFormat'];

/** Members hooked together, by what they record (`=time-zone`, `=locale`, or both): unhooked together. */
let groups: Map<string, Spec[]> | undefined;
/** Per group now hooked, what to put back. */
const installed = new Map<string, Hooked[]>();
/** The hooks made, by the function they stand for (made once each, whatever is installed when). */
const hookOf = new WeakMap<Function, Function>();
const hooks = new WeakSet<Function>();
/** A member that could not be hooked (a frozen `Date.prototype`, --frozen-intrinsics). */
let unhookable = false;

function groupOf(names: readonly Ambient[]): string {
  return names.join('+');
}

function specs(): Map<string, Spec[]> {
  const out = new Map<string, Spec[]>();
  const add = (holder: object | undefined, key: string, names: readonly Ambient[]): void => {
    if (holder === undefined) return;
    const group = groupOf(names);
    const list = out.get(group) ?? [];
    list.push({ holder, key, names });
    out.set(group, list);
  };
  for (const key of LOCAL_TIME) add(Date.prototype, key, [TIME_ZONE]);
  add(Date, 'parse', [TIME_ZONE]);
  for (const key of LOCALIZED) add(Date.prototype, key, [TIME_ZONE, DEFAULT_LOCALE]);
  const intl = Intl as unknown as Record<string, { prototype?: object } | undefined>;
  const dtf = intl['DateTimeFormat']?.prototype;
  if (dtf !== undefined) for (const key of Object.getOwnPropertyNames(dtf)) if (key !== 'constructor') add(dtf, key, [TIME_ZONE, DEFAULT_LOCALE]);
  for (const name of INTL_LOCALE_ONLY) {
    const proto = intl[name]?.prototype;
    if (proto !== undefined) for (const key of Object.getOwnPropertyNames(proto)) if (key !== 'constructor') add(proto, key, [DEFAULT_LOCALE]);
  }
  for (const key of ['localeCompare', 'toLocaleUpperCase', 'toLocaleLowerCase']) add(String.prototype, key, [DEFAULT_LOCALE]);
  for (const proto of [Number.prototype, BigInt.prototype, Object.getPrototypeOf(Uint8Array.prototype) as object]) {
    add(proto, 'toLocaleString', [DEFAULT_LOCALE]);
  }
  // An array's elements may be Dates: their `toLocaleString` runs inside this one, where the
  // caller is smartcache's own hook (not recorded), so the array's records both.
  add(Array.prototype, 'toLocaleString', [TIME_ZONE, DEFAULT_LOCALE]);
  return out;
}

/** The hook standing for `real` (a method, or a getter such as `Intl.NumberFormat.prototype.format`). */
function hookFor(real: Function, names: readonly Ambient[], getter: boolean): Function {
  let hook = hookOf.get(real);
  if (hook !== undefined) return hook;
  // Methods, not `function`s: like the built-ins they stand for, they have no `prototype` and
  // cannot be called with `new`.
  const made = getter
    ? {
        get(this: unknown): unknown {
          used(names, made);
          return Reflect.apply(real, this, []);
        },
      }.get
    : {
        method(this: unknown, ...args: unknown[]): unknown {
          used(names, made);
          return Reflect.apply(real, this, args);
        },
      }.method;
  Object.defineProperty(made, 'name', { value: real.name, configurable: true });
  if (!getter) Object.defineProperty(made, 'length', { value: real.length, configurable: true });
  registerPatch(made, real);
  hookOf.set(real, made);
  hooks.add(made);
  hook = made;
  return hook;
}

/**
 * The descriptor that hooks what `spec`'s holder holds *now* (a program may have replaced the
 * member since the last call: a test's stub of `getTimezoneOffset` is then what gets wrapped, and
 * what is put back), or undefined when it is already hooked or not a function.
 */
function hookedNow(spec: Spec): Hooked | undefined {
  const d = Object.getOwnPropertyDescriptor(spec.holder, spec.key);
  if (d === undefined) return undefined;
  if ('value' in d) {
    if (typeof d.value !== 'function' || hooks.has(d.value as Function)) return undefined;
    return { holder: spec.holder, key: spec.key, original: d, hooked: { ...d, value: hookFor(d.value as Function, spec.names, false) } };
  }
  if (d.get === undefined || hooks.has(d.get)) return undefined;
  return { holder: spec.holder, key: spec.key, original: d, hooked: { ...d, get: hookFor(d.get, spec.names, true) as () => unknown } };
}

/** `names` were used through `hook`: recorded; a group every open call has recorded is unhooked. */
function used(names: readonly Ambient[], hook: Function): void {
  let done = true;
  for (const name of names) if (!recordAmbient(name, hook)) done = false;
  if (done) setGroup(groupOf(names), false);
}

/** For the clock's stand-in for `Date`: `new Date(2024, 0, 1)`, `new Date('2024-01-01 10:00')`. */
export function localTimeUsed(hook: Function): void {
  if (installed.has(TIME_ZONE)) used([TIME_ZONE], hook);
}

function setGroup(name: string, on: boolean): void {
  if (installed.has(name) === on) return;
  if (on) {
    const done: Hooked[] = [];
    for (const spec of groups?.get(name) ?? []) {
      const h = hookedNow(spec);
      if (h === undefined) continue;
      try {
        Object.defineProperty(h.holder, h.key, h.hooked);
        done.push(h);
      } catch {
        // Frozen: that member's use is not seen; InputTracker then records both for every call.
        unhookable = true;
      }
    }
    installed.set(name, done);
    return;
  }
  for (const h of installed.get(name) ?? []) {
    try {
      // Only while the hook is still there (the program may have replaced the member since).
      const now = Object.getOwnPropertyDescriptor(h.holder, h.key);
      if (now !== undefined && (now.value ?? now.get) === (h.hooked.value ?? h.hooked.get)) Object.defineProperty(h.holder, h.key, h.original);
    } catch {
      // Never the program's failure.
    }
  }
  installed.delete(name);
}

/** True when some member could not be hooked: a call's use of local time may go unseen. */
export function localTimeUnseen(): boolean {
  return unhookable;
}

// Node's own timers, not the globals: a program's fake timers (sinon, jest) replace those, and
// their immediates neither fire on their own nor always have `unref`; jest's jsdom environment
// has no `setImmediate` global at all (loading smartcache there threw).
const { setImmediate: realSetImmediate, clearImmediate: realClearImmediate } = require('node:timers') as typeof import('node:timers');
let release: NodeJS.Immediate | undefined;

/** A tracked call opens (true: hook what it may use), or (false) unhook all. */
export function setLocaleHooks(on: boolean): void {
  if (release !== undefined) {
    realClearImmediate(release);
    release = undefined;
  }
  groups ??= specs();
  for (const name of groups.keys()) setGroup(name, on);
}

/**
 * The last tracked call ended: unhook once the program's synchronous work is done (a loop of
 * calls, each a miss, would otherwise hook and unhook ~60 members per call: ~20-50 µs, and a
 * prototype change each time). Between calls the program sees JavaScript's own members again,
 * as feature tests (`/native code/.test(Date.prototype.getHours)`) expect.
 */
export function releaseLocaleHooksSoon(): void {
  if (release !== undefined || installed.size === 0) return;
  try {
    release = realSetImmediate(() => {
      release = undefined;
      setLocaleHooks(false);
    });
    if (typeof release.unref === 'function') release.unref();
  } catch {
    // No timer to be had: unhook now (the next call hooks again).
    release = undefined;
    setLocaleHooks(false);
  }
}
