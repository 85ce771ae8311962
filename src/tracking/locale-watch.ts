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
type Groups = Map<string, Hooked[]>;

let groups: Groups | undefined;
const installed = new Set<string>();

function groupOf(names: readonly Ambient[]): string {
  return names.join('+');
}

function wrap(holder: object, key: string, names: readonly Ambient[], out: Groups): void {
  const d = Object.getOwnPropertyDescriptor(holder, key);
  if (d === undefined || d.configurable !== true) return;
  let hooked: PropertyDescriptor;
  if ('value' in d) {
    if (typeof d.value !== 'function') return;
    const real = d.value as Function;
    const hook = function (this: unknown, ...args: unknown[]): unknown {
      used(names, hook);
      return Reflect.apply(real, this, args);
    };
    Object.defineProperty(hook, 'name', { value: real.name, configurable: true });
    Object.defineProperty(hook, 'length', { value: real.length, configurable: true });
    registerPatch(hook, real);
    hooked = { ...d, value: hook };
  } else {
    // `Intl.NumberFormat.prototype.format` is a getter returning a bound function.
    const get = d.get;
    if (get === undefined) return;
    const hook = function (this: unknown): unknown {
      used(names, hook);
      return Reflect.apply(get, this, []);
    };
    Object.defineProperty(hook, 'name', { value: get.name, configurable: true });
    registerPatch(hook, get);
    hooked = { ...d, get: hook };
  }
  const group = groupOf(names);
  const list = out.get(group) ?? [];
  list.push({ holder, key, original: d, hooked });
  out.set(group, list);
}

function build(): Groups {
  const out: Groups = new Map();
  for (const key of LOCAL_TIME) wrap(Date.prototype, key, [TIME_ZONE], out);
  wrap(Date, 'parse', [TIME_ZONE], out);
  for (const key of LOCALIZED) wrap(Date.prototype, key, [TIME_ZONE, DEFAULT_LOCALE], out);
  const intl = Intl as unknown as Record<string, { prototype?: object } | undefined>;
  const dtf = intl['DateTimeFormat']?.prototype;
  if (dtf !== undefined) for (const key of Object.getOwnPropertyNames(dtf)) if (key !== 'constructor') wrap(dtf, key, [TIME_ZONE, DEFAULT_LOCALE], out);
  for (const name of INTL_LOCALE_ONLY) {
    const proto = intl[name]?.prototype;
    if (proto !== undefined) for (const key of Object.getOwnPropertyNames(proto)) if (key !== 'constructor') wrap(proto, key, [DEFAULT_LOCALE], out);
  }
  wrap(String.prototype, 'localeCompare', [DEFAULT_LOCALE], out);
  wrap(String.prototype, 'toLocaleUpperCase', [DEFAULT_LOCALE], out);
  wrap(String.prototype, 'toLocaleLowerCase', [DEFAULT_LOCALE], out);
  for (const proto of [Number.prototype, BigInt.prototype, Array.prototype, Object.getPrototypeOf(Uint8Array.prototype) as object]) {
    wrap(proto, 'toLocaleString', [DEFAULT_LOCALE], out);
  }
  return out;
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
  const list = groups?.get(name) ?? [];
  try {
    for (const h of list) {
      if (on) Object.defineProperty(h.holder, h.key, h.hooked);
      else {
        // Only while the hook is still there (the program may have replaced the member since).
        const now = Object.getOwnPropertyDescriptor(h.holder, h.key);
        if (now !== undefined && (now.value ?? now.get) === (h.hooked.value ?? h.hooked.get)) Object.defineProperty(h.holder, h.key, h.original);
      }
    }
  } catch {
    // A built-in that cannot be hooked is not watched; never the program's failure.
  }
  if (on) installed.add(name);
  else installed.delete(name);
}

let release: NodeJS.Immediate | undefined;

/** A tracked call opens (true: hook what it may use), or (false) unhook all. */
export function setLocaleHooks(on: boolean): void {
  if (release !== undefined) {
    clearImmediate(release);
    release = undefined;
  }
  groups ??= build();
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
  release = setImmediate(() => {
    release = undefined;
    setLocaleHooks(false);
  });
  release.unref();
}
