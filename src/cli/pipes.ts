/**
 * `smartcache ls | head` closes our stdout early. Node ignores SIGPIPE, so the next write fails
 * with EPIPE, delivered as an 'error' event on process.stdout; with no listener that is an
 * uncaught exception and a stack trace on the user's terminal. A closed reader only means
 * "enough": leave quietly with the status the command had so far, as `yes | head` does without
 * complaint (and as git, ls and grep do under a shell that ignores SIGPIPE).
 */
function errnoOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

interface ErrorSource {
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** Installs the listener on stdout and stderr; any other stream error ends the process with one line. */
export function exitQuietlyOnClosedPipes(streams: readonly ErrorSource[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    stream.on('error', (error) => {
      const code = errnoOf(error);
      // EPIPE: the reader closed; ERR_STREAM_DESTROYED: a later write to the same closed stream.
      if (code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
      try {
        process.stderr.write(`smartcache: cannot write output: ${error.message}\n`);
      } finally {
        process.exit(1);
      }
    });
  }
}
