/**
 * Classes and their instances. A class counts by its whole text (every method, accessor, field
 * and static block is in it), the values its free names resolve to, its superclass chain
 * (`Object.getPrototypeOf(Class)`, followed as a value so it recurses), and members added to the
 * class or its prototype from outside the class body.
 *
 * `this.x` inside a class body needs no resolving: a method of this class is in the text, one
 * inherited is in the superclass, one patched in later is an outside member; what is left is
 * instance state, which is a run-time input (the cache key hashes `this`).
 */
import type { FunctionAnalysis } from '../source';
import { builtinName } from '../runtime';
import { EventEmitter } from 'node:events';
import { types } from 'node:util';
import { addEdge, keyLabel, nameOf, ownData, type Entity } from './entity';
import type { Builder } from './builder';
import { privateFields } from '../runtime';
import { patchEdges, resolveReferences } from './references';
import { hiddenState, opaqueStateLeaf } from './node-state';

function sourceOf(fn: Function): string {
  return Function.prototype.toString.call(fn);
}

/** Members of `target` not written in the class body `source`, as edges `prefix.key`. */
function outsideMembers(b: Builder, e: Entity, target: object, source: string, prefix: string, skip: ReadonlySet<string | symbol>): void {
  const inBody = (fn: unknown): boolean => typeof fn === 'function' && source.includes(sourceOf(fn));
  for (const key of Reflect.ownKeys(target)) {
    if (skip.has(key)) continue;
    const d = Reflect.getOwnPropertyDescriptor(target, key);
    if (d === undefined) continue;
    const label = `${prefix}.${keyLabel(key)}`;
    if ('value' in d) {
      if (!inBody(d.value)) addEdge(e, label, b.entityOf(d.value, target), key);
      continue;
    }
    if (d.get !== undefined && !inBody(d.get)) addEdge(e, `${label} (get)`, b.functionEntity(d.get, target), key);
    if (d.set !== undefined && !inBody(d.set)) addEdge(e, `${label} (set)`, b.functionEntity(d.set, target), key);
  }
}

const STATIC_SKIP = new Set<string | symbol>(['length', 'name', 'prototype']);
const PROTO_SKIP = new Set<string | symbol>(['constructor']);

export function expandClass(b: Builder, e: Entity, cls: Function, analysis: FunctionAnalysis): void {
  e.kind = 'class';
  e.name = nameOf(cls);
  e.own = `class:${analysis.codeHash}`;
  if (!resolveReferences(b, e, cls, analysis, undefined, true)) return;
  const parent: unknown = Object.getPrototypeOf(cls);
  if (parent !== Function.prototype && parent !== null) addEdge(e, 'extends', b.entityOf(parent));
  const source = sourceOf(cls);
  outsideMembers(b, e, cls, source, 'static', STATIC_SKIP);
  const proto = ownData(cls, 'prototype');
  if (typeof proto === 'object' && proto !== null && !types.isProxy(proto)) outsideMembers(b, e, proto, source, 'prototype', PROTO_SKIP);
  // Static private fields (`static #count`) are state only the inspector can see.
  if (source.includes('#')) privateEdges(b, e, cls, source, 'static ');
  patchEdges(b, e, cls);
}

/** Private fields as edges `#x`; private methods are in the class text already. */
function privateEdges(b: Builder, e: Entity, target: object, source: string, prefix: string): void {
  // Set again between two calls (`this.#locale = l`): ../watch.ts reads them again.
  (e.privateTargets ??= []).push(target);
  for (const [name, value] of privateFields(target)) {
    if (typeof value === 'function' && source.includes(sourceOf(value))) continue;
    addEdge(e, `${prefix}${name}`, b.entityOf(value, target));
  }
}

/** The text of every user class in the chain (to tell private methods from private fields). */
function classSources(ctor: Function): string {
  const parts: string[] = [];
  for (let c: unknown = ctor; typeof c === 'function' && c !== Function.prototype && !types.isProxy(c); c = Object.getPrototypeOf(c)) {
    if (builtinName(c) !== undefined) break;
    parts.push(sourceOf(c));
  }
  return parts.join('\n');
}

/** True when some user class in the chain declares private members (`#x`). */
function hasPrivateMembers(ctor: Function): boolean {
  for (let c: unknown = ctor; typeof c === 'function' && c !== Function.prototype && !types.isProxy(c); c = Object.getPrototypeOf(c)) {
    if (builtinName(c) !== undefined) return false;
    if (sourceOf(c).includes('#')) return true;
  }
  return false;
}

/**
 * State a built-in class keeps out of sight (a URL's href, a TextDecoder's encoding): the
 * primitive values of the built-in prototypes' getters. Built-in getters run no user code, but
 * not all are free of effects: a deprecated one (Node's `util.deprecate` wrapper, named
 * `deprecated`: `OutgoingMessage.prototype._headers`) prints a warning, and throws under
 * `--throw-deprecation`, so it is not called. Nor are the getters of a live handle (an
 * EventEmitter: a socket, a request, a stream, an agent's pooled connection): what they answer is
 * I/O state (`localPort`, `bytesRead`), new in every run, not what the code does, and reading
 * `localPort` makes the socket keep its answer as a property the next walk would read.
 */
function builtinState(b: Builder, e: Entity, instance: object): void {
  if (instance instanceof EventEmitter) return;
  let options: unknown;
  let text: unknown;
  for (let p = Object.getPrototypeOf(instance) as object | null; p !== null && p !== Object.prototype && !types.isProxy(p); p = Object.getPrototypeOf(p) as object | null) {
    if (builtinName(p) === undefined) continue;
    options ??= ownData(p, 'resolvedOptions');
    // `URLSearchParams`, `URL`, `Headers`...: their own toString serializes the hidden state.
    text ??= ownData(p, 'toString');
    for (const key of Object.getOwnPropertyNames(p)) {
      const d = Object.getOwnPropertyDescriptor(p, key);
      if (d?.get === undefined || d.get.name === 'deprecated') continue;
      let value: unknown;
      try {
        value = Reflect.apply(d.get, instance, []);
      } catch {
        continue;
      }
      if ((typeof value !== 'object' || value === null) && typeof value !== 'function') addEdge(e, `${key} (get)`, b.primitive(value));
    }
  }
  if (typeof text === 'function' && builtinName(text) !== undefined) {
    try {
      addEdge(e, 'toString()', b.primitive(String(Reflect.apply(text, instance, []))));
    } catch {
      // A built-in toString that refuses this receiver: nothing more to learn.
    }
  }
  if (typeof options === 'function' && builtinName(options) !== undefined) {
    try {
      addEdge(e, 'resolvedOptions()', b.entityOf(Reflect.apply(options, instance, [])));
    } catch {
      // Not an Intl object after all.
    }
  }
}

/** An instance: its class (recursively, superclasses too), then its own and private state. */
export function instanceEdges(b: Builder, e: Entity, instance: object, ctor: Function): void {
  e.kind = 'value';
  const name = nameOf(ctor);
  e.name = name === '' ? 'instance' : `${name} instance`;
  e.own = 'instance';
  e.preview = `${name || 'instance'} {…}`;
  addEdge(e, 'constructor', b.entityOf(ctor));
  const hidden = hiddenState(instance, ctor);
  if (hidden !== undefined) addEdge(e, 'opaque' in hidden ? '(state)' : hidden.label, 'opaque' in hidden ? opaqueStateLeaf(hidden.opaque) : b.primitive(hidden.digest));
  if (builtinName(ctor) !== undefined) builtinState(b, e, instance);
  else if (hasPrivateMembers(ctor)) privateEdges(b, e, instance, classSources(ctor), '');
}
