'use strict';
// Temporary folders for one bench run. All live under os.tmpdir(), one filesystem, so every peer
// reads and writes the same disk; all are removed when the process exits unless BENCH_KEEP=1.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const made = [];
let hooked = false;

function cleanup() {
  if (process.env.BENCH_KEEP === '1') return;
  while (made.length) fs.rmSync(made.pop(), { recursive: true, force: true });
}

/** A fresh empty folder `smartcache-bench-<prefix>-XXXX`, removed at exit. */
function tempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `smartcache-bench-${prefix}-`));
  made.push(dir);
  if (!hooked) {
    hooked = true;
    process.on('exit', cleanup);
  }
  return dir;
}

module.exports = { tempDir, cleanup };
