/**
 * Which fields of each ESTree node carry meaning, in a fixed order. The canonical printer
 * (normalize.ts) prints exactly these fields and the scope walk (scopes.ts) visits the
 * child fields, so both agree on what a node is made of.
 *
 * A field is written as:
 *   '@name'  a scalar attribute (boolean flag, operator, kind) printed in the node's header;
 *   'name'   a child node, array of nodes, or null;
 *   '*name'  a statement list (printed one per line; EmptyStatements dropped as no-ops).
 *
 * Deliberately left out, because they are formatting or position only: start/end/range/loc,
 * `raw` (literals are printed by value), Property `shorthand` (`{a}` is `{a: a}`; the one
 * exception, `{ __proto__ }`, is printed apart by normalize.ts),
 * ArrowFunctionExpression `expression` (implied by the body's type) and TemplateElement `tail`.
 * Node types missing here (from a future acorn) are printed generically with every field, so
 * nothing new is ever silently dropped.
 */
export type Layout = readonly string[];

export const LAYOUT: Readonly<Record<string, Layout>> = {
  Program: ['*body'],
  ExpressionStatement: ['expression'],
  BlockStatement: ['*body'],
  StaticBlock: ['*body'],
  EmptyStatement: [],
  DebuggerStatement: [],
  WithStatement: ['object', 'body'],
  ReturnStatement: ['argument'],
  LabeledStatement: ['label', 'body'],
  BreakStatement: ['label'],
  ContinueStatement: ['label'],
  IfStatement: ['test', 'consequent', 'alternate'],
  SwitchStatement: ['discriminant', 'cases'],
  SwitchCase: ['test', '*consequent'],
  ThrowStatement: ['argument'],
  TryStatement: ['block', 'handler', 'finalizer'],
  CatchClause: ['param', 'body'],
  WhileStatement: ['test', 'body'],
  DoWhileStatement: ['body', 'test'],
  ForStatement: ['init', 'test', 'update', 'body'],
  ForInStatement: ['left', 'right', 'body'],
  ForOfStatement: ['@await', 'left', 'right', 'body'],
  FunctionDeclaration: ['@async', '@generator', 'id', 'params', 'body'],
  FunctionExpression: ['@async', '@generator', 'id', 'params', 'body'],
  ArrowFunctionExpression: ['@async', 'params', 'body'],
  VariableDeclaration: ['@kind', 'declarations'],
  VariableDeclarator: ['id', 'init'],
  ClassDeclaration: ['id', 'superClass', 'body'],
  ClassExpression: ['id', 'superClass', 'body'],
  ClassBody: ['*body'],
  MethodDefinition: ['@static', '@kind', '@computed', 'key', 'value'],
  PropertyDefinition: ['@static', '@computed', 'key', 'value'],
  ThisExpression: [],
  Super: [],
  ArrayExpression: ['elements'],
  ObjectExpression: ['properties'],
  Property: ['@kind', '@method', '@computed', 'key', 'value'],
  UnaryExpression: ['@operator', 'argument'],
  UpdateExpression: ['@operator', '@prefix', 'argument'],
  BinaryExpression: ['@operator', 'left', 'right'],
  LogicalExpression: ['@operator', 'left', 'right'],
  AssignmentExpression: ['@operator', 'left', 'right'],
  ConditionalExpression: ['test', 'consequent', 'alternate'],
  CallExpression: ['@optional', 'callee', 'arguments'],
  NewExpression: ['callee', 'arguments'],
  MemberExpression: ['@computed', '@optional', 'object', 'property'],
  ChainExpression: ['expression'],
  SequenceExpression: ['expressions'],
  YieldExpression: ['@delegate', 'argument'],
  AwaitExpression: ['argument'],
  TemplateLiteral: ['quasis', 'expressions'],
  TaggedTemplateExpression: ['tag', 'quasi'],
  ObjectPattern: ['properties'],
  ArrayPattern: ['elements'],
  RestElement: ['argument'],
  AssignmentPattern: ['left', 'right'],
  SpreadElement: ['argument'],
  MetaProperty: ['meta', 'property'],
  ImportExpression: ['source', 'options'],
  ParenthesizedExpression: ['expression'],
};

/** Fields never printed for node types this table does not know. */
export const POSITION_FIELDS: ReadonlySet<string> = new Set(['start', 'end', 'range', 'loc', 'raw']);

/** Child-field names per node type (leaves map to []); unknown types are absent. */
export function childKeys(): Record<string, string[]> {
  const keys: Record<string, string[]> = { Identifier: [], PrivateIdentifier: [], Literal: [], TemplateElement: [] };
  for (const [type, layout] of Object.entries(LAYOUT)) {
    keys[type] = layout.filter((f) => !f.startsWith('@')).map((f) => (f.startsWith('*') ? f.slice(1) : f));
  }
  return keys;
}
