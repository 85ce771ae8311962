'use strict';
// Finds a Python that has joblib. Debian's python3-joblib installs into /usr/bin/python3, which
// is often not the `python3` first on PATH (pyenv), so that one is tried first. BENCH_PYTHON wins.
const { spawnSync } = require('node:child_process');

function hasJoblib(python) {
  const r = spawnSync(python, ['-c', 'import joblib, sys; print(joblib.__version__, sys.version.split()[0])'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** `{ python, versions }` or `{ reason }` saying why joblib cannot run here. */
function findJoblibPython() {
  const candidates = [process.env.BENCH_PYTHON, '/usr/bin/python3', 'python3'].filter(Boolean);
  for (const python of candidates) {
    const versions = hasJoblib(python);
    if (versions) return { python, versions };
  }
  return { reason: `no Python with joblib among ${candidates.join(', ')} (Debian: apt-get install python3-joblib)` };
}

module.exports = { findJoblibPython };
