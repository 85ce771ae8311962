/**
 * The save side: turns a finished walk into a proof, or refuses. A proof is written only for a
 * graph whose every part the next run can re-read cheaply or take from text it hashes:
 * - the root: a function the file's text holds once, with only top-level glue around it
 *   (`cache(function …)`, `export function …`), so its scopes are its module's;
 * - functions reached through a module binding that the text proves is that function: declared
 *   once at the top level (`function h` or `const h = …` of a function), never assigned anywhere,
 *   in a file without `eval` or `with`; their members and prototypes are re-read at reuse;
 * - functions that read nothing outside themselves (`readsNothing`), in any module binding: re-read
 *   and taken by their text, wherever they were compiled;
 * - primitives in module bindings (`let`, `var`, `const`, whatever the initializer): re-read;
 * - plain data in module bindings (arrays, plain objects, Maps…: values the walk expanded without
 *   reaching a function): walked again at reuse, without the inspector, and compared by the
 *   walk's own fingerprint of it;
 * - which of those primitive and data values are one value (../sharing.ts): compared at reuse;
 * - built-ins named through globals the module does not bind.
 * Anything else (objects, classes, modules, packages, `this`, dynamic reads, pending or
 * maybe-uninitialized values, patched built-ins, code of other files) refuses: the next run walks.
 */
import path = require('node:path');
import type { Entity } from '../graph';
import { builtinPatches, describeFunction, functionSite, isBuiltinGlobal, releaseObjects, scriptInfo, type FunctionSite } from '../runtime';
import { functionStubs, sharingSignature } from '../sharing';
import { isData } from './data';

/** The `own` of a binding only counted with (graph/references.ts `onlyCounted`). */
const COUNTED = 'counted';
import { builtinToken } from './builtin-token';
import { functionHash, hasExtras } from './extras';
import { sourceState } from './sources';
import { textFacts, type TextFacts } from './text-facts';
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

interface Module {
  readonly file: string;
  readonly hash: string;
  readonly scope: ProofScope;
  readonly source: string;
  readonly facts: TextFacts;
}

