/**
 * Two live functions of one process never share a name silently. A name is the function's
 * identity in the store: its function record says which fingerprint is current, `prune` drops
 * entries of other fingerprints, and the log calls a fingerprint change "changed". Two different
 * functions under one name would replace each other's record on every run, and prune would
 * delete live entries. So the second one gets a warning and a suffixed name: `file#run(2)`.
 *
 * The same function wrapped twice, or the same definition wrapped again, is not a collision: a
 * module evaluated twice (jest's and vitest's module registries), or a factory wrapping closures
 * at one call site. Those share the name, as they share code (their fingerprints still differ
 * when their closures do).
 */
import { sha256 } from '../hash';
import { warnOnce } from '../warn';

interface Holder {
  readonly base: string;
  readonly name: string;
  definition: string;
  /** The functions wrapped under this name: one function wrapped twice is still one function. */
  readonly originals: WeakSet<Function>;
  /** Wrappers of this definition still alive (a factory may wrap many at one site). */
  alive: number;
  /** The definition's file and its compile generation (compiled-sources.ts), when known. */
  readonly file: string | undefined;
  generation: number;
}

/** Base name -> holders of it or of its suffixed forms. */
const holders = new Map<string, Holder[]>();

/** Counts wrappers down as they are collected: a name is free again once no wrapper holds it. */
const collected = new FinalizationRegistry<Holder>((holder) => {
  holder.alive--;
  if (holder.alive > 0) return;
  const list = (holders.get(holder.base) ?? []).filter((h) => h !== holder);
  if (list.length === 0) holders.delete(holder.base);
  else holders.set(holder.base, list);
});

const toSource = Function.prototype.toString;

/** Where the function was wrapped plus a hash of its source text. */
export function definitionOf(site: string, fn: Function): string {
  let source: string;
  try {
    source = toSource.call(fn);
  } catch {
    source = '';
  }
  return `${site}\u0000${sha256(source)}`;
}

/**
 * The name `base` resolves to for `definition`: `base` itself unless a live function of another
 * definition holds it, else `base(2)`, `base(3)`... (the first free one), with one warning.
 * `keep(wrapper)` then holds the name for as long as `wrapper` lives.
 */
/** The absolute file a definition was evaluated from, and that file's compile generation then (compiled-sources.ts). */
export interface DefinitionOrigin {
  readonly file: string;
  readonly generation: number;
}

export function claimName(base: string, definition: string, fn: Function, origin?: DefinitionOrigin): { readonly name: string; keep(wrapper: object): void } {
  const list = holders.get(base) ?? [];
  const file = origin?.file;
  const generation = origin?.generation ?? 0;
  let holder = list.find((h) => h.definition === definition || h.originals.has(fn));
  // The file was compiled again since that holder's definition (a watch mode reloading an edited
  // module): the new code takes over the name, as it would in a fresh process. Its old
  // functions, not yet collected, keep it too.
  holder ??= list.find((h) => file !== undefined && h.file === file && h.generation < generation);
  // Found either way, the holder now belongs to this generation: a second function of the same
  // name in the new code is a second live function (a collision), not another reload.
  if (holder !== undefined && file !== undefined && holder.file === file && holder.generation < generation) {
    holder.definition = definition;
    holder.generation = generation;
  }
  if (holder === undefined) {
    const taken = new Set(list.map((h) => h.name));
    let name = base;
    for (let i = 2; taken.has(name); i++) name = `${base}(${i})`;
    if (name !== base) {
      warnOnce(
        base,
        `another live function already has this name, so this one is cached as "${name}" (give it its own with cache(fn, { name }) or a named function)`,
        undefined,
        'SMARTCACHE_NAME_COLLISION',
      );
    }
    holder = { base, name, definition, originals: new WeakSet(), alive: 0, file, generation };
  }
  const chosen = holder;
  return {
    name: chosen.name,
    keep(wrapper: object): void {
      if (chosen.alive === 0) holders.set(base, [...(holders.get(base) ?? []), chosen]);
      chosen.alive++;
      chosen.originals.add(fn);
      collected.register(wrapper, chosen);
    },
  };
}
