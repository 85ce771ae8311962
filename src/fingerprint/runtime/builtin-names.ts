/**
 * Built-ins count by identity, never by their source or state: `Math.max`, `JSON`,
 * `node:fs.readFileSync`, `Array.prototype.map`. The names are stable across processes and
 * machines (same Node major gives the same names), which is what a fingerprint needs.
 *
 * The global names are a fixed list rather than a snapshot of `globalThis`, because smartcache
 * may be loaded after user code has added its own globals, and those must be followed by value.
 */
import { builtinModules } from 'node:module';
import { types } from 'node:util';
import { patchCounterpart, patchOriginal } from '../../registry';
import { functionSite } from './describe';
import { compiledBeforePreload, scriptInfo } from './scripts';

const ECMASCRIPT_GLOBALS = [
  'AggregateError', 'Array', 'ArrayBuffer', 'Atomics', 'BigInt', 'BigInt64Array', 'BigUint64Array', 'Boolean',
  'DataView', 'Date', 'Error', 'EvalError', 'FinalizationRegistry', 'Float16Array', 'Float32Array', 'Float64Array',
  'Function', 'Infinity', 'Int16Array', 'Int32Array', 'Int8Array', 'Intl', 'Iterator', 'JSON', 'Map', 'Math', 'NaN',
  'Number', 'Object', 'Promise', 'Proxy', 'RangeError', 'ReferenceError', 'Reflect', 'RegExp', 'Set',
  'SharedArrayBuffer', 'String', 'Symbol', 'SyntaxError', 'TypeError', 'URIError', 'Uint16Array', 'Uint32Array',
  'Uint8Array', 'Uint8ClampedArray', 'WeakMap', 'WeakRef', 'WeakSet', 'WebAssembly', 'decodeURI',
  'decodeURIComponent', 'encodeURI', 'encodeURIComponent', 'escape', 'eval', 'isFinite', 'isNaN', 'parseFloat',
  'parseInt', 'undefined', 'unescape',
];

const HOST_GLOBALS = [
  'AbortController', 'AbortSignal', 'Blob', 'BroadcastChannel', 'Buffer', 'ByteLengthQueuingStrategy', 'CloseEvent',
  'CompressionStream', 'CountQueuingStrategy', 'Crypto', 'CryptoKey', 'CustomEvent', 'DOMException',
  'DecompressionStream', 'Event', 'EventSource', 'EventTarget', 'File', 'FormData', 'Headers', 'MessageChannel',
  'MessageEvent', 'MessagePort', 'Navigator', 'Performance', 'PerformanceEntry', 'PerformanceMark',
  'PerformanceMeasure', 'PerformanceObserver', 'PerformanceObserverEntryList', 'PerformanceResourceTiming',
  'ReadableByteStreamController', 'ReadableStream', 'ReadableStreamBYOBReader', 'ReadableStreamBYOBRequest',
  'ReadableStreamDefaultController', 'ReadableStreamDefaultReader', 'Request', 'Response', 'Storage',
  'SubtleCrypto', 'TextDecoder', 'TextDecoderStream', 'TextEncoder', 'TextEncoderStream', 'TransformStream',
  'TransformStreamDefaultController', 'URL', 'URLPattern', 'URLSearchParams', 'WebSocket', 'WritableStream',
  'WritableStreamDefaultController', 'WritableStreamDefaultWriter', 'atob', 'btoa', 'clearImmediate',
  'clearInterval', 'clearTimeout', 'console', 'crypto', 'fetch', 'localStorage', 'navigator', 'performance',
  'process', 'queueMicrotask', 'sessionStorage', 'setImmediate', 'setInterval', 'setTimeout', 'structuredClone',
];

/** Names that denote the global object itself: `globalThis.x` is the global `x`. */
export const GLOBAL_OBJECT_NAMES: ReadonlySet<string> = new Set(['globalThis', 'global', 'self', 'window']);

const ECMASCRIPT: ReadonlySet<string> = new Set(ECMASCRIPT_GLOBALS);
const BUILTIN_GLOBALS: ReadonlySet<string> = new Set([...ECMASCRIPT_GLOBALS, ...HOST_GLOBALS]);

