'use strict';
// What a worker thread's standard streams do to a program whose stdout reader quits early
// (`node app.js | head -1`), and whether reading a worker's own streams keeps the process alive.
//
//   node native-notes/scripts/worker-stdio.js
//
// Each case is a child `node -e <program>` with stdout piped to `head -1`; the program prints a
// line, waits until head has quit, then prints 20 more. Printed: the case, the child's exit code,
// and whether it died of EPIPE.
const { spawnSync } = require('node:child_process');

// The worker idles on a message port, unreferenced, as smartcache's writer does.
const WORKER = "new (require('node:worker_threads').Worker)('require(\"node:worker_threads\").parentPort.on(\"message\", () => {}); if (PRINTS) console.error(\"from the worker\")'.replace('PRINTS', String(PRINTS)), Object.assign({ eval: true }, OPTIONS))";
const PROGRAM = (setup) => `const OPTIONS = ${setup.options}; const PRINTS = ${setup.prints === true};
${setup.worker ? `const w = ${WORKER}; ${setup.after ?? ''} w.unref();` : ''}
console.log('line 0');
const pause = new Int32Array(new SharedArrayBuffer(4));
Atomics.wait(pause, 0, 0, 300); // head reads line 0 and quits meanwhile
for (let i = 1; i <= 20; i++) console.log('line', i);`;

const CASES = [
  { name: 'plain node, no worker', worker: false, options: '{}' },
  { name: 'worker with default stdio (piped into the parent)', worker: true, options: '{}' },
  { name: 'worker with its own stdout/stderr, never read', worker: true, options: '{ stdout: true, stderr: true }' },
  { name: "worker with its own stdio, stdout read (.resume())", worker: true, options: '{ stdout: true, stderr: true }', after: 'w.stdout.resume();' },
  { name: 'worker with its own stdio, never read, the worker prints a line', worker: true, options: '{ stdout: true, stderr: true }', prints: true },
  { name: "worker with its own stdio, the parent's ends destroyed at once, the worker prints a line", worker: true, options: '{ stdout: true, stderr: true }', prints: true, after: 'w.stdout.destroy(); w.stderr.destroy();' },
];

for (const c of CASES) {
  const r = spawnSync('bash', ['-c', 'timeout 5 "$0" -e "$1" | head -1 >/dev/null; echo "${PIPESTATUS[0]}"', process.execPath, PROGRAM(c)], { encoding: 'utf8' });
  const code = Number(r.stdout.trim());
  const verdict = code === 124 ? 'still running after 5 s (killed by timeout)' : /EPIPE/.test(r.stderr) ? 'died of EPIPE' : 'carried on';
  console.log(`${c.name}: exit ${code}, ${verdict}`);
}
console.log(`(${process.version})`);
