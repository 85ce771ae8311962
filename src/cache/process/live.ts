import { allStats } from '../accounting';
import type { LiveFunction, LiveSnapshot } from '../../live-types';

export interface LiveRegistry {
  snapshot(): LiveSnapshot;
}

const LIVE = Symbol.for('smartcache.live');
let defaultRoot = '';
let installed = false;

function snapshot(): LiveSnapshot {
  const functions: LiveFunction[] = [];
  let root = defaultRoot;
  for (const s of allStats()) {
    if (root === '') root = s.root;
    const entry: { -readonly [K in keyof LiveFunction]: LiveFunction[K] } = { name: s.name, calls: s.tally.calls, hits: s.tally.hits, misses: s.tally.misses, savedMs: s.tally.savedMs };
    if (s.file !== undefined) entry.file = s.file;
    if (s.fingerprint !== undefined) entry.fingerprint = s.fingerprint;
    functions.push(entry);
  }
  return { pid: process.pid, root, functions };
}

/**
 * Installs the registry, once per copy of this module. A second copy of the package in the same
 * process (one loaded by `require`, one by `import`) keeps its counts in its own module state, so
 * it chains its snapshot onto the registry already installed instead of replacing it.
 */
export function installLive(root: string): void {
  if (installed) return;
  installed = true;
  defaultRoot = root;
  const holder = globalThis as unknown as Record<symbol, LiveRegistry | undefined>;
  const existing = holder[LIVE];
  if (existing === undefined) {
    holder[LIVE] = { snapshot };
    return;
  }
  const previous = existing.snapshot.bind(existing);
  const merged: LiveRegistry = {
    snapshot(): LiveSnapshot {
      const mine = snapshot();
      const theirs = previous();
      return { pid: process.pid, root: theirs.root || mine.root, functions: [...theirs.functions, ...mine.functions] };
    },
  };
  holder[LIVE] = merged;
}
