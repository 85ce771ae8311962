/**
 * Fingerprints from the entity graph, deterministic whatever order anything was visited in.
 *
 * Strongly connected components (recursion, mutual recursion, objects pointing at themselves)
 * are found with Tarjan's algorithm (iterative: deep graphs must not overflow the stack). An
 * entity outside any cycle hashes its own content with its children's fingerprints. An entity in
 * a cycle hashes a canonical serialization of its component as seen from itself: a depth-first
 * walk in edge order that names each member by its first-visit number when met again, and uses
 * the fingerprint of anything outside the component. That text depends only on the graph and
 * the starting member, so the result is the same whichever member a walk entered by, and
 * whichever function was fingerprinted first in the process.
 */
import { sha256, type Entity } from './graph';
import { sharingSignature } from './sharing';

function combine(e: Entity): string {
  const parts: string[] = [e.own];
  for (const edge of e.edges) parts.push(edge.label, edge.target.fp as string);
  return sha256(JSON.stringify(parts));
}

function canonical(start: Entity, members: ReadonlySet<Entity>, order = new Map<Entity, number>()): string {
  const parts: string[] = [];
  // Explicit stack of [entity, next edge index].
  const stack: Array<[Entity, number]> = [[start, 0]];
  order.set(start, 0);
  parts.push('{', start.own);
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as [Entity, number];
    const [e, i] = top;
    if (i >= e.edges.length) {
      parts.push('}');
      stack.pop();
      continue;
    }
    top[1] = i + 1;
    const edge = e.edges[i];
    if (edge === undefined) continue;
    const t = edge.target;
    parts.push(edge.label);
    if (!members.has(t)) parts.push(`=${t.fp as string}`);
    else if (order.has(t)) parts.push(`^${order.get(t) as number}`);
    else {
      order.set(t, order.size);
      parts.push('{', t.own);
      stack.push([t, 0]);
    }
  }
  return sha256(JSON.stringify(['cycle', ...parts]));
}

function mergeMissing(e: Entity, from: Entity): void {
  const names = from.missingGlobals;
  if (names === undefined || names.length === 0 || from === e) return;
  const mine = (e.missingGlobals ??= []);
  for (const n of names) if (!mine.includes(n)) mine.push(n);
}

/** Components up to this size hash each member's own serialization (quadratic, exact, cheap). */
const SMALL_COMPONENT = 16;

/**
 * Distinct texts -> dense ids in sorted order, so an id depends on the texts alone, never on the
 * order the members were met in.
 */
function intern(texts: readonly string[]): number[] {
  const sorted = [...new Set(texts)].sort();
  const ids = new Map(sorted.map((t, i) => [t, i]));
  return texts.map((t) => ids.get(t) as number);
}

function hasUnique(colors: readonly number[]): boolean {
  const count = new Map<number, number>();
  for (const c of colors) count.set(c, (count.get(c) ?? 0) + 1);
  for (const n of count.values()) if (n === 1) return true;
  return false;
}

/**
 * A member of a large component that can be told from every other by its content and
 * neighbourhood (a few rounds of colour refinement), or undefined when none can. Depends only on
 * the graph, so every process starts the component's serialization from the same member.
 */
