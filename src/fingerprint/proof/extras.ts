import { types } from 'node:util';
import { sha256 } from '../../hash';
import { isSloppyFunction } from '../runtime';

const STANDARD: ReadonlySet<string | symbol> = new Set(['length', 'name', 'prototype', 'arguments', 'caller']);

/**
 * True when `fn` carries what the walk would add as edges of a function (graph/expand-function.ts
 * `functionExtras`): an enumerable own member besides the standard ones, or a prototype with
 * members besides `constructor`. A proof holds only for functions without either, re-read in
 * every process (load-time code may hang things on a function whatever its text says).
 */
export function hasExtras(fn: Function): boolean {
  if (types.isProxy(fn)) return true;
  for (const key of Reflect.ownKeys(fn)) {
    if (STANDARD.has(key)) continue;
    const d = Reflect.getOwnPropertyDescriptor(fn, key);
    if (d === undefined || d.enumerable === true) return true;
  }
  const d = Reflect.getOwnPropertyDescriptor(fn, 'prototype');
  if (d === undefined) return false;
  if (!('value' in d)) return true;
  const proto: unknown = d.value;
  if (typeof proto !== 'object' || proto === null) return false;
  if (types.isProxy(proto)) return true;
  return Reflect.ownKeys(proto).some((k) => k !== 'constructor');
}

/**
 * What a proof compares a function by: its text, and whether it is sloppy code (strictness
 * inherited from its file is not in the text; the walk counts it too, graph/expand-function.ts).
 */
export function functionHash(fn: Function, text: string = Function.prototype.toString.call(fn)): string {
  return sha256(isSloppyFunction(fn) ? `${text}\u0000sloppy` : text);
}
