/**
 * The dependency tree `explain()` returns (../explanation.ts), built from the entity graph.
 *
 * A graph is shown as a tree: each entity is expanded at its first occurrence in depth-first
 * edge order; later occurrences keep kind, hash and fingerprint but no children, and a reference
 * back to an ancestor is a 'cycle' node. Both rules depend only on the graph, so two runs of the
 * same code give the same shape and the diff can match nodes by name.
 */
import type { DependencyNode, Explanation, NodeKind } from '../explanation';
import { sha256, type Entity } from './graph';
import { functionSite, type FunctionSite } from './runtime';
import { scriptInfo } from './runtime';
import { pathToFileURL } from 'node:url';
import { findProjectRoot, projectRelative } from '../project';

/** Beyond this many children a data node shows a summary (the fingerprint still covers all). */
const MAX_CHILDREN = 100;
const MAX_DEPTH = 64;
/** Longer source (a generated class, a bundle) is not kept: a diff of it would not be read. */
const CODE_LIMIT = 64 * 1024;
/** `own` prefixes of code that was parsed and hashed (not native, bound or unanalyzable). */
const CODE_OWN = /^(?:function|arrow|method|class):/;

function codeOf(e: Entity): string | undefined {
  if (e.fn === undefined || !CODE_OWN.test(e.own)) return undefined;
  try {
    const text = Function.prototype.toString.call(e.fn);
    return text.length <= CODE_LIMIT ? text : undefined;
  } catch {
    return undefined; // display only
  }
}

function ownHash(e: Entity): string {
  return e.kind === 'package' || e.kind === 'builtin' ? e.name : sha256(e.own);
}

/** The project root of the current `explain` call (looked up once per call, not per node). */
let root: string | undefined;

/**
 * The position in the file the user wrote: through the script's source map when Node holds one
 * (tsx turns source maps on; its output puts a whole TypeScript file on a line or two), else as
 * compiled. Display only.
 */
function originalPosition(file: string, line: number, column: number): { line: number; column: number } {
  try {
    const { findSourceMap } = require('node:module') as typeof import('node:module');
    const map = findSourceMap(file) ?? (file.startsWith('/') ? findSourceMap(pathToFileURL(file).href) : undefined);
    const entry = map?.findEntry(line, column) as { originalLine?: number; originalColumn?: number; originalSource?: string } | undefined;
    if (entry?.originalLine === undefined || entry.originalColumn === undefined) return { line, column };
    const source = entry.originalSource === undefined ? undefined : entry.originalSource.replace(/^file:\/\//, '');
    // A map into another file (a bundle) would put the position in the wrong file: keep it.
    if (source !== undefined && source !== file.replace(/^file:\/\//, '')) return { line, column };
    return { line: entry.originalLine, column: entry.originalColumn };
  } catch {
    return { line, column };
  }
}

function siteText(site: FunctionSite): string | undefined {
  const info = scriptInfo(site.scriptId);
  if (info.file === undefined) return info.builtin ?? undefined;
  const at = originalPosition(info.file, site.line, site.column);
  return `${projectRelative(info.file, root)}:${at.line + 1}:${at.column + 1}`;
}

function locationOf(e: Entity): string | undefined {
  try {
    if (e.file !== undefined) return projectRelative(e.file, root);
    if (e.kind !== 'function' && e.kind !== 'class') return undefined;
    if (e.site === undefined && e.fn !== undefined) e.site = functionSite(e.fn);
    return e.site === undefined ? undefined : siteText(e.site);
  } catch {
    return undefined; // Display only: a location that cannot be found is simply not shown.
  }
}

function node(e: Entity, name: string, children: DependencyNode[], kind: NodeKind = e.kind): DependencyNode {
  const out: { -readonly [K in keyof DependencyNode]: DependencyNode[K] } = { kind, name, hash: ownHash(e), fingerprint: e.fp ?? '', children };
  const location = locationOf(e);
  if (location !== undefined) out.location = location;
  if (e.preview !== undefined) out.preview = e.preview;
  if (kind === 'function' || kind === 'class') {
    const code = codeOf(e);
    if (code !== undefined) out.code = code;
  }
  return out;
}

function displayName(e: Entity, name: string): string {
  return e.name !== '' && e.name !== name ? `${name} (${e.name})` : name;
}

class TreeBuilder {
  readonly dynamic: string[] = [];
  private readonly shown = new Set<Entity>();
  private readonly path = new Set<Entity>();

  visit(e: Entity, name: string, depth: number): DependencyNode {
    if (this.path.has(e)) {
      const back = node(e, name, [], 'cycle');
      return { ...back, preview: `↻ ${e.name || name}` };
    }
    if (this.shown.has(e) || depth >= MAX_DEPTH) return node(e, name, []);
    this.shown.add(e);
    this.path.add(e);
    const children: DependencyNode[] = [];
    for (const reason of e.dynamic ?? []) {
      const where = locationOf(e);
      this.dynamic.push(`${displayName(e, name)}${where === undefined ? '' : ` (${where})`}: ${reason}`);
      children.push({ kind: 'dynamic', name: reason, hash: '', fingerprint: '', preview: 'warning: dependency cannot be known statically', children: [] });
    }
    const limit = e.kind === 'function' || e.kind === 'class' ? e.edges.length : Math.min(e.edges.length, MAX_CHILDREN);
    for (let i = 0; i < limit; i++) {
      const edge = e.edges[i];
      if (edge !== undefined) children.push(this.visit(edge.target, edge.label, depth + 1));
    }
    if (limit < e.edges.length) {
      children.push({ kind: 'value', name: `… ${e.edges.length - limit} more`, hash: '', fingerprint: '', children: [] });
    }
    this.path.delete(e);
    return node(e, name, children);
  }
}

export function explainEntity(entity: Entity, name: string): Explanation {
  root = findProjectRoot();
  const builder = new TreeBuilder();
  const tree = builder.visit(entity, name, 0);
  return { root: tree, dynamic: builder.dynamic };
}
