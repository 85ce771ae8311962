'use strict';
// Which code ran for the call: V8's precise block coverage, started right before the call and
// taken right after it (the app does it when CORPUS_CALL_COVERAGE names a file; the format is the
// one NODE_V8_COVERAGE writes). An offset ran when the innermost covered range holding it has a
// non-zero count. Offsets are those of the file's text (Node 20 compiles CommonJS modules
// without a wrapper text, and ES modules as they are).
const fs = require('node:fs');
const path = require('node:path');
const { fileURLToPath } = require('node:url');

/** file -> ranges [{ start, end, count }] from every coverage file in `dir`. */
function readCoverage(dir) {
  const byFile = new Map();
  for (const name of fs.readdirSync(dir)) {
    if (!name.endsWith('.json')) continue;
    const data = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
    for (const script of data.result ?? []) {
      if (!script.url.startsWith('file://')) continue;
      const file = fileURLToPath(script.url);
      const ranges = byFile.get(file) ?? [];
      for (const fn of script.functions) fn.ranges.forEach((r, i) => ranges.push({ start: r.startOffset, end: r.endOffset, count: r.count, fn: i === 0 }));
      byFile.set(file, ranges);
    }
  }
  return byFile;
}

/** True when the code at `offset` ran (innermost range wins); false when no range holds it. */
function ran(ranges, offset) {
  let best;
  for (const r of ranges) {
    if (r.start <= offset && offset < r.end && (best === undefined || r.end - r.start <= best.end - best.start)) best = r;
  }
  return best !== undefined && best.count > 0;
}

/** True when the innermost function holding `offset` never ran (its own range has count 0). */
function inUnrunFunction(ranges, offset) {
  let best;
  for (const r of ranges) {
    if (r.fn && r.start <= offset && offset < r.end && (best === undefined || r.end - r.start <= best.end - best.start)) best = r;
  }
  return best !== undefined && best.count === 0 && best.start > 0;
}

module.exports = { readCoverage, ran, inUnrunFunction };
