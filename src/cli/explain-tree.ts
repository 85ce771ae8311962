/** The dependency tree as indented text: kind, name, location and hash of every node. */
import type { DependencyNode, Explanation } from '../explanation';
import { shortHash } from './format';
import type { Style } from './output';

function describe(node: DependencyNode, style: Style): string {
  const dynamic = node.kind === 'dynamic';
  const parts = [style.dim(node.kind), dynamic ? style.red(node.name) : style.bold(node.name)];
  // A dynamic node's preview is the analyser's warning text: the flag below says it shorter.
  if (node.preview !== undefined && !dynamic) parts.push(`= ${node.preview}`);
  if (node.location !== undefined) parts.push(style.cyan(node.location));
  if (node.hash !== '') parts.push(style.dim(shortHash(node.hash)));
  if (dynamic) parts.push(style.red('[dynamic: not followed]'));
  return parts.join('  ');
}

export function renderTree(explanation: Explanation, style: Style): string[] {
  const lines = [describe(explanation.root, style)];
  const walk = (node: DependencyNode, prefix: string): void => {
    node.children.forEach((child, i) => {
      const last = i === node.children.length - 1;
      lines.push(`${prefix}${last ? '└── ' : '├── '}${describe(child, style)}`);
      walk(child, `${prefix}${last ? '    ' : '│   '}`);
    });
  };
  walk(explanation.root, '');
  if (explanation.dynamic.length > 0) {
    lines.push(style.red('dynamic dependencies (explain cannot see what they reach; declare them with dependsOn):'));
    for (const reason of explanation.dynamic) lines.push(style.red(`  - ${reason}`));
  }
  return lines;
}
