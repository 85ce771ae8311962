/**
 * One walk over a function's AST that finds its free names and how each is used.
 *
 * Why not eslint-scope: measured on Node 20.20, its `analyze()` costs about as much as acorn's
 * parse of the same function (≈20 µs warm, far more cold) and 2.6 ms to load, it needs `ranges`
 * from the parser, and it knows nothing of member paths or `this`, so a second walk was needed
 * anyway. The binding rules of one function are few (below), so this walk does both jobs at once.
 * test/analyze-scope.test.mjs checks the free names against eslint-scope on a corpus.
 *
 * Binding rules (ES2025):
 * - a non-arrow function: its expression name (own scope), params + `arguments` (param scope),
 *   then the body (var + lexical + function declarations). Param defaults see params only,
 *   never body declarations, as the spec's separate var environment says;
 * - arrows: params, then the body; no `arguments`, `this`, `super`, `new.target` of their own;
 * - blocks, loop heads, switch bodies, catch clauses, class bodies and static blocks scope
 *   let/const/using/class and function declarations in blocks (Annex B's extra var binding of
 *   sloppy block functions is not modelled: that only ever reports a local as free, which costs
 *   a lookup, never a missed dependency);
 * - `var` hoists to the nearest function body or static block; uses may precede declarations,
 *   so names are resolved after the walk.
 *
 * How names are used is recorded with them: the base identifier of every member chain gets its
 * static path (`CONFIG.a.b` → ['a','b']); a computed step keeps the static part before it
 * (`a.b[k]` needs all of `a.b` → ['b']; `ops[k]` needs all of `ops` → whole); a written chain
 * (`CONFIG.x = 1`, `delete`, `++`, destructuring target) is whole; any other use of a name
 * (passed, returned, called, spread, `typeof`, assigned) is whole.
 */
import { childKeys, POSITION_FIELDS } from './normalize-layout';
import { constantString, isNode, nodeAt, nodesAt, nameOf, staticKey, type AstNode } from './ast-node';
import type { ParsedKind } from './parse-function';

/** How a name is used at one place: `path` undefined means the whole value. */
export interface BaseUse {
  readonly path: readonly string[] | undefined;
  /** The step right after the base is computed (`x[k]`): its keys are chosen at run time. */
  readonly computed: boolean;
  /**
   * `m[k]` / `m.a[k]` where `k` is a name the function does not declare: the member read is
   * `path` + the value `k` holds, known when the fingerprint resolves `k` (a compiled re-export
   * getter `return _index[key]`). Absent otherwise.
   */
  readonly key?: string;
  /**
   * `n++;`, `stats.calls++;`, `log.push(x);` as a statement of its own: the binding is only
   * counted with or recorded into, its value going nowhere else from here (a call counter, a run
   * log). Absent otherwise.
   */
  readonly counter?: true;
}

export type SelfName = 'this' | 'super' | 'new.target';

export interface NameUse {
  readonly name: string;
  readonly use: BaseUse;
  /** Declared nowhere inside the function. */
  readonly free: boolean;
}

export interface CallSite {
  readonly callee: NameUse;
  readonly name: 'require' | 'Function';
  /** Literal module specifier of `require('x')`; undefined when computed. */
  readonly specifier: string | undefined;
}

export interface WalkResult {
  readonly names: readonly NameUse[];
  readonly self: ReadonlyMap<SelfName, readonly BaseUse[]>;
  /**
   * Names the function hands its own `this` to, and does nothing else with it there:
   * `fn.apply(this, arguments)`, `fn.call(this, x)` (wrappers, curry and arity helpers). Such a
   * `this` matters only as much as `fn` uses its own (the fingerprint decides, with the values).
   */
  readonly forwards: readonly NameUse[];
  readonly calls: readonly CallSite[];
  /** `require` read as a value (`load(require, p)`, `.map(require)`): which module it loads is not in the text. */
  readonly requireValues: readonly NameUse[];
  readonly dynamic: ReadonlySet<string>;
  readonly requires: ReadonlySet<string>;
}

class Scope {
  private names: Set<string> | undefined;
  constructor(readonly parent: Scope | null) {}

  declare(name: string): void {
    (this.names ??= new Set()).add(name);
  }

  resolves(name: string): boolean {
    return this.owner(name) !== null;
  }

  /** The scope that declares `name` as seen from here, or null when it is free. */
  owner(name: string): Scope | null {
    for (let scope: Scope | null = this; scope !== null; scope = scope.parent) {
      if (scope.names?.has(name) === true) return scope;
    }
    return null;
  }
}

