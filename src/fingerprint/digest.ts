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

function combine(e: Entity): string {
  const parts: string[] = [e.own];
  for (const edge of e.edges) parts.push(edge.label, edge.target.fp as string);
  return sha256(JSON.stringify(parts));
}

function canonical(start: Entity, members: ReadonlySet<Entity>): string {
  const order = new Map<Entity, number>();
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
    for (const m of members) for (const other of members) mergeMissing(m, other);
    for (const m of members) m.fp = canonical(m, set);
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
