/**
 * The reuse side: a stored proof's fingerprint is taken only when everything it rests on reads
 * the same in this process, at this function's first fingerprint (the moment the walk would
 * read it): each source file hashes the same and has not been written since this process
 * started; no built-in is patched; the root and every function binding have the same text and
 * no members; every primitive binding re-reads to the same value; every built-in global is still
 * one and unbound by the module. One inspector call (the root's scopes) reads all bindings. Any
 * doubt returns undefined and the caller walks.
 */
import { encodePrimitive, relativize } from '../graph';
import { builtinPatches, describeFunction, inspectorProblem, isBuiltinGlobal, releaseObjects, scopesProblem } from '../runtime';
import { sha256 } from '../../hash';
import { hasExtras } from './extras';
import { sourceState } from './sources';
import type { Proof } from './store';

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

export function proofHolds(fn: Function, text: string, proof: Proof): boolean {
  if (proof.text !== sha256(text) || hasExtras(fn)) return false;
  if (builtinPatches().length > 0) return false;
  for (const f of proof.files) {
    const state = sourceState(f.path);
    if (state === undefined || !state.quiet || state.hash !== f.hash) return false;
  }
  if (proof.files.length === 0) return proof.functions.length === 0 && proof.values.length === 0 && proof.globals.length === 0;
  if (inspectorProblem() !== undefined || scopesProblem() !== undefined) return false;
  try {
    return bindingsHold(fn, proof);
  } finally {
    releaseObjects();
  }
}

function bindingsHold(fn: Function, proof: Proof): boolean {
  const details = describeFunction(fn);
  if (details.bound !== undefined || details.site === undefined || details.site.line !== proof.line) return false;
  const first = details.scopes[0];
  if (first === undefined || first.type !== proof.scope) return false;
  const module = first.object;
  for (const [name, hash] of proof.functions) {
    const read = own(module, name);
    if (read === undefined || typeof read.value !== 'function') return false;
    const value = read.value as Function;
    if (sha256(Function.prototype.toString.call(value)) !== hash || hasExtras(value)) return false;
  }
  for (const [name, encoded] of proof.values) {
    const read = own(module, name);
    // `undefined` may be a binding in its temporal dead zone: the walk decides.
    if (read === undefined || read.value === undefined) return false;
    const v = read.value;
    if ((typeof v === 'object' && v !== null) || typeof v === 'function') return false;
    if (encodePrimitive(v, relativize) !== encoded) return false;
  }
  for (const name of proof.globals) {
    for (const scope of details.scopes) {
      if (scope.type === 'global') break;
      if (Object.prototype.hasOwnProperty.call(scope.object, name)) return false;
    }
    if (!isBuiltinGlobal(name) || !globalDefined(name)) return false;
  }
  return true;
}
