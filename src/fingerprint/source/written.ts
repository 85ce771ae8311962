/**
 * The names a file's text ever writes (`=`, `op=`, `++`, destructuring, `for (… in/of …)` heads),
 * for a binding whose value must not change after the walk read it: `this` handed on with
 * `fn.apply(this, …)` counts as much as `fn` uses its own, which is only sound while `fn` is the
 * function the walk saw (graph/references.ts `forwardEdges`). Undefined when the file proves
 * nothing: `eval` or `with` in it, unparsable, or not the text V8 compiled (the same rule as
 * ./siblings.ts: the text a CommonJS module was compiled from, else the file on disk when it has
 * not been written since this process started). Kept in the analysis cache's packs by text.
 */
import { recordFileFacts, restoreFileFacts } from './analysis-cache';
import { childNodes, nameOf, nodeAt, patternNames, writtenNames, type AstNode } from './ast-node';
import { parsedFile, sourceFile } from './file-ast';

const FACTS_KIND = 'written-2';
const byFile = new Map<string, ReadonlySet<string> | undefined>();

const IMPORTS: ReadonlySet<string> = new Set(['ImportSpecifier', 'ImportDefaultSpecifier', 'ImportNamespaceSpecifier']);

/**
 * Every name the text writes, or null when it has `eval` or `with` (anything may be written). An
 * imported name counts as written: it is a live binding its own module may assign.
 */
function written(ast: AstNode): string[] | null {
  const out = new Set<string>();
  const stack: AstNode[] = [ast];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if ((node.type === 'Identifier' && nameOf(node) === 'eval') || node.type === 'WithStatement') return null;
    if (IMPORTS.has(node.type)) for (const name of patternNames(nodeAt(node, 'local'))) out.add(name);
    for (const name of writtenNames(node)) out.add(name);
    for (const child of childNodes(node)) stack.push(child);
  }
  return [...out].sort();
}

function isRow(row: unknown): row is string[] | null {
  return row === null || (Array.isArray(row) && row.every((n) => typeof n === 'string'));
}

export function namesWrittenIn(file: string): ReadonlySet<string> | undefined {
  if (byFile.has(file)) return byFile.get(file);
  let known: ReadonlySet<string> | undefined;
  const source = sourceFile(file);
  if (source.quiet && source.text !== '') {
    let row = restoreFileFacts(FACTS_KIND, source.text);
    if (!isRow(row)) {
      const ast = parsedFile(file).ast;
      row = ast === null ? undefined : written(ast);
      if (row !== undefined) recordFileFacts(FACTS_KIND, source.text, row);
    }
    if (Array.isArray(row)) known = new Set(row);
  }
  byFile.set(file, known);
  return known;
}
