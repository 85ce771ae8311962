/**
 * Work done when the process exits: finish pending background writes, append stats, bump the
 * LRU of the keys hit, print the summary line. Node runs 'exit' listeners synchronously on a
 * normal end and on `process.exit()` (not on a fatal signal), so every task here is synchronous.
 */
import { markExiting } from '../../warn';

export const EXIT_WRITES = 0;
export const EXIT_STATS = 1;
export const EXIT_SUMMARY = 2;

const tasks: Array<{ readonly order: number; readonly run: () => void }> = [];
let installed = false;

function runAll(): void {
  // Warnings from here on are emitted in line: no next tick comes.
  markExiting();
  const ordered = [...tasks].sort((a, b) => a.order - b.order);
  for (const task of ordered) {
    try {
      task.run();
    } catch {
      // Exit must not turn into a crash report because a cache folder vanished meanwhile.
    }
  }
}

/** Runs `run` at exit, after tasks of a lower `order`. */
export function atExit(order: number, run: () => void): void {
  tasks.push({ order, run });
  if (!installed) {
    installed = true;
    process.on('exit', runAll);
  }
}
