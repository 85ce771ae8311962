import { types } from 'node:util';
import { sha256 } from '../../hash';
import { isSloppyFunction } from '../runtime';

const STANDARD: ReadonlySet<string | symbol> = new Set(['length', 'name', 'prototype', 'arguments', 'caller']);

const STANDARD_FUNCTION_PROTOTYPES: ReadonlySet<unknown> = new Set([
  Function.prototype,
  Object.getPrototypeOf(async function () {}),
  Object.getPrototypeOf(function* () {}),
  Object.getPrototypeOf(async function* () {}),
]);

/**
 * True when `fn` carries what the walk would add as edges of a function (graph/expand-function.ts
 * `functionExtras`), or anything a proof cannot vouch for: an own member besides the standard
 * ones (enumerable or not: `util.inherits` adds `super_` non-enumerable), a [[Prototype]] other
 * than the standard one of its kind (`Object.setPrototypeOf(fn, …)`, a derived class), a
 * `prototype` with members besides `constructor` or that inherits from anything but
 * `Object.prototype` (`util.inherits(Child, Base)`: the methods are Base's). A proof holds only
 * for functions without any, re-read in every process (load-time code may hang things on a
 * function whatever its text says); anything else is walked.
 */
export function hasExtras(fn: Function): boolean {
  if (types.isProxy(fn)) return true;
  if (!STANDARD_FUNCTION_PROTOTYPES.has(Object.getPrototypeOf(fn))) return true;
  for (const key of Reflect.ownKeys(fn)) {
    if (!STANDARD.has(key)) return true;
  }
  const d = Reflect.getOwnPropertyDescriptor(fn, 'prototype');
  if (d === undefined) return false;
  if (!('value' in d)) return true;
  const proto: unknown = d.value;
  if (typeof proto !== 'object' || proto === null) return false;
  if (types.isProxy(proto)) return true;
  const above: unknown = Object.getPrototypeOf(proto);
  // A generator function's `prototype` inherits from %GeneratorPrototype%, its kind's standard.
  const standard: unknown = (Object.getPrototypeOf(fn) as { prototype?: unknown }).prototype ?? Object.prototype;
  if (above !== standard) return true;
  return Reflect.ownKeys(proto).some((k) => k !== 'constructor');
}

/**
 * What a proof compares a function by: its text, and whether it is sloppy code (strictness
 * inherited from its file is not in the text; the walk counts it too, graph/expand-function.ts).
 */
export function functionHash(fn: Function, text: string = Function.prototype.toString.call(fn)): string {
  return sha256(isSloppyFunction(fn) ? `${text}\u0000sloppy` : text);
}
