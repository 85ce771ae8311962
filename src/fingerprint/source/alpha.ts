/**
 * Alpha-equivalence: a function's local variables and parameters print as their place in the
 * function (`%0`, `%1`, … in order of declaration), so renaming one consistently keeps the code
 * hash (issue 13), while a renamed free name, property, label or function name still changes it.
 *
 * Renamed: parameters, `var`/`let`/`const` bindings and `catch` parameters declared anywhere in
 * the function (nested functions included). Kept by name, because the name is observable:
 * - free names (they are the function's dependencies) and everything that is not a variable
 *   (property keys, member names, labels);
 * - function and class declarations and named function/class expressions (`.name`, stack
 *   traces), and any binding that receives an anonymous function or class (`const f = () => …`
 *   names the arrow `f`: ES NamedEvaluation), decided per binding: another variable spelled the
 *   same is still renamed;
 * - everything, when the function uses direct `eval` or `with` (names are then looked up at run
 *   time).
 *
 * Why this is safe (injective up to renaming): the printed tree has the same shape as the AST; a
 * binding's number is the order of its first declaration site in a source-order walk, so two
 * texts that print alike declare renamed bindings at the same places and refer to the same ones;
 * a name printed as itself resolves, in both texts, through the same kept declarations. Scoping
 * follows the language: function scope (a separate body scope when parameters have default
 * values, as the spec's separate var environment), blocks, loop heads, `catch`, class bodies.
 */
import { isNode, nameOf, nodeAt, nodesAt, patternNames, type AstNode } from './ast-node';

interface Binding {
  /** Its name is observable (see keptNodes): printed as spelled. */
  kept: boolean;
  token?: string;
}

class Scope {
  readonly names = new Map<string, Binding>();
  constructor(
    readonly parent: Scope | null,
    /** Where `var` declarations of this scope's region go. */
    readonly isVarScope: boolean,
  ) {}

  lookup(name: string): Binding | undefined {
    for (let s: Scope | null = this; s !== null; s = s.parent) {
      const b = s.names.get(name);
      if (b !== undefined) return b;
    }
    return undefined;
  }

  varScope(): Scope {
    let s: Scope = this;
    while (!s.isVarScope && s.parent !== null) s = s.parent;
    return s;
  }
}

const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);
const ANONYMOUS_VALUE = new Set(['FunctionExpression', 'ArrowFunctionExpression', 'ClassExpression']);
const BLOCKS = new Set(['BlockStatement', 'StaticBlock', 'SwitchStatement', 'ForStatement', 'ForInStatement', 'ForOfStatement']);

/** Fields of a node that hold names which are not variables (printed as they are). */
export function isNameField(parent: AstNode, field: string): boolean {
  switch (parent.type) {
    case 'MemberExpression':
      return field === 'property' && parent['computed'] !== true;
    case 'Property':
    case 'MethodDefinition':
    case 'PropertyDefinition':
      return field === 'key' && parent['computed'] !== true;
    case 'LabeledStatement':
    case 'BreakStatement':
    case 'ContinueStatement':
      return field === 'label';
    case 'MetaProperty':
      return true;
    default:
      return false;
  }
}

function childEntries(node: AstNode): Array<[string, AstNode]> {
  const out: Array<[string, AstNode]> = [];
  for (const key of Object.keys(node)) {
    if (key === 'type' || key === 'start' || key === 'end' || key === 'loc' || key === 'range') continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const v of value) if (isNode(v)) out.push([key, v]);
    } else if (isNode(value)) out.push([key, value]);
  }
  return out;
}


/**
 * Identifier nodes whose binding must keep its name (see the file comment): ids of function and
 * class declarations and expressions, and targets that receive an anonymous function or class.
 * Per binding, not per name: another variable of the same spelling is still renamed.
 */
function keptNodes(root: AstNode): { kept: Set<AstNode>; dynamic: boolean } {
  const kept = new Set<AstNode>();
  let dynamic = false;
  const stack = [root];
  const anonymous = (v: AstNode | null): boolean => v !== null && ANONYMOUS_VALUE.has(v.type) && nodeAt(v, 'id') === null;
  while (stack.length > 0) {
    const node = stack.pop() as AstNode;
    switch (node.type) {
      case 'WithStatement':
        dynamic = true;
        break;
      case 'CallExpression': {
        const callee = nodeAt(node, 'callee');
        if (callee !== null && callee.type === 'Identifier' && nameOf(callee) === 'eval') dynamic = true;
        break;
      }
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ClassDeclaration':
      case 'ClassExpression': {
        const id = nodeAt(node, 'id');
        if (id !== null) kept.add(id);
        break;
      }
      case 'VariableDeclarator': {
        const id = nodeAt(node, 'id');
        if (id !== null && id.type === 'Identifier' && anonymous(nodeAt(node, 'init'))) kept.add(id);
        break;
      }
      case 'AssignmentExpression':
      case 'AssignmentPattern': {
        const left = nodeAt(node, 'left');
        if (left !== null && left.type === 'Identifier' && anonymous(nodeAt(node, 'right'))) kept.add(left);
        break;
      }
      default:
        break;
    }
    for (const [, child] of childEntries(node)) stack.push(child);
  }
  return { kept, dynamic };
}

class Renamer {
  private readonly scopes = new Map<AstNode, Scope>();
  /** Function node -> its body scope when parameters have default values. */
  private readonly bodyScopes = new Map<AstNode, Scope>();
  /** The separate var scopes of functions whose parameters are not all simple names. */
  private readonly separateBodies = new Set<Scope>();
  /** Every variable occurrence with its binding, in walk order. */
  private readonly uses: Array<[AstNode, Binding]> = [];