export function isBuiltinGlobal(name: string): boolean {
  return BUILTIN_GLOBALS.has(name);
}

let names: WeakMap<object, string> | undefined;
const MAX_DEPTH = 3;

/**
 * Names `value` and what hangs off it: a top-level object's or function's members, and the
 * methods and accessors of class prototypes. Below the top level only functions and prototype
 * objects are named: deeper plain objects are mutable registries (`Module._cache`,
 * `process.mainModule`) whose content is user state, so naming them "built-in" would hide user
 * code from the walk.
 */
function record(map: WeakMap<object, string>, value: unknown, name: string, depth: number, nativeOnly: boolean): void {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null || map.has(value)) return;
  // JavaScript's own functions are native: one that is not was put there by a program (a
  // polyfill, a patch) and must be walked as code (patches.ts), not named.
  if (nativeOnly && typeof value === 'function' && !Function.prototype.toString.call(value).endsWith('{ [native code] }')) return;
  const prototypeObject = name.endsWith('.prototype');
  if (depth > 0 && typeof value !== 'function' && !prototypeObject) return;
  map.set(value, name);
  if (depth === 0 || prototypeObject) members(map, value, name, depth, prototypeObject, nativeOnly);
  else if (typeof value === 'function' && depth === 1) {
    // A class's prototype (ordinary functions have one with only `constructor`: skip those).
    const d = Reflect.getOwnPropertyDescriptor(value, 'prototype');
    const proto: unknown = d !== undefined && 'value' in d ? d.value : undefined;
    if (typeof proto === 'object' && proto !== null && Reflect.ownKeys(proto).length > 1) record(map, proto, `${name}.prototype`, 2, nativeOnly);
    if (/^[A-Z]/.test(String(Reflect.getOwnPropertyDescriptor(value, 'name')?.value ?? ''))) members(map, value, name, depth, false, nativeOnly);
  }
}

/**
 * Members of Node's modules that Node 24 defines as lazy data properties: reading even their
 * descriptor loads the module behind them, and `node:util.diff` goes on to create
 * `process.stderr` (internal/util/colors), which loads `net` — a side effect in the user's
 * process, and 10+ modules on a disk hit. Measured by native-notes/scripts/lazy-builtin-members.js
 * (Node 20: none). Such a member is read only once the program has loaded what it stands for.
 */
const LAZY_MODULE_MEMBERS: ReadonlyMap<string, string> = new Map([
  ['buffer.File', 'internal/file'],
  ['fs.Dir', 'internal/fs/dir'],
  ['util.parseArgs', 'internal/util/parse_args/parse_args'],
  ['util.diff', 'internal/util/diff'],
  ['util.setTraceSigInt', 'internal/util/trace_sigint'],
]);

/** Whether reading `key` of the module object named `name` (`node:util`) would load code. */
function loadsOnRead(name: string, key: string): boolean {
  if (!name.startsWith('node:')) return false;
  const internal = LAZY_MODULE_MEMBERS.get(`${name.slice(5).replace(/^sys$/, 'util')}.${key}`);
  if (internal === undefined) return false;
  const list = (process as unknown as { moduleLoadList?: unknown }).moduleLoadList;
  return !Array.isArray(list) || !list.includes(`NativeModule ${internal}`);
}

function members(map: WeakMap<object, string>, value: object, name: string, depth: number, accessors: boolean, nativeOnly: boolean): void {
  if (depth >= MAX_DEPTH) return;
  for (const key of Reflect.ownKeys(value)) {
    if (typeof key !== 'string' || key === 'constructor' || loadsOnRead(name, key)) continue;
    // Only data properties: reading an accessor would run code (and some of Node's load modules).
    const d = Reflect.getOwnPropertyDescriptor(value, key);
    if (d === undefined) continue;
    if ('value' in d) record(map, d.value, `${name}.${key}`, depth + 1, nativeOnly);
    else if (accessors) {
      if (d.get !== undefined) record(map, d.get, `${name}.get ${key}`, MAX_DEPTH, nativeOnly);
      if (d.set !== undefined) record(map, d.set, `${name}.set ${key}`, MAX_DEPTH, nativeOnly);
    }
  }
}