/**
 * `const env = process.env` (or `const p = process`, `const env = p.env`, `const { env } = process`):
 * a name bound once to a static chain from `process`. When every use of it has a static path
 * (`env.API_URL`, `const { A } = env`), those uses are read through the chain
 * (`process.env.API_URL`), so the variables read are inputs by name as if written out; any other
 * use (a computed name, passed to a call, returned, spread) leaves the chain used whole, as before.
 */
interface Alias {
  readonly name: string;
  /** The scope that declares it. */
  readonly scope: Scope;
  /** The chain's base name and the scope the chain was read in. */
  readonly base: string;
  readonly baseScope: Scope;
  readonly prefix: readonly string[];
  /** The uses the initializer itself recorded (dropped when the alias is resolved). */
  readonly init: readonly PendingName[];
}

/** A chain from `process` (or a known alias): `process`, `process.env`, `p.env`; its base and static steps. */
function staticChain(node: AstNode | null): { readonly base: AstNode; readonly steps: string[] } | undefined {
  const steps: string[] = [];
  let base: AstNode | null = node;
  while (base !== null && base.type === 'MemberExpression') {
    if (base['optional'] === true) return undefined;
    const property = nodeAt(base, 'property');
    const step = property === null ? undefined : staticKey(property, base['computed'] === true);
    if (step === undefined) return undefined;
    steps.push(step);
    base = nodeAt(base, 'object');
  }
  return base !== null && base.type === 'Identifier' ? { base, steps: steps.reverse() } : undefined;
}

interface PendingName {
  readonly name: string;
  use: BaseUse;
  readonly scope: Scope;
  free: boolean;
  /** For a keyed use (`m[k]`): the key's own entry, and the use to fall back to when `k` is local. */
  readonly keyEntry?: PendingName;
  readonly unkeyed?: BaseUse;
}

const CHILDREN: Readonly<Record<string, readonly string[]>> = childKeys();

/** `fn` in `fn.apply(this, …)` or `fn.call(this, …)` (not optional, not computed), else undefined. */
function thisForwardTarget(callee: AstNode | null, args: ReadonlyArray<AstNode | null>): AstNode | undefined {
  if (callee === null || callee.type !== 'MemberExpression' || callee['computed'] === true || callee['optional'] === true) return undefined;
  const object = nodeAt(callee, 'object');
  const property = nodeAt(callee, 'property');
  if (object === null || object.type !== 'Identifier' || property === null || property.type !== 'Identifier') return undefined;
  const method = nameOf(property);
  return (method === 'apply' || method === 'call') && args[0]?.type === 'ThisExpression' ? object : undefined;
}
const WHOLE: BaseUse = { path: undefined, computed: false };
const COMPARISONS: ReadonlySet<string> = new Set(['==', '!=', '===', '!==']);
/** The names the global object goes by (a local of one of these names is resolved as any local). */
const GLOBAL_OBJECT_NAMES: ReadonlySet<string> = new Set(['globalThis', 'global', 'self']);
const COUNTER: BaseUse = { path: undefined, computed: false, counter: true };

const COUNTING = new Set(['+=', '-=', '*=', '/=', '%=', '**=', '<<=', '>>=', '>>>=', '&=', '|=', '^=']);

/** Methods of JavaScript's own collections a statement may call to record something (a log). */
const RECORDING: ReadonlySet<string> = new Set(['push', 'unshift', 'add', 'set']);

/**
 * The name a statement only counts or records with, the value produced thrown away: `n++`,
 * `n += k`, `stats.calls++`, `runs[name] += 1`, `log.push(x)`, `seen.add(k)`, `hits.set(k, v)`
 * (on the name itself, not a member of it); and the rest of the statement to visit as usual (`k`,
 * `x`). Undefined for any other statement. Whether the value really is a number or one of
 * JavaScript's own collections, the walk checks (graph/references.ts).
 */
function counterTarget(expression: AstNode | null): { readonly name: AstNode; readonly rest: ReadonlyArray<AstNode | null>; readonly method?: string } | undefined {
  if (expression === null) return undefined;
  if (expression.type === 'UpdateExpression') return countedName(nodeAt(expression, 'argument'), []);
  if (expression.type === 'AssignmentExpression' && COUNTING.has(String(expression['operator']))) {
    return countedName(nodeAt(expression, 'left'), [nodeAt(expression, 'right')]);
  }
  if (expression.type === 'CallExpression') {
    const callee = nodeAt(expression, 'callee');
    if (callee === null || callee.type !== 'MemberExpression' || callee['computed'] === true || callee['optional'] === true) return undefined;
    const object = nodeAt(callee, 'object');
    const method = nodeAt(callee, 'property');
    if (object === null || object.type !== 'Identifier' || method === null || !RECORDING.has(nameOf(method))) return undefined;
    return { name: object, rest: nodesAt(expression, 'arguments'), method: nameOf(method) };
  }
  return undefined;
}

