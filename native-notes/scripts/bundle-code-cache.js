'use strict';
// What compiling smartcache's bundles (dist/runtime.js, the cache layer; dist/runtime-preload.js,
// the preload) costs with and without the V8 code cache the
// loader keeps, and what the loader's checks cost (native-notes/bundle-code-cache.md). The cache is
// the real one: left by two cached runs of bench/fixtures/fib.js (a miss, then a disk hit) in a
// temporary folder. Each measurement runs in a fresh child process (cold, as a user's process
// is); medians of N runs.
//
//   npm run build && node native-notes/scripts/bundle-code-cache.js [runs]
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const RUNS = Number(process.argv[2] ?? 9);
const ROOT = path.join(__dirname, '..', '..');
const PARTS = [
  { name: 'runtime', bundle: path.join(ROOT, 'dist', 'runtime.js') },
  { name: 'preload', bundle: path.join(ROOT, 'dist', 'runtime-preload.js') },
];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-code-note-'));
const env = { ...process.env, TMPDIR: tmp, SMARTCACHE_DIR: path.join(tmp, 'cache') };
for (let i = 0; i < 2; i++) execFileSync(process.execPath, ['--require', path.join(ROOT, 'dist', 'preload', 'register.js'), path.join(ROOT, 'bench', 'fixtures', 'fib.js'), '25'], { env, stdio: 'ignore' });
const folder = path.join(tmp, `smartcache-code-${process.getuid()}`);
const cacheFileOf = (part) => path.join(folder, fs.readdirSync(folder).find((f) => f.startsWith(`${part}-`) && f.endsWith('.v8')));

const child = `(() => {
const fs = require('node:fs'), vm = require('node:vm');
const ms = (t) => Number(process.hrtime.bigint() - t) / 1e6;
const [what, file, cacheFile] = process.argv.slice(1);
const wrap = (s) => '(function (exports, require, module, __filename, __dirname) { ' + s + '\\n})';
const stored = fs.readFileSync(cacheFile);
const data = stored.subarray(stored.indexOf(10, stored.indexOf(10) + 1) + 1);
const src = what === 'utf8' || what === 'latin1' ? '' : fs.readFileSync(file, 'latin1');
const t = process.hrtime.bigint();
if (what === 'utf8') fs.readFileSync(file, 'utf8');
else if (what === 'latin1') { const b = fs.readFileSync(file); if (require('node:buffer').isAscii(b)) b.toString('latin1'); }
else if (what === 'zlib') require('node:zlib').crc32(data);
else if (what === 'js') {
  const w = new Int32Array(Buffer.from(data).buffer, 0, data.length >>> 2); let h = 0x811c9dc5 | 0, s = 0;
  for (let i = 0; i < w.length; i++) { h = Math.imul(h ^ w[i], 0x01000193); s = (s + h) | 0; }
} else {
  const s = new vm.Script(wrap(src), { filename: file, cachedData: what === 'cached' ? data : undefined });
  if (what === 'cached' && s.cachedDataRejected) throw new Error('the stored cache was rejected');
}
process.stdout.write(String(ms(t)) + ' ' + data.length);
})();`;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

for (const part of PARTS) {
  const cacheFile = cacheFileOf(part.name);
  const rows = {};
  let bytes = 0;
  for (let r = 0; r < RUNS; r++) {
    for (const what of ['utf8', 'latin1', 'compile', 'cached', 'zlib', 'js']) {
      const out = execFileSync(process.execPath, ['-e', child, what, part.bundle, cacheFile], { encoding: 'utf8' }).split(' ');
      (rows[what] ??= []).push(Number(out[0]));
      bytes = Number(out[1]);
    }
  }
  const m = (k) => median(rows[k]).toFixed(2);
  console.log(`node ${process.version}; ${path.relative(ROOT, part.bundle)} ${fs.statSync(part.bundle).size} bytes; code cache left by a disk-hit run ${bytes} bytes; medians of ${RUNS} cold processes, ms`);
  console.log(`  read the bundle as UTF-8: ${m('utf8')}; as bytes + isAscii + latin1: ${m('latin1')}`);
  console.log(`  compile the bundle without cache data: ${m('compile')}; with the stored cache data: ${m('cached')}`);
  console.log(`  checksum of the cache data: zlib.crc32 (loading node:zlib included): ${m('zlib')}; JavaScript FNV loop: ${m('js')}`);
}
fs.rmSync(tmp, { recursive: true, force: true });
