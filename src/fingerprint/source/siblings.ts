/**
 * Sibling declarations: functions declared directly in the body of one enclosing function share
 * the scopes of that function's activation, so once the inspector has described one of them the
 * walk can take the others' scopes without asking (one `Runtime.getProperties` per function,
 * which materializes every scope of its chain: for a library written as one big closure, such as
 * lodash's `runInContext`, hundreds of bindings each time; issue 13, first call over a real library).
 *
 * The claim (graph-builder.ts checks the live half): let A be a described function whose first
 * scope S is a `Closure` scope, and f a function such that S binds f's name to f itself. If this
 * file's text shows that
 * - f's text occurs once, as a `function` declaration directly in a function body B (not in a
 *   block, a `case` or a label: those declarations are block-scoped or, in sloppy code, Annex B
 *   writes a closure over the block into the function's binding),
 * - A is declared directly in the same body B, at the line V8 reports for it,
 * - f's name is declared once in the whole file (no parameter, variable, catch binding, class or
 *   other function of that name anywhere) and never assigned (`=`, `op=`, `++`, destructuring,
 *   `for (… in/of …)`),
 * - the file has no `eval` and no `with`, and the text read is the text V8 compiled: the one a
 *   CommonJS module was compiled from (../../compiled-sources.ts, after any require hook), or
 *   else the file on disk when it has not been written since this process started,
 * then f is the closure that B's activation S created when it hoisted the declaration (the only
 * write the binding ever gets; closures of another activation are other objects), hence f's
 * scopes are exactly A's. Any doubt answers no, and the inspector describes f as before.
 */
import { recordFileFacts, restoreFileFacts } from './analysis-cache';
import { childNodes, nameOf, nodeAt, nodesAt, patternNames, writtenNames, type AstNode } from './ast-node';
import { lineOf, parsedFile, sourceFile } from './file-ast';

/**
 * A declaration the text proves (every condition of the file comment but the line): its name,
 * its source range, the start of the function body holding it, and the 0-based line of its
 * parameter list (the line V8 reports for the function).
 */
type Provable = readonly [name: string, start: number, end: number, body: number, line: number];

/** Kept in the analysis cache's packs by the file's text (parsing a large file costs more than the calls it saves). */
const FACTS_KIND = 'siblings-1';
const FUNCTIONS: ReadonlySet<string> = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);
/** File -> provable declarations by name (undefined: the file proves nothing). */
const facts = new Map<string, ReadonlyMap<string, Provable> | undefined>();

/** The names a node binds in some scope (a superset is fine: more names only mean more "no"). */
function boundNames(node: AstNode): string[] {
  const out: string[] = [];
  switch (node.type) {
    case 'FunctionDeclaration':
    case 'FunctionExpression':
    case 'ArrowFunctionExpression':
      patternNames(nodeAt(node, 'id'), out);
      for (const p of nodesAt(node, 'params')) patternNames(p, out);
      break;
    case 'ClassDeclaration':
    case 'ClassExpression':
      patternNames(nodeAt(node, 'id'), out);
      break;
    case 'VariableDeclarator':
      patternNames(nodeAt(node, 'id'), out);
      break;
    case 'CatchClause':
      patternNames(nodeAt(node, 'param'), out);
      break;
    case 'ImportSpecifier':
    case 'ImportDefaultSpecifier':
    case 'ImportNamespaceSpecifier':
      patternNames(nodeAt(node, 'local'), out);
      break;
    default:
      break;
  }
  return out;
}

/** Every declaration the text proves, or [] when the file has `eval` or `with`. */
function provable(text: string, ast: AstNode, lineAt: (offset: number) => number): Provable[] {
  const found: Array<{ name: string; start: number; end: number; body: number; paren: number }> = [];
  const declared = new Map<string, number>();
  const assigned = new Set<string>();
  // Each item: a node, whether it is a function's body block, and the start of the body block
  // that holds it directly (-1: its parent is anything else).
  const stack: Array<{ node: AstNode; isBody: boolean; inBody: number }> = [{ node: ast, isBody: false, inBody: -1 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { node, isBody, inBody } = item;
    if ((node.type === 'Identifier' && nameOf(node) === 'eval') || node.type === 'WithStatement') return [];
    for (const name of boundNames(node)) declared.set(name, (declared.get(name) ?? 0) + 1);
    for (const name of writtenNames(node)) assigned.add(name);
    const id = node.type === 'FunctionDeclaration' ? nodeAt(node, 'id') : null;
    if (id !== null && inBody >= 0) {
      found.push({ name: nameOf(id), start: node['start'] as number, end: node['end'] as number, body: inBody, paren: text.indexOf('(', id['end'] as number) });
    }
    const bodyOfFunction = FUNCTIONS.has(node.type) ? nodeAt(node, 'body') : null;
    const here = isBody ? (node['start'] as number) : -1;
    for (const child of childNodes(node)) {
      // Only the function's own body block counts: a nested block's declarations are block-scoped.
      stack.push({ node: child, isBody: child === bodyOfFunction && child.type === 'BlockStatement', inBody: here });
    }
  }
  return found
    .filter((d) => d.paren >= 0 && declared.get(d.name) === 1 && !assigned.has(d.name))
    .map((d) => [d.name, d.start, d.end, d.body, lineAt(d.paren)] as const);
}

function isProvable(row: unknown): row is Provable {
  if (!Array.isArray(row) || row.length !== 5 || typeof row[0] !== 'string') return false;
  return row.slice(1).every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0);
}

/** The provable declarations of a file not written since this process started, by name. */
function factsOf(file: string): ReadonlyMap<string, Provable> | undefined {
  if (facts.has(file)) return facts.get(file);
  let known: ReadonlyMap<string, Provable> | undefined;
  const source = sourceFile(file);
  if (source.quiet && source.text !== '') {
    let rows = restoreFileFacts(FACTS_KIND, source.text);
    if (!Array.isArray(rows) || !rows.every(isProvable)) {
      const ast = parsedFile(file).ast;
      rows = ast === null ? undefined : provable(source.text, ast, (offset) => lineOf(source, offset));
      if (rows !== undefined) recordFileFacts(FACTS_KIND, source.text, rows);
    }
    if (Array.isArray(rows)) known = new Map((rows as Provable[]).map((row) => [row[0], row]));
  }
  facts.set(file, known);
  return known;
}

/**
 * The start of the function body that declares `text` (a function named `name`) directly, when
 * the file proves everything the file comment lists, else undefined. `line`: the 0-based line V8
 * reports for the function (its parameter list), checked when given.
 */
export function siblingBody(file: string, name: string, text: string, line?: number): number | undefined {
  const d = factsOf(file)?.get(name);
  if (d === undefined) return undefined;
  const [, start, end, body, at] = d;
  if (end - start !== text.length || (line !== undefined && line !== at)) return undefined;
  return sourceFile(file).text.slice(start, end) === text ? body : undefined;
}

/** Tests: forget what files proved (they may have been rewritten). */
export function forgetSiblingFacts(): void {
  facts.clear();
}