/** `n` or `n.member` / `n[key]` (one step) as what is counted; the key is visited as usual. */
function countedName(target: AstNode | null, rest: ReadonlyArray<AstNode | null>): { readonly name: AstNode; readonly rest: ReadonlyArray<AstNode | null> } | undefined {
  if (target === null) return undefined;
  if (target.type === 'Identifier') return { name: target, rest };
  if (target.type !== 'MemberExpression' || target['optional'] === true) return undefined;
  const object = nodeAt(target, 'object');
  if (object === null || object.type !== 'Identifier') return undefined;
  return { name: object, rest: target['computed'] === true ? [...rest, nodeAt(target, 'property')] : rest };
}

export function walkFunction(root: AstNode, kind: ParsedKind): WalkResult {
  const walker = new ScopeWalker();
  walker.visitRoot(root, kind);
  return walker.finish();
}

class ScopeWalker {
  private pending: PendingName[] = [];
  private readonly aliases: Alias[] = [];
  private readonly self = new Map<SelfName, BaseUse[]>();
  private readonly forwards: PendingName[] = [];
  private readonly calls: Array<{ callee: PendingName; name: 'require' | 'Function'; specifier: string | undefined }> = [];
  private readonly requireValues: PendingName[] = [];
  private readonly dynamic = new Set<string>();
  private readonly requires = new Set<string>();
  private scope = new Scope(null);
  private varScope = this.scope;
  /** True while `this`/`super`/`new.target` are those of the analyzed function. */
  private own = true;

  visitRoot(root: AstNode, kind: ParsedKind): void {
    switch (kind) {
      case 'function':
      case 'arrow':
        return this.visitFunction(root, true);
      case 'method':
        if (root['computed'] === true) this.visit(nodeAt(root, 'key'));
        return this.visitFunction(nodeAt(root, 'value'), true);
      case 'class':
        return this.visitClass(root, true);
    }
  }

  finish(): WalkResult {
    this.resolveAliases();
    for (const entry of this.pending) entry.free = !entry.scope.resolves(entry.name);
    // A key the function declares itself (`for (const k in o) o[k]`) is chosen at run time.
    for (const entry of this.pending) if (entry.keyEntry !== undefined && !entry.keyEntry.free && entry.unkeyed !== undefined) entry.use = entry.unkeyed;
    return {
      names: this.pending,
      self: this.self,
      forwards: this.forwards,
      calls: this.calls.map((c) => ({ callee: c.callee, name: c.name, specifier: c.specifier })),
      requireValues: this.requireValues,
      dynamic: this.dynamic,
      requires: this.requires,
    };
  }

