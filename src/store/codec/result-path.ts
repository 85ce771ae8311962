/** How the validating walk names the part of a result it refuses: `result.items[2]`. */

/** One step from a container to a child. */
export type Step =
  | string
  | number
  | { readonly mapKey: number }
  | { readonly mapValue: unknown; readonly index: number }
  | { readonly setItem: number };

/** A container on the walk's path: the step that led to it, and its own container. */
export interface PathNode {
  readonly parent: PathNode | undefined;
  readonly step: Step | undefined;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const PATH_STEPS_SHOWN = 24;

/** `result.items[2]`, `result.byId.get("a")`, `result.tags.<item 3>`; long paths elided. */
export function formatPath(label: string, parent: PathNode | undefined, step: Step | undefined, enveloped = false): string {
  const steps: Step[] = [];
  if (step !== undefined) steps.push(step);
  for (let f = parent; f !== undefined; f = f.parent) if (f.step !== undefined) steps.push(f.step);
  steps.reverse();
  // The cache layer stores `[result, …]`: the user's result is its item 0, named `label` itself.
  if (enveloped && steps[0] === 0) steps.shift();
  const shown =
    steps.length > PATH_STEPS_SHOWN * 2
      ? [...steps.slice(0, PATH_STEPS_SHOWN).map(formatStep), `…(${steps.length - PATH_STEPS_SHOWN * 2} levels)…`, ...steps.slice(-PATH_STEPS_SHOWN).map(formatStep)]
      : steps.map(formatStep);
  return label + shown.join('');
}

function formatStep(step: Step): string {
  if (typeof step === 'number') return `[${step}]`;
  if (typeof step === 'string') return IDENTIFIER.test(step) ? `.${step}` : `[${JSON.stringify(step)}]`;
  if ('mapKey' in step) return `.<key ${step.mapKey}>`;
  if ('setItem' in step) return `.<item ${step.setItem}>`;
  const key = step.mapValue;
  if (typeof key === 'string') return `.get(${JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key)})`;
  if (typeof key === 'number' || typeof key === 'boolean') return `.get(${String(key)})`;
  if (typeof key === 'bigint') return `.get(${String(key)}n)`;
  return `.<value ${step.index}>`;
}
