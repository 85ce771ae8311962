// Measures what the time-zone and locale recording (src/tracking/locale-watch.ts) relies on:
// 1. TZ and LANG/LC_ALL change results without any read through process.env (ICU reads them).
// 2. Assigning process.env.TZ at run time changes the resolved zone at once; LANG does not change
//    the default locale after start-up (so the resolved values, not the variables, are recorded).
// 3. What hooking the ~60 locale-dependent members costs (install + remove), and one hooked call.
// Run: node native-notes/scripts/time-zone-locale.js
'use strict';
const { spawnSync } = require('node:child_process');

function child(env, code) {
  const r = spawnSync(process.execPath, ['-e', code], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
  return r.stdout.trim();
}

const probe = `
const reads = new Set();
const env = process.env;
process.env = new Proxy(env, { get(t, k) { if (typeof k === 'string') reads.add(k); return Reflect.get(t, k); } });
const d = new Date(0);
const out = [d.getHours(), d.toString().slice(16, 33), (1234.5).toLocaleString(), new Intl.DateTimeFormat().resolvedOptions().timeZone, new Intl.NumberFormat().resolvedOptions().locale];
process.env = env;
console.log(JSON.stringify({ out, readsThroughProcessEnv: [...reads] }));`;
console.log(`Node ${process.version}`);
console.log('1. TZ=UTC LANG=en_US.UTF-8:       ', child({ TZ: 'UTC', LANG: 'en_US.UTF-8', LC_ALL: 'en_US.UTF-8' }, probe));
console.log('1. TZ=Asia/Tokyo LANG=de_DE.UTF-8:', child({ TZ: 'Asia/Tokyo', LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' }, probe));

const runtime = `
const zone = () => new Intl.DateTimeFormat().resolvedOptions().timeZone;
const locale = () => new Intl.NumberFormat().resolvedOptions().locale;
const before = [zone(), new Date(0).getHours(), locale()];
process.env.TZ = 'Asia/Tokyo'; process.env.LANG = 'de_DE.UTF-8'; process.env.LC_ALL = 'de_DE.UTF-8';
console.log(JSON.stringify({ before, after: [zone(), new Date(0).getHours(), locale()] }));`;
console.log('2. TZ and LANG assigned at run time:', child({ TZ: 'UTC', LANG: 'en_US.UTF-8', LC_ALL: 'en_US.UTF-8' }, runtime));

// 3. The cost of the hooks, with the module as built (npm run build first).
const hooks = require('../../dist/tracking/locale-watch.js');
hooks.setLocaleHooks(true);
hooks.setLocaleHooks(false);
const rounds = 2000;
let t = process.hrtime.bigint();
for (let i = 0; i < rounds; i++) {
  hooks.setLocaleHooks(true);
  hooks.setLocaleHooks(false);
}
const cycle = Number(process.hrtime.bigint() - t) / rounds / 1000;
const d = new Date(0);
const calls = 1e6;
let sink = 0;
t = process.hrtime.bigint();
for (let i = 0; i < calls; i++) sink += d.getHours();
const plain = Number(process.hrtime.bigint() - t) / calls;
console.log(`3. hook + unhook all members: ${cycle.toFixed(1)} µs; getHours() plain: ${plain.toFixed(1)} ns per call (${sink > -1 ? 'ok' : ''})`);