  private visit(node: AstNode | null): void {
    if (node === null) return;
    switch (node.type) {
      case 'Identifier': {
        const entry = this.reference(node, WHOLE);
        if (entry.name === 'require') this.requireValues.push(entry);
        return;
      }
      case 'MemberExpression':
        return this.visitChain(node, false);
      case 'ThisExpression':
        return this.useSelf('this', WHOLE);
      case 'Super':
        return this.useSelf('super', WHOLE);
      case 'Literal':
      case 'PrivateIdentifier':
      case 'TemplateElement':
      case 'BreakStatement':
      case 'ContinueStatement':
        return; // labels and private names are not variables
      case 'ExpressionStatement': {
        const counted = counterTarget(nodeAt(node, 'expression'));
        if (counted === undefined) return this.visit(nodeAt(node, 'expression'));
        // A recording call keeps its member path (`registry.add`): should the value turn out
        // not to be a collection of JavaScript's own, the walk counts that member, as before.
        this.reference(counted.name, counted.method === undefined ? COUNTER : { path: [counted.method], computed: false, counter: true });
        for (const part of counted.rest) this.visit(part);
        return;
      }
      case 'AssignmentExpression':
        // `x ??= d`, `x += d` read their target before writing it.
        if (node['operator'] !== '=') this.visit(nodeAt(node, 'left'));
        this.visitTarget(nodeAt(node, 'left'));
        return this.visit(nodeAt(node, 'right'));
      case 'UpdateExpression':
        return this.visitTarget(nodeAt(node, 'argument'));
      case 'UnaryExpression':
        if (node['operator'] === 'delete') return this.visitTarget(nodeAt(node, 'argument'));
        // `typeof require === 'function'`: a test of the loader, not the loader handed along.
        if (node['operator'] === 'typeof') return this.visitTested(nodeAt(node, 'argument'));
        return this.visit(nodeAt(node, 'argument'));
      case 'BinaryExpression':
        // `'APP_FLAG' in globalThis`: whether the global exists, read as `globalThis.APP_FLAG` is
        // (a global added or removed between runs recomputes; by name, `globalThis` is a built-in
        // whose content nothing counted).
        if (node['operator'] === 'in' && this.globalMemberTest(node)) return;
        // `require === undefined`, `require.main === module`: compared, not handed along.
        if (COMPARISONS.has(String(node['operator']))) {
          this.visitTested(nodeAt(node, 'left'));
          return this.visitTested(nodeAt(node, 'right'));
        }
        break;
      case 'ObjectPattern':
      case 'ArrayPattern':
      case 'AssignmentPattern':
      case 'RestElement':
        return this.visitTarget(node);
      case 'Property':
      case 'MethodDefinition':
      case 'PropertyDefinition':
        if (node['computed'] === true) this.visit(nodeAt(node, 'key'));
        return this.visit(nodeAt(node, 'value'));
      case 'LabeledStatement':
        return this.visit(nodeAt(node, 'body'));
      case 'MetaProperty':
        return this.noteMeta(node);
      case 'CallExpression':
      case 'NewExpression':
        return this.visitCall(node);
      case 'ImportExpression':
        this.noteImport(node);
        break;
      case 'WithStatement':
        this.dynamic.add('with');
        break;
      case 'VariableDeclaration':
        return this.visitDeclaration(node);
      case 'FunctionDeclaration':
        this.declareId(node, this.scope);
        return this.visitFunction(node, false);
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        return this.visitFunction(node, false);
      case 'ClassDeclaration':
        this.declareId(node, this.scope);
        return this.visitClass(node, false);
      case 'ClassExpression':
        return this.visitClass(node, false);
      case 'BlockStatement':
        return this.inScope(new Scope(this.scope), () => this.visitList(node, 'body'));
      case 'ForStatement':
      case 'ForInStatement':
      case 'ForOfStatement':
        return this.inScope(new Scope(this.scope), () => this.visitLoop(node));
      case 'SwitchStatement':
        this.visit(nodeAt(node, 'discriminant'));
        return this.inScope(new Scope(this.scope), () => this.visitList(node, 'cases'));
      case 'CatchClause':
        return this.inScope(new Scope(this.scope), () => {
          this.declarePattern(nodeAt(node, 'param'), this.scope);
          this.visit(nodeAt(node, 'body'));
        });
    }
    this.visitChildren(node);
  }

  private visitChildren(node: AstNode): void {
    const keys = CHILDREN[node.type] ?? Object.keys(node).filter((k) => k !== 'type' && !POSITION_FIELDS.has(k));
    for (const key of keys) {
      const value = node[key];
      if (Array.isArray(value)) {
        for (const item of value) if (isNode(item)) this.visit(item);
      } else if (isNode(value)) {
        this.visit(value);
      }
    }
  }

  private visitList(node: AstNode, field: string): void {
    for (const item of nodesAt(node, field)) this.visit(item);
  }

  private inScope(scope: Scope, body: () => void): void {
    const saved = this.scope;
    this.scope = scope;
    body();
    this.scope = saved;
  }

  private reference(identifier: AstNode, use: BaseUse, keyEntry?: PendingName, unkeyed?: BaseUse): PendingName {
    const entry: PendingName = { name: nameOf(identifier), use, scope: this.scope, free: false, keyEntry, unkeyed };
    this.pending.push(entry);
    return entry;
  }

  private useSelf(name: SelfName, use: BaseUse): void {
    if (!this.own) return;
    const uses = this.self.get(name);
    if (uses === undefined) this.self.set(name, [use]);
    else uses.push(use);
  }

  // ---- declarations -------------------------------------------------------------------------

  private declareId(node: AstNode, scope: Scope): void {
    const id = nodeAt(node, 'id');
    if (id !== null) scope.declare(nameOf(id));
  }

  private visitDeclaration(node: AstNode): void {
    const target = node['kind'] === 'var' ? this.varScope : this.scope;
    const once = node['kind'] === 'const';
    for (const declarator of nodesAt(node, 'declarations')) {
      if (declarator === null) continue;
      const id = nodeAt(declarator, 'id');
      const init = nodeAt(declarator, 'init');
      this.declarePattern(id, target);
      const before = this.pending.length;
      if (this.visitDestructuredRead(id, init, once)) continue;
      this.visit(init);
      if (once && id !== null && id.type === 'Identifier') this.noteAlias(nameOf(id), init, this.pending.slice(before));
    }
  }

