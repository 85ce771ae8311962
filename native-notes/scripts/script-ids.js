'use strict';
// V8 numbers scripts in the order it compiles them: Node's scripts loaded while it starts come
// before a preload's entry file, the program's after it (native-notes/script-urls.md).
// Run: node -r ./native-notes/scripts/lib/marker.js native-notes/scripts/script-ids.js
const { openSession } = require('./lib/session');

const { session, post } = openSession();
function scriptIdOf(fn) {
  globalThis.__scriptIdProbe = fn;
  const { result } = post('Runtime.evaluate', { expression: 'globalThis.__scriptIdProbe' });
  const props = post('Runtime.getProperties', { objectId: result.objectId, ownProperties: true });
  const location = props.internalProperties.find((p) => p.name === '[[FunctionLocation]]');
  return location === undefined ? undefined : Number(location.value.value.scriptId);
}
const urls = new Map();
session.on('Debugger.scriptParsed', (m) => urls.set(Number(m.params.scriptId), m.params.url));
const probes = {
  'util.types.isTypedArray': require('node:util').types.isTypedArray,
  'fs.readFileSync': require('node:fs').readFileSync,
  'events (EventEmitter)': require('node:events'),
  'the preload marker': globalThis.__preloadMarker,
  'a program function': function programFunction() {},
  'zlib.gzipSync (loaded now)': require('node:zlib').gzipSync,
};
const ids = Object.entries(probes).map(([name, fn]) => [name, typeof fn === 'function' ? scriptIdOf(fn) : undefined]);
post('Debugger.enable');
post('Debugger.disable');
const marker = ids.find(([name]) => name === 'the preload marker')[1];
console.log(`Node ${process.version}`);
for (const [name, id] of ids) console.log(`${name.padEnd(28)} script ${String(id).padStart(4)}  ${urls.get(id) ?? ''}`);
const early = [...urls].filter(([id]) => marker !== undefined && id < marker);
console.log(`scripts before the preload marker: ${early.length}, of them not node: ${early.filter(([, url]) => !url.startsWith('node:')).length}`);
