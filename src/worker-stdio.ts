/**
 * The standard streams of smartcache's own worker threads (the background writer, the remote
 * client), kept apart from the program's.
 *
 * By default Node pipes a worker's stdout and stderr into the parent's `process.stdout` and
 * `process.stderr` with `Readable.pipe`, and `pipe` turns an error of the destination into an
 * uncaught 'error' event when nothing else listens. So while such a worker lived, a program whose
 * output went to a reader that had already quit (`node app.js | head -1`) died of EPIPE at its own
 * next `console.log`, where plain Node carries on (native-notes/worker-stdio.md).
 *
 * The workers are started with streams of their own, and the parent's ends are destroyed at once:
 * left unread, anything the worker printed (Node's own NODE_DEBUG lines, a warning) kept the
 * process from ever exiting; read, they keep it alive as long as the worker lives (both measured
 * in the same note). These workers print nothing by design (results, failures and warnings come
 * back as messages); what Node itself prints inside them is dropped.
 */
import type { Worker, WorkerOptions } from 'node:worker_threads';

/** Worker options for smartcache's own threads: standard streams of their own, never piped into the program's. */
export const OWN_STDIO: Pick<WorkerOptions, 'stdout' | 'stderr'> = { stdout: true, stderr: true };

/** Right after `new Worker(…, OWN_STDIO)`: the parent's ends of its streams are closed, so nothing it prints is held. */
export function detachStdio(worker: Worker): void {
  worker.stdout.destroy();
  worker.stderr.destroy();
}