  /** Remembers `const name = <chain from process or an alias>` (see Alias). */
  private noteAlias(name: string, init: AstNode | null, uses: readonly PendingName[]): void {
    const chain = staticChain(init);
    if (chain === undefined) return;
    const base = nameOf(chain.base);
    if (base !== 'process' && !this.aliases.some((a) => a.name === base)) return;
    this.aliases.push({ name, scope: this.scope, base, baseScope: this.scope, prefix: chain.steps, init: uses });
  }

  /**
   * Latest first, so an alias of an alias resolves through both. An alias every use of which has a
   * static path is replaced by path uses of its chain, and the initializer's own whole use of the
   * chain is dropped; otherwise everything stays as recorded.
   */
  private resolveAliases(): void {
    for (let i = this.aliases.length - 1; i >= 0; i--) {
      const alias = this.aliases[i] as Alias;
      const init = new Set(alias.init);
      const uses = this.pending.filter((e) => e.name === alias.name && !init.has(e) && e.scope.owner(alias.name) === alias.scope);
      if (uses.some((e) => e.use.path === undefined || e.use.computed || e.use.key !== undefined || e.keyEntry !== undefined)) continue;
      const gone = new Set([...init, ...uses]);
      this.pending = this.pending.filter((e) => !gone.has(e));
      for (const use of uses) {
        this.pending.push({ name: alias.base, use: { path: [...alias.prefix, ...(use.use.path ?? [])], computed: false }, scope: alias.baseScope, free: false });
      }
    }
  }

  /**
   * `const { A, B: b, C = 1 } = process.env` reads the members A, B and C by name, exactly as
   * `process.env.A` does: each is a path use of the initializer's chain, so `process.env.A` is an
   * input and a module constant is needed only in the members read. A rest element, a computed
   * key or a computed step in the chain leaves the ordinary whole-value use. False when not handled.
   */
  private visitDestructuredRead(pattern: AstNode | null, init: AstNode | null, once = false): boolean {
    if (pattern === null || init === null || pattern.type !== 'ObjectPattern') return false;
    /** Member paths read, from the initializer: `{ A }` gives [A], `{ env: { MODE } }` [env, MODE]. */
    const keys: string[][] = [];
    /** `const { env } = process`, `const { env: e } = p`: the bound name per key, when a plain one. */
    const bound: Array<string | undefined> = [];
    if (!this.destructuredPaths(pattern, [], keys, bound)) return false;
    if (keys.length === 0) return false;
    const steps: string[] = [];
    let base: AstNode | null = init;
    while (base !== null && base.type === 'MemberExpression') {
      const property = nodeAt(base, 'property');
      const step = property === null ? undefined : staticKey(property, base['computed'] === true);
      if (step === undefined) return false;
      steps.push(step);
      base = nodeAt(base, 'object');
    }
    if (base === null || (base.type !== 'Identifier' && base.type !== 'ThisExpression')) return false;
    const prefix = steps.reverse();
    keys.forEach((key, i) => {
      const use: BaseUse = { path: [...prefix, ...key], computed: false };
      if (base === null || base.type !== 'Identifier') {
        this.useSelf('this', use);
        return;
      }
      const entry = this.reference(base, use);
      const name = bound[i];
      const from = nameOf(base);
      if (once && name !== undefined && (from === 'process' || this.aliases.some((a) => a.name === from))) {
        this.aliases.push({ name, scope: this.scope, base: from, baseScope: this.scope, prefix: use.path ?? [], init: [entry] });
      }
    });
    return true;
  }

  /**
   * The member paths an object pattern reads, nested patterns included (`{ env: { MODE } }` reads
   * `env.MODE`, not `env` whole: else `const { env: { MODE } } = process` was a whole use of
   * `process.env`, no input). Only the outermost names are bound (aliases). False for a rest
   * element or a computed key, at any depth (the caller then keeps the whole-value use).
   */
  private destructuredPaths(pattern: AstNode, at: readonly string[], keys: string[][], bound: Array<string | undefined>): boolean {
    for (const property of nodesAt(pattern, 'properties')) {
      if (property === null || property.type !== 'Property') return false;
      const key = nodeAt(property, 'key');
      const name = key === null ? undefined : staticKey(key, property['computed'] === true);
      if (name === undefined) return false;
      const value = nodeAt(property, 'value');
      if (value !== null && value.type === 'ObjectPattern' && nodesAt(value, 'properties').length > 0) {
        if (!this.destructuredPaths(value, [...at, name], keys, bound)) return false;
        continue;
      }
      // Any other target (a name, a default, an array pattern) reads the member whole.
      keys.push([...at, name]);
      bound.push(at.length === 0 && value !== null && value.type === 'Identifier' ? nameOf(value) : undefined);
    }
    return true;
  }