/** Public built-in modules this process has already loaded (requiring them again is free). */
function loadedBuiltinModules(): string[] {
  const list = (process as unknown as { moduleLoadList?: unknown }).moduleLoadList;
  const publicNames = new Set(builtinModules);
  if (!Array.isArray(list)) return ['fs', 'path', 'util', 'events', 'buffer', 'url', 'module'];
  const out: string[] = [];
  for (const entry of list) {
    if (typeof entry !== 'string' || !entry.startsWith('NativeModule ')) continue;
    const name = entry.slice('NativeModule '.length);
    if (publicNames.has(name)) out.push(name);
  }
  return out;
}

function intrinsics(map: WeakMap<object, string>): void {
  const hidden: Array<[string, unknown]> = [
    ['%GeneratorFunction%', Object.getPrototypeOf(function* () {})],
    ['%AsyncFunction%', Object.getPrototypeOf(async function () {})],
    ['%AsyncGeneratorFunction%', Object.getPrototypeOf(async function* () {})],
    ['%TypedArray%', Object.getPrototypeOf(Uint8Array)],
    ['%ArrayIteratorPrototype%', Object.getPrototypeOf([][Symbol.iterator]())],
    ['%IteratorPrototype%', Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()))],
  ];
  for (const [name, value] of hidden) record(map, value, name, 1, true);
}

/**
 * Node 24 defines these web globals as V8 lazy data properties: even reading their descriptor
 * loads undici and adds its symbols to the global object (measured: Node 20 does not). They are
 * named only when the walk meets one of them, which means the program has already loaded it.
 */
const LAZY_HOST_GLOBALS: ReadonlySet<string> = new Set([
  'CloseEvent', 'FormData', 'Headers', 'MessageEvent', 'Request', 'Response', 'WebSocket', 'EventSource',
]);

/**
 * Globals Node defines as accessors (Node 20: `process` and `Buffer` are getter/setter pairs on
 * the global object), named from the values this module sees. Unnamed, `process` reached as a
 * value (lodash keeps `freeProcess`; Node's own closures hold it) was walked as data: its module
 * tree, bindings and primordials, tens of seconds and a different answer every run.
 */
function accessorGlobals(): Array<[string, unknown]> {
  return [
    ['process', process],
    ['Buffer', Buffer],
  ];
}

function buildNames(): WeakMap<object, string> {
  const map = new WeakMap<object, string>();
  const g = globalThis as unknown as Record<string, unknown>;
  for (const name of BUILTIN_GLOBALS) {
    if (LAZY_HOST_GLOBALS.has(name)) continue;
    const d = Object.getOwnPropertyDescriptor(g, name);
    if (d !== undefined && 'value' in d) record(map, d.value, name, 0, ECMASCRIPT.has(name));
  }
  for (const [name, value] of accessorGlobals()) {
    const d = Object.getOwnPropertyDescriptor(g, name);
    // Only while the global still holds Node's own value (a program may replace it).
    if (d !== undefined && d.get !== undefined && Reflect.apply(d.get, g, []) === value) record(map, value, name, 0, false);
  }
  intrinsics(map);
  // Sorted, not in load order: a function two modules export gets the same name in every
  // process that loaded the same modules, whatever order the program loaded them in.
  for (const name of loadedBuiltinModules().sort()) {
    try {
      const exports: unknown = require(`node:${name}`);
      record(map, exports, moduleLabel(name, exports), 0, false);
    } catch {
      // A module listed as loaded that cannot be required again is simply not named.
    }
  }
  return map;
}

/**
 * `node:util/types` is the very object `node:util` exposes as `types` (so are `fs/promises`,
 * `path/posix`, `stream/promises`, …): it is named through its parent, `node:util.types`, so a
 * function has one name whichever of the two the process happened to load first. Measured: Node
 * 24 loads `util/types` at start-up and Node 20 does not, which gave `isTypedArray` a different
 * name on each.
 */
function moduleLabel(name: string, exports: unknown): string {
  const slash = name.indexOf('/');
  if (slash > 0) {
    const parent = name.slice(0, slash);
    try {
      const owner: unknown = require(`node:${parent}`);
      if (typeof owner === 'object' && owner !== null && Reflect.getOwnPropertyDescriptor(owner, name.slice(slash + 1))?.value === exports) {
        return `node:${parent}.${name.slice(slash + 1)}`;
      }
    } catch {
      // No such parent: keep the module's own name.
    }
  }
  return `node:${name}`;
}

