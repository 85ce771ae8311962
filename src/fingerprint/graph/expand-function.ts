/**
 * Functions, arrows, methods and bound functions as graph entities. A function's own content is
 * its normalized code (../source/analyze.ts); its edges are the values its free names resolve to, plus
 * anything hung on the function object itself (`fn.table = {...}`, `Ctor.prototype.method`).
 */
import { types } from 'node:util';
import type { FunctionAnalysis } from '../source';
import { expandClass } from './expand-class';
import { addEdge, keyLabel, nameOf, ownData, type Entity } from './entity';
import type { Builder } from './builder';
import { describeFunction, isSloppyFunction } from '../runtime';
import { patchEdges, resolveReferences } from './references';

const STANDARD_FUNCTION_KEYS = new Set<string | symbol>(['length', 'name', 'prototype', 'arguments', 'caller']);

/** A C++ function: a bound function counts as its target, `this` and arguments. */
function expandNative(b: Builder, e: Entity, fn: Function): void {
  const { bound } = describeFunction(fn);
  if (bound === undefined) {
    e.kind = 'builtin';
    e.name = `native ${nameOf(fn)}`;
    e.own = `native:${nameOf(fn)}/${String(ownData(fn, 'length'))}`;
    return;
  }
  e.name = nameOf(fn);
  e.own = 'bound';
  const target = b.functionEntity(bound.target);
  addEdge(e, 'target', target);
  // A function of the global object bound to it (`queueMicrotask.bind(globalThis)`, axios's
  // `utils.asap`; `fetch.bind(globalThis)`) is that built-in: the global object is only its
  // receiver, and walked whole it differs in every run (never a hit). Not a method that reads its
  // receiver (`Object.prototype.hasOwnProperty.bind(globalThis)` answers what the global holds).
  const builtinOnGlobal = bound.thisArg === globalThis && isGlobalFunction(bound.target) && (target.kind === 'builtin' || isNativeCode(bound.target));
  addEdge(e, 'this', builtinOnGlobal ? b.builtin('globalThis') : b.entityOf(bound.thisArg));
  bound.args.forEach((arg, i) => addEdge(e, `args[${i}]`, b.entityOf(arg)));
}

const toText = Function.prototype.toString;

/** A function whose code is C++ (a built-in, or a bound function of one). */
function isNativeCode(fn: unknown): boolean {
  if (typeof fn !== 'function' || types.isProxy(fn)) return false;
  try {
    return toText.call(fn).endsWith('{ [native code] }');
  } catch {
    return false;
  }
}

/** Whether `fn` is the value of one of the global object's own properties (`queueMicrotask`, `fetch`, `setTimeout`). */
function isGlobalFunction(fn: unknown): boolean {
  if (typeof fn !== 'function') return false;
  const name = (Reflect.getOwnPropertyDescriptor(fn, 'name')?.value as unknown) ?? '';
  if (typeof name !== 'string' || name === '') return false;
  const d = Reflect.getOwnPropertyDescriptor(globalThis, name);
  return d !== undefined && 'value' in d && d.value === fn;
}

/** What `function`, `async`, generator and async generator functions inherit from. */
const FUNCTION_PROTOTYPES: ReadonlySet<unknown> = new Set([
  Function.prototype,
  Object.getPrototypeOf(async function () {}),
  Object.getPrototypeOf(function* () {}),
  Object.getPrototypeOf(async function* () {}),
]);

/** Members user code put on the function object, and on its prototype (pre-class "classes"). */
function functionExtras(b: Builder, e: Entity, fn: Function): void {
  // A function given another prototype (`Object.setPrototypeOf(chalk, createChalk.prototype)`):
  // `fn.red()` runs what that object holds, which no member of `fn` shows (an edit of it was a
  // stale hit).
  const inherited: unknown = Object.getPrototypeOf(fn);
  if (inherited !== null && !FUNCTION_PROTOTYPES.has(inherited) && !types.isProxy(inherited)) addEdge(e, '[[Prototype]]', b.entityOf(inherited));
  for (const key of Reflect.ownKeys(fn)) {
    if (STANDARD_FUNCTION_KEYS.has(key)) continue;
    // Hidden ones too (`Object.defineProperty(helper, 'limit', { value: 5 })`): read by path
    // (`helper.limit`) they are as much the function's state as any other member.
    const d = Reflect.getOwnPropertyDescriptor(fn, key);
    if (d === undefined) continue;
    const label = `.${keyLabel(key)}`;
    if ('value' in d) addEdge(e, label, b.entityOf(d.value, fn), key);
    else {
      if (d.get !== undefined) addEdge(e, `${label} (get)`, b.functionEntity(d.get, fn), key);
      if (d.set !== undefined) addEdge(e, `${label} (set)`, b.functionEntity(d.set, fn), key);
    }
  }
  const proto = ownData(fn, 'prototype');
  // Methods on it, or methods it inherits (`Child.prototype = Object.create(Parent.prototype)`,
  // `util.inherits`): instances made with `new` run them.
  if (typeof proto === 'object' && proto !== null && !types.isProxy(proto) && (Reflect.ownKeys(proto).some((k) => k !== 'constructor') || Object.getPrototypeOf(proto) !== Object.prototype)) {
    addEdge(e, '.prototype', b.entityOf(proto));
  }
}

export function expandFunction(b: Builder, e: Entity, fn: Function, holder: object | undefined, analysis: FunctionAnalysis | undefined): void {
  if (analysis === undefined || analysis.kind === 'native') {
    expandNative(b, e, fn);
    return;
  }
  if (analysis.kind === 'class') {
    expandClass(b, e, fn, analysis);
    return;
  }
  e.kind = 'function';
  e.name = nameOf(fn);
  // Inherited strictness is not in the text (a file given 'use strict' changes what it does).
  e.own = `${analysis.kind}:${analysis.codeHash}${isSloppyFunction(fn) ? ':sloppy' : ''}`;
  if (!resolveReferences(b, e, fn, analysis, holder, false)) return;
  functionExtras(b, e, fn);
  patchEdges(b, e, fn);
}
