'use strict';
// Progress goes to stderr so that stdout holds only the table (and can be piped). On a terminal
// one status line is rewritten in place; elsewhere (CI logs) each step is a line of its own.
const tty = Boolean(process.stderr.isTTY);
const started = Date.now();
let open = false;

function stamp() {
  return `${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s`;
}

/** A transient status ("peers: cold hit, memoize-fs 3/5"). */
function status(text) {
  if (process.env.BENCH_SILENT === '1') return;
  if (tty) {
    process.stderr.write(`\r\x1b[2K[bench ${stamp()}] ${text}`);
    open = true;
  } else {
    process.stderr.write(`[bench ${stamp()}] ${text}\n`);
  }
}

/** A line that stays (a finished figure, a skip note). */
function note(text) {
  if (process.env.BENCH_SILENT === '1') return;
  if (open) process.stderr.write('\r\x1b[2K');
  open = false;
  process.stderr.write(`[bench ${stamp()}] ${text}\n`);
}

module.exports = { status, note };
