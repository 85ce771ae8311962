/**
 * Every place in a parsed file where a function could be annotated, with the name it gets and
 * where its cached form can be put so that *every* caller sees it (see placement kinds below).
 * Which candidates are actually annotated is decided elsewhere (JSDoc, directive, TypeScript source).
 */
import type * as acorn from 'acorn';
import type { Parsed } from './parse';

export type FunctionNode = acorn.FunctionDeclaration | acorn.FunctionExpression | acorn.ArrowFunctionExpression;
export type StatementList = acorn.Program | acorn.BlockStatement | acorn.StaticBlock;
type AnyNode = acorn.AnyNode;

/**
 * - hoisted: a function declaration; its binding is reassigned at the top of the enclosing scope,
 *   before any code of that scope runs (declarations are hoisted, so callers above it exist).
 * - binding: `const/let/var f = function…`; `const` becomes `let  ` (same width) and `f` is
 *   reassigned right after the declaration.
 * - assign: `exports.f = function…`; the same target is reassigned right after the statement.
 * - member: a class or object method; the property is replaced right after the statement that
 *   creates the holder (`A.prototype`, `A`, `api`, `module.exports`).
 * - default: an anonymous `export default` function, class or object; bound to a local first.
 * - wrap / wrapMember: anything else; the expression is wrapped where it stands.
 */
export type Placement =
  | { readonly kind: 'hoisted'; readonly container: StatementList; readonly binding: string }
  | { readonly kind: 'binding'; readonly statement: AnyNode; readonly declaration: acorn.VariableDeclaration; readonly binding: string }
  | { readonly kind: 'assign'; readonly statement: AnyNode; readonly target: string }
  | { readonly kind: 'member'; readonly statement: AnyNode; readonly holder: string; readonly key: string }
  | { readonly kind: 'default'; readonly statement: acorn.ExportDefaultDeclaration; readonly key?: string; readonly proto?: boolean }
  | { readonly kind: 'wrap'; readonly expression: AnyNode }
  | { readonly kind: 'wrapMember'; readonly expression: AnyNode; readonly key: string; readonly proto: boolean };

export interface Candidate {
  readonly fn: FunctionNode;
  /** The node a JSDoc block must directly precede to annotate this function. */
  readonly anchor: AnyNode;
  /** Name as written at the definition: `fib`, `area`, `default` (what a TypeScript source is matched by). */
  readonly simpleName: string;
  /** JSDoc namepath within the file: `fib`, `Circle#area`, `Circle.unit`, `api.load`, `outer~inner`. */
  readonly qualifiedName: string;
  readonly placement: Placement | undefined;
  /** Why it cannot be cached, when it cannot. */
  readonly unsupported?: string;
}

interface Holder {
  /** Expression text that reaches the holder right after `statement` ran. */
  readonly text: string;
  /** Name shown in qualified names ('' for module.exports). */
  readonly label: string;
  readonly statement: AnyNode;
}

const isStatementList = (n: AnyNode | undefined): boolean =>
  n !== undefined && (n.type === 'Program' || n.type === 'BlockStatement' || n.type === 'StaticBlock' || n.type === 'SwitchCase');

function isFunction(n: AnyNode): n is FunctionNode {
  return n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression';
}

/** `exports.f`, `module.exports`, `this.x`, `a.b["c"]`: the source text when it has no side effects. */
function referenceText(parsed: Parsed, node: AnyNode): string | undefined {
  if (node.type === 'Identifier') return node.name;
  if (node.type === 'ThisExpression') return 'this';
  if (node.type !== 'MemberExpression' || node.optional || node.object.type === 'Super') return undefined;
  const object = referenceText(parsed, node.object);
  if (object === undefined) return undefined;
  if (!node.computed && node.property.type === 'Identifier') return `${object}.${node.property.name}`;
  if (node.computed && node.property.type === 'Literal' && typeof node.property.value === 'string') return `${object}[${JSON.stringify(node.property.value)}]`;
  return undefined;
}

/** `module.exports.f` and `exports.f` are called `f`; `module.exports` itself keeps its text. */
function exportLabel(text: string): string {
  const m = /^(?:module\.)?exports(?:\.|\[)(.*)$/.exec(text);
  if (m === null || m[1] === undefined) return text === 'module.exports' ? '' : text;
  return m[1].replace(/^"(.*)"\]$/, '$1');
}

/** A function expression's own name (`function realName() {}`), which names it before any binding. */
function ownName(fn: FunctionNode): string | undefined {
  return fn.type === 'FunctionExpression' && fn.id !== null && fn.id !== undefined ? fn.id.name : undefined;
}

