/**
 * A function found on a package's exports is the package's code only if the package made it.
 * Programs hang their own functions on packages: `_.mixin({ double })`, `lib.helpers.up = fn`,
 * a plugin object assigned onto a library's namespace. Counted as the package (by name and
 * version), an edit of such a function was a stale hit; it is the program's code and is walked.
 *
 * Deciding, cheapest first, once per function per process: what the package's modules exported
 * when they finished loading (compiled-sources.ts notes it, before program code could add its
 * own); the text Node compiled for the package file, or for another file of the package (an
 * identical program function would have to print exactly like one of the package's, closure
 * aside; editing it makes it differ); an export of another package module; else its script,
 * through the inspector.
 */
import fs = require('node:fs');
import { types } from 'node:util';
import { compiledSource, exportedAtLoad } from '../../compiled-sources';
import { functionSite } from './describe';
import { moduleOf } from './modules';
import { isPackageFile, packageIdentity } from './packages';
import { scriptInfo } from './scripts';

/** Package file -> its text (compiled, else on disk), null when neither can be had. */
const texts = new Map<string, string | null>();

const toText = Function.prototype.toString;
/** How many other files of the package are searched before the inspector is asked. */
const SIBLING_BUDGET = 30;
const NATIVE = /\{ \[native code\] \}$/;
/** A bound function prints without a name: what some code made of another function. */
const BOUND_TEXT = /^function \(\) \{ \[native code\] \}$/;

function packageText(file: string): string | null {
  let text = texts.get(file);
  if (text !== undefined) return text;
  const compiled = compiledSource(file);
  if (compiled !== undefined && 'text' in compiled) text = compiled.text;
  else if (compiled !== undefined) text = null;
  else {
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      text = null;
    }
  }
  texts.set(file, text);
  return text;
}

type Origin = 'package' | 'program' | 'eval';

const origins = new WeakMap<Function, Origin>();

function originOf(fn: Function, file: string): Origin {
  let origin = origins.get(fn);
  if (origin === undefined) {
    origin = place(fn, file);
    origins.set(fn, origin);
  }
  return origin;
}

function place(fn: Function, file: string): Origin {
  // A proxy found on a package is taken for the package's: packages make them (sequelize's data
  // types, chalk's builders), and what one stands for is only seen through the inspector. A
  // program's proxy hung on a package is not seen (README).
  if (types.isProxy(fn)) return 'package';
  if (exportedAtLoad(fn)) return 'package';
  const text = toText.call(fn);
  if (NATIVE.test(text)) return BOUND_TEXT.test(text) ? 'program' : 'package';
  if (packageText(file)?.includes(text) === true) return 'package';
  // Exported by another module of a package (zod's `z` gathers what its files export): the
  // program puts its functions on what it reaches, not into modules it never named.
  const exporter = moduleOf(fn, false);
  if (exporter?.kind === 'package' && exporter.file !== file) return 'package';
  // Re-exported from another file of the package (`exports.route = require('./lib/route')`).
  const pkg = packageIdentity(file);
  let budget = SIBLING_BUDGET;
  for (const other of Object.keys(require.cache)) {
    if (other === file || !isPackageFile(other) || packageIdentity(other) !== pkg) continue;
    if (--budget < 0) break;
    if (packageText(other)?.includes(text) === true) return 'package';
  }
  try {
    const site = functionSite(fn);
    if (site === undefined) return 'program';
    const origin = scriptInfo(site.scriptId, false, { text, line: site.line }).origin;
    return origin === 'package' || origin === 'node' ? 'package' : origin === 'eval' ? 'eval' : 'program';
  } catch {
    // The inspector cannot say: the program's, walked (the safe side).
    return 'program';
  }
}

/** True when `fn`, found on the exports of package file `file`, is code of a package (or of Node, or native), not the program's. */
export function isPackageMade(fn: Function, file: string): boolean {
  return originOf(fn, file) === 'package';
}

/** A function the program put in a package's registry: where it is (`helpers.up`), what holds it. */
export interface HeldFunction {
  readonly path: readonly string[];
  readonly fn: Function;
  readonly holder: object;
}

/** How many members of an export, and of each container under it, are looked at. */
const SCAN_LIMIT = 500;

const held = new WeakMap<object, readonly HeldFunction[]>();

