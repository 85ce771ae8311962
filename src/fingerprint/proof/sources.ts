/**
 * Source files as a proof sees them: their content hash, and whether this process may have run
 * another text than the one on disk now.
 *
 * The text V8 compiled is the text the file had when the module was loaded, after this process
 * started. If the file's ctime is before the process started, nothing wrote to it (nor changed
 * its times) since, so what runs is what is on disk. ctime, unlike mtime, cannot be set back by
 * a program: every write, and every `utimes` that restores an mtime, sets it to the kernel's
 * current time (native-notes/persisted-fingerprints.md). File systems that keep whole seconds
 * only (their ctimes have no nanoseconds) get a 2 s margin, others 100 ms (the kernel stamps
 * with a coarse clock that may lag `Date.now()` by a few ms).
 */
import fs = require('node:fs');
import { sha256 } from '../../hash';
import { unwrittenSinceStart } from '../../process-start';

export interface SourceState {
  readonly hash: string;
  /** Not written since before this process started (with the margin above). */
  readonly quiet: boolean;
  readonly bytes: Buffer;
}

export function sourceState(file: string): SourceState | undefined {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const stat = fs.fstatSync(fd, { bigint: true });
      if (!stat.isFile()) return undefined;
      const quiet = unwrittenSinceStart(stat);
      const bytes = fs.readFileSync(fd);
      return { hash: sha256(bytes), quiet, bytes };
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
}
