/**
 * `explain --html`: one self-contained page (inline CSS and SVG, no script, no font, no URL) so it
 * opens offline, from a CI artifact or an e-mail attachment, exactly as it was written.
 */
import type { DependencyNode } from '../explanation';
import type { ExplainedFunction } from './explain-types';
import { CHAR_WIDTH, LINE_HEIGHT, layoutTree, type Layout, type PlacedNode } from './graph-layout';

const KIND_COLOURS: Readonly<Record<DependencyNode['kind'], string>> = {
  function: '#dbeafe',
  class: '#e0e7ff',
  value: '#dcfce7',
  module: '#fef9c3',
  package: '#fde68a',
  builtin: '#e5e7eb',
  json: '#ccfbf1',
  cycle: '#f3e8ff',
  dynamic: '#fee2e2',
  global: '#fae8ff',
};

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function edgePath(from: PlacedNode, to: PlacedNode): string {
  const x1 = from.x + from.width;
  const y1 = from.y + from.height / 2;
  const x2 = to.x;
  const y2 = to.y + to.height / 2;
  const mid = (x1 + x2) / 2;
  return `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`;
}

function nodeSvg(p: PlacedNode): string {
  const dynamic = p.node.kind === 'dynamic';
  const tip = [`${p.node.kind} ${p.node.name}`, p.node.location, `hash ${p.node.hash}`, `fingerprint ${p.node.fingerprint}`].filter((s) => s !== undefined).join('\n');
  const text = p.lines
    .map((line, i) => `<text x="${p.x + 8}" y="${p.y + 6 + (i + 1) * LINE_HEIGHT - 4}"${i === 0 ? ' class="head"' : ''}>${escapeXml(line)}</text>`)
    .join('');
  return `<g class="node kind-${p.node.kind}${dynamic ? ' dynamic' : ''}"><title>${escapeXml(tip)}</title><rect x="${p.x}" y="${p.y}" width="${p.width}" height="${p.height}" rx="6" fill="${KIND_COLOURS[p.node.kind] ?? '#ffffff'}"/>${text}</g>`;
}

export function graphSvg(layout: Layout): string {
  const byId = new Map(layout.nodes.map((n) => [n.id, n] as const));
  const edges = layout.edges
    .map((e) => {
      const from = byId.get(e.from);
      const to = byId.get(e.to);
      return from === undefined || to === undefined ? '' : `<path class="edge" d="${edgePath(from, to)}"/>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" role="img">${edges}${layout.nodes.map(nodeSvg).join('')}</svg>`;
}

function legend(): string {
  return Object.entries(KIND_COLOURS)
    .map(([kind, colour]) => `<span class="key"><span class="swatch" style="background:${colour}"></span>${kind}</span>`)
    .join(' ');
}

function section(f: ExplainedFunction): string {
  const layout = layoutTree(f.explanation.root);
  const dynamic = f.explanation.dynamic.length === 0 ? '' : `<p class="warn">dynamic dependencies (not followed):</p><ul class="warn">${f.explanation.dynamic.map((d) => `<li>${escapeXml(d)}</li>`).join('')}</ul>`;
  const omitted = layout.omitted === 0 ? '' : `<p class="warn">${layout.omitted} more nodes not drawn</p>`;
  return `<section><h2>${escapeXml(f.name)}</h2><p class="meta">${escapeXml(f.explanation.root.location ?? f.file)} · fingerprint <code>${escapeXml(f.fingerprint)}</code></p>${dynamic}${omitted}<div class="graph">${graphSvg(layout)}</div></section>`;
}

export function renderHtml(file: string, functions: readonly ExplainedFunction[], generated: Date = new Date()): string {
  const css = `body{font:14px system-ui,sans-serif;margin:24px;color:#111827;background:#fff}h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 4px}
.meta{color:#4b5563;margin:0 0 8px}.warn{color:#b91c1c;margin:4px 0}.graph{overflow:auto;border:1px solid #e5e7eb;border-radius:8px}
svg text{font:12px monospace;fill:#111827}svg text.head{font-weight:bold}svg rect{stroke:#6b7280;stroke-width:1}
.dynamic rect{stroke:#b91c1c;stroke-width:2;stroke-dasharray:5 3}.edge{fill:none;stroke:#9ca3af;stroke-width:1.5}
.key{display:inline-block;margin-right:10px}.swatch{display:inline-block;width:12px;height:12px;border:1px solid #6b7280;border-radius:3px;margin-right:4px;vertical-align:-2px}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>smartcache explain ${escapeXml(file)}</title>
<meta name="generator" content="smartcache explain --html; char width ${CHAR_WIDTH}px">
<style>${css}</style></head>
<body><h1>Dependency graph of ${escapeXml(file)}</h1><p class="meta">${functions.length} cached function${functions.length === 1 ? '' : 's'} · ${escapeXml(generated.toISOString())}</p><p>${legend()}</p>
${functions.map(section).join('\n')}
</body></html>
`;
}
