/**
 * What one source file's text proves about its top-level bindings (proof/collect.ts relies on it):
 * which names are declared at the top level and how often, which top-level function a name is
 * (a `function name` declaration, or a `const name =` function or arrow), which names are
 * assigned anywhere in the file, and whether the file uses `eval` or `with` (then nothing is
 * proved). Conservative by construction: an assignment to a name anywhere, even to a shadowing
 * local in a nested function, counts as an assignment to the top-level binding. Writes that no
 * assignment spells are counted too: a sloppy-mode `function h` in a block assigns the top-level
 * `h` when the block runs (Annex B), and in a CommonJS file the wrapper's parameters (`exports`,
 * `require`, …) can be written through the top level's `arguments` object.
 */
import type { Node } from 'acorn';

export interface TextFacts {
  readonly text: string;
  /** Top-level declarations of each name (imports, functions, classes, var/let/const). */
  readonly declared: ReadonlyMap<string, number>;
  /** Names that are a top-level function: the function's source range. */
  readonly functions: ReadonlyMap<string, { readonly start: number; readonly end: number }>;
  /** Names written anywhere: `x =`, `x += …`, `x++`, `[x] = …`, `for (x of …)`. */
  readonly assigned: ReadonlySet<string>;
  /** The file names `eval` or holds a `with` statement. */
  readonly dynamic: boolean;
  /** Start offsets of functions whose ancestors are only top-level glue (statements, calls, exports). */
  readonly topLevelFunctions: ReadonlySet<number>;
}

type AnyNode = Node & Record<string, unknown>;

/** Ancestors a root function may have and still close over the module scope only. */
const GLUE: ReadonlySet<string> = new Set([
  'Program', 'ExpressionStatement', 'CallExpression', 'VariableDeclaration', 'VariableDeclarator',
  'ExportNamedDeclaration', 'ExportDefaultDeclaration', 'AssignmentExpression', 'ParenthesizedExpression',
]);

const FUNCTION_TYPES: ReadonlySet<string> = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

function isNode(value: unknown): value is AnyNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

function children(node: AnyNode): AnyNode[] {
  const out: AnyNode[] = [];
  for (const key of Object.keys(node)) {
    if (key === 'loc' || key === 'range') continue;
    const v = node[key];
    if (Array.isArray(v)) for (const x of v) { if (isNode(x)) out.push(x); }
    else if (isNode(v)) out.push(v);
  }
  return out;
}

/** Identifiers bound by a pattern (`a`, `{ a, b: [c] }`, `...d`, `e = 1`); member targets bind none. */
function patternNames(node: AnyNode | null | undefined, out: string[]): void {
  if (node === null || node === undefined) return;
  switch (node.type) {
    case 'Identifier':
      out.push(node.name as string);
      return;
    case 'ObjectPattern':
      for (const p of node.properties as AnyNode[]) patternNames(p.type === 'RestElement' ? p : (p.value as AnyNode), out);
      return;
    case 'ArrayPattern':
      for (const el of node.elements as Array<AnyNode | null>) patternNames(el, out);
      return;
    case 'RestElement':
      patternNames(node.argument as AnyNode, out);
      return;
    case 'AssignmentPattern':
      patternNames(node.left as AnyNode, out);
      return;
    default:
      return;
  }
}

/**
 * The CommonJS wrapper's parameters: a top-level declaration of one of these names is the
 * parameter's binding, which sloppy code writes through `arguments[i]` without naming it.
 */
const WRAPPER_PARAMETERS: readonly string[] = ['exports', 'require', 'module', '__filename', '__dirname'];