function lineAt(text: string, offset: number): number {
  let line = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

const SCOPE_KINDS: ReadonlySet<string> = new Set(['closure', 'module', 'global']);

/**
 * The proof under construction: the modules whose scopes it reads, keyed by file, each opened
 * once (hashed, checked quiet since the process started, parsed).
 */
class Collector {
  readonly modules: Module[] = [];
  private readonly index = new Map<string, number>();
  readonly functions: Array<[number, string, string]> = [];
  readonly imports: Array<[number, string, string, number, number]> = [];
  readonly values: Array<[number, string, string]> = [];
  readonly globals: Array<[number, string]> = [];
  readonly builtins = new Map<string, string>();
  readonly counted: Array<[number, string]> = [];
  readonly leaves: Array<[number, string, string]> = [];
  readonly data: Array<[number, string, string]> = [];
  /** The entities of the `values` then the `data` rows, for the sharing signature. */
  readonly valueEntities: Entity[] = [];
  readonly dataEntities: Entity[] = [];
  /**
   * The functions of the `functions`, `leaves` and `imports` rows, for the sharing signature too:
   * a leaf is taken by its text wherever it was compiled, so `const b = a` and a copy of `a`'s
   * text under `b` pass the same rows; only their identities tell `a === b` apart.
   */
  readonly functionIds: { functions: Function[]; leaves: Function[]; imports: Function[] } = { functions: [], leaves: [], imports: [] };

  /** The module of a top-level function `fn` compiled at `site`; refuses anything else. */
  moduleOf(fn: Function, site: FunctionSite): number {
    const info = scriptInfo(site.scriptId);
    if (info.origin !== 'project' || info.file === undefined || !path.isAbsolute(info.file)) refuse('not in a project file');
    let at = this.index.get(info.file);
    if (at === undefined) {
      const state = sourceState(info.file);
      if (state === undefined || !state.quiet) refuse('file changed since the process started');
      const details = describeFunction(fn);
      const first = details.scopes[0];
      if (details.bound !== undefined || first === undefined || !SCOPE_KINDS.has(first.type)) refuse('scopes');
      const source = state.bytes.toString('utf8');
      const facts = textFacts(source, first.type === 'module');
      if (facts === undefined || facts.dynamic) refuse('file unparsable or dynamic');
      at = this.modules.length;
      this.modules.push({ file: info.file, hash: state.hash, scope: first.type as ProofScope, source, facts });
      this.index.set(info.file, at);
    }
    const m = this.modules[at] as Module;
    const text = textOf(fn);
    const offset = m.source.indexOf(text);
    if (offset < 0 || m.source.indexOf(text, offset + 1) >= 0) refuse('text not once in its file');
    if (!m.facts.topLevelFunctions.has(offset) || lineAt(m.source, offset) !== site.line) refuse('not at the top level');
    return at;
  }

  /** Edges of function entity `e` of module `m`; returns the entities to visit, with their module. */
  edges(e: Entity, m: number): Array<[Entity, number]> {
    const mod = this.modules[m] as Module;
    const next: Array<[Entity, number]> = [];
    for (const { label, target } of e.edges) {
      if (target.kind === 'builtin') {
        const head = label.split('.')[0] ?? '';
        if (target.name !== label || !IDENTIFIER.test(head) || !isBuiltinGlobal(head) || mod.facts.declared.has(head)) refuse('built-in through a binding');
        this.globals.push([m, head]);
        if (!this.builtins.has(label)) this.builtins.set(label, builtinToken(label));
        continue;
      }
      if (!IDENTIFIER.test(label) || (mod.facts.declared.get(label) ?? 0) < 1) refuse(`edge ${label}`);
      if (target.kind === 'value') {
        // A counter or a log the code only counts with (graph/references.ts): what it holds does
        // not count; the reuse checks it is still something only counted with.
        if (target.own === COUNTED) {
          this.counted.push([m, label]);
          continue;
        }
        if (!PRIMITIVE.test(target.own) && isData(target)) {
          // Its whole subgraph was checked here: the reuse walks it again and compares.
          this.data.push([m, label, target.fp as string]);
          this.dataEntities.push(target);
          continue;
        }
        this.values.push([m, label, target.own]);
        this.valueEntities.push(target);
        next.push([target, m]);
        continue;
      }
      if (target.kind !== 'function' || target.fn === undefined) refuse(`edge to a ${target.kind}`);
      const fn = target.fn;
      if (hasExtras(fn)) refuse(`${label} has members`);
      const text = textOf(fn);
      if (readsNothing(target, text)) {
        // Its text alone decides what it does: no module, line or scope to place (check.ts).
        this.leaves.push([m, label, functionHash(fn, text)]);
        this.functionIds.leaves.push(fn);
        next.push([target, LEAF]);
        continue;
      }
      const range = mod.facts.functions.get(label);
      if (range !== undefined && mod.facts.declared.get(label) === 1 && !mod.facts.assigned.has(label) && mod.source.slice(range.start, range.end) === text) {
        this.functions.push([m, label, functionHash(fn, text)]);
        this.functionIds.functions.push(fn);
        next.push([target, m]);
        continue;
      }
      // Another module's function, held by a binding of this one (`const { h } = require('./m')`,
      // `import { h } from './m.mjs'`): re-read at reuse, placed by the inspector.
      const site = target.site ?? functionSite(fn);
      if (site === undefined) refuse('no site');
      const t = this.moduleOf(fn, site);
      this.imports.push([m, label, functionHash(fn, text), t, site.line]);
      this.functionIds.imports.push(fn);
      next.push([target, t]);
    }
    return next;
  }
}

/** The module index under which leaves are visited: they belong to none. */
const LEAF = -1;

/**
 * A function whose behaviour its text alone decides: a `function` (not an arrow, whose `this` and
 * `arguments` are its surroundings'; not a method, whose `super` is its home object's) that the
 * walk found reading nothing outside itself: no binding, no global, no member. Two such functions
 * with one text run alike wherever they were compiled, so the proof takes them by text hash and
 * members only, without asking the inspector where they are (one call per function). Strictness
 * inherited from the file is the one thing the text does not show; the walk ignores it the same
 * way (source/analyze.ts: identity is content).
 */
function readsNothing(e: Entity, text: string): boolean {
  return e.edges.length === 0 && e.pending === undefined && /^(?:async\s+)?function\b/.test(text);
}

function checkEntity(e: Entity): void {
  if ((e.dynamic?.length ?? 0) > 0 || e.usesThis === true || e.unsettled === true || e.waiting === true || e.volatile === true) refuse('unsettled or dynamic');
  if ((e.missingGlobals?.length ?? 0) > 0) refuse('missing global');
  if (e.kind === 'value' && (!PRIMITIVE.test(e.own) || e.edges.length > 0)) refuse('not a primitive');
  if (e.kind === 'builtin' && e.edges.length > 0) refuse('builtin with edges');
  if (e.kind !== 'value' && e.kind !== 'builtin' && (e.kind !== 'function' || e.fn === undefined)) refuse(`a ${e.kind}`);
}

/**
 * A proof for `fn` (the unwrapped function) whose walk gave `root` and `fp`, or undefined with
 * nothing written. Runs at exit: nothing here is on a call's path.
 */
export function collectProof(fn: Function, root: Entity, fp: string, reached: readonly string[]): Proof | undefined {
  try {
    return collect(fn, root, fp, reached);
  } catch {
    // Refused, an inspector failure or anything unforeseen: no proof, the next run walks.
    return undefined;
  } finally {
    try {
      releaseObjects();
    } catch {
      // Only memory.
    }
  }
}

function collect(fn: Function, root: Entity, fp: string, reached: readonly string[]): Proof {
  if (hasExtras(fn)) refuse('root has members');
  if (builtinPatches().length > 0) refuse('patched built-ins');
  checkEntity(root);
  const base = { text: functionHash(fn), fp, reached: [...reached] };
  if (root.edges.length === 0) return { ...base, line: 0, modules: [], functions: [], imports: [], values: [], globals: [], builtins: [], leaves: [], data: [], sharing: '', watched: [], counted: [] };
  const site = root.site;
  if (site === undefined) refuse('root site unknown');
  refuseEarly(root);
  const c = new Collector();
  const seen = new Map<Entity, number>();
  const stack: Array<[Entity, number]> = [[root, c.moduleOf(fn, site)]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [e, m] = item;
    const known = seen.get(e);
    if (known !== undefined) {
      if (known !== m) refuse('one function, two modules');
      continue;
    }
    seen.set(e, m);
    checkEntity(e);
    if (e.kind === 'function' && m !== LEAF) stack.push(...c.edges(e, m));
  }
  const modules = c.modules.map(({ file, hash, scope }) => ({ file, hash, scope }));
  const inGlobal = (row: readonly [number, ...unknown[]]): boolean => modules[row[0]]?.scope === 'global';
  if ([c.functions, c.imports, c.values, c.leaves, c.data].some((list) => list.some(inGlobal))) refuse('bindings without a module scope');
  const ids = c.functionIds;
  const sharing = sharingSignature([...c.valueEntities, ...c.dataEntities, ...functionStubs([...ids.functions, ...ids.leaves, ...ids.imports])]) ?? '';
  return { ...base, line: site.line, modules, functions: c.functions, imports: c.imports, values: c.values, globals: c.globals, builtins: [...c.builtins], leaves: c.leaves, data: c.data, sharing, watched: watchedNames(root), counted: c.counted };
}

/**
 * The refusals that need no file: a class, a package, a module object… anywhere the collection
 * would go (from function to function). Checked before any module is opened, hashed and parsed:
 * a function that calls into a package (lodash from node_modules) paid ~20 ms on every run to
 * parse its file for a proof refused at the first edge.
 */
function refuseEarly(root: Entity): void {
  const seen = new Set<Entity>();
  const stack = [root];
  for (let e = stack.pop(); e !== undefined; e = stack.pop()) {
    if (seen.has(e)) continue;
    seen.add(e);
    checkEntity(e);
    for (const { target } of e.edges) {
      if (target.kind === 'function') stack.push(target);
      else if (target.kind !== 'value' && target.kind !== 'builtin') refuse(`edge to a ${target.kind}`);
    }
  }
}

/** Every binding name an entity of the graph watches between calls (../watch.ts), sorted. */
function watchedNames(root: Entity): string[] {
  const names = new Set<string>();
  const seen = new Set<Entity>();
  const stack = [root];
  for (let e = stack.pop(); e !== undefined; e = stack.pop()) {
    if (seen.has(e)) continue;
    seen.add(e);
    for (const reads of e.watchedBindings ?? []) for (const name of reads.names) names.add(name);
    for (const edge of e.edges) stack.push(edge.target);
  }
  return [...names].sort();
}