  /** Binds every name in a pattern; defaults and computed keys inside it are ordinary code. */
  private declarePattern(pattern: AstNode | null, target: Scope): void {
    if (pattern === null) return;
    switch (pattern.type) {
      case 'Identifier':
        return target.declare(nameOf(pattern));
      case 'ObjectPattern':
        for (const property of nodesAt(pattern, 'properties')) {
          if (property === null) continue;
          if (property.type === 'RestElement') {
            this.declarePattern(nodeAt(property, 'argument'), target);
            continue;
          }
          if (property['computed'] === true) this.visit(nodeAt(property, 'key'));
          this.declarePattern(nodeAt(property, 'value'), target);
        }
        return;
      case 'ArrayPattern':
        for (const element of nodesAt(pattern, 'elements')) this.declarePattern(element, target);
        return;
      case 'AssignmentPattern':
        this.declarePattern(nodeAt(pattern, 'left'), target);
        return this.visit(nodeAt(pattern, 'right'));
      case 'RestElement':
        return this.declarePattern(nodeAt(pattern, 'argument'), target);
      default:
        return this.visit(pattern);
    }
  }

  /** An operand that is only tested or compared: a bare name counts as a use, never as a value handed along. */
  private visitTested(node: AstNode | null): void {
    if (node !== null && node.type === 'Identifier') {
      this.reference(node, WHOLE);
      return;
    }
    this.visit(node);
  }

  /** Something written to: names are used whole, member chains become whole uses. */
  private visitTarget(node: AstNode | null): void {
    if (node === null) return;
    switch (node.type) {
      case 'Identifier':
        this.reference(node, WHOLE);
        return;
      case 'MemberExpression':
        return this.visitChain(node, true);
      case 'ObjectPattern':
        for (const property of nodesAt(node, 'properties')) {
          if (property === null) continue;
          if (property.type === 'RestElement') {
            this.visitTarget(nodeAt(property, 'argument'));
            continue;
          }
          if (property['computed'] === true) this.visit(nodeAt(property, 'key'));
          this.visitTarget(nodeAt(property, 'value'));
        }
        return;
      case 'ArrayPattern':
        for (const element of nodesAt(node, 'elements')) this.visitTarget(element);
        return;
      case 'AssignmentPattern':
        this.visitTarget(nodeAt(node, 'left'));
        return this.visit(nodeAt(node, 'right'));
      case 'RestElement':
        return this.visitTarget(nodeAt(node, 'argument'));
      default:
        return this.visit(node);
    }
  }

  // ---- functions, classes, loops ------------------------------------------------------------

  /**
   * A function's own scopes. `own` says whether a non-arrow function's `this` is the analyzed
   * one (only for the root); arrows keep whatever is current.
   */
  private visitFunction(fn: AstNode | null, own: boolean): void {
    if (fn === null) return;
    const saved = { scope: this.scope, varScope: this.varScope, own: this.own };
    const arrow = fn.type === 'ArrowFunctionExpression';
    if (fn.type === 'FunctionExpression' && nodeAt(fn, 'id') !== null) {
      this.scope = new Scope(this.scope);
      this.declareId(fn, this.scope);
    }
    const params = new Scope(this.scope);
    if (!arrow) {
      params.declare('arguments');
      this.own = own;
    }
    this.scope = this.varScope = params;
    for (const param of nodesAt(fn, 'params')) this.declarePattern(param, params);
    const body = nodeAt(fn, 'body');
    if (body !== null && body.type === 'BlockStatement') {
      this.scope = this.varScope = new Scope(params);
      this.visitList(body, 'body');
    } else {
      this.visit(body);
    }
    this.scope = saved.scope;
    this.varScope = saved.varScope;
    this.own = saved.own;
  }

  /**
   * `extends` and computed keys run where the class is defined (with the class name in scope);
   * member bodies see the class's own `this`, which is the analyzed one only for the root class.
   */
  private visitClass(node: AstNode, own: boolean): void {
    const saved = { scope: this.scope, varScope: this.varScope, own: this.own };
    const classScope = new Scope(this.scope);
    this.declareId(node, classScope);
    this.scope = classScope;
    this.visit(nodeAt(node, 'superClass'));
    for (const member of nodesAt(nodeAt(node, 'body') ?? node, 'body')) {
      if (member === null) continue;
      if (member['computed'] === true) this.visit(nodeAt(member, 'key'));
      if (member.type === 'MethodDefinition') {
        this.visitFunction(nodeAt(member, 'value'), own);
        continue;
      }
      this.own = own;
      this.scope = this.varScope = new Scope(classScope);
      if (member.type === 'StaticBlock') this.visitList(member, 'body');
      else this.visit(nodeAt(member, 'value')); // PropertyDefinition (or a future member form)
      this.scope = classScope;
      this.own = saved.own;
    }
    this.scope = saved.scope;
    this.varScope = saved.varScope;
  }

