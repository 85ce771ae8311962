// The identity of a build of smartcache, written at build time (scripts/postbuild.js) to
// dist/preload/build-id.json. The preload keeps rewritten files between runs only for the build
// that made them (src/preload/transform-cache.ts), so the identity must change whenever any code
// a process may run changes: it is a sha256 of every file of dist/ that is code (name and bytes),
// the bundle and the doors alike. Source maps and type declarations do not run and are left out.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const FILE = path.join('preload', 'build-id.json');
const NOT_CODE = /\.(map|d\.ts|d\.mts|d\.cts)$/;

/** Every code file under `dist`, as sorted '/'-separated paths relative to it. */
function codeFiles(dist) {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isFile() && !NOT_CODE.test(e.name) && path.relative(dist, full) !== FILE) out.push(path.relative(dist, full).split(path.sep).join('/'));
    }
  };
  walk(dist);
  return out.sort();
}

function computeBuildId(dist) {
  const hash = crypto.createHash('sha256');
  for (const rel of codeFiles(dist)) hash.update(`${rel}\0`).update(fs.readFileSync(path.join(dist, rel))).update('\0');
  return hash.digest('hex');
}

function writeBuildId(dist) {
  const build = computeBuildId(dist);
  fs.mkdirSync(path.join(dist, 'preload'), { recursive: true });
  fs.writeFileSync(path.join(dist, FILE), `${JSON.stringify({ build })}\n`);
  return build;
}

module.exports = { computeBuildId, writeBuildId, BUILD_ID_FILE: FILE };

if (require.main === module) {
  // node scripts/build-id.js [dist]: rewrites the identity of an existing build.
  process.stdout.write(`${writeBuildId(path.resolve(process.argv[2] ?? path.join(__dirname, '..', 'dist')))}\n`);
}
