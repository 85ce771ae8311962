/**
 * A layered tree layout for dependency graphs, done here so the HTML needs no script or library:
 * depth gives the column (left to right, like a call tree), leaves take consecutive rows, and a
 * parent sits centred on its children. Trees from explain() have no shared nodes by construction
 * (a repeated function is a `cycle` leaf), so nothing ever overlaps.
 */
import type { DependencyNode } from '../explanation';

export interface PlacedNode {
  readonly id: number;
  readonly node: DependencyNode;
  readonly depth: number;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly lines: readonly string[];
}

export interface Edge {
  readonly from: number;
  readonly to: number;
}

export interface Layout {
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly Edge[];
  readonly width: number;
  readonly height: number;
  /** Nodes past the cap were left out; the graph says so. */
  readonly omitted: number;
}

export const CHAR_WIDTH = 7.3; // 12px monospace, measured in Chromium's default mono font
export const LINE_HEIGHT = 15;
const PAD_X = 8;
const PAD_Y = 6;
const ROW_GAP = 14;
const COLUMN_GAP = 56;
const MARGIN = 16;
export const MAX_NODES = 1500;

/** The text of a node box: what it is, where it is, and the start of its hash. */
export function nodeLines(node: DependencyNode): string[] {
  const dynamic = node.kind === 'dynamic';
  const head = `${node.kind} ${node.name}${node.preview === undefined || dynamic ? '' : ` = ${node.preview}`}`;
  const lines = [truncate(head, 60)];
  if (node.location !== undefined) lines.push(truncate(node.location, 60));
  if (node.hash !== '') lines.push(shortHashOf(node.hash));
  if (dynamic) lines.push('not followed');
  return lines;
}

function shortHashOf(hash: string): string {
  return /^[0-9a-f]{16,}$/i.test(hash) ? `#${hash.slice(0, 12)}` : hash;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

interface Pending {
  id: number;
  node: DependencyNode;
  depth: number;
  lines: string[];
  width: number;
  height: number;
  children: Pending[];
  y: number;
}

function build(root: DependencyNode): { root: Pending; all: Pending[]; omitted: number } {
  const all: Pending[] = [];
  let omitted = 0;
  const visit = (node: DependencyNode, depth: number): Pending => {
    const lines = nodeLines(node);
    const p: Pending = {
      id: all.length,
      node,
      depth,
      lines,
      width: Math.ceil(Math.max(...lines.map((l) => l.length)) * CHAR_WIDTH) + 2 * PAD_X,
      height: lines.length * LINE_HEIGHT + 2 * PAD_Y,
      children: [],
      y: 0,
    };
    all.push(p);
    for (const child of node.children) {
      if (all.length >= MAX_NODES) {
        omitted += countNodes(child);
        continue;
      }
      p.children.push(visit(child, depth + 1));
    }
    return p;
  };
  return { root: visit(root, 0), all, omitted };
}

function countNodes(node: DependencyNode): number {
  return 1 + node.children.reduce((n, c) => n + countNodes(c), 0);
}

/** Leaves stack downwards; a parent is centred on the span of its children. Returns next free y. */
function placeRows(p: Pending, top: number): number {
  if (p.children.length === 0) {
    p.y = top;
    return top + p.height + ROW_GAP;
  }
  let next = top;
  for (const c of p.children) next = placeRows(c, next);
  const first = p.children[0]!;
  const last = p.children[p.children.length - 1]!;
  const centre = (first.y + last.y + last.height) / 2;
  p.y = Math.max(top, centre - p.height / 2);
  return Math.max(next, p.y + p.height + ROW_GAP);
}

export function layoutTree(root: DependencyNode): Layout {
  const { root: tree, all, omitted } = build(root);
  const bottom = placeRows(tree, MARGIN);
  const columnWidth: number[] = [];
  for (const p of all) columnWidth[p.depth] = Math.max(columnWidth[p.depth] ?? 0, p.width);
  const columnX: number[] = [];
  let x = MARGIN;
  for (let d = 0; d < columnWidth.length; d++) {
    columnX[d] = x;
    x += (columnWidth[d] ?? 0) + COLUMN_GAP;
  }
  const nodes = all.map((p): PlacedNode => ({ id: p.id, node: p.node, depth: p.depth, x: columnX[p.depth] ?? MARGIN, y: p.y, width: p.width, height: p.height, lines: p.lines }));
  const edges = all.flatMap((p) => p.children.map((c) => ({ from: p.id, to: c.id })));
  return { nodes, edges, width: Math.ceil(x - COLUMN_GAP + MARGIN), height: Math.ceil(bottom - ROW_GAP + MARGIN), omitted };
}