/** The stable name of a built-in object or function (`Math.max`, `node:fs`), if it is one. */
export function builtinName(value: object): string | undefined {
  names ??= buildNames();
  const name = names.get(value) ?? patchedName(names, value) ?? lazyGlobalName(names, value);
  if (name !== undefined && typeof value === 'function' && !isNodesOwn(value)) return undefined;
  return name;
}

const BOUND_TEXT = /^function \(\) \{ \[native code\] \}$/;

/** Per function: whether its code is JavaScript's or Node's own (not a program's). */
const ownCode = new WeakMap<Function, boolean>();

/**
 * A function found under a built-in name is JavaScript's (native code) or Node's (its script is
 * one of Node's): a program may have put its own there (`util.types.isTypedArray = mine`,
 * `fs.readFileSync = wrapper`, a `setTimeout` replaced), and that one is code to walk, not a
 * name: counted by name, an edit of it was a stale hit (measured on Node 24, which loads
 * `util/types` at start-up). smartcache's own patches (the fs and clock hooks) are judged by the
 * function they replace. Costs an inspector call per JavaScript function named, once a process;
 * with smartcache's preload alone before the program, no `Debugger.enable` for Node's modules
 * loaded while it started (scripts.ts `compiledBeforePreload`).
 */
export function isNodesOwn(fn: Function): boolean {
  const subject = patchOriginal(fn) ?? fn;
  let known = ownCode.get(subject);
  if (known !== undefined) return known;
  const text = Function.prototype.toString.call(subject);
  // A proxy of a function and a bound function print as native code too (a bound one without a
  // name: `function () { [native code] }`): they are what the program made of some function.
  if (types.isProxy(subject) || BOUND_TEXT.test(text)) known = false;
  else if (text.endsWith('{ [native code] }')) known = true;
  else {
    try {
      const site = functionSite(subject);
      known = site !== undefined && (compiledBeforePreload(site.scriptId) || scriptInfo(site.scriptId).origin === 'node');
    } catch {
      // The inspector cannot say: counted as code, walked (the safe side).
      known = false;
    }
  }
  ownCode.set(subject, known);
  return known;
}

/** A built-in smartcache patched (src/inputs): the same name as before, whichever side was named. */
function patchedName(map: WeakMap<object, string>, value: object): string | undefined {
  if (typeof value !== 'function') return undefined;
  const other = patchCounterpart(value);
  return other === undefined ? undefined : map.get(other);
}

/** A lazy web global (see LAZY_HOST_GLOBALS) already in the program's hands, or a member of one. */
function lazyGlobalName(map: WeakMap<object, string>, value: object): string | undefined {
  if (typeof value !== 'function') return undefined;
  const name = Reflect.getOwnPropertyDescriptor(value, 'name')?.value;
  if (typeof name !== 'string' || !LAZY_HOST_GLOBALS.has(name)) return undefined;
  const d = Object.getOwnPropertyDescriptor(globalThis, name);
  if (d === undefined || !('value' in d) || d.value !== value) return undefined;
  record(map, value, name, 0, false);
  return map.get(value);
}

/**
 * The name of one of Node's global accessors (`get performance`, `set crypto`): Node defines
 * several web globals as lazy getter/setter pairs whose closure caches the loaded value. Walking
 * that closure read `performance.timeOrigin` (a new value every run: measured on Node 24, where
 * lodash's `root` reaches the global object, every lodash function missed on each run). Asked
 * only for functions whose script is one of Node's (scripts.ts), so a program's own accessor on
 * the global object is never named. A program that assigns the global replaces the accessor
 * with a data property, which is then walked by value.
 */
