/**
 * Turns `Function.prototype.toString` text back into an AST with acorn.
 *
 * The text of a function is one of: a function/arrow/class expression, an object or class method
 * (`foo(a) {…}`, `get x() {…}`, `async *g() {…}`, `[k]() {…}`, `#p() {…}`; V8 leaves out `static`),
 * or a native function (`function max() { [native code] }`). Each form parses only inside the
 * right wrapper: `(src)`, `({src})` or `(class {src})`. The expression form goes first when the
 * text starts like one (`function`, `class`, `async function`, `(`, `x =>`), else last: a failed
 * parse throws, and exceptions are the dearest part of a miss. The object form goes before the
 * class form because it is sloppy mode and accepts more (`with`, legacy octals).
 *
 * The text was already accepted by V8 in its original context, which we cannot reproduce: an arrow
 * cut out of a method may use `super`, one cut out of a constructor `super()` or `new.target`, and
 * any member of a class may use private names the cut-out text does not declare. The parser is
 * therefore made lenient on exactly those context checks (and only those).
 */
import type * as Acorn from 'acorn';
import { SmartCacheError } from '../../errors';
import { isNode, nodeAt, nodesAt, type AstNode } from './ast-node';

export type ParsedKind = 'function' | 'arrow' | 'method' | 'class';

export interface ParsedFunction {
  readonly kind: ParsedKind;
  /** FunctionExpression | ArrowFunctionExpression | ClassExpression | Property | MethodDefinition. */
  readonly node: AstNode;
}

const OPTIONS: Acorn.Options = {
  ecmaVersion: 'latest',
  sourceType: 'script',
  checkPrivateFields: false,
  allowSuperOutsideMethod: true,
  allowImportExportEverywhere: true, // lets `import.meta` parse in script mode
};

let lenient: typeof Acorn.Parser | undefined;

/**
 * acorn reads its context checks as getters on the parser; the subclass answers "allowed".
 * Loaded on the first parse, not at require time: acorn takes ≈6 ms to load (Node 20.20), and a
 * start-up served by the cross-run analysis cache (analysis-cache.ts) may never parse at all.
 */
function lenientParser(): typeof Acorn.Parser {
  if (lenient === undefined) {
    const { Parser } = require('acorn') as typeof Acorn;
    lenient = Parser.extend(
      (Base) =>
        class extends Base {
          get allowSuper(): boolean {
            return true;
          }
          get allowDirectSuper(): boolean {
            return true;
          }
          get allowNewDotTarget(): boolean {
            return true;
          }
        },
    );
  }
  return lenient;
}

interface Form {
  readonly open: string;
  readonly close: string;
  readonly pick: (expression: AstNode) => { kind: ParsedKind; node: AstNode } | undefined;
}

// The newline before each closer keeps a trailing `// comment` in the text from eating it.
const EXPRESSION: Form = { open: '(', close: '\n)', pick: pickExpression };
const OBJECT_METHOD: Form = { open: '({', close: '\n})', pick: pickObjectMethod };
const CLASS_METHOD: Form = { open: '(class {', close: '\n})', pick: pickClassMethod };
const EXPRESSION_FIRST: readonly Form[] = [EXPRESSION, OBJECT_METHOD, CLASS_METHOD];
const METHOD_FIRST: readonly Form[] = [OBJECT_METHOD, CLASS_METHOD, EXPRESSION];

/** Only an ordering hint: every form is still tried, so a wrong guess costs time, not results. */
const LOOKS_LIKE_EXPRESSION =
  /^\s*(?:function\b|class\b|\(|async\s+function\b|async\s*\(|(?:async\s+)?[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*\s*=>)/u;

/** Parse function text; throws SmartCacheError ERR_FINGERPRINT when no form fits. */
export function parseFunctionSource(source: string): ParsedFunction {
  let best: { error: unknown; pos: number } | undefined;
  for (const form of LOOKS_LIKE_EXPRESSION.test(source) ? EXPRESSION_FIRST : METHOD_FIRST) {
    let program: AstNode;
    try {
      program = lenientParser().parse(form.open + source + form.close, OPTIONS) as unknown as AstNode;
    } catch (error) {
      const pos = errorPosition(error) - form.open.length;
      if (best === undefined || pos > best.pos) best = { error, pos };
      continue;
    }
    const picked = pickFromProgram(program, form);
    if (picked !== undefined) return picked;
  }
  const firstLine = (source.split('\n', 1)[0] ?? '').slice(0, 80);
  const reason = best?.error instanceof Error ? ` (${best.error.message})` : '';
  throw new SmartCacheError('ERR_FINGERPRINT', `cannot parse function source${reason}: ${firstLine}`, {
    cause: best?.error,
  });
}

function errorPosition(error: unknown): number {
  const pos = (error as { pos?: unknown } | null)?.pos;
  return typeof pos === 'number' ? pos : -1;
}

function pickFromProgram(program: AstNode, form: Form): { kind: ParsedKind; node: AstNode } | undefined {
  const body = nodesAt(program, 'body');
  const statement = body[0];
  if (body.length !== 1 || !statement || statement.type !== 'ExpressionStatement') return undefined;
  const expression = nodeAt(statement, 'expression');
  return expression === null ? undefined : form.pick(expression);
}

function pickExpression(expression: AstNode): { kind: ParsedKind; node: AstNode } | undefined {
  switch (expression.type) {
    case 'FunctionExpression':
      return { kind: 'function', node: expression };
    case 'ArrowFunctionExpression':
      return { kind: 'arrow', node: expression };
    case 'ClassExpression':
      return { kind: 'class', node: expression };
    default:
      return undefined;
  }
}

function pickObjectMethod(expression: AstNode): { kind: ParsedKind; node: AstNode } | undefined {
  if (expression.type !== 'ObjectExpression') return undefined;
  const properties = nodesAt(expression, 'properties');
  const property = properties[0];
  if (properties.length !== 1 || !property || property.type !== 'Property') return undefined;
  const isMethod = property['method'] === true || property['kind'] === 'get' || property['kind'] === 'set';
  return isMethod ? { kind: 'method', node: property } : undefined;
}

function pickClassMethod(expression: AstNode): { kind: ParsedKind; node: AstNode } | undefined {
  if (expression.type !== 'ClassExpression') return undefined;
  const members = nodesAt(nodeAt(expression, 'body') ?? expression, 'body');
  const member = members[0];
  if (members.length !== 1 || !member || member.type !== 'MethodDefinition') return undefined;
  return { kind: 'method', node: member };
}

/** The function node that holds params and body (a method's value). */
export function functionNodeOf(parsed: ParsedFunction): AstNode | null {
  if (parsed.kind === 'method') return nodeAt(parsed.node, 'value');
  if (parsed.kind === 'class') return constructorOf(parsed.node);
  return parsed.node;
}

function constructorOf(classNode: AstNode): AstNode | null {
  for (const member of nodesAt(nodeAt(classNode, 'body') ?? classNode, 'body')) {
    if (member && member.type === 'MethodDefinition' && member['kind'] === 'constructor') {
      const value = member['value'];
      return isNode(value) ? value : null;
    }
  }
  return null;
}
