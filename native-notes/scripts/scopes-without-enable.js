'use strict';
// [[FunctionLocation]] and [[Scopes]] come back from Runtime.getProperties with neither
// Runtime.enable nor Debugger.enable, and in-process answers are synchronous.
// A binding in its temporal dead zone reads as undefined. Usage: node native-notes/scripts/scopes-without-enable.js
const assert = require('node:assert');
const inspector = require('node:inspector');

const session = new inspector.Session();
session.connect();
let synchronous = true;
function post(method, params) {
  let done = false;
  let answer;
  session.post(method, params, (error, result) => {
    if (error) throw error;
    done = true;
    answer = result;
  });
  if (!done) synchronous = false;
  return answer;
}

const bridge = { v: undefined };
globalThis.__bridge = bridge;
const bridgeId = post('Runtime.evaluate', { expression: 'globalThis.__bridge' }).result.objectId;
delete globalThis.__bridge;

function scopesOf(fn) {
  bridge.v = fn;
  const id = post('Runtime.callFunctionOn', { objectId: bridgeId, functionDeclaration: 'function () { return this.v; }' }).result.objectId;
  const props = post('Runtime.getProperties', { objectId: id, ownProperties: true });
  const names = props.internalProperties.map((p) => p.name);
  const location = props.internalProperties.find((p) => p.name === '[[FunctionLocation]]')?.value.value;
  const scopesId = props.internalProperties.find((p) => p.name === '[[Scopes]]').value.objectId;
  post('Runtime.callFunctionOn', { objectId: scopesId, functionDeclaration: 'function (b) { b.v = this; }', arguments: [{ objectId: bridgeId }] });
  const list = bridge.v;
  bridge.v = undefined;
  const scopes = [];
  for (let i = 0; i < list.length; i++) scopes.push({ description: list[i].description, names: list[i].description === 'Global' ? ['(global object)'] : Object.keys(list[i].object), object: list[i].object });
  return { names, location, scopes };
}

const K = 3;
function times(k) {
  const unused = 9; // not captured: absent from the scope
  void unused;
  return (x) => x * k * K;
}
const triple = times(3);
function early() { return LATE; }
const before = scopesOf(early);
const LATE = 1;
const after = scopesOf(early);
const seen = scopesOf(triple);

assert.ok(seen.names.includes('[[FunctionLocation]]') && seen.names.includes('[[Scopes]]'));
assert.deepStrictEqual(Object.keys(seen.scopes[0].object), ['k']);
assert.strictEqual(seen.scopes[0].object.k, 3);
assert.strictEqual(before.scopes[0].object.LATE, undefined);
assert.strictEqual(after.scopes[0].object.LATE, 1);
console.log(JSON.stringify({
  node: process.version,
  synchronous,
  internalProperties: seen.names,
  location: seen.location,
  scopes: seen.scopes.map((s) => ({ description: s.description, names: s.names.slice(0, 8) })),
  temporalDeadZoneReadsAs: String(before.scopes[0].object.LATE),
}, null, 2));
