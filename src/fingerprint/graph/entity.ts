/**
 * The dependency graph the walk builds: one entity per function, class, object or value reached,
 * edges labelled by how the parent refers to the child ('helper', 'CONFIG.factor', 'extends').
 * An entity's `own` string is its content without its children (normalized code hash, primitive
 * encoding, `lodash@4.17.21`); the fingerprint folds the children in (../digest.ts).
 *
 * Nothing in `own` or in a label may depend on the process or the machine: no script ids, no
 * absolute paths, no object identities. `site` and `file` are for display only.
 */
import { sha256 } from '../../hash';
import { types } from 'node:util';
import { isUniqueSymbol } from '../../unique-symbol';
import type { NodeKind } from '../../explanation';
import type { FunctionSite } from '../runtime';

export type { NodeKind };

export interface Edge {
  readonly label: string;
  readonly target: Entity;
  /**
   * Identities the edge passes without an entity of their own (../sharing.ts): the objects a
   * member path (`A.length`) goes through, a unique-symbol property or Map key.
   */
  readonly via?: ReadonlyArray<object | symbol>;
}

/**
 * Bindings read from one scope snapshot (the inspector's copy of a scope, ../runtime/describe.ts
 * knows which function's description it came from), with what later calls must find.
 */
export interface BindingReads {
  readonly scope: object;
  readonly names: string[];
  readonly values: unknown[];
}

/** The objects and globals an entity read, with what later calls must find (../watch.ts). */
export interface EntityReads {
  readonly objects: readonly object[];
  /** Of `objects`, the plain functions (their shape is what the walk reads of a function). */
  readonly light: ReadonlySet<object>;
  shapes: unknown[];
  readonly viewed: readonly object[];
  copies: Uint8Array[];
  readonly globals: readonly string[];
  globalValues: unknown[];
  /** Objects whose `#private` fields were read, and those fields as [name, value] pairs, flattened. */
  readonly privates: readonly object[];
  privateValues: unknown[][];
}

export interface Entity {
  kind: NodeKind;
  /** Display name of the thing itself (function name, type, module file). */
  name: string;
  own: string;
  preview?: string;
  /** Where a function was compiled (display only; resolved to a file lazily). */
  site?: FunctionSite;
  /** Display-only file for modules. */
  file?: string;
  /** The live function, for `explain` to find a location the walk did not need. */
  /**
   * A WeakMap or WeakSet the code reaches: what it holds for an object the call is given (`this`,
   * an argument) is state of that object (the WeakMap "private fields" pattern, and TypeScript's
   * `#private` lowered by esbuild when a class has decorators). The key reads it (key-compose.ts).
   */
  weak?: WeakMap<object, unknown> | WeakSet<object>;
  fn?: Function;
  /**
   * The object or unique symbol this entity stands for, when it has an identity the content does
   * not show (two equal arrays, two `Symbol('a')`): read only by ../sharing.ts, never hashed.
   */
  identity?: object | symbol;
  /**
   * An identity the entity's content lives in besides its own: the ArrayBuffer behind a typed
   * array or DataView (two views of one buffer write each other's bytes). ../sharing.ts only.
   */
  shares?: object;
  /**
   * The scope bindings its code read that its file's text may write (`let locale` set by
   * `setLocale`), with the values read: every later call re-reads them (../watch.ts).
   */
  watchedBindings?: BindingReads[];
  /** Globals its code read by value (not built-ins): re-read on every later call (../watch.ts). */
  watchedGlobals?: string[];
  /** Objects whose `#private` fields it read (through the inspector): read again on later calls. */
  privateTargets?: object[];
  /** What later calls must find of the objects and globals it read (../watch.ts fills it). */
  reads?: EntityReads;
  /** Counts its expansions in place: a watch built before the latest one no longer holds. */
  generation?: number;
  /** When it was last expanded (graph-builder.ts `expansionClock`). */
  expandedAt?: number;
  /** Its code reads `this` or `super` (then a memo per holder applies). */
  usesThis?: boolean;
  edges: Edge[];
  /** Set until the builder has filled `own` and `edges`. */
  pending?: () => void;
  /** Read a binding that was `undefined` (maybe still in its temporal dead zone): recheck later. */
  unsettled?: boolean;
  /** Waits on something that settles later (a pending promise): unsettled until it settles,
   * even after the synchronous run that read it. */
  waiting?: boolean;
  /** Free names no scope nor the global object had: recheck when one appears. */
  missingGlobals?: string[];
  /**
   * Modules its code loads that were not there (`try { require('./config.local.json') } catch
   * {}`): recheck before each later call, as Node looks again at each `require` (graph/requires.ts).
   */
  missingModules?: Array<{ readonly from: string; readonly spec: string }>;
  /** Why this entity's dependencies may be incomplete (eval, with, globalThis[x], ...). */
  dynamic?: string[];
  /** Removes the entity from the builder's memo (for unsettled ones). */
  forget?: () => void;
  // Filled by ../digest.ts
  fp?: string;
  volatile?: boolean;
}

export { isUniqueSymbol, sha256 };