function keyName(key: AnyNode, computed: boolean): string | undefined {
  if (!computed && key.type === 'Identifier') return key.name;
  if (key.type === 'Literal' && (typeof key.value === 'string' || typeof key.value === 'number')) return String(key.value);
  return undefined;
}

class CandidateWalker {
  readonly found: Candidate[] = [];
  private readonly ancestors: AnyNode[] = [];
  private readonly scopes: string[] = [];

  constructor(private readonly parsed: Parsed) {}

  walk(node: AnyNode): void {
    const fn = isFunction(node) ? this.candidate(node) : undefined;
    // An IIFE (tsx wraps CommonJS output in one) names no scope: its functions are the module's.
    const named = fn !== undefined && !this.isInvoked(node);
    if (fn !== undefined) this.found.push(fn);
    if (named) this.scopes.push(fn.qualifiedName);
    this.ancestors.push(node);
    for (const [field, value] of Object.entries(node)) {
      if (field === 'loc' || value === null || typeof value !== 'object') continue;
      if (Array.isArray(value)) {
        for (const item of value) if (item !== null && typeof (item as AnyNode).type === 'string') this.walk(item as AnyNode);
      } else if (typeof (value as AnyNode).type === 'string') this.walk(value as AnyNode);
    }
    this.ancestors.pop();
    if (named) this.scopes.pop();
  }

  private isInvoked(node: AnyNode): boolean {
    const parent = this.parent();
    return parent?.type === 'CallExpression' && parent.callee === node;
  }

  private parent(depth = 1): AnyNode | undefined {
    return this.ancestors[this.ancestors.length - depth];
  }

  /**
   * A name for a function with none of its own and no binding: `anonymous:1`, `anonymous:2`... in
   * source order within its scope. Not its line: a comment added above it would rename it, and
   * its entries would be lost to a miss.
   */
  private anonymous(): string {
    const scope = this.scopes[this.scopes.length - 1] ?? '';
    const n = (this.anonymousIn.get(scope) ?? 0) + 1;
    this.anonymousIn.set(scope, n);
    return `anonymous:${n}`;
  }

  private readonly anonymousIn = new Map<string, number>();

  private qualify(own: string): string {
    const outer = this.scopes[this.scopes.length - 1];
    return outer === undefined ? own : `${outer}~${own}`;
  }

  /** The statement containing `node` when `node` is that statement or an `export` around it. */
  private statementOf(node: AnyNode, depth: number): { statement: AnyNode; list: AnyNode | undefined } {
    const up = this.parent(depth);
    if (up !== undefined && (up.type === 'ExportNamedDeclaration' || up.type === 'ExportDefaultDeclaration')) {
      return { statement: up, list: this.parent(depth + 1) };
    }
    return { statement: node, list: up };
  }

