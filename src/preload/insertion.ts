/**
 * Where code can be added to a scope so that it runs before anything in that scope can call an
 * annotated function, without moving any code on its line (stack-trace columns stay right).
 *
 * The ideal place is the scope's start (after its directive prologue). When code follows on that
 * line, the insertion may move down past *inert* statements (imports, `require`s, declarations of
 * literals and functions: nothing that can call user code) to the first line end with no code after
 * it. Failing that, the ideal place is used and the rewriter adds a source map for the moved columns.
 *
 * Moving down has a bound: the plan also puts code *between or inside* those inert statements
 * (`;f=__sc$(f,0);` after a binding, `__sc$(…)` around an expression), and that code calls what
 * the prologue defines. A prologue placed after it would run too late (`__sc$ is not a function`),
 * so the caller passes `limit`, the first offset where such code goes, and the point never passes it.
 */
import type * as acorn from 'acorn';
import type { StatementList } from './candidates';
import type { Parsed } from './parse';

type AnyNode = acorn.AnyNode;

export interface InsertionPoint {
  readonly offset: number;
  /** No code follows on the line: nothing moves. */
  readonly free: boolean;
}

function inertExpression(node: AnyNode | null | undefined): boolean {
  if (node === null || node === undefined) return true;
  switch (node.type) {
    case 'Literal':
    case 'Identifier':
    case 'ThisExpression':
    case 'FunctionExpression':
    case 'ArrowFunctionExpression':
      return true;
    case 'TemplateLiteral':
      return node.expressions.every(inertExpression);
    case 'ClassExpression':
      return inertClass(node);
    case 'UnaryExpression':
      return node.operator !== 'delete' && inertExpression(node.argument);
    case 'BinaryExpression':
    case 'LogicalExpression':
      return inertExpression(node.left as AnyNode) && inertExpression(node.right);
    case 'ConditionalExpression':
      return inertExpression(node.test) && inertExpression(node.consequent) && inertExpression(node.alternate);
    case 'MemberExpression':
      return !node.computed && node.object.type !== 'Super' && inertExpression(node.object);
    case 'ArrayExpression':
      return node.elements.every((e) => e === null || (e.type !== 'SpreadElement' && inertExpression(e)));
    case 'ObjectExpression':
      return node.properties.every((p) => p.type === 'Property' && !p.computed && inertExpression(p.value));
    case 'AssignmentExpression':
      return node.operator === '=' && (node.left.type === 'Identifier' || node.left.type === 'MemberExpression') && inertExpression(node.left as AnyNode) && inertExpression(node.right);
    case 'CallExpression':
      // `require('x')` and esbuild's `__name(fn, "f")`: module loading and naming, no user calls.
      return node.callee.type === 'Identifier' && (node.callee.name === 'require' || node.callee.name === '__name') && node.arguments.every((a) => a.type !== 'SpreadElement' && inertExpression(a));
    default:
      return false;
  }
}

function inertClass(node: acorn.Class): boolean {
  if (!inertExpression(node.superClass)) return false;
  return node.body.body.every((m) => m.type === 'MethodDefinition' ? !m.computed : m.type === 'PropertyDefinition' && !m.computed && (!m.static || inertExpression(m.value)));
}

function inertStatement(node: AnyNode): boolean {
  switch (node.type) {
    case 'EmptyStatement':
    case 'FunctionDeclaration':
    case 'ImportDeclaration':
    case 'ExportAllDeclaration':
      return true;
    case 'ExpressionStatement':
      return node.directive !== undefined || inertExpression(node.expression);
    case 'VariableDeclaration':
      return node.declarations.every((d) => inertExpression(d.init));
    case 'ClassDeclaration':
      return inertClass(node);
    case 'ExportNamedDeclaration':
      return node.declaration === null || node.declaration === undefined || inertStatement(node.declaration);
    case 'ExportDefaultDeclaration': {
      const d = node.declaration;
      if (d.type === 'FunctionDeclaration') return true;
      return d.type === 'ClassDeclaration' ? inertClass(d) : inertExpression(d as AnyNode);
    }
    default:
      return false;
  }
}

function scopeStart(parsed: Parsed, scope: StatementList): number {
  if (scope.type === 'Program') {
    if (!parsed.code.startsWith('#!')) return 0;
    const nl = parsed.code.indexOf('\n');
    return nl === -1 ? parsed.code.length : nl + 1;
  }
  return parsed.code.indexOf('{', scope.start) + 1;
}

export function scopeInsertionPoint(parsed: Parsed, scope: StatementList, limit = Number.POSITIVE_INFINITY): InsertionPoint {
  const body = scope.body as AnyNode[];
  let index = 0;
  let ideal = scopeStart(parsed, scope);
  // Code must go after the directive prologue, or `'use strict'` would stop being a directive.
  // (acorn sets `directive` only in programs and function bodies.)
  while (index < body.length) {
    const statement = body[index];
    if (statement?.type !== 'ExpressionStatement' || statement.directive === undefined) break;
    ideal = statement.end;
    index++;
  }
  if (parsed.restOfLineIsFree(ideal)) return { offset: ideal, free: true };
  for (; index < body.length; index++) {
    const statement = body[index];
    // At `limit` itself is still fine: the plan orders the prologue before other code at one offset.
    if (statement === undefined || statement.end > limit || !inertStatement(statement)) break;
    if (parsed.restOfLineIsFree(statement.end)) return { offset: statement.end, free: true };
  }
  return { offset: ideal, free: false };
}
