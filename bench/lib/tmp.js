'use strict';
// Temporary folders for one bench run. All live under os.tmpdir(), one filesystem, so every peer
// reads and writes the same disk. They are removed at exit by a detached process: deleting the
// 100,000 files of the large store takes about a minute on a slow disk, and the run should not
// wait for it. BENCH_KEEP=1 keeps them (their paths are printed).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');

const made = [];
let hooked = false;

const REMOVE = "for (const d of process.argv.slice(1)) require('node:fs').rmSync(d, { recursive: true, force: true })";

function cleanup() {
  if (made.length === 0) return;
  if (process.env.BENCH_KEEP === '1') {
    process.stderr.write(`[bench] kept: ${made.join(' ')}\n`);
    return;
  }
  const dirs = made.splice(0);
  try {
    spawn(process.execPath, ['-e', REMOVE, ...dirs], { detached: true, stdio: 'ignore' }).unref();
  } catch {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
}

/** A fresh empty folder `smartcache-bench-<prefix>-XXXX`, removed after exit. */
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