  private candidate(fn: FunctionNode): Candidate {
    // esbuild (tsx) keeps names with `__name(fn, "f")`: look through that call.
    let expression: AnyNode = fn;
    let depth = 1;
    const call = this.parent();
    if (call?.type === 'CallExpression' && call.callee.type === 'Identifier' && call.callee.name === '__name' && call.arguments[0] === fn) {
      expression = call;
      depth = 2;
    }
    const make = (anchor: AnyNode, own: string, placement: Placement | undefined, unsupported?: string): Candidate => {
      const simpleName = /[^.#~]*$/.exec(own)?.[0] ?? own;
      const base = { fn, anchor, simpleName, qualifiedName: this.qualify(own), placement };
      const reason = unsupported ?? (fn.generator ? 'generator functions return iterators, which cannot be cached' : undefined);
      return reason === undefined ? base : { ...base, unsupported: reason };
    };
    const parent = this.parent(depth);
    if (fn.type === 'FunctionDeclaration') return this.declaration(fn, make);
    if (parent === undefined) return make(fn, ownName(fn) ?? this.anonymous(), { kind: 'wrap', expression: fn });
    switch (parent.type) {
      case 'VariableDeclarator':
        return this.declarator(fn, expression, parent, depth, make);
      case 'AssignmentExpression':
        return this.assignment(fn, expression, parent, depth, make);
      case 'Property':
        return this.property(fn, parent as acorn.Property, depth, make);
      case 'MethodDefinition':
      case 'PropertyDefinition':
        return this.classMember(fn, expression, parent, depth, make);
      case 'ExportDefaultDeclaration':
        return make(parent, 'default', { kind: 'default', statement: parent });
      default:
        return make(fn, ownName(fn) ?? this.anonymous(), { kind: 'wrap', expression: fn });
    }
  }

  private declaration(fn: acorn.FunctionDeclaration, make: MakeCandidate): Candidate {
    const { statement, list } = this.statementOf(fn, 1);
    if (fn.id === null || fn.id === undefined) {
      return statement.type === 'ExportDefaultDeclaration'
        ? make(statement, 'default', { kind: 'default', statement })
        : make(statement, 'default', undefined, 'anonymous function declaration');
    }
    const binding = fn.id.name;
    if (list !== undefined && (list.type === 'Program' || list.type === 'BlockStatement' || list.type === 'StaticBlock')) {
      return make(statement, binding, { kind: 'hoisted', container: list, binding });
    }
    // A declaration directly in a `case`: reassign after it (hoisting across cases is rare).
    if (isStatementList(list)) return make(statement, binding, { kind: 'assign', statement, target: binding });
    return make(statement, binding, undefined, 'function declaration in an unsupported position');
  }

  private declarator(fn: FunctionNode, expression: AnyNode, declarator: acorn.VariableDeclarator, depth: number, make: MakeCandidate): Candidate {
    const declaration = this.parent(depth + 1);
    const binding = declarator.id.type === 'Identifier' ? declarator.id.name : undefined;
    // The contract's default name: the function's own name, else the binding it is assigned to.
    const own = ownName(fn) ?? binding ?? this.anonymous();
    if (declarator.init !== expression || declaration?.type !== 'VariableDeclaration' || binding === undefined) {
      return make(fn, own, { kind: 'wrap', expression: fn });
    }
    const { statement, list } = this.statementOf(declaration, depth + 2);
    const listed = isStatementList(list) && (declaration.kind === 'const' || declaration.kind === 'let' || declaration.kind === 'var');
    const placement: Placement = listed ? { kind: 'binding', statement, declaration, binding } : { kind: 'wrap', expression: fn };
    return make(statement, own, placement);
  }

  private assignment(fn: FunctionNode, expression: AnyNode, assign: acorn.AssignmentExpression, depth: number, make: MakeCandidate): Candidate {
    const target = assign.right === expression && assign.operator === '=' ? referenceText(this.parsed, assign.left as AnyNode) : undefined;
    const statement = this.parent(depth + 1);
    const own = target === undefined ? (ownName(fn) ?? this.anonymous()) : exportLabel(target) || 'module.exports';
    if (target === undefined || statement?.type !== 'ExpressionStatement' || !isStatementList(this.parent(depth + 2))) {
      return make(statement?.type === 'ExpressionStatement' ? statement : fn, own, { kind: 'wrap', expression: fn });
    }
    return make(statement, own, { kind: 'assign', statement, target });
  }

  private property(fn: FunctionNode, prop: acorn.Property, depth: number, make: MakeCandidate): Candidate {
    const key = keyName(prop.key, prop.computed);
    const object = this.parent(depth + 1);
    if (key === undefined || object?.type !== 'ObjectExpression') return make(prop, this.anonymous(), undefined, 'computed property key');
    if (prop.kind !== 'init') return make(prop, key, undefined, `${prop.kind}ter methods are not supported`);
    const holder = this.objectHolder(object, depth + 2);
    const own = holder !== undefined && holder.label !== '' ? `${holder.label}.${key}` : key;
    if (holder !== undefined) return make(prop, own, { kind: 'member', statement: holder.statement, holder: holder.text, key });
    const exported = this.parent(depth + 2);
    if (exported?.type === 'ExportDefaultDeclaration') return make(prop, `default.${key}`, { kind: 'default', statement: exported, key, proto: false });
    return make(prop, own, { kind: 'wrapMember', expression: object, key, proto: false });
  }

  /** Where an object literal can be reached by name after its statement ran. */
  private objectHolder(object: acorn.ObjectExpression, depth: number): Holder | undefined {
    const parent = this.parent(depth);
    if (parent === undefined) return undefined;
    if (parent.type === 'Property' && parent.value === object && parent.kind === 'init') {
      const key = keyName(parent.key, parent.computed);
      const outer = this.parent(depth + 1);
      if (key === undefined || outer?.type !== 'ObjectExpression') return undefined;
      const holder = this.objectHolder(outer, depth + 2);
      if (holder === undefined) return undefined;
      return { text: `${holder.text}[${JSON.stringify(key)}]`, label: holder.label === '' ? key : `${holder.label}.${key}`, statement: holder.statement };
    }
    return this.bindingHolder(object, depth);
  }

  /** `const x = <node>` or `a.b = <node>` as a whole statement. */
  private bindingHolder(node: AnyNode, depth: number): Holder | undefined {
    const parent = this.parent(depth);
    if (parent?.type === 'VariableDeclarator' && parent.init === node && parent.id.type === 'Identifier') {
      const declaration = this.parent(depth + 1);
      if (declaration?.type !== 'VariableDeclaration') return undefined;
      const { statement, list } = this.statementOf(declaration, depth + 2);
      return isStatementList(list) ? { text: parent.id.name, label: parent.id.name, statement } : undefined;
    }
    if (parent?.type === 'AssignmentExpression' && parent.right === node && parent.operator === '=') {
      const text = referenceText(this.parsed, parent.left as AnyNode);
      const statement = this.parent(depth + 1);
      if (text === undefined || statement?.type !== 'ExpressionStatement' || !isStatementList(this.parent(depth + 2))) return undefined;
      return { text, label: exportLabel(text), statement };
    }
    return undefined;
  }

  /**
   * The name the user gave a class the transpiler renamed: esbuild (tsx, `keepNames`) lowering
   * decorators writes `const _A = class _A {…}; __name(_A, "A"); let A = _A;`, and the method is
   * the user's `A#m`, not `_A#m`. Only that exact call restores a name.
   */
  private keptName(id: string): string {
    if (!id.startsWith('_')) return id;
    const kept = new RegExp(`__name\\(\\s*${id.replace(/\$/g, '\\$')}\\s*,\\s*"([\\w$]+)"\\s*\\)`).exec(this.parsed.code);
    return kept?.[1] ?? id;
  }

  private classMember(fn: FunctionNode, expression: AnyNode, member: acorn.MethodDefinition | acorn.PropertyDefinition, depth: number, make: MakeCandidate): Candidate {
    const body = this.parent(depth + 1);
    const cls = this.parent(depth + 2);
    if (body?.type !== 'ClassBody' || (cls?.type !== 'ClassDeclaration' && cls?.type !== 'ClassExpression')) {
      return make(member, this.anonymous(), undefined, 'unexpected class shape');
    }
    const holder = this.classHolder(cls, depth + 3);
    const className = (cls.id === null || cls.id === undefined ? undefined : this.keptName(cls.id.name)) ?? (holder !== undefined && holder.label !== '' ? holder.label : this.parent(depth + 3)?.type === 'ExportDefaultDeclaration' ? 'default' : '(anonymous)');
    const key = member.key.type === 'PrivateIdentifier' ? undefined : keyName(member.key, member.computed);
    const own = `${className}${member.static ? '.' : '#'}${key ?? (member.key.type === 'PrivateIdentifier' ? `#${member.key.name}` : '[computed]')}`;
    if (member.key.type === 'PrivateIdentifier') return make(member, own, undefined, 'private methods cannot be replaced from outside the class');
    if (key === undefined) return make(member, own, undefined, 'computed method key');
    if (member.type === 'MethodDefinition' && member.kind !== 'method') return make(member, own, undefined, `${member.kind === 'constructor' ? 'constructors' : `${member.kind}ters`} are not supported`);
    if (member.type === 'PropertyDefinition' && !member.static) {
      // An instance field holding a function: each instance gets its own wrapper, made where it stands.
      return make(member, own, { kind: 'wrap', expression });
    }
    const proto = !member.static;
    if (holder !== undefined) {
      return make(member, own, { kind: 'member', statement: holder.statement, holder: proto ? `${holder.text}.prototype` : holder.text, key });
    }
    const exported = this.parent(depth + 3);
    if (exported?.type === 'ExportDefaultDeclaration') return make(member, own, { kind: 'default', statement: exported, key, proto });
    return make(member, own, { kind: 'wrapMember', expression: cls, key, proto });
  }

  private classHolder(cls: acorn.ClassDeclaration | acorn.ClassExpression | acorn.AnonymousClassDeclaration, depth: number): Holder | undefined {
    if (cls.type === 'ClassDeclaration' && cls.id) {
      const { statement, list } = this.statementOf(cls, depth);
      return isStatementList(list) ? { text: cls.id.name, label: cls.id.name, statement } : undefined;
    }
    return cls.type === 'ClassExpression' ? this.bindingHolder(cls, depth) : undefined;
  }
}

type MakeCandidate = (anchor: AnyNode, own: string, placement: Placement | undefined, unsupported?: string) => Candidate;

export function collectCandidates(parsed: Parsed): Candidate[] {
  const walker = new CandidateWalker(parsed);
  walker.walk(parsed.ast);
  return walker.found;
}
