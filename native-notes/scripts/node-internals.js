'use strict';
// Which of a Node function's [[Scopes]] is its module's? Node compiles each of its own modules as
// an anonymous wrapper function, so the module scope should be the outermost `Closure` and the
// only one without a function name; a factory's product (`util.promisify(fn)`) has a named
// closure (`Closure (promisify)`) inside it. This script checks that on every function reachable
// from every public module, and on the products of Node's function factories.
// Usage: node native-notes/scripts/node-internals.js
const assert = require('node:assert');
const inspector = require('node:inspector');
const { builtinModules } = require('node:module');

const session = new inspector.Session();
session.connect();
const urls = new Map();
session.on('Debugger.scriptParsed', (m) => urls.set(m.params.scriptId, m.params.url));
function post(method, params) {
  let answer;
  let failure;
  session.post(method, params, (error, result) => { failure = error; answer = result; });
  if (failure) throw failure;
  return answer;
}
const bridge = { v: undefined };
globalThis.__bridge = bridge;
const bridgeId = post('Runtime.evaluate', { expression: 'globalThis.__bridge' }).result.objectId;
delete globalThis.__bridge;

function describe(fn) {
  bridge.v = fn;
  const id = post('Runtime.callFunctionOn', { objectId: bridgeId, functionDeclaration: 'function () { return this.v; }', objectGroup: 'g' }).result.objectId;
  const props = post('Runtime.getProperties', { objectId: id, ownProperties: true });
  const location = props.internalProperties.find((p) => p.name === '[[FunctionLocation]]')?.value.value;
  const scopesRemote = props.internalProperties.find((p) => p.name === '[[Scopes]]');
  if (!scopesRemote) return { location, scopes: [] };
  post('Runtime.callFunctionOn', { objectId: scopesRemote.value.objectId, functionDeclaration: 'function (b) { b.v = this; }', arguments: [{ objectId: bridgeId }] });
  const list = bridge.v;
  bridge.v = undefined;
  const scopes = [];
  for (let i = 0; i < list.length; i++) scopes.push(list[i].description);
  return { location, scopes };
}

const skip = new Set(['sys', 'wasi', 'test/reporters', 'inspector/promises', 'sqlite', 'sea', 'test']);
for (const name of builtinModules) if (!name.startsWith('_') && !skip.has(name)) try { require(`node:${name}`); } catch {}
post('Debugger.enable', {});
post('Debugger.disable', {});

// Every function reachable by data properties from the public modules.
const seen = new Set();
const queue = [];
for (const name of builtinModules) { try { queue.push([require(`node:${name}`), 0]); } catch {} }
for (let i = 0; i < queue.length; i++) {
  const [v, depth] = queue[i];
  if (seen.has(v)) continue;
  seen.add(v);
  if (depth >= 4) continue;
  for (const key of Reflect.ownKeys(v)) {
    let d;
    try { d = Reflect.getOwnPropertyDescriptor(v, key); } catch { continue; }
    if (d && 'value' in d && (typeof d.value === 'function' || (typeof d.value === 'object' && d.value !== null))) queue.push([d.value, depth + 1]);
  }
}
let nodeFunctions = 0;
let withModuleScope = 0;
let unnamedInner = [];
for (const v of seen) {
  if (typeof v !== 'function') continue;
  const { location, scopes } = describe(v);
  if (!location || !String(urls.get(location.scriptId)).startsWith('node:')) continue;
  nodeFunctions++;
  const closures = scopes.filter((s) => s !== 'Global' && !s.startsWith('Script'));
  if (closures.length === 0) continue;
  const outer = closures[closures.length - 1];
  if (outer === 'Closure') withModuleScope++;
  closures.slice(0, -1).forEach((s) => { if (s === 'Closure') unnamedInner.push(`${urls.get(location.scriptId)}:${location.lineNumber + 1}`); });
}
console.log(`Node ${process.version}: ${nodeFunctions} functions of node: scripts reachable from the public modules`);
console.log(`  ${withModuleScope} have an outermost closure scope, and it is unnamed ('Closure') in every case checked below`);
console.log(`  unnamed closure scopes inside the outermost: ${unnamedInner.length}${unnamedInner.length ? ' ' + unnamedInner.slice(0, 5).join(', ') : ''}`);

// Every reachable function's outermost closure is the unnamed module scope (or it has none).
for (const v of seen) {
  if (typeof v !== 'function') continue;
  const { location, scopes } = describe(v);
  if (!location || !String(urls.get(location.scriptId)).startsWith('node:')) continue;
  const closures = scopes.filter((s) => s.startsWith('Closure'));
  if (closures.length > 0) assert.strictEqual(closures[closures.length - 1], 'Closure', `${urls.get(location.scriptId)}:${location.lineNumber + 1} ${scopes}`);
}

// Factory products: the factory's closure is named, the module's is not and comes last.
const util = require('node:util');
const { AsyncResource } = require('node:async_hooks');
const products = {
  'util.promisify': util.promisify(function user(cb) { cb(null, 1); }),
  'util.callbackify': util.callbackify(async function user() {}),
  'util.deprecate': util.deprecate(function user() {}, 'x'),
  'util.debuglog': util.debuglog('x'),
  'AsyncResource.bind': AsyncResource.bind(function user() {}),
};
for (const [label, fn] of Object.entries(products)) {
  const { scopes } = describe(fn);
  const closures = scopes.filter((s) => s.startsWith('Closure'));
  console.log(`  ${label}: ${JSON.stringify(scopes.filter((s) => s !== 'Global'))}`);
  assert.ok(closures.length >= 1);
  if (closures.length >= 2) assert.strictEqual(closures[closures.length - 1], 'Closure');
  assert.ok(closures.slice(0, -1).every((s) => s !== 'Closure') || closures.length === 1);
}
console.log('ok');
