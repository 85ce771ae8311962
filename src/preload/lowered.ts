/**
 * Async functions compiled for engines without them. The `'use cache'` directive then opens the
 * body that holds the old code, not the function that returns the promise, and that function is
 * the one to cache (a generator or a regenerator state machine cannot be: it returns an iterator).
 * The shapes recognized, by what prints them:
 *
 *   tsc, esbuild     f(a) { return __awaiter(this, void 0, void 0, function* () { 'use cache'; … }); }
 *                    (esbuild: `__async(this, null, function* …)`; an arrow's expression body too)
 *   Babel, method    m(a) { var _this = this; return _asyncToGenerator(function* () { … })(); }
 *   Babel, function  function f(_x) { return _f.apply(this, arguments); }
 *                    function _f() { _f = _asyncToGenerator(function* (a) { … }); return _f.apply(this, arguments); }
 *   Babel, expression  const f = function () { var _ref = _asyncToGenerator(function* (a) { … });
 *                                               return function f(_x) { return _ref.apply(this, arguments); }; }();
 *   Babel 8          function f() { return (_ref = _ref || _asyncToGenerator(function* () { … })).apply(this, arguments); }
 *
 * and with regenerator (preset-env for an old engine) the generator is instead
 * `_regeneratorRuntime().mark(function _callee(a) { 'use cache'; return _regeneratorRuntime().wrap(…, _callee); })`,
 * the directive staying in `_callee`. Anything else with the directive in a generator is left to
 * the generator warning, and runs uncached.
 */
import type * as acorn from 'acorn';
import type { Candidate, FunctionNode } from './candidates';

type Expression = acorn.Expression | acorn.SpreadElement | acorn.Super | null | undefined;

function isName(node: acorn.AnyNode | null | undefined, name: string): boolean {
  return node?.type === 'Identifier' && node.name === name;
}

function memberName(node: acorn.AnyNode): string | undefined {
  if (node.type !== 'MemberExpression' || node.computed || node.property.type !== 'Identifier') return undefined;
  return node.property.name;
}

/** regenerator's outer function: `<runtime>.mark(function _callee(…) { …; return <runtime>.wrap(…); })` (`.m`/`.w` since Babel 7.27). */
function regeneratorBody(node: Expression): FunctionNode | undefined {
  if (node?.type !== 'CallExpression' || node.arguments.length !== 1) return undefined;
  const mark = memberName(node.callee);
  const fn = node.arguments[0];
  if ((mark !== 'mark' && mark !== 'm') || fn?.type !== 'FunctionExpression' || fn.generator || fn.async) return undefined;
  const last = fn.body.body[fn.body.body.length - 1];
  if (last?.type !== 'ReturnStatement' || last.argument?.type !== 'CallExpression') return undefined;
  const wrap = memberName(last.argument.callee);
  return wrap === 'wrap' || wrap === 'w' ? fn : undefined;
}

/** The body an async function was lowered to, when `node` is it: a generator, or regenerator's `_callee`. */
function loweredFunction(node: Expression): FunctionNode | undefined {
  if (node?.type === 'FunctionExpression' && node.generator && !node.async) return node;
  return regeneratorBody(node);
}

/** `helper(…, <lowered body>)`: the body handed last to a helper that drives it. */
function drivenBody(node: Expression): FunctionNode | undefined {
  if (node?.type !== 'CallExpression') return undefined;
  return loweredFunction(node.arguments[node.arguments.length - 1]);
}

/** `var _this = this, _arguments = arguments;`: Babel's aliases ahead of the call. */
function isAliasPrologue(statement: acorn.Statement | acorn.ModuleDeclaration): boolean {
  if (statement.type !== 'VariableDeclaration' || statement.kind !== 'var') return false;
  return statement.declarations.every(
    (d) => d.id.type === 'Identifier' && (d.init?.type === 'ThisExpression' || isName(d.init, 'arguments') || d.init?.type === 'MetaProperty'),
  );
}

/** The expression a function returns as its whole body (after Babel's alias prologue), if that is all it does. */
function returned(fn: FunctionNode): Expression {
  if (fn.body.type !== 'BlockStatement') return fn.body;
  const statements = fn.body.body;
  let i = 0;
  while (i < statements.length - 1 && isAliasPrologue(statements[i] as acorn.Statement)) i++;
  const last = statements[i];
  if (i !== statements.length - 1 || last?.type !== 'ReturnStatement') return undefined;
  return last.argument;
}