  private declare(scope: Scope, name: string): void {
    if (scope.names.has(name)) return;
    // A sloppy-mode `var arguments` is the arguments object's own binding, not a new variable.
    scope.names.set(name, { kept: name === 'arguments' });
  }

  /** Tokens in order of first occurrence, for the bindings none of whose names is observable. */
  tokens(kept: ReadonlySet<AstNode>): Map<AstNode, string> {
    for (const [node, binding] of this.uses) if (kept.has(node)) binding.kept = true;
    let next = 0;
    const out = new Map<AstNode, string>();
    for (const [node, binding] of this.uses) {
      if (binding.kept) continue;
      binding.token ??= `%${next++}`;
      out.set(node, binding.token);
    }
    return out;
  }

  /** Pass 1: scopes and their declarations, in source order. */
  collect(node: AstNode, scope: Scope): void {
    if (FUNCTIONS.has(node.type)) {
      const id = nodeAt(node, 'id');
      if (id !== null && node.type === 'FunctionDeclaration') this.declare(scope.varScope(), nameOf(id));
      let outer = scope;
      if (id !== null && node.type === 'FunctionExpression') {
        outer = new Scope(scope, false);
        this.declare(outer, nameOf(id));
      }
      const params = nodesAt(node, 'params');
      const simple = params.every((p) => p !== null && p.type === 'Identifier');
      const paramScope = new Scope(outer, simple);
      this.scopes.set(node, paramScope);
      for (const p of params) for (const name of patternNames(p)) this.declare(paramScope, name);
      const bodyScope = simple ? paramScope : new Scope(paramScope, true);
      if (!simple) this.separateBodies.add(bodyScope);
      if (!simple) this.bodyScopes.set(node, bodyScope);
      for (const p of params) if (p !== null) this.collect(p, paramScope);
      const body = nodeAt(node, 'body');
      if (body !== null) {
        if (body.type === 'BlockStatement') for (const [, s] of childEntries(body)) this.collect(s, bodyScope);
        else this.collect(body, bodyScope);
      }
      return;
    }
    if (node.type === 'ClassDeclaration' || node.type === 'ClassExpression') {
      const id = nodeAt(node, 'id');
      if (id !== null && node.type === 'ClassDeclaration') this.declare(scope, nameOf(id));
      const inner = new Scope(scope, false);
      if (id !== null) this.declare(inner, nameOf(id));
      this.scopes.set(node, inner);
      for (const [, child] of childEntries(node)) this.collect(child, inner);
      return;
    }
    let here = scope;
    if (BLOCKS.has(node.type) || node.type === 'CatchClause') {
      here = new Scope(scope, node.type === 'StaticBlock');
      this.scopes.set(node, here);
      if (node.type === 'CatchClause') for (const name of patternNames(nodeAt(node, 'param'))) this.declare(here, name);
    }
    if (node.type === 'VariableDeclaration') {
      const target = node['kind'] === 'var' ? here.varScope() : here;
      for (const d of nodesAt(node, 'declarations')) {
        if (d === null) continue;
        for (const name of patternNames(nodeAt(d, 'id'))) {
          this.declare(target, name);
          // `function f(a = 1) { var a; }`: the body's `a` starts with the parameter's value (the
          // spec copies it into the separate var environment), so the two are one variable in
          // two bindings. Both keep their names: renaming one alone changes what the code does.
          const param = this.separateBodies.has(target) ? target.parent?.names.get(name) : undefined;
          if (param !== undefined) {
            param.kept = true;
            (target.names.get(name) as Binding).kept = true;
          }
        }
      }
    }
    for (const [, child] of childEntries(node)) this.collect(child, here);
  }

  /** Pass 2: every identifier in a variable position gets its binding's token. */
  resolve(node: AstNode, scope: Scope): void {
    const here = this.scopes.get(node) ?? scope;
    if (FUNCTIONS.has(node.type)) {
      const fnScope = here;
      const bodyScope = this.bodyScopes.get(node) ?? fnScope;
      for (const p of nodesAt(node, 'params')) if (p !== null) this.resolve(p, fnScope);
      // A declaration's own name is resolved where it is declared (outer scope).
      const id = nodeAt(node, 'id');
      if (id !== null) this.resolve(id, node.type === 'FunctionDeclaration' ? scope : (fnScope.parent ?? scope));
      const body = nodeAt(node, 'body');
      if (body !== null) {
        if (body.type === 'BlockStatement') for (const [, s] of childEntries(body)) this.resolve(s, bodyScope);
        else this.resolve(body, bodyScope);
      }
      return;
    }
    if (node.type === 'Identifier') {
      const binding = here.lookup(nameOf(node));
      if (binding !== undefined) this.uses.push([node, binding]);
      return;
    }
    for (const [field, child] of childEntries(node)) {
      if (isNameField(node, field)) continue;
      // A switch's discriminant is evaluated outside the block its cases share.
      this.resolve(child, node.type === 'SwitchStatement' && field === 'discriminant' ? scope : here);
    }
  }
}

/**
 * The canonical token of each renamed identifier node of `root` (a function, method or class
 * node); empty when nothing may be renamed.
 */
export function alphaTokens(root: AstNode): ReadonlyMap<AstNode, string> {
  const { kept, dynamic } = keptNodes(root);
  if (dynamic) return new Map();
  const renamer = new Renamer();
  const top = new Scope(null, true);
  renamer.collect(root, top);
  renamer.resolve(root, top);
  return renamer.tokens(kept);
}