/** A per-process random salt: a fingerprint that contains it can never match another run's. */
export const PROCESS_SALT: string = sha256(`${process.pid}:${Date.now()}:${Math.random()}`);

export function leaf(kind: NodeKind, name: string, own: string, preview?: string): Entity {
  const e: Entity = { kind, name, own, edges: [] };
  if (preview !== undefined) e.preview = preview;
  return e;
}

/**
 * `via`: the property or Map key the edge stands for (kept only when it is a unique symbol), or
 * the objects a member path went through.
 */
export function addEdge(parent: Entity, label: string, target: Entity, via?: unknown): void {
  if (isUniqueSymbol(via)) parent.edges.push({ label, target, via: [via] });
  else if (Array.isArray(via) && via.length > 0) parent.edges.push({ label, target, via: via as object[] });
  else parent.edges.push({ label, target });
}


export function addDynamic(e: Entity, reason: string): void {
  (e.dynamic ??= []).includes(reason) || e.dynamic.push(reason);
}

const MAX_PREVIEW = 40;

function clip(text: string): string {
  return text.length <= MAX_PREVIEW ? text : `${text.slice(0, MAX_PREVIEW - 1)}…`;
}

function symbolText(s: symbol): string {
  const key = Symbol.keyFor(s);
  if (key !== undefined) return `Symbol.for(${JSON.stringify(key)})`;
  const d = s.description ?? '';
  // Well-known symbols: `Symbol.iterator` has description 'Symbol.iterator'.
  if (d.startsWith('Symbol.') && (Symbol as unknown as Record<string, unknown>)[d.slice(7)] === s) return d;
  return `Symbol(${JSON.stringify(d)})`;
}

/**
 * Canonical text of a primitive: type-tagged and exact (`-0`, `NaN`, `1n`, `'1'` all differ).
 * `relativize` keeps absolute paths under the project out (`path.join(__dirname, 'x')`).
 */
export function encodePrimitive(value: unknown, relativize: (s: string) => string): string {
  switch (typeof value) {
    case 'string':
      return `s:${JSON.stringify(relativize(value))}`;
    case 'number':
      return Object.is(value, -0) ? 'n:-0' : `n:${String(value)}`;
    case 'bigint':
      return `b:${value.toString()}`;
    case 'boolean':
      return `t:${String(value)}`;
    case 'undefined':
      return 'u';
    case 'symbol':
      return `y:${symbolText(value)}`;
    default:
      return value === null ? 'null' : 'u';
  }
}

/** Exact, readable, unambiguous text of a primitive (Map keys in labels): `"a"`, `1`, `1n`. */
export function exactText(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'bigint':
      return `${value.toString()}n`;
    case 'symbol':
      return symbolText(value);
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    default:
      return String(value);
  }
}

export function previewPrimitive(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return clip(JSON.stringify(value));
    case 'bigint':
      return `${value.toString()}n`;
    case 'symbol':
      return clip(symbolText(value));
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    default:
      return String(value);
  }
}

/**
 * An own data property, read without running user code: a getter (`static get name()`), or a
 * proxy trap, is never triggered; undefined for accessors, proxies and missing keys.
 */
export function ownData(target: object, key: string | symbol): unknown {
  if (types.isProxy(target)) return undefined;
  const d = Reflect.getOwnPropertyDescriptor(target, key);
  return d !== undefined && 'value' in d ? d.value : undefined;
}

/** A function's own `name`, safely (see ownData). */
export function nameOf(fn: Function): string {
  const name = ownData(fn, 'name');
  return typeof name === 'string' ? name : '';
}

export function isObjectLike(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

/** How a member key shows in labels: `factor`, `[0]`, `["a b"]`, `[Symbol(x)]`. */
export function keyLabel(key: string | symbol): string {
  if (typeof key === 'symbol') return `[${symbolText(key)}]`;
  if (/^(0|[1-9]\d*)$/.test(key)) return `[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
}

const TYPED_BUFFER = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype) as object, 'buffer')?.get as (this: unknown) => ArrayBufferLike;
const VIEW_BUFFER = Object.getOwnPropertyDescriptor(DataView.prototype, 'buffer')?.get as (this: unknown) => ArrayBufferLike;

/**
 * The buffer a view's bytes live in (read with the intrinsic getters), when which views share it
 * can matter and is the program's own doing: not for a Node Buffer or a view of a pool slab
 * (`Buffer.poolSize` bytes): which small Buffers share a slab depends on every allocation of the
 * process, smartcache's included, and would differ from run to run. ../sharing.ts notes it.
 */
export function sharedBacking(value: unknown): object | undefined {
  // Internal-slot checks first: `instanceof` (Buffer.isBuffer) could run a proxy's trap.
  let buffer: ArrayBufferLike;
  if (types.isTypedArray(value)) {
    if (Object.getPrototypeOf(value) === Buffer.prototype) return undefined;
    buffer = TYPED_BUFFER.call(value);
  } else if (types.isDataView(value)) buffer = VIEW_BUFFER.call(value);
  else return undefined;
  return buffer.byteLength === Buffer.poolSize ? undefined : buffer;
}
