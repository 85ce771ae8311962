/**
 * Canonical text of a function's AST: what the code hash is taken over.
 *
 * Format: `(Type:attrs child child …)`; identifiers bare, private names `#x`, literals by value
 * (strings as JSON, so 'a' and "a" print alike, and 0x10 prints 16), null children `~`, arrays
 * `[…]`, statement lists one per line. Positions, comments, `raw` text and parentheses (acorn
 * drops them unless asked) never reach the text, so formatting cannot change the hash; every
 * field that changes what runs does (see normalize-layout.ts for the per-type field list).
 *
 * The text must be injective on ASTs (two different programs must never print alike, or a
 * changed function would keep its hash): every field's position is fixed by the node type, each
 * token is self-delimiting, and a bare identifier can only stand where an Identifier node stands.
 * Booleans/null literals print as `true`/`false`/`null`; the only Identifiers spelled that way are
 * non-computed property names, where acorn never produces a Literal.
 */
import { sha256 } from '../../hash';
import { LAYOUT, POSITION_FIELDS } from './normalize-layout';
import { isNode, nodeAt, nodesAt, nameOf, type AstNode } from './ast-node';
import { alphaTokens, isNameField } from './alpha';

type Mode = 'attr' | 'child' | 'list';
interface FieldSpec { readonly name: string; readonly mode: Mode }

const SPECS: ReadonlyMap<string, readonly FieldSpec[]> = new Map(
  Object.entries(LAYOUT).map(([type, layout]) => [type, layout.map(toSpec)]),
);

function toSpec(field: string): FieldSpec {
  if (field.startsWith('@')) return { name: field.slice(1), mode: 'attr' };
  if (field.startsWith('*')) return { name: field.slice(1), mode: 'list' };
  return { name: field, mode: 'child' };
}

/** Renamed local variables of the node being printed (alpha.ts). */
let tokens: ReadonlyMap<AstNode, string> | undefined;

/**
 * Canonical text of one node (usually the function, class or method node). Its parameters and
 * local variables print as their place in it (`%0`, `%1`: alpha.ts), so a consistent rename keeps
 * the text; `%` cannot start an identifier, so such a token never reads as a name.
 */
export function normalizeNode(node: AstNode): string {
  tokens = alphaTokens(node);
  try {
    return printNode(node, '');
  } finally {
    tokens = undefined;
  }
}

/** sha256 hex of canonical text. */
export function hashNormalized(text: string): string {
  return sha256(text, 'hex');
}

export { sha256 };

