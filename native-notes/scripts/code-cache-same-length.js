'use strict';
// Does V8 accept a code cache made for another source text of the same length? And what does a
// code cache save when the bundled runtime is compiled from it? (native-notes/bundle-code-cache.md)
//
//   node native-notes/scripts/code-cache-same-length.js
const vm = require('node:vm');

// 1. Same length, different text: V8's check is its version, its flags and the source length.
const a = '(function () { return "aaaa"; })';
const b = '(function () { return "bbbb"; })';
const made = new vm.Script(a, { filename: 'probe.js' });
made.runInThisContext()();
const data = made.createCachedData();
const reused = new vm.Script(b, { filename: 'probe.js', cachedData: data });
const answer = reused.runInThisContext()();
console.log(`same length: cachedDataRejected=${reused.cachedDataRejected}, source b returns ${JSON.stringify(answer)} (its text says "bbbb")`);

// 2. Another length: rejected.
const c = '(function () { return "ccccc"; })';
const other = new vm.Script(c, { filename: 'probe.js', cachedData: data });
console.log(`other length: cachedDataRejected=${other.cachedDataRejected}, returns ${JSON.stringify(other.runInThisContext()())}`);

// 3. A damaged cache of the right length: does V8 notice (release builds skip the checksum)?
const damaged = Buffer.from(data);
for (let i = Math.floor(damaged.length / 2); i < damaged.length; i += 7) damaged[i] ^= 0x5a;
let outcome;
try {
  const s = new vm.Script(a, { filename: 'probe.js', cachedData: damaged });
  outcome = `cachedDataRejected=${s.cachedDataRejected}, returns ${JSON.stringify(s.runInThisContext()())}`;
} catch (error) {
  outcome = `threw ${error}`;
}
console.log(`damaged payload: ${outcome}`);
console.log(`node ${process.version}, V8 ${process.versions.v8}`);
