/**
 * The reuse side: a stored proof's fingerprint is taken only when everything it rests on reads
 * the same in this process, at this function's first fingerprint (the moment the walk would
 * read it): each source file hashes the same and has not been written since this process
 * started; no built-in is patched; the root and every function binding have the same text and
 * no members; every primitive binding re-reads to the same value; every built-in global is still
 * one and unbound by the module. The root's scopes read all of its module's bindings; functions
 * of other modules are placed by the inspector in batches (one per wave of modules), except those
 * that read nothing outside themselves. Any doubt returns undefined and the caller walks.
 */
import type * as GraphLayer from '../graph';
import type { Entity } from '../graph';
import { functionStubs, sharingSignature } from '../sharing';
import { isUniqueSymbol } from '../../unique-symbol';
import { dataEntity } from './data';
import {
  builtinPatches,
  describeFunction,
  describeFunctions,
  inspectorProblem,
  isBuiltinGlobal,
  onlyLoadedFileHolding,
  releaseObjects,
  sameBindings,
  scopesProblem,
  type FunctionDetails,
  type ScopeSnapshot,
} from '../runtime';
import { unwrap, wrapperExtraKeys } from '../../registry';
import { builtinToken } from './builtin-token';
import { functionHash, hasExtras } from './extras';
import { sourceState } from './sources';
import type { Proof } from './store';
import { readScopeValue, type Watch } from '../watch';

function own(object: Record<string, unknown>, name: string): { value: unknown } | undefined {
  if (!Object.prototype.hasOwnProperty.call(object, name)) return undefined;
  try {
    return { value: object[name] };
  } catch {
    // A binding in its temporal dead zone throws on Node 24 (graph/references.ts readBinding).
    return undefined;
  }
}

function globalDefined(name: string): boolean {
  for (let o: object | null = globalThis; o !== null; o = Object.getPrototypeOf(o) as object | null) {
    if (Object.getOwnPropertyDescriptor(o, name) !== undefined) return true;
  }
  return false;
}

/**
 * `file`: where `fn` was cached (registry.ts). The root's text at its line in module 0's file is
 * no proof that `fn` is that function: a copy of the file, another checkout or a renamed file may
 * hold the same text at the same line around other bindings. The file `fn` was handed over in is.
 */
export function proofHolds(fn: Function, text: string, proof: Proof, file: string, watch: Watch): boolean {
  if (proof.text !== functionHash(fn, text) || hasExtras(fn)) return false;
  if (proof.modules.length > 0 && proof.modules[0]?.file !== file) return false;
  if (builtinPatches().length > 0) return false;
  for (const [label, token] of proof.builtins) if (builtinToken(label) !== token) return false;
  for (const m of proof.modules) {
    const state = sourceState(m.file);
    if (state === undefined || !state.quiet || state.hash !== m.hash) return false;
  }
  watch.object(fn, !text.startsWith('class'));
  if (proof.modules.length === 0) return true;
  if (inspectorProblem() !== undefined || scopesProblem() !== undefined) return false;
  try {
    return bindingsHold(fn, proof, watch);
  } finally {
    releaseObjects();
  }
}

interface Placed {
  readonly scopes: readonly ScopeSnapshot[];
  readonly scriptId: string;
}

/** The scopes of a top-level function of module `m` at `line`, or undefined when it is not that. */
function placed(details: FunctionDetails | undefined, proof: Proof, m: number, line: number): Placed | undefined {
  if (details === undefined || details.bound !== undefined || details.site === undefined || details.site.line !== line) return undefined;
  const first = details.scopes[0];
  return first !== undefined && first.type === proof.modules[m]?.scope ? { scopes: details.scopes, scriptId: details.site.scriptId } : undefined;
}

/**
 * True when a function placed in CommonJS module `m` (by text, line and scope kind) is that file's:
 * the file is loaded in this process and no other loaded project file holds the same text at
 * that line. Otherwise a twin (a copy, a module whose `module.exports` is replaced by another's,
 * a symlink retargeted) would be read with this file's text facts: a factory closure there would
 * pass for a top-level function. ES modules need no file: every function of theirs is placed
 * (`esTopLevel`); nor do functions that close over the global scope only. Module 0 is tied by
 * `proofHolds`.
 */
function fromItsFile(fn: Function, proof: Proof, m: number, line: number): boolean {
  const module = proof.modules[m];
  if (module === undefined) return false;
  // A function whose only scope is the global one reads no binding of its module (collect.ts
  // refuses any there): its text and the globals decide, whichever file it is from.
  if (module.scope === 'module' || module.scope === 'global') return true;
  if (module.scope !== 'closure') return false;
  const registry = require.cache as Record<string, unknown> | undefined;
  if (registry === undefined || !Object.prototype.hasOwnProperty.call(registry, module.file)) return false;
  return onlyLoadedFileHolding(module.file, Function.prototype.toString.call(fn), line);
}

