/**
 * A one-line progress bar on stderr, drawn only on an interactive terminal (never into a pipe or
 * a log file) and redrawn at most every 100 ms so that a 100,000-entry prune is not slowed by it.
 */
export interface Progress {
  tick(n?: number): void;
  done(): void;
}

const NOOP: Progress = { tick: () => undefined, done: () => undefined };
const WIDTH = 30;
const REDRAW_MS = 100;

export function createProgress(label: string, total: number, enabled: boolean, stream: NodeJS.WritableStream = process.stderr): Progress {
  if (!enabled || total <= 0) return NOOP;
  let count = 0;
  let lastDraw = 0;
  const draw = (): void => {
    const ratio = Math.min(1, count / total);
    const filled = Math.round(ratio * WIDTH);
    const bar = '#'.repeat(filled) + '-'.repeat(WIDTH - filled);
    stream.write(`\r${label} [${bar}] ${count}/${total}`);
  };
  return {
    tick(n = 1) {
      count += n;
      const now = Date.now();
      if (now - lastDraw >= REDRAW_MS) {
        lastDraw = now;
        draw();
      }
    },
    done() {
      draw();
      stream.write('\r\u001b[2K');
    },
  };
}
