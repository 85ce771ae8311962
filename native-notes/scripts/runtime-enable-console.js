'use strict';
// console.log cost with Runtime.enable on vs off in an in-process inspector session.
// Usage: node native-notes/scripts/runtime-enable-console.js
// The measuring child's stdout goes to /dev/null (so the terminal is not the bottleneck); it
// reports on stderr.
const { spawnSync } = require('node:child_process');

function child() {
  const inspector = require('node:inspector');
  const session = new inspector.Session();
  session.connect();
  // A listener makes the session deliver the events, as a tool that enables Runtime would.
  session.on('Runtime.consoleAPICalled', () => {});
  const post = (m) => session.post(m, {}, () => {});
  const n = 20000;
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const measure = () => {
    const samples = [];
    for (let r = 0; r < 7; r++) {
      const t = process.hrtime.bigint();
      for (let i = 0; i < n; i++) console.log('row', i, { a: i });
      samples.push(Number(process.hrtime.bigint() - t) / n / 1000);
    }
    return Number(median(samples).toFixed(2));
  };
  measure(); // warm-up
  const off = measure();
  post('Runtime.enable');
  const on = measure();
  post('Runtime.disable');
  const offAgain = measure();
  process.stderr.write(JSON.stringify({ node: process.version, usPerCall: { off, on, offAgain }, ratio: Number((on / off).toFixed(1)) }));
}

if (process.argv[2] === 'child') child();
else {
  const r = spawnSync(process.execPath, [__filename, 'child'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const result = JSON.parse(r.stderr.toString());
  console.log(JSON.stringify(result, null, 2));
}
