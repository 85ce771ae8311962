/**
 * One cached function at run time: `call-path.ts` runs each call (memory → disk → team cache →
 * compute → save), `control.ts` its methods (`.has()`, `.clear()`...), both over the parts fixed
 * when it was wrapped (`parts.ts`) and its setup (`setup.ts`).
 */
import { CallPath } from './call-path';
import { Control } from './control';
import { FunctionParts, type WrapPlan } from './parts';
import { Setup } from './setup';

export type { WrapPlan } from './parts';
export type { CallPath } from './call-path';
export type { Control } from './control';

/** A cached function's call path and control methods, sharing one setup. */
export function openCachedFunction(plan: WrapPlan): { readonly path: CallPath; readonly control: Control } {
  const parts = new FunctionParts(plan);
  const setup = new Setup(parts);
  const path = new CallPath(parts, setup);
  return { path, control: new Control(parts, setup, path) };
}
