/**
 * `explain --html`: one self-contained page (inline CSS and SVG, no script, no font, no URL) so it
 * opens offline, from a CI artifact or an e-mail attachment, exactly as it was written.
 */
import type { DependencyNode } from '../explanation';
import type { CodeChange, FunctionDiff } from './explain-diff';
import { renderTree } from './explain-tree';
import type { ExplainedFunction } from './explain-types';
import { isoTime, shortHash } from './format';
import { CHAR_WIDTH, LINE_HEIGHT, layoutTree, type Layout, type PlacedNode } from './graph-layout';
import { diffLines } from './line-diff';
import { plainStyle } from './output';

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

function tipOf(p: PlacedNode): string {
  if (p.members !== undefined) return p.members.map((m) => `${m.kind} ${m.name}${m.preview === undefined ? '' : ` = ${m.preview}`}`).join('\n');
  const lines = [`${p.node.kind} ${p.node.name}`, p.node.location, `hash ${p.node.hash}`, `fingerprint ${p.node.fingerprint}`];
  if (p.roles.includes('repeat')) lines.push('shared: its dependencies are drawn where it is first reached');
  return lines.filter((s) => s !== undefined).join('\n');
}

function nodeSvg(p: PlacedNode): string {
  const dynamic = p.node.kind === 'dynamic';
  const tip = tipOf(p);
  const classes = ['node', `kind-${p.node.kind}`, ...(dynamic ? ['dynamic'] : []), ...p.roles].join(' ');
  const text = p.lines
    .map((line, i) => `<text x="${p.x + 8}" y="${p.y + 6 + (i + 1) * LINE_HEIGHT - 4}"${i === 0 ? ' class="head"' : ''}>${escapeXml(line)}</text>`)
    .join('');
  return `<g class="${classes}"><title>${escapeXml(tip)}</title><rect x="${p.x}" y="${p.y}" width="${p.width}" height="${p.height}" rx="6" fill="${KIND_COLOURS[p.node.kind] ?? '#ffffff'}"/>${text}</g>`;
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

function codeDiffHtml(c: CodeChange): string {
  const title = c.before === undefined ? 'added' : c.after === undefined ? 'removed' : 'code of';
  const rows = diffLines(c.before ?? '', c.after ?? '')
    .map((l) => {
      const cls = l.op === '-' ? 'del' : l.op === '+' ? 'ins' : 'same';
      return `<span class="${cls}">${escapeXml(`${l.op} ${l.text}`)}</span>`;
    })
    .join('\n');
  return `<div class="code"><p class="codehead">${title} <b>${escapeXml(c.name)}</b>${c.location === undefined ? '' : ` <span class="loc">${escapeXml(c.location)}</span>`}</p><pre class="diff">${rows}</pre></div>`;
}

function diffHtml(d: FunctionDiff): string {
  const status =
    d.status === 'never-stored'
      ? 'nothing stored yet'
      : d.status === 'unchanged'
        ? `unchanged since ${isoTime(d.storedAt)}`
        : d.status === 'changed'
          ? `changed since ${isoTime(d.storedAt)} (${d.mode === 'live' ? `fingerprint ${shortHash(d.stored)} → ${shortHash(d.current)}` : 'found by reading the source, nothing was run'})`
          : `source edited since ${isoTime(d.storedAt)} (${escapeXml(d.edited.join(', '))}), ${d.uncompared === true ? 'its code is not compared without running' : "no function's code changed"}`;
  const cls = d.status === 'changed' ? 'status changed' : d.status === 'unchanged' ? 'status same' : 'status edited';
  const changes = d.changes.length === 0 ? '' : `<ul class="changes">${d.changes.map((c) => `<li>${escapeXml(c)}</li>`).join('')}</ul>`;
  const note = d.note === undefined || d.note === '' ? '' : `<p class="meta">${escapeXml(d.note)}</p>`;
  const last =
    d.last === undefined
      ? ''
      : `<details class="last"><summary>last recorded change, ${escapeXml(isoTime(d.last.at))} (fingerprint ${escapeXml(shortHash(d.last.from))} → ${escapeXml(shortHash(d.last.to))})</summary><ul class="changes">${d.last.changes.map((c) => `<li>${escapeXml(c)}</li>`).join('')}</ul>${d.last.code.map(codeDiffHtml).join('')}</details>`;
  return `<p class="${cls}">${escapeXml(status)}</p>${changes}${d.code.map(codeDiffHtml).join('')}${note}${last}`;
}

function countNodes(node: DependencyNode): number {
  return 1 + node.children.reduce((n, c) => n + countNodes(c), 0);
}

function section(f: ExplainedFunction, diff: FunctionDiff | undefined): string {
  const layout = layoutTree(f.explanation.root, diff === undefined ? {} : { changed: diff.changedNodes });
  const dynamic = f.explanation.dynamic.length === 0 ? '' : `<p class="warn">dynamic dependencies (not followed):</p><ul class="warn">${f.explanation.dynamic.map((d) => `<li>${escapeXml(d)}</li>`).join('')}</ul>`;
  const omitted = layout.omitted === 0 ? '' : `<p class="warn">${layout.omitted} more nodes not drawn (the full tree is below)</p>`;
  const stored = f.stored === undefined ? '' : ` · stored ${escapeXml(isoTime(f.stored))}`;
  const text = renderTree(f.explanation, plainStyle).join('\n');
  const outline = `<details class="outline"><summary>the whole tree as text (${countNodes(f.explanation.root)} nodes)</summary><pre>${escapeXml(text)}</pre></details>`;
  return `<section><h2>${escapeXml(f.name)}</h2><p class="meta">${escapeXml(f.explanation.root.location ?? f.file)} · fingerprint <code>${escapeXml(f.fingerprint)}</code>${stored}</p>${diff === undefined ? '' : diffHtml(diff)}${dynamic}${omitted}<div class="graph">${graphSvg(layout)}</div>${outline}</section>`;
}

export function renderHtml(file: string, functions: readonly ExplainedFunction[], diffs?: readonly FunctionDiff[], generated: Date = new Date()): string {
  const css = `body{font:14px system-ui,sans-serif;margin:24px;color:#111827;background:#fff}h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 4px}
.meta{color:#4b5563;margin:0 0 8px}.warn{color:#b91c1c;margin:4px 0}.graph{overflow:auto;max-height:80vh;border:1px solid #e5e7eb;border-radius:8px}
svg text{font:12px monospace;fill:#111827}svg text.head{font-weight:bold}svg rect{stroke:#6b7280;stroke-width:1}
.dynamic rect{stroke:#b91c1c;stroke-width:2;stroke-dasharray:5 3}.edge{fill:none;stroke:#9ca3af;stroke-width:1.5}
.repeat rect{stroke-dasharray:3 3;opacity:.75}.group rect{fill:#f9fafb;stroke-dasharray:6 2}
.changed rect{stroke:#dc2626;stroke-width:3;fill:#fee2e2}.changed text{fill:#7f1d1d}
.status{font-weight:bold;margin:4px 0}.status.changed{color:#b91c1c}.status.same{color:#15803d}.status.edited{color:#b45309}
.changes{margin:4px 0 8px}.code{margin:8px 0}.codehead{margin:0 0 2px}.loc{color:#0e7490;font-family:monospace}
pre{font:12px/1.4 monospace;background:#f9fafb;border:1px solid #e5e7eb;border-radius:6px;padding:8px;overflow:auto}
pre.diff span{display:block;white-space:pre}pre.diff .del{background:#fee2e2;color:#991b1b}pre.diff .ins{background:#dcfce7;color:#166534}
details{margin:8px 0}summary{cursor:pointer;color:#374151}
.key{display:inline-block;margin-right:10px}.swatch{display:inline-block;width:12px;height:12px;border:1px solid #6b7280;border-radius:3px;margin-right:4px;vertical-align:-2px}`;
  const byName = new Map((diffs ?? []).map((d) => [d.name, d] as const));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>smartcache explain ${escapeXml(file)}</title>
<meta name="generator" content="smartcache explain --html; char width ${CHAR_WIDTH}px">
<style>${css}</style></head>
<body><h1>Dependency graph of ${escapeXml(file)}</h1><p class="meta">${functions.length} cached function${functions.length === 1 ? '' : 's'} · ${escapeXml(generated.toISOString())}</p><p>${legend()}${diffs === undefined ? '' : ' <span class="key"><span class="swatch" style="background:#fee2e2;border-color:#dc2626"></span>changed</span>'}</p>
${functions.map((f) => section(f, byName.get(f.name))).join('\n')}
</body></html>
`;
}