export function globalAccessorName(fn: Function): string | undefined {
  const g = globalThis as unknown as Record<string, unknown>;
  for (const name of BUILTIN_GLOBALS) {
    // Lazy data properties, never accessors; reading their descriptor would load undici and
    // `net` (Node 24) into a process that never asked for them.
    if (LAZY_HOST_GLOBALS.has(name)) continue;
    const d = Object.getOwnPropertyDescriptor(g, name);
    if (d === undefined || 'value' in d) continue;
    if (d.get === fn) return `globalThis.get ${name}`;
    if (d.set === fn) return `globalThis.set ${name}`;
  }
  return undefined;
}

/**
 * Names of Node's own functions by a data-property path from a public module, breadth-first
 * (shortest path wins): `node:util.types.isTypedArray`, `node:events.prototype.emit`. Used only
 * for functions whose script is already known to be one of Node's (`node:` urls, scripts.ts),
 * so a path that runs through program state could at worst give a Node function a second name,
 * never name user code. Keys starting with `_` (`Module._cache`) and `mainModule` lead into the
 * program's module tree and are not followed, so names do not depend on the program's state.
 *
 * Each public module is scanned once, on its own, when first needed (measured on Node 20: 1-4 ms
 * per module set; `node:zlib` alone is ~1,100 objects); a lookup asks the modules in sorted
 * order, so `isTypedArray` is `node:util.types.isTypedArray` whenever `node:util` is loaded,
 * whatever else exports it and whenever it was loaded.
 */
const moduleNames = new Map<string, WeakMap<object, string>>();
let sortedModules: string[] | undefined;
let sortedFor = -2;
const DEEP_MAX_DEPTH = 4;
/** Bounds one module's scan (the largest, `node:zlib`, is ~1,100 objects on Node 20). */
const DEEP_MAX_OBJECTS = 20_000;
const DEEP_SKIP = new Set(['mainModule', 'constructor', 'caller', 'callee', 'arguments']);

function scanModule(root: object, rootName: string): WeakMap<object, string> {
  const map = new WeakMap<object, string>();
  const seen = new WeakSet<object>();
  const queue: Array<[object, string, number]> = [[root, rootName, 0]];
  for (let i = 0; i < queue.length && i < DEEP_MAX_OBJECTS; i++) {
    const [value, name, depth] = queue[i] as [object, string, number];
    if (seen.has(value) || types.isProxy(value)) continue;
    seen.add(value);
    if (typeof value === 'function') map.set(value, name);
    if (depth >= DEEP_MAX_DEPTH) continue;
    let keys: Array<string | symbol>;
    try {
      keys = Reflect.ownKeys(value);
    } catch {
      continue;
    }
    for (const key of keys) {
      if (typeof key !== 'string' || key.startsWith('_') || DEEP_SKIP.has(key) || loadsOnRead(name, key)) continue;
      let d: PropertyDescriptor | undefined;
      try {
        d = Reflect.getOwnPropertyDescriptor(value, key);
      } catch {
        continue;
      }
      // Data properties only: a getter is code, and some of Node's load modules when read.
      if (d === undefined || !('value' in d)) continue;
      const v: unknown = d.value;
      if ((typeof v === 'object' || typeof v === 'function') && v !== null && !seen.has(v)) queue.push([v, `${name}.${key}`, depth + 1]);
    }
  }
  return map;
}

function namesOfModule(name: string): WeakMap<object, string> | undefined {
  let map = moduleNames.get(name);
  if (map !== undefined) return map;
  let exports: unknown;
  try {
    exports = require(`node:${name}`);
  } catch {
    exports = undefined;
  }
  map = (typeof exports === 'object' || typeof exports === 'function') && exports !== null ? scanModule(exports, moduleLabel(name, exports)) : new WeakMap();
  moduleNames.set(name, map);
  return map;
}

/**
 * The public name of one of Node's own JavaScript functions (`node:util.types.isTypedArray`),
 * or undefined when no loaded public module exposes it.
 */
export function nodeFunctionName(fn: Function): string | undefined {
  const list = (process as unknown as { moduleLoadList?: unknown }).moduleLoadList;
  const size = Array.isArray(list) ? list.length : -1;
  if (sortedModules === undefined || size !== sortedFor) {
    sortedModules = loadedBuiltinModules().sort();
    sortedFor = size;
  }
  for (const name of sortedModules) {
    const found = namesOfModule(name)?.get(fn);
    if (found !== undefined) return found;
  }
  return undefined;
}
