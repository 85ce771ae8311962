/**
 * What `node:os` says of the machine, as recorded inputs of a call: a call that asks for the host
 * name, the processors, the memory, the platform or the user depends on the machine it ran on,
 * and through the team cache (or a cache root copied between machines) its result would be
 * served on another. Each is recorded like an environment variable, under a name no variable can
 * have (`=os.hostname`), and checked before a hit by asking again (machine-inputs.ts hooks the
 * functions; env-watch.ts records and re-reads).
 *
 * Node's functions are taken when this module loads, before any hook, and asked directly.
 */
import os = require('node:os');

/** The `node:os` functions that describe the machine (not the moment: `freemem`, `loadavg`, `uptime` change by themselves). */
export const MACHINE_FUNCTIONS = [
  'arch', 'availableParallelism', 'cpus', 'endianness', 'homedir', 'hostname', 'machine', 'networkInterfaces',
  'platform', 'release', 'totalmem', 'type', 'userInfo', 'version',
] as const;
export type MachineFunction = (typeof MACHINE_FUNCTIONS)[number];

/** The prefix of a recorded machine value's name (`=os.hostname`). */
export const MACHINE_PREFIX = '=os.';

const real: Partial<Record<MachineFunction, () => unknown>> = {};
for (const name of MACHINE_FUNCTIONS) {
  const fn = (os as unknown as Record<string, unknown>)[name];
  if (typeof fn === 'function') real[name] = fn as () => unknown;
}

const machineNames = new Map<Function, MachineFunction>();
for (const [name, fn] of Object.entries(real)) machineNames.set(fn, name as MachineFunction);

/**
 * Which of `node:os`'s machine functions `fn` is (Node's own, taken before any hook), by identity:
 * on Node 24 some are native functions that no module path names.
 */
export function machineFunctionOf(fn: Function): MachineFunction | undefined {
  return machineNames.get(fn);
}

/** Node's own function `name` (undefined on a Node without it), taken before any hook. */
export function realMachineFunction(name: MachineFunction): (() => unknown) | undefined {
  return real[name];
}

/**
 * What a call got from `os.<name>()`, as text. `cpus()` by count and model (each processor's
 * times and current speed change by themselves); `userInfo()` by the fields that name the user.
 */
export function machineValue(recorded: string): string | undefined {
  if (recorded.startsWith(NAVIGATOR_PREFIX)) return navigatorValue(recorded);
  const name = recorded.slice(MACHINE_PREFIX.length) as MachineFunction;
  const fn = real[name];
  if (fn === undefined) return undefined;
  try {
    const value = fn();
    if (name === 'cpus') return JSON.stringify((value as Array<{ model?: unknown }>).map((c) => c.model));
    if (name === 'userInfo') {
      const u = value as Record<string, unknown>;
      return JSON.stringify([u['username'], u['uid'], u['gid'], u['homedir'], u['shell']]);
    }
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  } catch (error) {
    // `userInfo()` throws for a user without a passwd entry (a container's arbitrary uid): that is the answer.
    return `throws ${(error as { code?: unknown }).code ?? ''}`;
  }
}

/**
 * `navigator`'s members that describe the machine (Node 21+): the processor count and the default
 * locale, asked the browser way. Read through the getters of its prototype, taken before any hook.
 */
export const NAVIGATOR_MEMBERS = ['hardwareConcurrency', 'language', 'languages', 'platform', 'userAgent'] as const;

/** The prefix of a recorded `navigator` member's name (`=navigator.hardwareConcurrency`). */
export const NAVIGATOR_PREFIX = '=navigator.';

/** The `navigator` object and its prototype's getters, when this Node has one; read without the global's lazy getter running twice. */
function navigatorParts(): { readonly navigator: object; readonly getters: ReadonlyMap<string, () => unknown> } | undefined {
  const d = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  if (d === undefined) return undefined;
  let nav: unknown;
  try {
    nav = 'value' in d ? d.value : d.get?.call(globalThis);
  } catch {
    return undefined;
  }
  if (typeof nav !== 'object' || nav === null) return undefined;
  const proto = Object.getPrototypeOf(nav) as object | null;
  const getters = new Map<string, () => unknown>();
  for (const name of NAVIGATOR_MEMBERS) {
    const get = proto === null ? undefined : Object.getOwnPropertyDescriptor(proto, name)?.get;
    if (typeof get === 'function') getters.set(name, get as () => unknown);
  }
  return { navigator: nav, getters };
}

let navigatorRead: ReturnType<typeof navigatorParts> | null = null;

/** `navigator` and its real getters (taken once, at the first need: the hooks' install). */
export function realNavigator(): ReturnType<typeof navigatorParts> {
  if (navigatorRead === null) navigatorRead = navigatorParts();
  return navigatorRead;
}

/** What `navigator.<name>` answers, as text. */
function navigatorValue(recorded: string): string | undefined {
  const parts = realNavigator();
  const get = parts?.getters.get(recorded.slice(NAVIGATOR_PREFIX.length));
  if (parts === undefined || get === undefined) return undefined;
  try {
    const value = get.call(parts.navigator);
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  } catch {
    return 'throws';
  }
}

/** What `os.<name>()` answers when `name` is one of MACHINE_FUNCTIONS (as machineValue reads it), else undefined. */
export function machineAnswer(name: string): string | undefined {
  return (MACHINE_FUNCTIONS as readonly string[]).includes(name) ? machineValue(`${MACHINE_PREFIX}${name}`) : undefined;
}

/** How a recorded machine value reads in a miss reason or explain. */
export function machineLabel(recorded: string): string {
  if (recorded.startsWith(NAVIGATOR_PREFIX)) return `navigator.${recorded.slice(NAVIGATOR_PREFIX.length)}`;
  return `os.${recorded.slice(MACHINE_PREFIX.length)}()`;
}

/** Whether a recorded name is a machine value (node:os or navigator). */
export function isMachineName(recorded: string): boolean {
  return recorded.startsWith(MACHINE_PREFIX) || recorded.startsWith(NAVIGATOR_PREFIX);
}
