/**
 * Clock state: a captured variable that a function overwrites with a clock reading on its own
 * (`lastCalled = stamp` where `stamp = nativeNow()`: lodash's `shortOut`, behind most of its
 * functions; throttles, debounces, rate limiters). Its value is the time of the last call, a
 * different number in every run, so reading it by value made every function that reaches it
 * miss on every run (issue 13: `_.sortBy`).
 *
 * Such a variable counts as "a time", not by its value, and so does every other captured
 * variable the same function writes itself (`++count`, `count = 0` next to `lastCalled = stamp`):
 * a function that keeps the time in its closure is a timing device (throttle, debounce, hot-path
 * detector), and what it writes there follows the timing of the calls (lodash's `count` is reset
 * whenever two calls at load time are 16 ms apart, which a busy machine makes vary from run to
 * run). Why that hides no input: the value says
 * when the program last ran that code, and the time is never an input of a cached result (the
 * contract makes clock use during a call a warning, and a hit replays the result of another
 * moment by design). Everything else the function reads still counts by value, and the code that
 * writes the variable counts by its text. Conservative on the shape: only a plain `name = ...`
 * assignment, in the function's own body, of a call or of a local initialized by a call, of a
 * name that the function declares nowhere; the resolver then checks that the call's target is
 * really one of the clocks, by identity (references.ts).
 */
import { childNodes, isNode, nameOf, nodeAt, nodesAt, staticKey, type AstNode } from './ast-node';

export interface ClockWrite {
  /** The captured variable written. */
  readonly target: string;
  /** The static path of the function called for the value: ['nativeNow'], ['Date', 'now']. */
  readonly callee: readonly string[];
}

const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

/** `a.b.c` -> ['a', 'b', 'c'] when every step is static; undefined otherwise. */
function calleePath(node: AstNode | null): string[] | undefined {
  if (node === null) return undefined;
  if (node.type === 'Identifier') return [nameOf(node)];
  if (node.type !== 'MemberExpression') return undefined;
  const key = nodeAt(node, 'property');
  const step = key === null ? undefined : staticKey(key, node['computed'] === true);
  const base = calleePath(nodeAt(node, 'object'));
  return base === undefined || step === undefined ? undefined : [...base, step];
}

/** The callee of a call without arguments (`Date.now()`, `nativeNow()`), or undefined. */
function callOf(node: AstNode | null): string[] | undefined {
  if (node === null || node.type !== 'CallExpression' || nodesAt(node, 'arguments').length > 0) return undefined;
  return calleePath(nodeAt(node, 'callee'));
}


export interface ClockState {
  readonly clock: ClockWrite[];
  /** Every captured name the function's own body writes (`=`, `op=`, `++`), when `clock` is not empty. */
  readonly writes: string[];
}

/** Clock writes of the function `fn` (an ESTree function node): see the file comment. */
export function findClockWrites(fn: AstNode | null): ClockState {
  if (fn === null) return { clock: [], writes: [] };
  const written = new Set<string>();
  const declared = new Set<string>();
  const localCalls = new Map<string, string[]>();
  const writes: Array<{ target: string; value: AstNode | null }> = [];
  for (const param of nodesAt(fn, 'params')) if (param !== null) collectDeclared(param, declared);
  const stack: AstNode[] = [];
  const body = nodeAt(fn, 'body');
  if (body !== null) stack.push(body);
  while (stack.length > 0) {
    const node = stack.pop() as AstNode;
    // Nested functions write their own variables, not this function's.
    if (FUNCTIONS.has(node.type)) {
      const id = nodeAt(node, 'id');
      if (id !== null && node.type === 'FunctionDeclaration') declared.add(nameOf(id));
      continue;
    }
    if (node.type === 'VariableDeclarator') {
      const id = nodeAt(node, 'id');
      if (id !== null) collectDeclared(id, declared);
      const call = callOf(nodeAt(node, 'init'));
      if (id !== null && id.type === 'Identifier' && call !== undefined) localCalls.set(nameOf(id), call);
    } else if (node.type === 'ClassDeclaration' || node.type === 'CatchClause') {
      const id = nodeAt(node, node.type === 'CatchClause' ? 'param' : 'id');
      if (id !== null) collectDeclared(id, declared);
    } else if (node.type === 'AssignmentExpression') {
      const left = nodeAt(node, 'left');
      if (left !== null && left.type === 'Identifier') {
        written.add(nameOf(left));
        if (node['operator'] === '=') writes.push({ target: nameOf(left), value: nodeAt(node, 'right') });
      }
    } else if (node.type === 'UpdateExpression') {
      const arg = nodeAt(node, 'argument');
      if (arg !== null && arg.type === 'Identifier') written.add(nameOf(arg));
    }
    stack.push(...childNodes(node));
  }
  const out: ClockWrite[] = [];
  for (const { target, value } of writes) {
    if (declared.has(target)) continue;
    const callee = callOf(value) ?? (value !== null && value.type === 'Identifier' ? localCalls.get(nameOf(value)) : undefined);
    if (callee !== undefined && !out.some((w) => w.target === target)) out.push({ target, callee });
  }
  out.sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
  if (out.length === 0) return { clock: [], writes: [] };
  return { clock: out, writes: [...written].filter((n) => !declared.has(n)).sort() };
}

function collectDeclared(pattern: AstNode, into: Set<string>): void {
  const stack = [pattern];
  while (stack.length > 0) {
    const node = stack.pop() as AstNode;
    if (node.type === 'Identifier') into.add(nameOf(node));
    else if (node.type === 'MemberExpression') continue;
    else if (node.type === 'Property') {
      const value = nodeAt(node, 'value');
      if (value !== null) stack.push(value);
    } else if (node.type === 'AssignmentPattern') {
      const left = nodeAt(node, 'left');
      if (left !== null) stack.push(left);
    } else stack.push(...childNodes(node));
  }
}
