/**
 * The dependency tree `explain()` returns and the CLI stores beside each function's entries,
 * and the human diff of two trees ("helper `scale` (src/math.js:12) changed").
 *
 * Trees are plain data (CBOR- and JSON-able). Locations are project-relative and display-only.
 * Pure: no inspector, no graph. The CLI diffs two stored trees by loading only this file
 * (fingerprint/explain-tree.ts builds the trees).
 */

export type NodeKind = 'function' | 'class' | 'value' | 'module' | 'package' | 'builtin' | 'json' | 'cycle' | 'dynamic' | 'global';

export interface DependencyNode {
  readonly kind: NodeKind;
  /** How the parent refers to it: 'helper', 'CONFIG.factor', 'utils.inner', 'Math.max'. */
  readonly name: string;
  /** Project-relative 'src/math.js:12:3' when known (display only, never hashed). */
  readonly location?: string;
  /** Own content hash (code hash, value hash, 'lodash@4.17.21', ...). */
  readonly hash: string;
  /** Combined with children. */
  readonly fingerprint: string;
  /** Short value preview for constants ('3', '"abc"', '{…}'). */
  readonly preview?: string;
  /**
   * Source text of a function or class (`Function.prototype.toString`: what was hashed, before
   * normalization), so a diff can show the lines that changed. Absent for other kinds, native
   * code, and very long text.
   */
  readonly code?: string;
  readonly children: readonly DependencyNode[];
}

export interface Explanation {
  readonly root: DependencyNode;
  readonly dynamic: readonly string[];
}

function at(location: string | undefined): string {
  if (location === undefined) return '';
  const short = location.replace(/:\d+$/, '');
  return ` (${short})`;
}

function kindWord(n: DependencyNode, isRoot: boolean): string {
  if (isRoot) return n.kind === 'class' ? 'class' : 'function';
  switch (n.kind) {
    case 'function':
      return 'helper';
    case 'class':
      return 'class';
    case 'module':
      return 'module';
    case 'json':
      return 'JSON module';
    case 'package':
      return 'package';
    case 'builtin':
      return 'built-in';
    default:
      return 'value';
  }
}

function ownChangeLine(before: DependencyNode, after: DependencyNode, qualified: string, isRoot: boolean): string {
  if (before.kind === 'package' && after.kind === 'package') return `package \`${before.hash}\` → \`${after.hash}\``;
  if (before.kind === 'value' || before.kind === 'global') {
    if (before.preview !== undefined && after.preview !== undefined && before.preview !== after.preview) {
      return `\`${qualified}\` ${before.preview} → ${after.preview}`;
    }
    return `\`${qualified}\` changed`;
  }
  const where = at(after.location ?? before.location);
  if (!isRoot && after.name === 'extends') return `superclass${where} changed`;
  return `${kindWord(after, isRoot)} \`${qualified}\`${where} changed`;
}

function childName(parent: string, parentNode: DependencyNode, child: DependencyNode): string {
  if (parent === '') return child.name;
  if (parentNode.kind === 'function' || parentNode.kind === 'class') return child.name;
  if (child.name.startsWith('[')) return `${parent}${child.name}`;
  return `${parent}.${child.name}`;
}

function byName(nodes: readonly DependencyNode[]): Map<string, DependencyNode> {
  const map = new Map<string, DependencyNode>();
  for (const n of nodes) if (n.kind !== 'dynamic' && !map.has(n.name)) map.set(n.name, n);
  return map;
}

/**
 * Appends the lines for one node. `ownLine: false` when the caller already named the change
 * (a module member: "module `utils` member `inner` changed" says it; the member's details follow).
 */
function diffInto(lines: string[], before: DependencyNode, after: DependencyNode, qualified: string, isRoot: boolean, ownLine = true): void {
  if (before.fingerprint === after.fingerprint && before.hash === after.hash) return;
  // A back-reference: its change is reported where the node itself is expanded.
  if (before.kind === 'cycle' && after.kind === 'cycle') return;
  if (before.kind !== after.kind) {
    lines.push(`\`${qualified}\` changed from ${before.kind} to ${after.kind}`);
    return;
  }
  const start = lines.length;
  if (before.hash !== after.hash && ownLine) lines.push(ownChangeLine(before, after, qualified, isRoot));
  const old = byName(before.children);
  const now = byName(after.children);
  for (const [name, b] of old) {
    const a = now.get(name);
    const q = childName(isRoot ? '' : qualified, before, b);
    if (a === undefined) {
      lines.push(`dependency \`${q}\` removed`);
    } else if (before.kind === 'module' && a.kind === b.kind && a.kind !== 'module' && a.fingerprint !== b.fingerprint) {
      lines.push(`module \`${qualified}\`${at(after.location ?? before.location)} member \`${name}\` changed`);
      diffInto(lines, b, a, q, false, false);
    } else {
      diffInto(lines, b, a, q, false);
    }
  }
  for (const [name, a] of now) {
    if (!old.has(name)) lines.push(`dependency \`${childName(isRoot ? '' : qualified, after, a)}\` added`);
  }
  if (lines.length === start && before.fingerprint !== after.fingerprint && ownLine) {
    lines.push(`${kindWord(after, isRoot)} \`${qualified}\`${at(after.location ?? before.location)} changed (through its dependencies)`);
  }
}

/** Human lines naming exactly what changed between two trees of the same function. */
export function diffExplanations(before: DependencyNode, after: DependencyNode): string[] {
  const lines: string[] = [];
  diffInto(lines, before, after, after.name || before.name, true);
  return lines;
}