function printNode(node: AstNode, indent: string): string {
  switch (node.type) {
    case 'Identifier':
      return tokens?.get(node) ?? nameOf(node);
    case 'PrivateIdentifier':
      return `#${nameOf(node)}`;
    case 'Literal':
      return printLiteral(node);
    case 'TemplateLiteral':
      return printTemplate(node, false, indent);
    case 'TaggedTemplateExpression':
      return printTagged(node, indent);
    case 'ExpressionStatement':
      // A directive prologue ('use strict', 'use cache') changes semantics, so it stays; acorn
      // gives its text without quotes, so the quote style does not matter.
      if (typeof node['directive'] === 'string') return `(Directive ${JSON.stringify(node['directive'])})`;
      break;
  }
  const specs = SPECS.get(node.type);
  if (specs === undefined) return printUnknown(node, indent);
  // `{ __proto__ }` makes an own property named __proto__; `{ __proto__: v }` sets the prototype.
  // Every other shorthand `{ a }` is `{ a: a }`, so only this one prints its form.
  if (node.type === 'Property' && node['shorthand'] === true && node['computed'] !== true && nodeAt(node, 'key')?.type === 'Identifier' && nameOf(nodeAt(node, 'key') as AstNode) === '__proto__') {
    return printLaidOut(node, specs, indent).replace(/^\(Property/, '(Property:own-proto');
  }
  return printLaidOut(node, specs, indent);
}

function printLaidOut(node: AstNode, specs: readonly FieldSpec[], indent: string): string {
  let attrs = '';
  let body = '';
  for (const spec of specs) {
    const value = node[spec.name];
    if (spec.mode === 'attr') {
      const attr = printAttr(spec.name, value);
      if (attr !== '') attrs += attrs === '' ? attr : `,${attr}`;
    } else if (spec.mode === 'list') {
      body += printStatements(value, indent);
    } else if (isNode(value) && value.type === 'Identifier' && isNameField(node, spec.name)) {
      // A property, member, label or meta name is never a variable: always its own spelling.
      body += ` ${nameOf(value)}`;
    } else {
      body += ` ${printChild(value, indent)}`;
    }
  }
  return `(${node.type}${attrs === '' ? '' : `:${attrs}`}${body})`;
}

/** Booleans print their field name when true; strings (operators, kinds) print their value. */
function printAttr(name: string, value: unknown): string {
  if (value === true) return name;
  if (typeof value === 'string') return value.replace(/\s+/g, '_'); // 'await using'
  return '';
}

function printChild(value: unknown, indent: string): string {
  if (value === null || value === undefined) return '~';
  if (Array.isArray(value)) return `[${value.map((item) => printChild(item, indent)).join(' ')}]`;
  if (isNode(value)) return printNode(value, indent);
  return printScalar(value);
}

/** One statement per line; `;` on its own is a no-op in a list and is dropped. */
function printStatements(value: unknown, indent: string): string {
  if (!Array.isArray(value)) return ` ${printChild(value, indent)}`;
  const inner = `${indent}  `;
  let out = '';
  for (const statement of value) {
    if (isNode(statement) && statement.type === 'EmptyStatement') continue;
    out += `\n${inner}${printChild(statement, inner)}`;
  }
  return out;
}

function printLiteral(node: AstNode): string {
  const regex = node['regex'] as { pattern: string; flags: string } | undefined;
  if (regex !== undefined) return `/${JSON.stringify(regex.pattern)}/${[...regex.flags].sort().join('')}`;
  if (typeof node['bigint'] === 'string') return `${BigInt(node['bigint']).toString()}n`; // 0x10n is 16n
  return printScalar(node['value']);
}

function printScalar(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      // 1e999 is the only literal that is not finite; `Infinity` would read as an identifier.
      return Number.isFinite(value) ? String(value) : '1e999';
    case 'bigint':
      return `${value.toString()}n`;
    case 'boolean':
      return String(value);
    case 'undefined':
      return '~';
    default:
      return value === null ? 'null' : printPlainObject(value as object);
  }
}

/**
 * Untagged templates by cooked value (`\x41` is `A`); tagged ones by raw text too, because the
 * tag function receives `strings.raw`.
 */
function printTemplate(node: AstNode, tagged: boolean, indent: string): string {
  const quasis = nodesAt(node, 'quasis');
  const expressions = nodesAt(node, 'expressions');
  let out = tagged ? '(TemplateLiteral:raw' : '(TemplateLiteral';
  quasis.forEach((quasi, i) => {
    const value = (quasi?.['value'] ?? {}) as { cooked?: unknown; raw?: unknown };
    out += ` ${printScalar(tagged ? value.raw : value.cooked)}`;
    if (i < expressions.length) out += ` ${printChild(expressions[i], indent)}`;
  });
  return `${out})`;
}

function printTagged(node: AstNode, indent: string): string {
  const tag = printChild(nodeAt(node, 'tag'), indent);
  const quasi = nodeAt(node, 'quasi');
  return `(TaggedTemplateExpression ${tag} ${quasi === null ? '~' : printTemplate(quasi, true, indent)})`;
}

/** A node type this version does not know: every non-position field, labelled, sorted. */
function printUnknown(node: AstNode, indent: string): string {
  const fields = Object.keys(node).filter((k) => k !== 'type' && !POSITION_FIELDS.has(k)).sort();
  return `(${node.type}${fields.map((k) => ` ${k}=${printChild(node[k], indent)}`).join('')})`;
}

function printPlainObject(value: object): string {
  const record = value as Record<string, unknown>;
  const fields = Object.keys(record).filter((k) => !POSITION_FIELDS.has(k)).sort();
  return `{${fields.map((k) => `${k}=${printChild(record[k], '')}`).join(' ')}}`;
}
