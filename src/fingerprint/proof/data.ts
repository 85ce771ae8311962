/**
 * Plain data in a proof: a module binding holding an array, a plain object, a Map… whose content
 * is values only. The walk expands such a value in JavaScript (no inspector), so a proof stores the
 * walk's fingerprint of it (collect.ts, `isData`) and the reuse walks the value again and compares
 * (check.ts, `dataEntity`): the same content gives the same fingerprint by construction (it
 * is the same code), any change another one. A value that holds anything the walk would need the
 * inspector for (a function, an accessor, a class instance, a proxy) is not walked at reuse at
 * all: the proof fails and the caller walks in full.
 */
import { types } from 'node:util';
import type { Entity } from '../graph';
import type * as GraphLayer from '../graph';
import type * as Digest from '../digest';

/** Entities (or values) a data subgraph may hold before a proof refuses it. */
const MAX_DATA = 5000;

/**
 * True when the walk's subgraph under `root` (an object or array) holds only values and edge-less
 * built-ins: no function, class, module, package, `this`, dynamic or unsettled part.
 */
export function isData(root: Entity): boolean {
  if (root.fp === undefined) return false;
  const seen = new Set<Entity>();
  const stack = [root];
  for (let e = stack.pop(); e !== undefined; e = stack.pop()) {
    if (seen.has(e)) continue;
    seen.add(e);
    if (seen.size > MAX_DATA) return false;
    if ((e.dynamic?.length ?? 0) > 0 || e.usesThis === true || e.unsettled === true || e.waiting === true || e.volatile === true) return false;
    if ((e.missingGlobals?.length ?? 0) > 0 || e.pending !== undefined) return false;
    if (e.kind === 'builtin' && e.edges.length === 0) continue;
    if (e.kind !== 'value') return false;
    for (const edge of e.edges) stack.push(edge.target);
  }
  return true;
}

/**
 * The prototype a value of its kind must have. The walk does not record the prototype of an
 * array, Map, Set or Date (their content says what they are), so one replaced at load time (an
 * array without `map`, a Map turned into a plain object) would fingerprint the same: refused.
 */
function expectedPrototype(v: object): ReadonlySet<object | null> {
  if (Array.isArray(v)) return ARRAY;
  if (types.isMap(v)) return MAP;
  if (types.isSet(v)) return SET;
  if (types.isDate(v)) return DATE;
  return PLAIN;
}
const ARRAY: ReadonlySet<object | null> = new Set([Array.prototype]);
const MAP: ReadonlySet<object | null> = new Set([Map.prototype]);
const SET: ReadonlySet<object | null> = new Set([Set.prototype]);
const DATE: ReadonlySet<object | null> = new Set([Date.prototype]);
const PLAIN: ReadonlySet<object | null> = new Set<object | null>([null, Object.prototype]);

/**
 * Whether `value` holds only primitives and plain objects, arrays, Maps, Sets and Dates of the
 * same (data properties only, no proxy): a value the walk expands without the inspector. Read
 * without running any user code (no getter is called, no iterator of a subclass is used).
 */
function plain(value: object): boolean {
  const seen = new Set<object>();
  const stack: object[] = [value];
  for (let v = stack.pop(); v !== undefined; v = stack.pop()) {
    if (seen.has(v)) continue;
    seen.add(v);
    if (seen.size > MAX_DATA || types.isProxy(v) || !expectedPrototype(v).has(Object.getPrototypeOf(v) as object | null)) return false;
    const children: unknown[] = [];
    if (types.isMap(v)) for (const [k, x] of Map.prototype.entries.call(v) as IterableIterator<[unknown, unknown]>) children.push(k, x);
    if (types.isSet(v)) for (const x of Set.prototype.values.call(v) as IterableIterator<unknown>) children.push(x);
    for (const key of Reflect.ownKeys(v)) {
      const d = Reflect.getOwnPropertyDescriptor(v, key);
      if (d === undefined || !('value' in d)) return false;
      children.push(d.value);
    }
    for (const child of children) {
      if (typeof child === 'function') return false;
      if (typeof child === 'object' && child !== null) stack.push(child);
    }
  }
  return true;
}

/**
 * The walk's graph of `value` when it is plain data (its fingerprint in `fp`), else undefined (no
 * walk at all). The entity also serves the check's sharing signature (../sharing.ts).
 */
export function dataEntity(value: object): Entity | undefined {
  if (!plain(value)) return undefined;
  const { GraphBuilder } = require('../graph') as typeof GraphLayer;
  const builder = new GraphBuilder(true);
  const e = builder.entityOf(value);
  builder.drain();
  (require('../digest') as typeof Digest).computeFingerprints(e);
  return isData(e) ? e : undefined;
}

