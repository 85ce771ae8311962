'use strict';
// Facts the persisted fingerprints rely on (native-notes/persisted-fingerprints.md), asserted:
// 1. writing a file sets its ctime to "now", whatever its mtime is set to afterwards;
// 2. `utimes` (restoring an mtime) also sets ctime to "now": ctime cannot be set back;
// 3. how far a fresh ctime can lag behind Date.now() (the kernel stamps with a coarse clock);
// 4. whether this file system keeps sub-second ctimes.
// Usage: node native-notes/scripts/ctime-rules.js [folder]
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const dir = fs.mkdtempSync(path.join(process.argv[2] ?? os.tmpdir(), 'ctime-'));
const file = path.join(dir, 'a.js');
const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const ctimeMs = () => Number(fs.statSync(file, { bigint: true }).ctimeNs / 1_000_000n);

fs.writeFileSync(file, 'const K = 3;\n');
const old = fs.statSync(file);
pause(50);

// 1 + 2: an edit with mtime and size restored.
const before = Date.now();
fs.writeFileSync(file, 'const K = 4;\n');
fs.utimesSync(file, old.atimeMs / 1000, old.mtimeMs / 1000);
const after = fs.statSync(file, { bigint: true });
assert.equal(Number(after.size), old.size);
assert.ok(Math.abs(Number(after.mtimeNs / 1_000_000n) - old.mtimeMs) < 1, 'mtime restored');
assert.ok(ctimeMs() > old.ctimeMs, 'ctime moved on despite the restored mtime');

// 3: lag of ctime behind Date.now(), over many writes.
let worst = 0;
for (let i = 0; i < 2000; i++) {
  const now = Date.now();
  fs.writeFileSync(file, String(i));
  worst = Math.max(worst, now - ctimeMs());
}
// 4: sub-second timestamps?
const fine = fs.statSync(file, { bigint: true }).ctimeNs % 1_000_000_000n !== 0n;
console.log(JSON.stringify({ node: process.version, restoredEditCtimeAfterStart: ctimeMs() >= before, worstLagMs: worst, subSecondCtime: fine }));
fs.rmSync(dir, { recursive: true, force: true });
