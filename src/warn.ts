import { describeError } from './errors';

/**
 * One warning per (subject, cause) per process, on stderr, prefixed `[smartcache]`. The cache must
 * never break or flood the user's program: a disk that stays full warns once, not once per call.
 */
const seen = new Set<string>();
let sink: (line: string) => void = (line) => process.stderr.write(`${line}\n`);

export function warnOnce(subject: string, cause: string, error?: unknown): boolean {
  const id = `${subject}\u0000${cause}`;
  if (seen.has(id)) return false;
  seen.add(id);
  const detail = error === undefined ? '' : `: ${describeError(error)}`;
  sink(`[smartcache] warning: ${subject}: ${cause}${detail}`);
  return true;
}

/** Tests and the CLI redirect warnings; returns the previous sink. */
export function setWarningSink(next: (line: string) => void): (line: string) => void {
  const previous = sink;
  sink = next;
  return previous;
}

export function resetWarnings(): void {
  seen.clear();
}
