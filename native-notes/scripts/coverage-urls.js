'use strict';
// Can best-effort coverage stand in for Debugger.enable to learn a script's url?
// (scripts.ts asks for every script's url when a function's script is unknown: Node's own
// functions captured by user code, `new Function` code.)
// 1. What each costs in the same process, and how many scripts each lists.
// 2. Which of Node's scripts best-effort coverage leaves out (those from the startup snapshot whose
//    functions have no feedback vector): a function of one of them still needs Debugger.enable.
// Usage: node native-notes/scripts/coverage-urls.js
const util = require('node:util');
const { openSession, ms } = require('./lib/session');

const { session, post } = openSession();

// Some user-visible Node functions a program typically holds.
const held = [util.inspect, util.types.isTypedArray, util.promisify, setTimeout, require('node:events').once];
held.forEach((fn) => void fn);

let t = process.hrtime.bigint();
post('Profiler.enable');
const covered = new Map(post('Profiler.getBestEffortCoverage').result.map((s) => [s.scriptId, s.url]));
post('Profiler.disable');
const coverageMs = ms(t);

t = process.hrtime.bigint();
const all = new Map();
session.on('Debugger.scriptParsed', (m) => all.set(m.params.scriptId, m.params.url));
post('Debugger.enable');
post('Debugger.disable');
const debuggerMs = ms(t);

const missing = [...all].filter(([id, url]) => url.startsWith('node:') && !covered.has(id)).map(([, url]) => url);
console.log(`Node ${process.version}`);
console.log(`best-effort coverage: ${covered.size} scripts in ${coverageMs.toFixed(1)} ms; Debugger.enable: ${all.size} scripts in ${debuggerMs.toFixed(1)} ms`);
console.log(`Node scripts coverage leaves out: ${missing.length} of ${[...all.values()].filter((u) => u.startsWith('node:')).length}, e.g. ${missing.filter((u) => /util\/inspect|timers|events/.test(u)).join(', ')}`);