/** `X.apply(this, arguments)`: X, the expression the call delegates to. */
function appliedTo(node: Expression): acorn.Expression | undefined {
  if (node?.type !== 'CallExpression' || node.arguments.length !== 2) return undefined;
  if (memberName(node.callee) !== 'apply' || node.arguments[0]?.type !== 'ThisExpression' || !isName(node.arguments[1], 'arguments')) return undefined;
  const callee = node.callee as acorn.MemberExpression;
  return callee.object.type === 'Super' ? undefined : callee.object;
}

/** The body of a function that holds it directly: tsc, esbuild, Babel's methods and Babel 8. */
function directBody(fn: FunctionNode): FunctionNode | undefined {
  const value = returned(fn);
  const driven = drivenBody(value);
  if (driven !== undefined) return driven;
  // Babel's methods: `_asyncToGenerator(function* () {…})()`
  if (value?.type === 'CallExpression' && value.arguments.length === 0) {
    const inner = drivenBody(value.callee as Expression);
    if (inner !== undefined) return inner;
  }
  // Babel 8: `(_ref = _ref || _asyncToGenerator(function* () {…})).apply(this, arguments)`
  const target = appliedTo(value);
  if (target?.type === 'AssignmentExpression' && target.operator === '=' && target.right.type === 'LogicalExpression' && target.right.operator === '||') {
    return drivenBody(target.right.right);
  }
  return undefined;
}

/** `function _f() { _f = helper(<body>); return _f.apply(this, arguments); }`: its name and body. */
function selfReplacing(fn: FunctionNode): { readonly name: string; readonly body: FunctionNode } | undefined {
  if (fn.type === 'ArrowFunctionExpression' || fn.id === null || fn.id === undefined || fn.body.type !== 'BlockStatement') return undefined;
  const name = fn.id.name;
  const [assign, ret, extra] = fn.body.body;
  if (extra !== undefined || assign?.type !== 'ExpressionStatement' || ret?.type !== 'ReturnStatement') return undefined;
  const a = assign.expression;
  if (a.type !== 'AssignmentExpression' || a.operator !== '=' || !isName(a.left, name) || !isName(appliedTo(ret.argument), name)) return undefined;
  const body = drivenBody(a.right);
  return body === undefined ? undefined : { name, body };
}

/** `function () { var _ref = helper(<body>); return function f(_x) { return _ref.apply(this, arguments); }; }`: f and the body. */
function closureFactory(fn: FunctionNode): { readonly outer: FunctionNode; readonly body: FunctionNode } | undefined {
  if (fn.body.type !== 'BlockStatement') return undefined;
  const [declaration, ret, extra] = fn.body.body;
  if (extra !== undefined || declaration?.type !== 'VariableDeclaration' || declaration.declarations.length !== 1 || ret?.type !== 'ReturnStatement') return undefined;
  const [d] = declaration.declarations;
  const outer = ret.argument;
  if (d === undefined || d.id.type !== 'Identifier' || outer?.type !== 'FunctionExpression' || outer.async || outer.generator) return undefined;
  const body = drivenBody(d.init);
  return body !== undefined && isName(appliedTo(returned(outer)), d.id.name) ? { outer, body } : undefined;
}

/**
 * Outer function -> the body its async code was lowered to, for every lowered async function of
 * a file. A Babel helper name bound twice in one file (Babel makes them unique) is not trusted.
 */
export function loweredAsyncBodies(candidates: readonly Candidate[]): Map<FunctionNode, FunctionNode> {
  const out = new Map<FunctionNode, FunctionNode>();
  const replacing = new Map<string, FunctionNode | null>();
  for (const { fn } of candidates) {
    const direct = directBody(fn);
    if (direct !== undefined) out.set(fn, direct);
    const self = selfReplacing(fn);
    if (self !== undefined) replacing.set(self.name, replacing.has(self.name) ? null : self.body);
    const factory = closureFactory(fn);
    if (factory !== undefined) out.set(factory.outer, factory.body);
  }
  if (replacing.size === 0) return out;
  for (const { fn } of candidates) {
    const target = appliedTo(returned(fn));
    if (target?.type !== 'Identifier') continue;
    const body = replacing.get(target.name);
    if (body !== undefined && body !== null && body !== fn) out.set(fn, body);
  }
  return out;
}
