'use strict';
// Which members of Node's public modules load code when only their property descriptor is read
// (V8 lazy data properties)? Reads every own property descriptor of every public built-in module,
// 4 levels deep, and prints each read after which process.moduleLoadList grew.
//   node native-notes/scripts/lazy-builtin-members.js
const fs = require('node:fs');
const { builtinModules } = require('node:module');

const seen = new Set();
const count = () => process.moduleLoadList.length;
function walk(value, name, depth) {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value) || depth > 3) return;
  seen.add(value);
  for (const key of Reflect.ownKeys(value)) {
    if (typeof key !== 'string') continue;
    const before = count();
    const d = Reflect.getOwnPropertyDescriptor(value, key);
    if (count() > before) fs.writeSync(1, `${name}.${key} loads ${process.moduleLoadList.slice(before).join(', ')}\n`);
    if (d !== undefined && 'value' in d) walk(d.value, `${name}.${key}`, depth + 1);
  }
}
process.noDeprecation = true;
for (const name of builtinModules.filter((m) => !m.startsWith('_') && !m.includes('test') && m !== 'sys' && m !== 'wasi').sort()) {
  let exports;
  try {
    exports = require(`node:${name}`);
  } catch {
    continue;
  }
  walk(exports, name, 0);
}
fs.writeSync(1, `done (${process.version})\n`);
