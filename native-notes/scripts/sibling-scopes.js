'use strict';
// Facts the walk's sibling scopes (src/fingerprint/source/siblings.ts) rely on, measured in
// process through node:inspector (no Runtime.enable, no Debugger.enable):
// 1. Two functions declared directly in one function body, from one activation, have the same
//    first scope: the same bindings holding the very same values.
// 2. That first scope binds a declared function only when some closure reads it (V8 context-
//    allocates it); a declaration only the body itself reads is not in it (so the walk must still
//    ask about such a function: it has nothing to match it by).
// 3. Two activations of the body make other closures: activation A's binding never holds
//    activation B's function unless code assigns it.
// 4. What one description costs: a function whose first scope holds 400 bindings against one
//    holding 1, and the share of that cost the scope list is.
// Usage: node native-notes/scripts/sibling-scopes.js
const assert = require('node:assert');
const vm = require('node:vm');
const { openSession, ms } = require('./lib/session');

const { post } = openSession();

// The bridge: hand a value to the inspector, get remote values back.
const bridge = { v: undefined };
globalThis.__siblingBridge = bridge;
const bridgeId = post('Runtime.evaluate', { expression: 'globalThis.__siblingBridge' }).result.objectId;
function remoteId(value) {
  bridge.v = value;
  return post('Runtime.callFunctionOn', { objectId: bridgeId, functionDeclaration: 'function () { return this.v; }' }).result.objectId;
}
function scopesOf(fn, params = { ownProperties: true, nonIndexedPropertiesOnly: true }) {
  const props = post('Runtime.getProperties', { objectId: remoteId(fn), ...params });
  const scopes = props.internalProperties.find((p) => p.name === '[[Scopes]]').value;
  post('Runtime.callFunctionOn', { objectId: bridgeId, functionDeclaration: 'function (s) { this.v = s; }', arguments: [{ objectId: scopes.objectId }] });
  const list = bridge.v;
  return Array.from({ length: list.length }, (_, i) => list[i]);
}

// A factory with many helpers, as a library written as one closure is (lodash's runInContext).
const source = `(function makeLib(k) {
  var state = { k: k };
${Array.from({ length: 400 }, (_, i) => `  function h${i}(x) { return ${i === 399 ? 'x + state.k' : `h${i + 1}(x)`}; }`).join('\n')}
  function onlyTheBodyReadsMe() { return 1; }
  var exported = onlyTheBodyReadsMe;
  function api(x) { return h0(x); }
  return { api: api, h1: h1, h2: h2, exported: exported };
})`;
const makeLib = vm.runInThisContext(source);
const a = makeLib(1);
const b = makeLib(2);

const [first1] = scopesOf(a.h1);
const [first2] = scopesOf(a.h2);
const keys1 = Object.keys(first1.object);
assert.strictEqual(first1.description, first2.description);
assert.deepStrictEqual(keys1, Object.keys(first2.object), 'fact 1: same bindings');
assert.ok(keys1.every((key) => first1.object[key] === first2.object[key]), 'fact 1: same values');
assert.strictEqual(first1.object.h2, a.h2, 'the first scope binds the sibling itself');
assert.ok(!('onlyTheBodyReadsMe' in first1.object), 'fact 2: a declaration no closure reads is not in the scope');
const [firstB] = scopesOf(b.h1);
assert.notStrictEqual(firstB.object.h2, a.h2, 'fact 3: another activation binds its own closure');
assert.strictEqual(firstB.object.h2, b.h2);

function small() { return 1; }
function timeDescribe(fn, rounds = 200) {
  const id = remoteId(fn);
  const t = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) post('Runtime.getProperties', { objectId: id, ownProperties: true, nonIndexedPropertiesOnly: true });
  return ms(t) / rounds;
}
const big = Math.min(timeDescribe(a.h1), timeDescribe(a.h1), timeDescribe(a.h1));
const tiny = Math.min(timeDescribe(small), timeDescribe(small), timeDescribe(small));

console.log(`Node ${process.version}`);
console.log(`first scope of two siblings: ${first1.description}, ${keys1.length} bindings, identical (fact 1)`);
console.log(`a declaration only the body reads is context-allocated: ${'onlyTheBodyReadsMe' in first1.object} (fact 2)`);
console.log(`activation b's binding h2 === activation a's h2: ${firstB.object.h2 === a.h2} (fact 3)`);
console.log(`one description (Runtime.getProperties): ${big.toFixed(3)} ms with ${keys1.length} bindings in the first scope, ${tiny.toFixed(3)} ms with a module scope (fact 4)`);
console.log('ok');
