/**
 * Hooks on `node:os`'s machine functions (machine.ts): while a tracked call runs, asking one
 * records its answer as an input of the call. Installed with the fs hooks, before the program
 * runs, so that `const { hostname } = require('node:os')` takes the hook; ES modules' named
 * imports see it once fs-patch.ts syncs the built-ins' exports.
 */
import os = require('node:os');
import { recordAmbient } from './env-watch';
import { trackingActive } from './frames';
import { MACHINE_FUNCTIONS, MACHINE_PREFIX, NAVIGATOR_PREFIX, realMachineFunction, realNavigator } from './machine';
import { registerPatch } from '../registry';

let installed = false;

/** Once per process. */
export function installMachineHooks(): void {
  if (installed) return;
  installed = true;
  const target = os as unknown as Record<string, unknown>;
  for (const name of MACHINE_FUNCTIONS) {
    const original = realMachineFunction(name);
    if (original === undefined) continue;
    const recorded = `${MACHINE_PREFIX}${name}`;
    const hook = {
      [name](this: unknown, ...args: unknown[]): unknown {
        if (trackingActive()) recordAmbient(recorded, hook);
        return Reflect.apply(original, this, args);
      },
    }[name] as Function;
    Object.defineProperty(hook, 'length', { value: original.length });
    Object.defineProperty(hook, 'name', { value: original.name });
    // Node gives most of them a `Symbol.toPrimitive` (`${os.hostname}` is the host name): kept,
    // asking through the hook.
    if (Object.getOwnPropertyDescriptor(original, Symbol.toPrimitive) !== undefined) {
      Object.defineProperty(hook, Symbol.toPrimitive, { value: () => Reflect.apply(hook, os, []), configurable: true });
    }
    try {
      target[name] = hook;
      registerPatch(hook, original);
    } catch {
      // A frozen or locked-down `os`: that function's answers stay unseen (README, Limits).
    }
  }
  hookNavigator();
}

/** `navigator`'s machine getters (Node 21+), on its prototype: every read of them goes through it. */
function hookNavigator(): void {
  const parts = realNavigator();
  if (parts === undefined) return;
  const proto = Object.getPrototypeOf(parts.navigator) as object;
  for (const [name, get] of parts.getters) {
    const recorded = `${NAVIGATOR_PREFIX}${name}`;
    const hook = {
      get [name](): unknown {
        if (trackingActive()) recordAmbient(recorded, hookGetter);
        return Reflect.apply(get, this, []);
      },
    };
    const hookGetter = Object.getOwnPropertyDescriptor(hook, name)?.get as () => unknown;
    const d = Object.getOwnPropertyDescriptor(proto, name);
    try {
      Object.defineProperty(proto, name, { ...d, get: hookGetter });
      registerPatch(hookGetter, get);
    } catch {
      // A frozen prototype: those reads stay unseen.
    }
  }
}