/**
 * `fn` closes over nothing but the module scope of the ES module compiled as `script`: same
 * script, and its first scope is a `Module` scope (a script has one; a closure or block in
 * between would come first). What the text of the file proves is not used for an ES module
 * other than the root's: a twin loaded beside it (a dynamic import, a loader) holds the same text.
 */
function esTopLevel(details: FunctionDetails | undefined, script: string | undefined): boolean {
  if (script === undefined || details === undefined) return false;
  return details.bound === undefined && details.site !== undefined && details.site.scriptId === script && details.scopes[0]?.type === 'module';
}

/** A function read from a module binding that the inspector must still place (one wave's worth). */
interface ToPlace {
  readonly value: Function;
  /** The module it must be a top-level function of, and its line there. */
  readonly t: number;
  readonly line: number;
}

/** A function of an ES module other than the root's, taken from text: placed in `m`'s script. */
interface ToCheck {
  readonly value: Function;
  readonly m: number;
}

/**
 * Re-reads every binding the proof lists, module by module: module 0's scopes come from the root,
 * another module's from the first of its functions a binding hands over. Modules are read in
 * waves (those whose scopes the last wave made known), and every function a wave must place is
 * described in one batch: one `Runtime.getProperties` each and a single call for all their
 * scopes, instead of three calls per function. A module whose scopes never become known fails
 * the proof.
 */
function bindingsHold(fn: Function, proof: Proof, watch: Watch): boolean {
  const scopes: Array<readonly ScopeSnapshot[] | undefined> = proof.modules.map(() => undefined);
  // The function each module's scopes were read through, for the watch (../watch.ts).
  const through: Array<Function | undefined> = proof.modules.map(() => undefined);
  through[0] = fn;
  // The script each module's functions were compiled from: one per module, whatever the path.
  const scripts: Array<string | undefined> = proof.modules.map(() => undefined);
  const root = placed(describeFunction(fn), proof, 0, proof.line);
  if (root === undefined) return false;
  scopes[0] = root.scopes;
  scripts[0] = root.scriptId;
  const done = new Set<number>();
  // What the `values` then the `data` rows read, for the sharing signature.
  // What the `values` then the `data` rows read, then the functions of the `functions`, `leaves`
  // and `imports` rows, for the sharing signature (collect.ts functionStubs).
  const read: Array<Entity | undefined> = new Array<Entity | undefined>(proof.values.length + proof.data.length).fill(undefined);
  const fns: Array<Function | undefined> = new Array<Function | undefined>(proof.functions.length + proof.leaves.length + proof.imports.length).fill(undefined);
  for (let wave = [0]; wave.length > 0; wave = scopes.flatMap((known, m) => (known !== undefined && !done.has(m) ? [m] : []))) {
    const toPlace: ToPlace[] = [];
    const toCheck: ToCheck[] = [];
    for (const m of wave) {
      done.add(m);
      if (!moduleHolds(proof, m, scopes[m] as readonly ScopeSnapshot[], toPlace, toCheck, read, fns)) return false;
    }
    const wanted = [...new Set([...toCheck.map((c) => c.value), ...toPlace.map((p) => p.value)])];
    const details = wanted.length === 0 ? new Map<Function, FunctionDetails>() : describeFunctions(wanted);
    if (!toCheck.every((c) => esTopLevel(details.get(c.value), scripts[c.m]))) return false;
    for (const { value, t, line } of toPlace) {
      // Every imported function is placed by the inspector: its line and scope kind, in a file
      // that hashed the same (the same check scripts.ts makes to tie a script to a file), compiled
      // from the same script as every other function of that module, which is that file's.
      const theirs = placed(details.get(value), proof, t, line);
      if (theirs === undefined) return false;
      const script = scripts[t];
      if (script === undefined) {
        if (!fromItsFile(value, proof, t, line)) return false;
        scripts[t] = theirs.scriptId;
      } else if (script !== theirs.scriptId) return false;
      const known = scopes[t];
      // The same module scope, or another evaluation of the same script (a module reloaded after
      // `delete require.cache[…]`) whose bindings are all the same.
      if (known === undefined) {
        scopes[t] = theirs.scopes;
        through[t] = value;
      } else if ((known[0] as ScopeSnapshot).object !== (theirs.scopes[0] as ScopeSnapshot).object && !sameBindings(known[0] as ScopeSnapshot, theirs.scopes[0] as ScopeSnapshot)) return false;
    }
  }
  if (done.size !== proof.modules.length || read.some((e) => e === undefined) || fns.some((f) => f === undefined)) return false;
  if ((sharingSignature([...(read as Entity[]), ...functionStubs(fns as Function[])]) ?? '') !== proof.sharing) return false;
  watchProof(proof, scopes, through, read, fns as Function[], watch);
  return true;
}

/**
 * What later calls must find unchanged (../watch.ts): the functions and data the proof read,
 * the module bindings its file's text may write (through the function the module's scope was
 * read from), and the globals it found absent from its modules.
 */