function topLevelDeclarations(
  program: AnyNode,
  declared: Map<string, number>,
  functions: Map<string, { start: number; end: number }>,
  statementFunctions: Set<number>,
): void {
  const count = (name: string): void => {
    declared.set(name, (declared.get(name) ?? 0) + 1);
  };
  for (let statement of program.body as AnyNode[]) {
    if ((statement.type === 'ExportNamedDeclaration' || statement.type === 'ExportDefaultDeclaration') && isNode(statement.declaration)) {
      statement = statement.declaration;
    }
    switch (statement.type) {
      case 'ImportDeclaration':
        for (const s of statement.specifiers as AnyNode[]) count((s.local as AnyNode).name as string);
        break;
      case 'FunctionDeclaration':
      case 'ClassDeclaration': {
        const id = statement.id as AnyNode | null;
        if (id === null) break;
        count(id.name as string);
        if (statement.type === 'FunctionDeclaration') {
          functions.set(id.name as string, { start: statement.start, end: statement.end });
          statementFunctions.add(statement.start);
        }
        break;
      }
      case 'VariableDeclaration':
        for (const d of statement.declarations as AnyNode[]) {
          const names: string[] = [];
          patternNames(d.id as AnyNode, names);
          for (const n of names) count(n);
          const init = d.init as AnyNode | null;
          const id = d.id as AnyNode;
          if (statement.kind === 'const' && id.type === 'Identifier' && init !== null && (init.type === 'FunctionExpression' || init.type === 'ArrowFunctionExpression')) {
            functions.set(id.name as string, { start: init.start, end: init.end });
          }
        }
        break;
      default:
        // `var` inside top-level blocks and loops is a top-level binding too: counted by the walk below.
        break;
    }
  }
}

/** Parses `text`; undefined when it does not parse (then nothing about it is proved). */
export function textFacts(text: string, esModule: boolean): TextFacts | undefined {
  let program: AnyNode;
  try {
    const acorn = require('acorn') as typeof import('acorn');
    program = acorn.parse(text, {
      ecmaVersion: 'latest',
      sourceType: esModule ? 'module' : 'script',
      allowHashBang: true,
      allowReturnOutsideFunction: !esModule,
      allowAwaitOutsideFunction: true,
    }) as unknown as AnyNode;
  } catch {
    return undefined;
  }
  const declared = new Map<string, number>();
  const functions = new Map<string, { start: number; end: number }>();
  const statementFunctions = new Set<number>();
  topLevelDeclarations(program, declared, functions, statementFunctions);
  if (!esModule) for (const name of WRAPPER_PARAMETERS) if (declared.has(name)) declared.set(name, (declared.get(name) ?? 0) + 2);
  const assigned = new Set<string>();
  const topLevelFunctions = new Set<number>();
  let dynamic = false;
  // Iterative walk with the "only glue above" flag carried down.
  const stack: Array<{ node: AnyNode; glue: boolean; depth: number }> = [{ node: program, glue: true, depth: 0 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { node, glue, depth } = item;
    switch (node.type) {
      case 'Identifier':
        if (node.name === 'eval') dynamic = true;
        break;
      case 'WithStatement':
        dynamic = true;
        break;
      case 'AssignmentExpression':
        written(node.left as AnyNode, assigned);
        break;
      case 'UpdateExpression':
        written(node.argument as AnyNode, assigned);
        break;
      case 'ForInStatement':
      case 'ForOfStatement':
        if ((node.left as AnyNode).type !== 'VariableDeclaration') written(node.left as AnyNode, assigned);
        break;
      case 'FunctionDeclaration': {
        // A function declared in a block (`if (c) { function h() {…} }`) assigns the top-level `h`
        // in sloppy code when the block runs (Annex B), with a closure over the block: the name is
        // unprovable. Counted wherever it is nested (conservative: a local `function h` in another
        // function makes a top-level `h` unprovable too, which costs only a walk).
        const id = node.id as AnyNode | null;
        if (id !== null && !statementFunctions.has(node.start)) declared.set(id.name as string, (declared.get(id.name as string) ?? 0) + 2);
        break;
      }
      case 'VariableDeclaration':
        // A `var` below the top level (in a block or loop) still declares a top-level binding; a
        // second declaration makes the name unprovable, which counting it does.
        if (depth > 1 && node.kind === 'var') {
          for (const d of node.declarations as AnyNode[]) {
            const names: string[] = [];
            patternNames(d.id as AnyNode, names);
            for (const n of names) declared.set(n, (declared.get(n) ?? 0) + 2);
          }
        }
        break;
      default:
        break;
    }
    if (FUNCTION_TYPES.has(node.type) && glue) topLevelFunctions.add(node.start);
    const below = glue && GLUE.has(node.type);
    for (const child of children(node)) stack.push({ node: child, glue: below, depth: depth + 1 });
  }
  return { text, declared, functions, assigned, dynamic, topLevelFunctions };
}

function written(target: AnyNode, into: Set<string>): void {
  const names: string[] = [];
  patternNames(target, names);
  for (const n of names) into.add(n);
}
