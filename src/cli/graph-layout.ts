/**
 * A layered tree layout for dependency graphs, done here so the HTML needs no script or library:
 * depth gives the column (left to right, like a call tree), leaves take consecutive rows, and a
 * parent sits level with its first child, so the root is at the top left, visible first however
 * big the graph. Trees from explain() expand each shared subtree once (later occurrences are
 * leaves, drawn as references to it), so nothing ever overlaps.
 *
 * Big graphs stay readable: a run of more than LEAF_RUN plain leaves under one parent (the
 * constants of a config object, the built-ins a parser calls) is drawn as its first few and one
 * summary box naming the rest; changed nodes are never folded into a summary.
 */
import type { DependencyNode } from '../explanation';

export interface PlacedNode {
  readonly id: number;
  readonly node: DependencyNode;
  /** Extra roles for styling: 'changed', 'repeat' (a subtree drawn elsewhere), 'group'. */
  readonly roles: readonly string[];
  /** For a group: the nodes it stands for. */
  readonly members?: readonly DependencyNode[];
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
/** More leaves than this under one parent are folded: the first LEAF_SHOWN, then a summary. */
const LEAF_RUN = 8;
const LEAF_SHOWN = 5;

export interface LayoutOptions {
  /** Nodes to highlight (from `--diff`); never folded away. */
  readonly changed?: ReadonlySet<DependencyNode>;
}

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
  roles: string[];
  members?: readonly DependencyNode[];
  depth: number;
  lines: string[];
  width: number;
  height: number;
  children: Pending[];
  y: number;
}

/** Subtrees by identity of content: a later leaf with the same one is a reference, not new. */
function subtreeKey(n: DependencyNode): string {
  return `${n.kind}\u0000${n.hash}\u0000${n.fingerprint}`;
}

function expandedKeys(root: DependencyNode): Set<string> {
  const keys = new Set<string>();
  const walk = (n: DependencyNode): void => {
    if (n.children.length > 0) keys.add(subtreeKey(n));
    n.children.forEach(walk);
  };
  walk(root);
  return keys;
}

function groupNode(members: readonly DependencyNode[]): DependencyNode {
  const kinds = [...new Set(members.map((m) => m.kind))].join('/');
  return { kind: 'value', name: `… ${members.length} more ${kinds}`, hash: '', fingerprint: '', children: [] };
}

/** The children to draw: long runs of plain leaves folded into one group box. */
function shownChildren(node: DependencyNode, changed: ReadonlySet<DependencyNode> | undefined): Array<{ node: DependencyNode; members?: DependencyNode[] }> {
  const leaves = node.children.filter((c) => c.children.length === 0 && c.kind !== 'dynamic' && changed?.has(c) !== true);
  if (leaves.length <= LEAF_RUN) return node.children.map((c) => ({ node: c }));
  const folded = new Set(leaves.slice(LEAF_SHOWN));
  const out: Array<{ node: DependencyNode; members?: DependencyNode[] }> = node.children.filter((c) => !folded.has(c)).map((c) => ({ node: c }));
  const members = [...folded];
  out.push({ node: groupNode(members), members });
  return out;
}

function build(root: DependencyNode, options: LayoutOptions): { root: Pending; all: Pending[]; omitted: number } {
  const all: Pending[] = [];
  const expanded = expandedKeys(root);
  let omitted = 0;
  const visit = (node: DependencyNode, depth: number, members?: readonly DependencyNode[]): Pending => {
    const roles: string[] = [];
    if (options.changed?.has(node) === true) roles.push('changed');
    if (members !== undefined) roles.push('group');
    else if (node.children.length === 0 && node.kind !== 'cycle' && expanded.has(subtreeKey(node))) roles.push('repeat');
    const lines = nodeLines(node);
    if (roles.includes('repeat')) lines.push('↑ drawn where first reached');
    if (roles.includes('changed')) lines.push('changed');
    const p: Pending = {
      id: all.length,
      node,
      roles,
      ...(members === undefined ? {} : { members }),
      depth,
      lines,
      width: Math.ceil(Math.max(...lines.map((l) => l.length)) * CHAR_WIDTH) + 2 * PAD_X,
      height: lines.length * LINE_HEIGHT + 2 * PAD_Y,
      children: [],
      y: 0,
    };
    all.push(p);
    for (const child of shownChildren(node, options.changed)) {
      if (all.length >= MAX_NODES) {
        omitted += countNodes(child.node);
        continue;
      }
      p.children.push(visit(child.node, depth + 1, child.members));
    }
    return p;
  };
  return { root: visit(root, 0), all, omitted };
}

function countNodes(node: DependencyNode): number {
  return 1 + node.children.reduce((n, c) => n + countNodes(c), 0);
}

/** Leaves stack downwards; a parent is level with its first child. Returns next free y. */
function placeRows(p: Pending, top: number): number {
  p.y = top;
  if (p.children.length === 0) return top + p.height + ROW_GAP;
  let next = top;
  for (const c of p.children) next = placeRows(c, next);
  return Math.max(next, p.y + p.height + ROW_GAP);
}

export function layoutTree(root: DependencyNode, options: LayoutOptions = {}): Layout {
  const { root: tree, all, omitted } = build(root, options);
  const bottom = placeRows(tree, MARGIN);
  const columnWidth: number[] = [];
  for (const p of all) columnWidth[p.depth] = Math.max(columnWidth[p.depth] ?? 0, p.width);
  const columnX: number[] = [];
  let x = MARGIN;
  for (let d = 0; d < columnWidth.length; d++) {
    columnX[d] = x;
    x += (columnWidth[d] ?? 0) + COLUMN_GAP;
  }
  const nodes = all.map((p): PlacedNode => ({ id: p.id, node: p.node, roles: p.roles, ...(p.members === undefined ? {} : { members: p.members }), depth: p.depth, x: columnX[p.depth] ?? MARGIN, y: p.y, width: p.width, height: p.height, lines: p.lines }));
  const edges = all.flatMap((p) => p.children.map((c) => ({ from: p.id, to: c.id })));
  return { nodes, edges, width: Math.ceil(x - COLUMN_GAP + MARGIN), height: Math.ceil(bottom - ROW_GAP + MARGIN), omitted };
}
