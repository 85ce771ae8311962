/**
 * The functions and classes of a JavaScript file as it is on disk now, each with the text
 * `Function.prototype.toString` would give for it, found by parsing the file (acorn) — never by
 * loading it. `explain --diff` matches them against the code stored by the last run.
 */
import type * as Acorn from 'acorn';

export interface SourceFunction {
  /** Own name (`scale`, `area`, `Shape`); '' for an anonymous one. */
  readonly name: string;
  /** 1-based line of its first character. */
  readonly line: number;
  /** As V8 prints it: methods start at their name (without `static`). */
  readonly text: string;
}

type Node = Record<string, unknown> & { type: string; start: number; end: number };

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

function keyName(key: unknown): string {
  if (!isNode(key)) return '';
  if (key.type === 'Identifier' || key.type === 'PrivateIdentifier') return String(key['name']);
  if (key.type === 'Literal') return String(key['value']);
  return '';
}

/** The name a function gets from where it stands: `const f = …`, `exports.f = …`, `{ f: … }`. */
function contextName(parent: Node | undefined): string {
  if (parent === undefined) return '';
  if (parent.type === 'VariableDeclarator') return keyName(parent['id']);
  if (parent.type === 'AssignmentExpression') {
    const left = parent['left'];
    if (isNode(left) && left.type === 'MemberExpression') return keyName(left['property']);
    return keyName(left);
  }
  if (parent.type === 'Property' || parent.type === 'PropertyDefinition') return keyName(parent['key']);
  return '';
}

function parse(text: string): Node | undefined {
  const { Parser } = require('acorn') as typeof Acorn;
  const base: Acorn.Options = { ecmaVersion: 'latest', allowHashBang: true, allowReturnOutsideFunction: true, allowAwaitOutsideFunction: true, allowImportExportEverywhere: true, checkPrivateFields: false };
  // A module first (import/export), else a sloppy script (`with`, legacy octals).
  for (const sourceType of ['module', 'script'] as const) {
    try {
      return Parser.parse(text, { ...base, sourceType, locations: true }) as unknown as Node;
    } catch {
      // try the next form
    }
  }
  return undefined;
}

function lineOf(node: Node): number {
  const loc = node['loc'] as { start?: { line?: number } } | undefined;
  return loc?.start?.line ?? 0;
}

/** Every function, method and class of `text`, or undefined when it does not parse as JavaScript. */
export function sourceFunctions(text: string): SourceFunction[] | undefined {
  const program = parse(text);
  if (program === undefined) return undefined;
  const found: SourceFunction[] = [];
  const methodValues = new Set<unknown>();
  const visit = (node: Node, parent: Node | undefined): void => {
    switch (node.type) {
      case 'MethodDefinition':
      case 'Property': {
        const isMethod = node.type === 'MethodDefinition' || node['method'] === true || node['kind'] === 'get' || node['kind'] === 'set';
        if (isMethod && isNode(node['value'])) {
          methodValues.add(node['value']);
          // V8 prints a method from its name on, without `static` (parse.ts says the same).
          const slice = text.slice(node.start, node.end).replace(/^static\s+/, '');
          found.push({ name: keyName(node['key']), line: lineOf(node), text: slice });
        }
        break;
      }
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
      case 'ClassDeclaration':
      case 'ClassExpression':
        if (!methodValues.has(node)) {
          const own = keyName(node['id']);
          found.push({ name: own !== '' ? own : contextName(parent), line: lineOf(node), text: text.slice(node.start, node.end) });
        }
        break;
      default:
        break;
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === 'loc') continue;
      if (Array.isArray(value)) {
        for (const item of value) if (isNode(item)) visit(item, node);
      } else if (isNode(value)) visit(value, node);
    }
  };
  visit(program, undefined);
  return found;
}
