/**
 * Parameter names by position, so `ignore: ['log']` can be turned into a position:
 * `(a, {b}, c = 1, ...rest)` → ['a', undefined, 'c', '...rest'] (a rest parameter keeps its dots:
 * ignoring it leaves out every argument from its position on).
 */
import { nodeAt, nodesAt, nameOf, type AstNode } from './ast-node';

export function paramNames(fn: AstNode | null): Array<string | undefined> {
  if (fn === null) return [];
  return nodesAt(fn, 'params').map(paramName);
}

function paramName(param: AstNode | null): string | undefined {
  if (param === null) return undefined;
  switch (param.type) {
    case 'Identifier':
      return nameOf(param);
    case 'AssignmentPattern':
      return paramName(nodeAt(param, 'left'));
    case 'RestElement': {
      const name = paramName(nodeAt(param, 'argument'));
      return name === undefined ? undefined : `...${name}`;
    }
    default:
      return undefined; // a destructuring pattern has no single name
  }
}
