/**
 * Is a key name constant? `m[k]` may count as the one member `k` holds (references.ts, keyed
 * members) only when nothing can change `k` after the fingerprint read it: were `k` reassigned
 * (`setKey(x)` writing a module `let`), the call would read other members than the one counted.
 *
 * The answer comes from the file the function was loaded from, parsed once: the function is found
 * around its `[[FunctionLocation]]` (its text must still be there: a file edited since loading
 * answers "no"), and the nearest enclosing declaration of `k` must be a `const`, or a parameter
 * or `let`/`var` that nothing in its scope assigns (`=`, `op=`, `++`, `for (k in …)`,
 * destructuring). Any doubt answers "no", and the whole object counts, as before.
 */
import { childNodes, isNode, nameOf, nodeAt, nodesAt, patternNames, type AstNode } from './ast-node';
import { forgetParsedFiles, parsedFile as load } from './file-ast';

const answers = new Map<string, boolean>();


const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);
const SCOPES = new Set([...FUNCTIONS, 'BlockStatement', 'StaticBlock', 'ForStatement', 'ForInStatement', 'ForOfStatement', 'SwitchStatement', 'CatchClause', 'Program']);

/** The chain of nodes from the program down to the node that starts at `offset` and spans `length`. */
function pathTo(root: AstNode, offset: number, length: number): AstNode[] | undefined {
  const path: AstNode[] = [root];
  for (let node = root; ; ) {
    const start = node['start'] as number;
    const end = node['end'] as number;
    if (start === offset && end === offset + length && FUNCTIONS.has(node.type)) return path;
    const next = childNodes(node).find((c) => (c['start'] as number) <= offset && offset + length <= (c['end'] as number));
    if (next === undefined) return undefined;
    path.push(next);
    node = next;
  }
}

/** How `scope` declares `name`: 'const', 'mutable' (param, let, var, function, class, catch), or undefined. */
function declaration(scope: AstNode, name: string): 'const' | 'mutable' | undefined {
  if (FUNCTIONS.has(scope.type)) {
    const params = new Set<string>();
    for (const p of nodesAt(scope, 'params')) for (const n of patternNames(p)) params.add(n);
    if (params.has(name)) return 'mutable';
  }
  if (scope.type === 'CatchClause') {
    const names = new Set<string>();
    for (const n of patternNames(nodeAt(scope, 'param'))) names.add(n);
    if (names.has(name)) return 'mutable';
  }
  if (!FUNCTIONS.has(scope.type) && scope.type !== 'Program') return blockDeclaration(scope, name);
  // A function or the module: every declaration below it but not inside nested functions (`var`
  // hoists here; a nested block's `let` of the same name only makes the answer more cautious).
  let found: 'const' | 'mutable' | undefined;
  const stack = FUNCTIONS.has(scope.type) ? [nodeAt(scope, 'body')] : childNodes(scope);
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || node === undefined) continue;
    if (FUNCTIONS.has(node.type)) {
      const id = nodeAt(node, 'id');
      if (node.type === 'FunctionDeclaration' && id !== null && nameOf(id) === name) found = 'mutable';
      continue;
    }
    const kind = declares(node, name);
    if (kind !== undefined) found = found === 'mutable' || kind === 'mutable' ? 'mutable' : 'const';
    stack.push(...childNodes(node));
  }
  return found;
}

/** `let`/`const`/`class` declared directly in a block (or a loop head): block-scoped only. */
function blockDeclaration(scope: AstNode, name: string): 'const' | 'mutable' | undefined {
  const direct = [...nodesAt(scope, 'body'), nodeAt(scope, 'init'), nodeAt(scope, 'left')];
  for (const c of nodesAt(scope, 'cases')) if (c !== null) direct.push(...nodesAt(c, 'consequent'));
  let found: 'const' | 'mutable' | undefined;
  for (const node of direct) {
    if (node === null || (node.type === 'VariableDeclaration' && node['kind'] === 'var')) continue;
    const kind = declares(node, name);
    if (kind !== undefined) found = found === 'mutable' || kind === 'mutable' ? 'mutable' : 'const';
  }
  return found;
}

function declares(node: AstNode, name: string): 'const' | 'mutable' | undefined {
  if (node.type === 'VariableDeclaration') {
    const names = new Set<string>();
    for (const d of nodesAt(node, 'declarations')) if (d !== null) for (const n of patternNames(nodeAt(d, 'id'))) names.add(n);
    if (names.has(name)) return node['kind'] === 'const' ? 'const' : 'mutable';
  }
  if ((node.type === 'ClassDeclaration' || node.type === 'FunctionDeclaration') && nodeAt(node, 'id') !== null && nameOf(nodeAt(node, 'id') as AstNode) === name) return 'mutable';
  return undefined;
}

/** True when some code under `scope` (nested functions included) writes an identifier `name`. */
function written(scope: AstNode, name: string): boolean {
  const stack = [scope];
  while (stack.length > 0) {
    const node = stack.pop() as AstNode;
    if (node.type === 'AssignmentExpression' || node.type === 'ForInStatement' || node.type === 'ForOfStatement') {
      const names = new Set<string>();
      const target = nodeAt(node, 'left');
      if (target !== null && target.type !== 'VariableDeclaration') for (const n of patternNames(target)) names.add(n);
      if (names.has(name)) return true;
    }
    if (node.type === 'UpdateExpression') {
      const arg = nodeAt(node, 'argument');
      if (arg !== null && arg.type === 'Identifier' && nameOf(arg) === name) return true;
    }
    stack.push(...childNodes(node));
  }
  return false;
}

/**
 * True when `key`, free in the function whose text is `source` and which V8 compiled at
 * (`line`, `column`) of `file`, can never change after it was read (see the file comment).
 */
export function keyIsConstant(file: string, line: number, column: number, source: string, key: string): boolean {
  const memo = `${file}\u0000${line}\u0000${column}\u0000${key}`;
  const known = answers.get(memo);
  if (known !== undefined) return known;
  const answer = decide(file, line, column, source, key);
  answers.set(memo, answer);
  return answer;
}

function decide(file: string, line: number, column: number, source: string, key: string): boolean {
  const parsed = load(file);
  const lineStart = parsed.lineStarts[line];
  if (parsed.ast === null || lineStart === undefined) return false;
  // V8's location is inside the function's text (at its parameter list for `function () {}`),
  // not at its first character: the text must still be in the file around that point.
  const at = lineStart + column;
  const offset = parsed.text.lastIndexOf(source, at);
  if (offset < 0 || offset + source.length <= at) return false;
  const path = pathTo(parsed.ast, offset, source.length);
  if (path === undefined) return false;
  // Innermost first, starting above the function itself (its own declarations are local).
  for (let i = path.length - 2; i >= 0; i--) {
    const scope = path[i] as AstNode;
    if (!SCOPES.has(scope.type)) continue;
    const kind = declaration(scope, key);
    if (kind === undefined) continue;
    return kind === 'const' || !written(scope, key);
  }
  return false;
}

/** Tests: forget parsed files (they may have been rewritten). */
export function forgetKeyedFiles(): void {
  forgetParsedFiles();
  answers.clear();
}
