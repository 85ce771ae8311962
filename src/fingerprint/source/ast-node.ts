/**
 * A loose, read-only view of acorn's ESTree nodes. The printer and the walkers read fields by name
 * from a table, so they need index access; these helpers check the shape at the one place a field
 * is read instead of casting throughout.
 */
export interface AstNode {
  readonly type: string;
  readonly [field: string]: unknown;
}

export function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** The child node in `field`, or null when absent. */
export function nodeAt(node: AstNode, field: string): AstNode | null {
  const value = node[field];
  return isNode(value) ? value : null;
}

/** The child nodes in an array `field` (holes stay null); [] when absent. */
export function nodesAt(node: AstNode, field: string): ReadonlyArray<AstNode | null> {
  const value = node[field];
  return Array.isArray(value) ? (value as Array<AstNode | null>) : [];
}

export function stringAt(node: AstNode, field: string): string {
  const value = node[field];
  return typeof value === 'string' ? value : '';
}

/** The name of an Identifier / PrivateIdentifier node. */
export function nameOf(node: AstNode): string {
  return stringAt(node, 'name');
}

/** Property name of a member/key when it is known without running code: `a.b`, `a['b']`, `a[0]`. */
export function staticKey(key: AstNode, computed: boolean): string | undefined {
  if (!computed) {
    if (key.type === 'Identifier') return nameOf(key);
    if (key.type === 'PrivateIdentifier') return `#${nameOf(key)}`;
  }
  // obj[`a`] is obj.a: a template without expressions is a constant string.
  if (key.type === 'TemplateLiteral') return constantString(key);
  if (key.type !== 'Literal' || key['regex'] !== undefined) return undefined;
  // String(value) is exactly the property-key conversion for strings, numbers, bigints, booleans, null.
  const value = key['value'];
  return typeof value === 'object' && value !== null ? undefined : String(value);
}

/** The value of a string literal or an expression-free template literal; undefined otherwise. */
export function constantString(node: AstNode | null): string | undefined {
  if (node === null) return undefined;
  if (node.type === 'Literal') {
    const value = node['value'];
    return typeof value === 'string' ? value : undefined;
  }
  if (node.type === 'TemplateLiteral' && nodesAt(node, 'expressions').length === 0) {
    const quasi = nodesAt(node, 'quasis')[0];
    const cooked = quasi ? (quasi['value'] as { cooked?: unknown } | undefined)?.cooked : undefined;
    return typeof cooked === 'string' ? cooked : undefined;
  }
  return undefined;
}

/** Every child node of `node`, in field order (`loc` and `range` skipped). */
export function childNodes(node: AstNode): AstNode[] {
  const out: AstNode[] = [];
  for (const key of Object.keys(node)) {
    if (key === 'loc' || key === 'range') continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const v of value) if (isNode(v)) out.push(v);
    } else if (isNode(value)) out.push(value);
  }
  return out;
}

/** Identifiers a binding or assignment pattern names (`a`, `{ a, b: [c] }`, `...d`, `e = 1`); member targets name none. */
export function patternNames(pattern: AstNode | null, out: string[] = []): string[] {
  if (pattern === null) return out;
  switch (pattern.type) {
    case 'Identifier':
      out.push(nameOf(pattern));
      break;
    case 'AssignmentPattern':
      patternNames(nodeAt(pattern, 'left'), out);
      break;
    case 'RestElement':
      patternNames(nodeAt(pattern, 'argument'), out);
      break;
    case 'ArrayPattern':
      for (const element of nodesAt(pattern, 'elements')) patternNames(element, out);
      break;
    case 'ObjectPattern':
      for (const p of nodesAt(pattern, 'properties')) if (p !== null) patternNames(p.type === 'RestElement' ? nodeAt(p, 'argument') : nodeAt(p, 'value'), out);
      break;
    default:
      break;
  }
  return out;
}

/** The names a node writes: assignment and update targets, `for (x in/of …)` heads. */
export function writtenNames(node: AstNode): string[] {
  const out: string[] = [];
  if (node.type === 'AssignmentExpression') patternNames(nodeAt(node, 'left'), out);
  else if (node.type === 'UpdateExpression') patternNames(nodeAt(node, 'argument'), out);
  else if (node.type === 'ForInStatement' || node.type === 'ForOfStatement') {
    const left = nodeAt(node, 'left');
    if (left !== null && left.type !== 'VariableDeclaration') patternNames(left, out);
  }
  return out;
}
