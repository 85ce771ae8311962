/**
 * Runs inside the background writer's worker thread: each message is one entry to write with the
 * store's own atomic, checksummed `write` (temp file + rename). The main thread posted copies of
 * the bytes, so the caller is free to mutate its result meanwhile.
 */
import { parentPort } from 'node:worker_threads';
import { Store } from '../store';
import type { WriteJob, WriteDone } from './writer';

const port = parentPort;
if (port !== null) {
  port.on('message', (job: WriteJob) => {
    let done: WriteDone;
    try {
      Store.open(job.root).write(job.key, { meta: job.meta, chunks: job.chunks, bytes: job.bytes });
      done = { id: job.id, ok: true };
    } catch (error) {
      const cause = (error as { cause?: { code?: unknown } }).cause;
      done = {
        id: job.id,
        ok: false,
        message: error instanceof Error ? error.message : String(error),
        errno: typeof cause?.code === 'string' ? cause.code : undefined,
      };
    }
    port.postMessage(done);
  });
}
