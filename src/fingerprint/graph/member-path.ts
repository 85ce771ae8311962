/**
 * Following a static member path (`CONFIG.limits.max`, `utils.inner`) on live values without
 * running user code: property descriptors only, never a getter call, never a proxy trap.
 *
 * Where the path stops being "data": a member inherited from a class or built-in prototype
 * (`list.map`, `calc.compute`, `helper.call`) means the value before it is used as a whole (a
 * method runs on its receiver), so the walk reports that prefix as whole.
 */
import { types } from 'node:util';
import { isObjectLike, ownData, sharedBacking } from './entity';
import { standInTarget } from '../../registry';

/** The objects a path went through before its end, base first (which values are one value: ../sharing.ts). */
interface Via {
  readonly via: readonly object[];
}

export type PathEnd = Via &
  (
    | /** `value` found at `depth` segments; `holder` is the object it was read from. */
    { readonly kind: 'value'; readonly depth: number; readonly value: unknown; readonly holder: object | undefined }
    /** The value at `depth` segments is used whole. */
    | { readonly kind: 'whole'; readonly depth: number; readonly value: unknown }
    /** An accessor at `depth` segments: its getter counts (with `holder` as `this`). */
    | { readonly kind: 'accessor'; readonly depth: number; readonly get: Function | undefined; readonly set: Function | undefined; readonly holder: object }
    /** The member does not exist (reads `undefined`). */
    | { readonly kind: 'missing'; readonly depth: number; readonly holder: object }
    /** Reading threw (an ES module binding still in its temporal dead zone). */
    | { readonly kind: 'unsettled'; readonly depth: number }
  );

interface Found {
  readonly descriptor: PropertyDescriptor;
  readonly owner: object;
}

/** A prototype object of a class (user or built-in): its methods run on instances. */
export function isClassPrototype(o: object): boolean {
  const ctor = ownData(o, 'constructor');
  return typeof ctor === 'function' && ownData(ctor, 'prototype') === o;
}

function lookup(start: object, key: string): Found | undefined | 'threw' {
  for (let o: object | null = start; o !== null; o = Object.getPrototypeOf(o) as object | null) {
    if (types.isProxy(o)) return undefined;
    let d: PropertyDescriptor | undefined;
    try {
      d = Object.getOwnPropertyDescriptor(o, key);
    } catch {
      return 'threw';
    }
    if (d !== undefined) return { descriptor: d, owner: o };
  }
  return undefined;
}

export function followPath(base: unknown, path: readonly string[]): PathEnd {
  let current: unknown = base;
  let holder: object | undefined;
  const via: object[] = [];
  for (let i = 0; i < path.length; i++) {
    // `process.env` holds smartcache's Proxy: the environment object behind it, as Node defines it.
    current = standInTarget(current) ?? current;
    if (!isObjectLike(current) || types.isProxy(current)) return { kind: 'whole', depth: i, value: current, via };
    const key = path[i] as string;
    // `C.#g` / `this.#r`: private members are no properties a lookup can see (it would say
    // missing, a constant, and edits of them would hit). The value holding them counts whole: a
    // class whole has its private members' text and static private state. (A real key that
    // starts with '#', `o['#x']`, is then needed whole too: more than needed, never less.)
    if (key.startsWith('#')) return { kind: 'whole', depth: i, value: current, via };
    const found = lookup(current, key);
    const before = via.length;
    via.push(current);
    // A view's bytes live in its buffer: two views of one buffer are one value to code that writes.
    const backing = sharedBacking(current);
    if (backing !== undefined) via.push(backing);
    if (found === 'threw') return { kind: 'unsettled', depth: i + 1, via };
    if (found === undefined) return { kind: 'missing', depth: i + 1, holder: current, via };
    if (found.owner !== current && isClassPrototype(found.owner)) return { kind: 'whole', depth: i, value: current, via: via.slice(0, before) };
    const d = found.descriptor;
    if (!('value' in d) && (d.get !== undefined || d.set !== undefined)) {
      return { kind: 'accessor', depth: i + 1, get: d.get, set: d.set, holder: current, via };
    }
    holder = current;
    current = d.value;
  }
  return { kind: 'value', depth: path.length, value: standInTarget(current) ?? current, holder, via };
}

/** `name` + the first `depth` segments, as labels show it: `CONFIG.limits`. */
export function pathLabel(name: string, path: readonly string[], depth: number): string {
  return depth === 0 ? name : `${name}.${path.slice(0, depth).join('.')}`;
}
