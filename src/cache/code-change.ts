import { diffExplanations, explain, type DependencyNode } from '../fingerprint';
import type { Store } from '../store';
import { recordTree } from './record-tree';

/** What changed in a function's code since the fingerprint stored by an earlier run. */
export interface CodeChange {
  readonly previousFingerprint: string;
  /** Human lines from `diffExplanations`, e.g. "helper `scale` (src/math.js:12) changed". */
  readonly lines: readonly string[];
}

/**
 * This process, in the records it writes: fingerprints of one name recorded by one run were live
 * together (closures of one factory), which `smartcache prune` needs to tell them from versions.
 * Made on first need from the pid and the monotonic clock: `performance` would load perf_hooks
 * on every disk hit (test/lean-hit), and `Math.random` is a tracked source of randomness.
 */
let run: string | undefined;
function thisRun(): string {
  run ??= `${process.pid}-${process.hrtime.bigint().toString(36)}`;
  return run;
}

/** Per (root, name, fingerprint): the change found, or null when there was none to report. */
const checked = new Map<string, CodeChange | null>();

function isNode(value: unknown): value is DependencyNode {
  if (typeof value !== 'object' || value === null) return false;
  const node = value as Record<string, unknown>;
  return typeof node['fingerprint'] === 'string' && typeof node['name'] === 'string' && Array.isArray(node['children']);
}

function describeChange(stored: unknown, currentTree: DependencyNode): string[] {
  // Records of this version hold the Explanation, earlier ones its root.
  const previousTree = isNode(stored) ? stored : (stored as { root?: unknown } | null | undefined)?.root;
  if (!isNode(previousTree)) return [];
  try {
    return diffExplanations(previousTree, currentTree);
  } catch {
    // A tree written by an older format: the change is still real, only its description is lost.
    return [];
  }
}

/**
 * On the first miss of a process with a fingerprint the store has not recorded last, writes the
 * FunctionRecord (name, fingerprint, file, explain tree) so that later runs and the CLI can say
 * which dependency changed; once per process per fingerprint. Throws what the store throws.
 */
export function recordFingerprint(
  store: Store,
  name: string,
  fn: Function,
  fingerprint: string,
  file: string | undefined,
  decorate: (tree: DependencyNode) => DependencyNode = (tree) => tree,
  local = false,
): CodeChange | null {
  const id = `${store.root}\u0000${name}\u0000${fingerprint}`;
  const known = checked.get(id);
  if (known !== undefined) return known;
  checked.set(id, null);
  const previous = store.latestFunctionRecord(name);
  if (previous !== undefined && previous.fingerprint === fingerprint) {
    // `remote: false` sticks to the fingerprint's record (push reads it), whoever wrote it first.
    if (local && previous.local !== true) store.writeFunctionRecord({ ...previous, local: true });
    return null;
  }
  const explanation = explain(fn);
  const recorded = recordTree(explanation);
  // `decorate` adds what the fingerprint folds in beyond the code (environment variables).
  const tree = { ...recorded.tree, root: decorate(recorded.tree.root) };
  const { code, files, project } = recorded;
  const record = { name, fingerprint, tree, written: Date.now(), project, code, files, run: thisRun(), ...(file === undefined ? {} : { file }), ...(local ? { local: true } : {}) };
  store.writeFunctionRecord(record);
  if (previous === undefined) return null;
  // Compared as stored: the previous tree holds the `(env) NAME` nodes, so the current one must too
  // (else every variable read is "removed", and an unset → set change is never named).
  const change: CodeChange = { previousFingerprint: previous.fingerprint, lines: describeChange(previous.tree, decorate(explanation.root)) };
  checked.set(id, change);
  return change;
}
