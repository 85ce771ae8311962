'use strict';
// Round-trip cost of the in-process inspector calls the fingerprint walk makes, on this Node.
// Usage: node native-notes/scripts/inspector-cost.js   (prints medians in µs per call)
const inspector = require('node:inspector');

const session = new inspector.Session();
session.connect();
let late = 0;
function post(method, params) {
  let done = false;
  let answer;
  let failure;
  session.post(method, params, (error, result) => {
    done = true;
    failure = error;
    answer = result;
  });
  if (!done) late++;
  if (failure) throw failure;
  return answer;
}

const bridge = { v: undefined };
globalThis.__bridge = bridge;
const bridgeId = post('Runtime.evaluate', { expression: 'globalThis.__bridge', objectGroup: 'bridge' }).result.objectId;
delete globalThis.__bridge;

const K = 3;
const CONFIG = { factor: 2 };
function outer(z) {
  const q = 1;
  return function inner(x) { return x + z + q + K + CONFIG.factor; };
}
const fn = outer(5);
const fns = Array.from({ length: 100 }, (_, i) => outer(i));

function idOf(value) {
  bridge.v = value;
  const id = post('Runtime.callFunctionOn', { objectId: bridgeId, functionDeclaration: 'function () { return this.v; }', objectGroup: 'g' }).result.objectId;
  bridge.v = undefined;
  return id;
}

function median(samples) {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** µs per call: median of `rounds` batches of `n` calls each (group released between batches). */
function measure(label, once, n = 200, rounds = 15) {
  for (let i = 0; i < n; i++) once();
  const per = [];
  for (let r = 0; r < rounds; r++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) once();
    per.push(Number(process.hrtime.bigint() - t) / n / 1000);
    post('Runtime.releaseObjectGroup', { objectGroup: 'g' });
  }
  return { label, us: Number(median(per).toFixed(1)) };
}

const fnId = idOf(fn);
post('Runtime.releaseObjectGroup', { objectGroup: 'g' });
const keepId = (() => {
  bridge.v = fn;
  const id = post('Runtime.callFunctionOn', { objectId: bridgeId, functionDeclaration: 'function () { return this.v; }', objectGroup: 'keep' }).result.objectId;
  bridge.v = undefined;
  return id;
})();
const scopesId = post('Runtime.getProperties', { objectId: keepId, ownProperties: true }).internalProperties.find((p) => p.name === '[[Scopes]]').value.objectId;
void fnId;

const rows = [
  measure('Runtime.evaluate("1") (floor of one round trip)', () => post('Runtime.evaluate', { expression: '1' })),
  measure('remote id of a value (callFunctionOn on the bridge)', () => idOf(fn)),
  measure('Runtime.getProperties(function) -> [[FunctionLocation]], [[Scopes]]', () => post('Runtime.getProperties', { objectId: keepId, ownProperties: true, nonIndexedPropertiesOnly: true })),
  measure('callFunctionOn([[Scopes]]) bringing every scope back', () => {
    post('Runtime.callFunctionOn', { objectId: scopesId, functionDeclaration: 'function (b) { b.v = this; }', arguments: [{ objectId: bridgeId }], objectGroup: 'g' });
    bridge.v = undefined;
  }),
  measure('one function, all three calls', () => {
    const id = idOf(fn);
    const props = post('Runtime.getProperties', { objectId: id, ownProperties: true, nonIndexedPropertiesOnly: true });
    const sid = props.internalProperties.find((p) => p.name === '[[Scopes]]').value.objectId;
    post('Runtime.callFunctionOn', { objectId: sid, functionDeclaration: 'function (b) { b.v = this; }', arguments: [{ objectId: bridgeId }], objectGroup: 'g' });
    bridge.v = undefined;
  }),
  (() => {
    const r = measure('remote ids of 100 functions in one batch (per function)', () => {
      bridge.v = fns;
      const arr = post('Runtime.callFunctionOn', { objectId: bridgeId, functionDeclaration: 'function () { return this.v; }', objectGroup: 'g' }).result.objectId;
      bridge.v = undefined;
      post('Runtime.getProperties', { objectId: arr, ownProperties: true });
    }, 20);
    return { label: r.label, us: Number((r.us / fns.length).toFixed(1)) };
  })(),
  (() => {
    // What the walk does per breadth-first level: ids in one batch, one getProperties each,
    // then every [[Scopes]] list back in a single callFunctionOn (one argument per list).
    const r = measure('100 functions: batch ids + getProperties each + all scope lists in one call (per function)', () => {
      bridge.v = fns;
      const arr = post('Runtime.callFunctionOn', { objectId: bridgeId, functionDeclaration: 'function () { return this.v; }', objectGroup: 'g' }).result.objectId;
      bridge.v = undefined;
      const ids = post('Runtime.getProperties', { objectId: arr, ownProperties: true }).result.filter((p) => /^\d+$/.test(p.name)).map((p) => p.value.objectId);
      const lists = ids.map((id) => post('Runtime.getProperties', { objectId: id, ownProperties: true, nonIndexedPropertiesOnly: true }).internalProperties.find((p) => p.name === '[[Scopes]]').value.objectId);
      post('Runtime.callFunctionOn', {
        objectId: bridgeId,
        functionDeclaration: 'function () { var a = []; for (var i = 0; i < arguments.length; i++) a[i] = arguments[i]; this.v = a; }',
        arguments: lists.map((objectId) => ({ objectId })),
        objectGroup: 'g',
      });
      bridge.v = undefined;
    }, 5);
    return { label: r.label, us: Number((r.us / fns.length).toFixed(1)) };
  })(),
  measure('Runtime.releaseObjectGroup', () => post('Runtime.releaseObjectGroup', { objectGroup: 'g' })),
];

const result = { node: process.version, lateAnswers: late, rows };
if (require.main === module && process.argv.includes('--json')) process.stdout.write(JSON.stringify(result));
else if (require.main === module) {
  for (const r of rows) console.log(`${String(r.us).padStart(7)} µs  ${r.label}`);
  console.log(`answers that arrived after post() returned: ${late}`);
}
module.exports = result;