  /** Loop heads get the scope `inScope` made; `var` in them still hoists. */
  private visitLoop(node: AstNode): void {
    if (node.type === 'ForStatement') {
      this.visit(nodeAt(node, 'init'));
      this.visit(nodeAt(node, 'test'));
      this.visit(nodeAt(node, 'update'));
    } else {
      const left = nodeAt(node, 'left');
      if (left !== null && left.type === 'VariableDeclaration') this.visitDeclaration(left);
      else this.visitTarget(left);
      this.visit(nodeAt(node, 'right'));
    }
    this.visit(nodeAt(node, 'body'));
  }

  // ---- member chains --------------------------------------------------------------------------

  /** Walk down `a.b[c].d` to its base, keeping the static steps right above the base. */
  private visitChain(top: AstNode, write: boolean): void {
    let steps: string[] = [];
    let computedOnBase = false;
    let keyEntry: PendingName | undefined;
    let computedSteps = 0;
    let outermostComputed: boolean | undefined;
    let current: AstNode | null = top;
    while (current !== null) {
      if (current.type === 'ChainExpression') {
        current = nodeAt(current, 'expression');
        continue;
      }
      if (current.type !== 'MemberExpression') break;
      const property = nodeAt(current, 'property');
      const key = property === null ? undefined : staticKey(property, current['computed'] === true);
      outermostComputed ??= key === undefined;
      if (key === undefined) {
        keyEntry = property !== null && property.type === 'Identifier' ? this.reference(property, WHOLE) : (this.visit(property), undefined);
        steps = [];
        computedOnBase = true;
        computedSteps++;
      } else {
        steps.push(key);
        computedOnBase = false;
      }
      current = nodeAt(current, 'object');
    }
    if (current === null) return;
    const prefix = steps.reverse();
    if (write && current.type === 'Identifier' && nameOf(current) === 'process') {
      // Written, not read: `process.exitCode = 1` uses that member by name, not `process` whole
      // (which made every such function warn that it reads the environment by computed name);
      // `process.env.MODE = 'x'` and `process.env[k] = v` read no variable at all (the key is
      // visited above; a variable the call sets is its own output, and what it reads later is
      // recorded as it runs).
      const envMember = computedSteps === 0 ? prefix.length === 2 : outermostComputed === true && computedSteps === 1 && prefix.length === 1;
      if (envMember && prefix[0] === 'env') return;
      if (prefix.length > 0 && computedSteps === 0) {
        this.reference(current, { path: prefix, computed: false });
        return;
      }
    }
    const use: BaseUse = write || steps.length === 0 ? { path: undefined, computed: computedOnBase } : { path: prefix, computed: false };
    if (current.type === 'Identifier') {
      // Keyed by a name (`_index[key]`): the path is completed when the name's value is known.
      if (!write && keyEntry !== undefined) this.reference(current, { path: prefix, computed: computedOnBase, key: keyEntry.name }, keyEntry, use);
      else this.reference(current, use);
    }
    else if (current.type === 'ThisExpression') this.useSelf('this', use);
    else if (current.type === 'Super') this.useSelf('super', use);
    else this.visit(current);
  }

  // ---- code and module loading ----------------------------------------------------------------

  private visitCall(node: AstNode): void {
    const callee = nodeAt(node, 'callee');
    const args = nodesAt(node, 'arguments');
    // `Reflect.has(globalThis, 'X')`, `Object.hasOwn(globalThis, 'X')`,
    // `Object.prototype.hasOwnProperty.call(globalThis, 'X')`, `globalThis.hasOwnProperty('X')`:
    // whether that global exists, read as `globalThis.X` is (besides the call's usual uses).
    const tested = globalExistenceTest(callee, args);
    if (tested !== undefined) this.reference(tested.global, { path: [tested.key], computed: false });
    const target = this.own && node.type === 'CallExpression' ? thisForwardTarget(callee, args) : undefined;
    if (target !== undefined) {
      // `fn.apply(this, …)`: the chain `fn.apply` as usual, `fn` itself whole, and `this` only
      // as handed to `fn` (the first argument is not a use of its own).
      this.visit(callee);
      this.forwards.push(this.reference(target, WHOLE));
      for (const arg of args.slice(1)) this.visit(arg);
      return;
    }
    if (callee !== null && callee.type === 'Identifier') {
      const entry = this.reference(callee, WHOLE);
      const name = entry.name;
      if (name === 'Function') this.calls.push({ callee: entry, name, specifier: undefined });
      else if (name === 'require' && node.type === 'CallExpression') {
        this.calls.push({ callee: entry, name, specifier: constantString(args[0] ?? null) });
      }
    } else {
      this.visit(callee);
      // `require.resolve('x')`, `import.meta.resolve('x')`: whether `x` is there (an optional
      // package, a local override file) decides what the code does; counted as `require('x')`
      // is (a module edge, resolved again at every walk), so that installing it recomputes.
      const specifier = isResolveCall(callee) ? constantString(args[0] ?? null) : undefined;
      if (specifier !== undefined) this.requires.add(specifier);
    }
    for (const arg of args) this.visit(arg);
  }

