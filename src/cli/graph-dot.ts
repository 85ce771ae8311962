/** `explain --dot`: Graphviz source of the same tree, one cluster per cached function. */
import type { DependencyNode } from '../explanation';
import type { ExplainedFunction } from './explain-types';
import { nodeLines } from './graph-layout';

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

export function renderDot(functions: readonly ExplainedFunction[]): string {
  const out = ['digraph smartcache {', '  rankdir=LR;', '  node [shape=box, style="rounded,filled", fillcolor="#f9fafb", fontname="monospace", fontsize=10];'];
  let next = 0;
  const visit = (node: DependencyNode, indent: string): string => {
    const id = `n${next++}`;
    const attrs = [`label=${quote(nodeLines(node).join('\n'))}`];
    if (node.kind === 'dynamic') attrs.push('color="#b91c1c"', 'style="rounded,dashed"');
    out.push(`${indent}${id} [${attrs.join(', ')}];`);
    for (const child of node.children) out.push(`${indent}${id} -> ${visit(child, indent)};`);
    return id;
  };
  functions.forEach((f, i) => {
    out.push(`  subgraph cluster_${i} {`, `    label=${quote(`${f.name} (${f.file})`)};`);
    visit(f.explanation.root, '    ');
    out.push('  }');
  });
  out.push('}');
  return `${out.join('\n')}\n`;
}
