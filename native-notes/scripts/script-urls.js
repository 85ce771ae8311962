'use strict';
// Ways to learn which file a function comes from (script id -> url) without leaving the
// Debugger domain on. Usage: node native-notes/scripts/script-urls.js
// Each case runs in a fresh child: `scripts` extra scripts compiled with new Function, and a
// project of `modules` CommonJS files, each exporting functions.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

function child(extraScripts, modules, heapMb) {
  const inspector = require('node:inspector');
  const session = new inspector.Session();
  session.connect();
  const post = (method, params = {}) => {
    let answer;
    session.post(method, params, (error, result) => {
      if (error) throw error;
      answer = result;
    });
    return answer;
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'script-urls-'));
  const files = [];
  for (let m = 0; m < modules; m++) {
    const file = path.join(dir, `m${m}.js`);
    fs.writeFileSync(file, `exports.f${m} = function f${m}(x) { return x + ${m}; };\n`);
    files.push(file);
    require(file);
  }
  const keep = [];
  for (let i = 0; i < extraScripts; i++) keep.push(new Function(`return ${i}`));
  const heap = [];
  for (let i = 0; i < heapMb * 8192; i++) heap.push({ i, a: [i] });
  const ms = (t) => Number((Number(process.hrtime.bigint() - t) / 1e6).toFixed(2));
  const out = { extraScripts, modules, heapMb };

  // 1. Debugger.enable + disable: every script is reported with its url (complete).
  let urls = 0;
  session.on('Debugger.scriptParsed', () => urls++);
  let t = process.hrtime.bigint();
  post('Debugger.enable');
  post('Debugger.disable');
  out.debuggerFirstMs = ms(t);
  out.debuggerScripts = urls;
  t = process.hrtime.bigint();
  post('Debugger.enable');
  post('Debugger.disable');
  out.debuggerAgainMs = ms(t);

  // 2. Profiler.getBestEffortCoverage: walks the heap; lists only scripts with live functions.
  t = process.hrtime.bigint();
  const coverage = post('Profiler.getBestEffortCoverage').result;
  out.coverageMs = ms(t);
  const listed = new Set(coverage.map((c) => c.url));
  out.coverageListsProjectFiles = `${files.filter((f) => listed.has(`file://${f}`)).length}/${files.length}`;

  // 3. Probing require.cache: inspect one exported function per module, check the file holds it.
  const bridge = { v: undefined };
  globalThis.__b = bridge;
  const bridgeId = post('Runtime.evaluate', { expression: 'globalThis.__b' }).result.objectId;
  delete globalThis.__b;
  t = process.hrtime.bigint();
  let matched = 0;
  for (const file of files) {
    const fn = Object.values(require.cache[file].exports)[0];
    bridge.v = fn;
    const id = post('Runtime.callFunctionOn', { objectId: bridgeId, functionDeclaration: 'function () { return this.v; }', objectGroup: 'p' }).result.objectId;
    const loc = post('Runtime.getProperties', { objectId: id, ownProperties: true }).internalProperties.find((p) => p.name === '[[FunctionLocation]]').value.value;
    const text = fs.readFileSync(file, 'utf8');
    if (loc.scriptId && text.includes(Function.prototype.toString.call(fn))) matched++;
  }
  post('Runtime.releaseObjectGroup', { objectGroup: 'p' });
  out.probePerModuleUs = Number(((Number(process.hrtime.bigint() - t) / 1000) / Math.max(1, files.length)).toFixed(1));
  out.probeMatched = `${matched}/${files.length}`;
  fs.rmSync(dir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify(out));
}

if (process.argv[2] === 'child') child(Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5]));
else {
  const rows = [];
  for (const [scripts, modules, heap] of [[0, 20, 0], [1000, 20, 0], [0, 200, 0], [0, 20, 200]]) {
    const r = spawnSync(process.execPath, [__filename, 'child', String(scripts), String(modules), String(heap)]);
    rows.push(JSON.parse(r.stdout.toString()));
  }
  console.log(JSON.stringify({ node: process.version, rows }, null, 2));
}
