/**
 * Hooks on `node:os`'s machine functions (machine.ts): while a tracked call runs, asking one
 * records its answer as an input of the call. Installed with the fs hooks, before the program
 * runs, so that `const { hostname } = require('node:os')` takes the hook; ES modules' named
 * imports see it once fs-patch.ts syncs the built-ins' exports.
 */
import os = require('node:os');
import { recordAmbient } from './env-watch';
import { trackingActive } from './frames';
import { MACHINE_FUNCTIONS, MACHINE_PREFIX, realMachineFunction } from './machine';
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
    try {
      target[name] = hook;
      registerPatch(hook, original);
    } catch {
      // A frozen or locked-down `os`: that function's answers stay unseen (README, Limits).
    }
  }
}
