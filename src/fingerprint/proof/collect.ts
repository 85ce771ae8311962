/**
 * The save side: turns a finished walk into a proof, or refuses. A proof is written only for a
 * graph whose every part the next run can re-read cheaply or take from text it hashes:
 * - the root: a function the file's text holds once, with only top-level glue around it
 *   (`cache(function …)`, `export function …`), so its scopes are its module's;
 * - functions reached through a module binding that the text proves is that function: declared
 *   once at the top level (`function h` or `const h = …` of a function), never assigned anywhere,
 *   in a file without `eval` or `with`; their members and prototypes are re-read at reuse;
 * - primitives in module bindings (`let`, `var`, `const`, whatever the initializer): re-read;
 * - built-ins named through globals the module does not bind.
 * Anything else (objects, classes, modules, packages, `this`, dynamic reads, pending or
 * maybe-uninitialized values, patched built-ins, code of other files) refuses: the next run walks.
 */
import * as path from 'node:path';
import type { Entity } from '../graph';
import { builtinPatches, describeFunction, isBuiltinGlobal, releaseObjects, scriptInfo, type FunctionSite } from '../runtime';
import { sha256 } from '../../hash';
import { hasExtras } from './extras';
import { sourceState } from './sources';
import { textFacts } from './text-facts';
import type { Proof, ProofScope } from './store';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const PRIMITIVE = /^(s:|n:|b:|t:|y:)|^null$/;

class Refused extends Error {}

function refuse(why: string): never {
  throw new Refused(why);
}

function textOf(fn: Function): string {
  return Function.prototype.toString.call(fn);
}

interface Reads {
  readonly functions: Map<string, Function>;
  readonly values: Map<string, string>;
  readonly globals: Set<string>;
}

function collectReads(root: Entity): Reads {
  const reads: Reads = { functions: new Map(), values: new Map(), globals: new Set() };
  const seen = new Set<Entity>();
  const stack = [root];
  for (let e = stack.pop(); e !== undefined; e = stack.pop()) {
    if (seen.has(e)) continue;
    seen.add(e);
    if ((e.dynamic?.length ?? 0) > 0 || e.usesThis === true || e.unsettled === true || e.waiting === true || e.volatile === true) refuse('unsettled or dynamic');
    if ((e.missingGlobals?.length ?? 0) > 0) refuse('missing global');
    if (e.kind === 'value') {
      if (!PRIMITIVE.test(e.own) || e.edges.length > 0) refuse('not a primitive');
      continue;
    }
    if (e.kind === 'builtin') {
      if (e.edges.length > 0) refuse('builtin with edges');
      continue;
    }
    if (e.kind !== 'function' || e.fn === undefined) refuse(`a ${e.kind}`);
    for (const { label, target } of e.edges) {
      if (target.kind === 'builtin') {
        const head = label.split('.')[0] ?? '';
        if (target.name !== label || !IDENTIFIER.test(head) || !isBuiltinGlobal(head)) refuse('built-in through a binding');
        reads.globals.add(head);
      } else if (!IDENTIFIER.test(label)) {
        refuse(`edge ${label}`);
      } else if (target.kind === 'function' && target.fn !== undefined) {
        const known = reads.functions.get(label);
        if (known !== undefined && known !== target.fn) refuse('one name, two functions');
        reads.functions.set(label, target.fn);
      } else if (target.kind === 'value') {
        const known = reads.values.get(label);
        if (known !== undefined && known !== target.own) refuse('one name, two values');
        reads.values.set(label, target.own);
      } else {
        refuse(`edge to a ${target.kind}`);
      }
      stack.push(target);
    }
  }
  return reads;
}

function lineAt(text: string, offset: number): number {
  let line = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

const SCOPE_KINDS: ReadonlySet<string> = new Set(['closure', 'module', 'global']);

/** Where the root lives and the kind of its innermost scope, asked of the inspector once. */
function rootPlace(fn: Function, site: FunctionSite): { file: string; scope: string } {
  const info = scriptInfo(site.scriptId);
  if (info.origin !== 'project' || info.file === undefined || !path.isAbsolute(info.file)) refuse('root not in a project file');
  try {
    const details = describeFunction(fn);
    const first = details.scopes[0];
    if (details.bound !== undefined || first === undefined || !SCOPE_KINDS.has(first.type)) refuse('root scopes');
    return { file: info.file, scope: first.type };
  } finally {
    releaseObjects();
  }
}

/**
 * A proof for `fn` (the unwrapped function) whose walk gave `root` and `fp`, or undefined with
 * nothing written. Runs at exit: nothing here is on a call's path.
 */
export function collectProof(fn: Function, root: Entity, fp: string, reached: readonly string[]): Proof | undefined {
  try {
    return collect(fn, root, fp, reached);
  } catch (error) {
    if (error instanceof Refused) return undefined;
    // An inspector failure or anything unforeseen: no proof, the next run walks.
    return undefined;
  }
}

function collect(fn: Function, root: Entity, fp: string, reached: readonly string[]): Proof {
  if (hasExtras(fn)) refuse('root has members');
  if (builtinPatches().length > 0) refuse('patched built-ins');
  const reads = collectReads(root);
  const text = textOf(fn);
  const base = { text: sha256(text), fp, reached: [...reached] };
  if (reads.functions.size === 0 && reads.values.size === 0 && reads.globals.size === 0) {
    return { ...base, files: [], functions: [], values: [], globals: [] };
  }
  const site = root.site;
  if (site === undefined) refuse('root site unknown');
  const place = rootPlace(fn, site);
  if (place.scope === 'global' && (reads.functions.size > 0 || reads.values.size > 0)) refuse('bindings without a module scope');
  const state = sourceState(place.file);
  if (state === undefined || !state.quiet) refuse('file changed since the process started');
  const source = state.bytes.toString('utf8');
  const facts = textFacts(source, place.scope === 'module');
  if (facts === undefined || facts.dynamic) refuse('file unparsable or dynamic');
  const at = source.indexOf(text);
  if (at < 0 || source.indexOf(text, at + 1) >= 0) refuse('root text not once in the file');
  if (!facts.topLevelFunctions.has(at) || lineAt(source, at) !== site.line) refuse('root not at the top level');
  const functions: Array<[string, string]> = [];
  for (const [name, value] of reads.functions) {
    const range = facts.functions.get(name);
    if (range === undefined || facts.declared.get(name) !== 1 || facts.assigned.has(name)) refuse(`${name} not proved by the text`);
    const own = textOf(value);
    if (source.slice(range.start, range.end) !== own) refuse(`${name} is not its declaration`);
    if (hasExtras(value)) refuse(`${name} has members`);
    functions.push([name, sha256(own)]);
  }
  for (const name of reads.values.keys()) if ((facts.declared.get(name) ?? 0) < 1) refuse(`${name} not a module binding`);
  for (const name of reads.globals) if (facts.declared.has(name)) refuse(`${name} shadowed`);
  return {
    ...base,
    file: place.file,
    line: site.line,
    scope: place.scope as ProofScope,
    files: [{ path: place.file, hash: state.hash }],
    functions: functions.sort(),
    values: [...reads.values].sort(),
    globals: [...reads.globals].sort(),
  };
}
