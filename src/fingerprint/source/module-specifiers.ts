/**
 * The modules a whole module file loads, from its text: `import … from 'x'`, `export … from 'x'`,
 * `import('x')` and `require('x')` with literal specifiers anywhere in it. A module reached only
 * through `import('./m.mjs')` inside a cached function counts by these files' bytes when it is no
 * CommonJS module with exports to walk (an ES module, or one not loaded yet): its own bytes alone
 * would miss an edit to a helper it imports once it is loaded and nothing is read again.
 */
import type * as Acorn from 'acorn';
import { isNode, type AstNode } from './ast-node';

const BASE: Acorn.Options = { ecmaVersion: 'latest', allowHashBang: true, allowAwaitOutsideFunction: true, allowReturnOutsideFunction: true, allowImportExportEverywhere: true };

function parse(text: string): Acorn.Node | undefined {
  // Loaded on first need, as parse-function.ts does: acorn costs milliseconds to load.
  const acorn = require('acorn') as typeof Acorn;
  for (const sourceType of ['module', 'script'] as const) {
    try {
      return acorn.parse(text, { ...BASE, sourceType });
    } catch {
      // next form; a file neither parses (TypeScript, JSX) is left to the caller
    }
  }
  return undefined;
}

function literalSource(node: AstNode | null | undefined): string | undefined {
  return node !== null && node !== undefined && node.type === 'Literal' && typeof node.value === 'string' ? node.value : undefined;
}

/**
 * Text that is no JavaScript (TypeScript run through tsx, JSX): specifiers found by pattern. One
 * found in a comment or a string only adds a file to the digest (a needless miss at worst).
 */
const SPECIFIER = /\b(?:from|import|require)\s*\(?\s*(['"])([^'"\n]+)\1/g;

function specifiersByPattern(text: string): readonly string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(SPECIFIER)) if (m[2] !== undefined) found.add(m[2]);
  return [...found].sort();
}

/** The literal specifiers the module's text loads, sorted and unique. */
export function moduleSpecifiers(text: string): readonly string[] {
  const root = parse(text);
  if (root === undefined) return specifiersByPattern(text);
  const found = new Set<string>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (const child of node) stack.push(child);
      continue;
    }
    if (!isNode(node)) continue;
    let spec: string | undefined;
    switch (node.type) {
      case 'ImportDeclaration':
      case 'ExportNamedDeclaration':
      case 'ExportAllDeclaration':
      case 'ImportExpression':
        spec = literalSource(node.source as AstNode | null | undefined);
        break;
      case 'CallExpression': {
        const callee = node.callee as AstNode;
        const args = node.arguments as AstNode[];
        if (callee.type === 'Identifier' && callee.name === 'require' && args.length === 1) spec = literalSource(args[0]);
        break;
      }
      default:
        break;
    }
    if (spec !== undefined) found.add(spec);
    for (const key of Object.keys(node)) {
      const child = (node as Record<string, unknown>)[key];
      if (typeof child === 'object' && child !== null) stack.push(child);
    }
  }
  return [...found].sort();
}