  /** `'name' in globalThis` (or `global`, `self`): a read of that member of the global object. */
  private globalMemberTest(node: AstNode): boolean {
    const left = nodeAt(node, 'left');
    const right = nodeAt(node, 'right');
    const key = left === null ? undefined : constantString(left);
    if (key === undefined || right === null || right.type !== 'Identifier' || !GLOBAL_OBJECT_NAMES.has(nameOf(right))) return false;
    this.reference(right, { path: [key], computed: false });
    return true;
  }

  private noteImport(node: AstNode): void {
    const specifier = constantString(nodeAt(node, 'source'));
    if (specifier === undefined) this.dynamic.add('import(<computed>)');
    else this.requires.add(specifier);
  }

  private noteMeta(node: AstNode): void {
    const meta = nodeAt(node, 'meta');
    if (meta !== null && nameOf(meta) === 'new') this.useSelf('new.target', WHOLE);
    else this.dynamic.add('import.meta');
  }
}

/** `require.resolve` or `import.meta.resolve`, called by that name. */
function isResolveCall(callee: AstNode | null): boolean {
  if (callee === null || callee.type !== 'MemberExpression') return false;
  const property = nodeAt(callee, 'property');
  if (property === null || staticKey(property, (callee as unknown as { computed?: boolean }).computed === true) !== 'resolve') return false;
  const object = nodeAt(callee, 'object');
  if (object === null) return false;
  if (object.type === 'Identifier') return nameOf(object) === 'require';
  const meta = object.type === 'MetaProperty' ? nodeAt(object, 'meta') : null;
  return meta !== null && nameOf(meta) === 'import';
}

const OWN_TESTS: ReadonlySet<string> = new Set(['has', 'hasOwn', 'getOwnPropertyDescriptor']);
const PROTOTYPE_TESTS: ReadonlySet<string> = new Set(['hasOwnProperty', 'propertyIsEnumerable']);

/** A property name `node` names without running code (`.x`, `['x']`). */
function memberName(node: AstNode | null): string | undefined {
  if (node === null || node.type !== 'MemberExpression') return undefined;
  const property = nodeAt(node, 'property');
  return property === null ? undefined : staticKey(property, (node as unknown as { computed?: boolean }).computed === true);
}

/** The global object's identifier (`globalThis`, `global`, `self`) when `node` is one. */
function globalObject(node: AstNode | null | undefined): AstNode | undefined {
  return node !== null && node !== undefined && node.type === 'Identifier' && GLOBAL_OBJECT_NAMES.has(nameOf(node)) ? node : undefined;
}

/** The global and the constant name a call tests the existence of (see `visitCall`), if it is one. */
function globalExistenceTest(callee: AstNode | null, args: ReadonlyArray<AstNode | null>): { readonly global: AstNode; readonly key: string } | undefined {
  const name = memberName(callee);
  if (callee === null || name === undefined) return undefined;
  const object = nodeAt(callee, 'object');
  // Reflect.has(G, 'X'), Object.hasOwn(G, 'X'), Object/Reflect.getOwnPropertyDescriptor(G, 'X')
  if (OWN_TESTS.has(name) && object !== null && object.type === 'Identifier' && ['Reflect', 'Object'].includes(nameOf(object))) {
    const global = globalObject(args[0]);
    const key = args[1] === undefined ? undefined : constantString(args[1]);
    return global !== undefined && key !== undefined ? { global, key } : undefined;
  }
  // <…>.hasOwnProperty.call(G, 'X')
  if (name === 'call' && PROTOTYPE_TESTS.has(memberName(object) ?? '')) {
    const global = globalObject(args[0]);
    const key = args[1] === undefined ? undefined : constantString(args[1]);
    return global !== undefined && key !== undefined ? { global, key } : undefined;
  }
  // G.hasOwnProperty('X')
  if (PROTOTYPE_TESTS.has(name)) {
    const global = globalObject(object);
    const key = args[0] === undefined ? undefined : constantString(args[0]);
    return global !== undefined && key !== undefined ? { global, key } : undefined;
  }
  return undefined;
}
