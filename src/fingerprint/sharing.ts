/**
 * What a fingerprint of content cannot see: which values are the same value. `const B = A` and
 * `const B = [...A]` reach two arrays of equal content, and so do a Map keyed by a module's own
 * `KEY` object and one keyed by an equal copy, or `Symbol('red')` held twice and two symbols of
 * that description; code that compares identities (`A === B`, `map.get(KEY)`, `obj[TAG]`) tells
 * them apart. digest.ts hashes content (each entity with its children), so the graph's sharing is
 * folded in here, for the root only: a depth-first walk from the root in edge order numbers each
 * entity, and each identity (an object, a function, a unique symbol, a unique-symbol key) when it
 * is first met, and writes down every later meeting as "step s met number n". The walk's order
 * depends only on the graph (edges are in source and property order), so the same program gives
 * the same signature whatever ran before; any change of who-is-who gives another.
 *
 * Built-ins and packages are singletons by name (their sharing is no information), and primitives
 * other than unique symbols have no identity.
 */
import { sha256 } from '../hash';
import type { Entity } from './graph';

function identityOf(e: Entity): object | symbol | undefined {
  if (e.kind === 'builtin' || e.kind === 'package') return undefined;
  return e.identity ?? e.fn;
}

/**
 * The sharing under `roots` (in order), hashed; undefined when no identity is met twice (most
 * graphs of pure code). Meetings are counted by identity, not by entity: a graph built by one walk
 * (one entity per object) and one built again value by value (a proof's check, ./proof/check.ts)
 * give the same signature for the same values.
 */
export function sharingSignature(roots: readonly Entity[]): string | undefined {
  const entered = new Set<Entity>();
  const identities = new Map<object | symbol, number>();
  const met: Array<string | number> = [];
  let step = 0;
  /** Notes a later meeting of `id`, or numbers its first one; true on the first. */
  const first = (id: object | symbol, tag: string): boolean => {
    const known = identities.get(id);
    if (known === undefined) {
      identities.set(id, identities.size);
      return true;
    }
    met.push(step, tag, known);
    return false;
  };
  const open = new Set<Entity>();
  /**
   * Whether the walk goes into `e`: not when its identity or the entity itself was met before. A
   * way back to an entity still open above is a cycle (recursion), which digest.ts already
   * serializes by first-visit numbers: no note, so `fib` calling itself is no sharing.
   */
  const enter = (e: Entity): boolean => {
    step++;
    if (open.has(e)) return false;
    const id = identityOf(e);
    if (id !== undefined && !first(id, '=')) return false;
    if (e.shares !== undefined) first(e.shares, 's');
    if (entered.has(e)) return false;
    entered.add(e);
    open.add(e);
    return true;
  };
  for (const root of roots) {
    if (!enter(root)) continue;
    const stack: Array<[Entity, number]> = [[root, 0]];
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as [Entity, number];
      const [e, i] = top;
      if (i >= e.edges.length) {
        stack.pop();
        open.delete(e);
        continue;
      }
      top[1] = i + 1;
      const edge = e.edges[i];
      if (edge === undefined) continue;
      for (const id of edge.via ?? []) first(id, 'v');
      if (enter(edge.target)) stack.push([edge.target, 0]);
    }
  }
  return met.length === 0 ? undefined : sha256(JSON.stringify(met));
}

/**
 * Functions a proof takes by text (proof/collect.ts, proof/check.ts) as the signature sees them:
 * their identity only. A leaf is accepted by its text wherever it was compiled, so `const b = a`
 * and a copy of `a`'s text under `b` pass the same rows; only identity tells `a === b` apart.
 */
export function functionStubs(fns: readonly Function[]): Entity[] {
  return fns.map((fn) => ({ kind: 'function', name: '', own: '', edges: [], identity: fn }));
}
