'use strict';
// The machine a run was made on, for the head of RESULTS.md.
const os = require('node:os');

function machine() {
  const cpus = os.cpus();
  return {
    cpu: (cpus[0]?.model ?? 'unknown CPU').trim(),
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
    v8: process.versions.v8,
    date: new Date().toISOString(),
  };
}

module.exports = { machine };