function distinctStart(members: readonly Entity[], set: ReadonlySet<Entity>): Entity | undefined {
  const index = new Map(members.map((m, i) => [m, i]));
  let colors = intern(members.map((m) => JSON.stringify([m.own, ...m.edges.map((e) => [e.label, set.has(e.target) ? '' : (e.target.fp as string)])])));
  // Refine only while no member stands alone yet: a unique colour is all the start needs, and each
  // round rebuilds a text per member (lodash's component: most of the digest's time).
  for (let round = 0; round < 4 && !hasUnique(colors); round++) {
    const next = intern(
      members.map((m, i) => `${colors[i] as number}|${m.edges.map((e) => (set.has(e.target) ? `${e.label}#${colors[index.get(e.target) as number] as number}` : '')).join(',')}`),
    );
    const before = new Set(colors).size;
    colors = next;
    if (new Set(colors).size === before) break;
  }
  const count = new Map<number, number>();
  for (const c of colors) count.set(c, (count.get(c) ?? 0) + 1);
  let best: number | undefined;
  colors.forEach((c, i) => {
    if (count.get(c) === 1 && (best === undefined || c < (colors[best] as number))) best = i;
  });
  return best === undefined ? undefined : members[best];
}

/**
 * A large component (lodash's functions reach each other through `lodash` itself: thousands of
 * members) is serialized once, from a start member chosen by content alone; each member's
 * fingerprint is that hash plus the member's place in the serialization. Serializing from every
 * member, as small components do, took seconds for lodash (measured: 3.7 s of a 4.4 s walk).
 * Exact like the small case: the text from the start is the whole component.
 */
function finishLarge(members: readonly Entity[], set: ReadonlySet<Entity>): boolean {
  const start = distinctStart(members, set);
  if (start === undefined) return false;
  const order = new Map<Entity, number>();
  const whole = canonical(start, set, order);
  for (const m of members) m.fp = sha256(JSON.stringify(['cycle-member', whole, order.get(m) as number]));
  return true;
}

function finishComponent(members: Entity[]): void {
  const set = new Set(members);
  const only = members[0] as Entity;
  const cyclic = members.length > 1 || only.edges.some((edge) => edge.target === only);
  let volatile = false;
  for (const m of members) {
    if (m.unsettled === true) volatile = true;
    for (const edge of m.edges) {
      if (!set.has(edge.target) && edge.target.volatile === true) volatile = true;
      if (!set.has(edge.target)) mergeMissing(m, edge.target);
    }
  }
  if (cyclic) {
    // Every member reaches every other: each gets the union (skipped when there is none, the
    // usual case: a quadratic loop over lodash's thousand-member component cost ~9 ms).
    if (members.some((m) => (m.missingGlobals?.length ?? 0) > 0)) {
      // One union for all (pairwise merging was quadratic: ~150 ms on zod's component).
      const union = new Set<string>();
      for (const m of members) for (const n of m.missingGlobals ?? []) union.add(n);
      for (const m of members) m.missingGlobals = [...union];
    }
    if (members.length <= SMALL_COMPONENT || !finishLarge(members, set)) for (const m of members) m.fp = canonical(m, set);
  } else only.fp = combine(only);
  for (const m of members) m.volatile = volatile;
}

/** Fills `fp` (and `volatile`, transitive `missingGlobals`) of `root` and all it reaches. */
export function computeFingerprints(root: Entity): void {
  if (root.fp !== undefined) return;
  const index = new Map<Entity, number>();
  const low = new Map<Entity, number>();
  const onStack = new Set<Entity>();
  const stack: Entity[] = [];
  const work: Array<[Entity, number]> = [];
  const enter = (e: Entity): void => {
    index.set(e, index.size);
    low.set(e, index.size - 1);
    stack.push(e);
    onStack.add(e);
    work.push([e, 0]);
  };
  enter(root);
  while (work.length > 0) {
    const frame = work[work.length - 1] as [Entity, number];
    const [e, i] = frame;
    if (i < e.edges.length) {
      frame[1] = i + 1;
      const t = (e.edges[i] as { target: Entity }).target;
      if (t.fp !== undefined) continue;
      if (!index.has(t)) enter(t);
      else if (onStack.has(t)) low.set(e, Math.min(low.get(e) as number, index.get(t) as number));
      continue;
    }
    work.pop();
    const parent = work[work.length - 1];
    if (parent !== undefined) low.set(parent[0], Math.min(low.get(parent[0]) as number, low.get(e) as number));
    if (low.get(e) !== index.get(e)) continue;
    const members: Entity[] = [];
    for (;;) {
      const m = stack.pop() as Entity;
      onStack.delete(m);
      members.push(m);
      if (m === e) break;
    }
    finishComponent(members);
  }
}

/** The fingerprint of the function at `root`: its graph's content, and which values in it are one value (sharing.ts). */
export function rootFingerprint(root: Entity): { readonly fp: string; readonly sharing: string | undefined } {
  computeFingerprints(root);
  const sharing = sharingSignature([root]);
  const fp = root.fp as string;
  return { fp: sharing === undefined ? fp : sha256(JSON.stringify(['shared', fp, sharing])), sharing };
}