function isContainer(value: unknown): value is object {
  if (typeof value !== 'object' || value === null || types.isProxy(value)) return false;
  if (Array.isArray(value) || types.isMap(value)) return true;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A getter that only hands out a binding or a member of one (`get: function () { return
 * impl_1.helpers; }` as tsc and Babel re-export, esbuild's `() => helpers`): reading it runs no
 * code of consequence. Any other getter is never called.
 */
const REEXPORT_GETTER = /^(?:function\s*[\w$]*\s*\(\)\s*\{\s*return\s+[\w$]+(?:\.[\w$]+)*;?\s*\}|\(\)\s*=>\s*[\w$]+(?:\.[\w$]+)*)$/;

function entriesOf(container: object, getters = false): Array<[string, unknown]> {
  if (types.isMap(container)) {
    const out: Array<[string, unknown]> = [];
    for (const [k, v] of container as Map<unknown, unknown>) if (typeof k === 'string') out.push([k, v]);
    return out.slice(0, SCAN_LIMIT);
  }
  const out: Array<[string, unknown]> = [];
  for (const key of Object.keys(container).slice(0, SCAN_LIMIT)) {
    const d = Reflect.getOwnPropertyDescriptor(container, key);
    if (d === undefined) continue;
    if ('value' in d) out.push([key, d.value]);
    else if (getters && typeof d.get === 'function' && !types.isProxy(d.get) && REEXPORT_GETTER.test(toText.call(d.get))) {
      try {
        out.push([key, Reflect.apply(d.get, container, [])]);
      } catch {
        // A binding still in its temporal dead zone: nothing registered there yet.
      }
    }
  }
  return out;
}

/** Per ES module package file: the program's functions in the tables its module scope holds. */
const heldInModules = new Map<string, readonly HeldFunction[]>();

/**
 * The program's functions among the members of `table` (a registry), found at `at`. Made by
 * `new Function`/`eval` they are left out (packages compile templates so and keep them in such
 * tables as the program runs), and a proxy is the package's (sequelize's data types): a program
 * registers functions.
 */
function collectHeld(table: object, at: string, file: string, out: HeldFunction[]): void {
  for (const [inner, member] of entriesOf(table)) {
    if (typeof member === 'function' && originOf(member, file) === 'program') out.push({ path: [at, inner], fn: member, holder: table });
  }
}

/**
 * The program's functions registered in the tables an ES module package keeps at module level
 * (`export const helpers = {}`, a `const registry = new Map()` its exports fill), from the module
 * scope the inspector already described for one of its functions. Once per file and process.
 * Namespace objects of the modules it imports are not tables of its own.
 */
export function heldInModuleScope(file: string, bindings: Record<string, unknown>): readonly HeldFunction[] {
  let found = heldInModules.get(file);
  if (found !== undefined) return found;
  const out: HeldFunction[] = [];
  for (const name of Object.keys(bindings)) {
    const value = bindings[name];
    if (isContainer(value) && !types.isModuleNamespaceObject(value)) collectHeld(value, name, file, out);
  }
  found = out;
  heldInModules.set(file, found);
  return found;
}

/**
 * The program's functions registered in the containers a package exports (`Handlebars.helpers`,
 * a plugin table `lib.plugins`): the plain objects, arrays and Maps among the exports' own
 * members (re-export getters read), one level down, and its exported class's prototype. Read
 * once per exports object per process (one snapshot, as for every value a fingerprint reads).
 */
export function heldByPackage(exports: object, file: string): readonly HeldFunction[] {
  let found = held.get(exports);
  if (found !== undefined) return found;
  const out: HeldFunction[] = [];
  if (!types.isProxy(exports)) {
    for (const [key, value] of entriesOf(exports, true)) if (isContainer(value)) collectHeld(value, key, file, out);
    // An exported class's prototype: where plugins put their methods (`dayjs.extend((o, Dayjs) =>
    // { Dayjs.prototype.quarter = … })`).
    const proto: unknown = typeof exports === 'function' ? Reflect.getOwnPropertyDescriptor(exports, 'prototype')?.value : undefined;
    if (typeof proto === 'object' && proto !== null && !types.isProxy(proto)) collectHeld(proto, 'prototype', file, out);
  }
  found = out;
  held.set(exports, found);
  return found;
}