function watchProof(
  proof: Proof,
  scopes: ReadonlyArray<readonly ScopeSnapshot[] | undefined>,
  through: ReadonlyArray<Function | undefined>,
  read: ReadonlyArray<Entity | undefined>,
  fns: readonly Function[],
  watch: Watch,
): void {
  for (const f of fns) watch.object(f, !Function.prototype.toString.call(f).startsWith('class'));
  for (const e of read) if (e !== undefined) watch.graph(e);
  const rows: Array<readonly [number, string]> = [...proof.functions, ...proof.leaves, ...proof.imports, ...proof.values, ...proof.data].map((r) => [r[0], r[1]] as const);
  proof.modules.forEach((_, i) => {
    const fn = through[i];
    const module = scopes[i]?.[0]?.object;
    if (fn === undefined || module === undefined) return;
    // The names the walk watched (those the file's text assigns, call counters aside).
    const names = [...new Set([...rows.filter((r) => r[0] === i).map((r) => r[1]), ...proof.globals.filter((g) => g[0] === i).map((g) => g[1])])].filter((n) => proof.watched.includes(n));
    if (names.length > 0) watch.bind({ scope: module, names, values: names.map((n) => readScopeValue(module, n)) });
  });
  for (const [, name] of proof.globals) watch.global(name);
}

/** A function read from `module`'s binding `name` with the text `hash` and no members, or undefined. */
function functionAt(module: Record<string, unknown>, name: string, hash: string): Function | undefined {
  const read = own(module, name);
  if (read === undefined || typeof read.value !== 'function') return undefined;
  // A cached function's binding holds its wrapper (the preload's stand-in, `cache()`'s): the walk
  // counts the function it wraps, and so does the proof.
  const value = unwrap(read.value as Function);
  // Members hung on the wrapper itself are not in a proof (the walk adds them as edges: refused).
  if (value !== read.value && wrapperExtraKeys(read.value as Function).length > 0) return undefined;
  return functionHash(value) === hash && !hasExtras(value) ? value : undefined;
}

/**
 * The rows of module `m` that need no inspector call are checked here; the functions the
 * inspector must place are queued for the wave's batch (`toPlace`, `toCheck`).
 */
function moduleHolds(
  proof: Proof,
  m: number,
  mine: readonly ScopeSnapshot[],
  toPlace: ToPlace[],
  toCheck: ToCheck[],
  read: Array<Entity | undefined>,
  fns: Array<Function | undefined>,
): boolean {
  const module = (mine[0] as ScopeSnapshot).object;
  const placeAll = m !== 0 && proof.modules[m]?.scope === 'module';
  for (const [i, [at, name, hash]] of proof.functions.entries()) {
    if (at !== m) continue;
    const value = functionAt(module, name, hash);
    if (value === undefined) return false;
    fns[i] = value;
    if (placeAll) toCheck.push({ value, m });
  }
  // A function that reads nothing outside itself: its text decides, wherever it was compiled.
  for (const [i, [at, name, hash]] of proof.leaves.entries()) {
    if (at !== m) continue;
    const value = functionAt(module, name, hash);
    if (value === undefined) return false;
    fns[proof.functions.length + i] = value;
  }
  for (const [i, [at, name, hash, t, line]] of proof.imports.entries()) {
    if (at !== m) continue;
    const value = functionAt(module, name, hash);
    if (value === undefined) return false;
    fns[proof.functions.length + proof.leaves.length + i] = value;
    toPlace.push({ value, t, line });
  }
  for (const [i, [at, name, encoded]] of proof.values.entries()) {
    if (at !== m) continue;
    const binding = own(module, name);
    // `undefined` may be a binding in its temporal dead zone: the walk decides.
    if (binding === undefined || binding.value === undefined) return false;
    const v = binding.value;
    if ((typeof v === 'object' && v !== null) || typeof v === 'function') return false;
    // The graph layer (a walk's) is loaded only when a proof has a primitive to compare.
    const { encodePrimitive, relativize } = require('../graph') as typeof GraphLayer;
    if (encodePrimitive(v, relativize) !== encoded) return false;
    read[i] = { kind: 'value', name, own: encoded, edges: [], ...(isUniqueSymbol(v) ? { identity: v } : {}) };
  }
  for (const [j, [at, name, fp]] of proof.data.entries()) {
    if (at !== m) continue;
    const binding = own(module, name);
    if (binding === undefined || typeof binding.value !== 'object' || binding.value === null) return false;
    const e = dataEntity(binding.value);
    if (e === undefined || e.fp !== fp) return false;
    read[proof.values.length + j] = e;
  }
  for (const [at, name] of proof.counted) {
    if (at !== m) continue;
    const binding = own(module, name);
    const { onlyCounted } = require('../graph') as typeof GraphLayer;
    if (binding === undefined || !onlyCounted(binding.value)) return false;
  }
  for (const [at, name] of proof.globals) {
    if (at !== m) continue;
    for (const scope of mine) {
      if (scope.type === 'global') break;
      if (Object.prototype.hasOwnProperty.call(scope.object, name)) return false;
    }
    if (!isBuiltinGlobal(name) || !globalDefined(name)) return false;
  }
  return true;
}
