'use strict';
// Does V8 refuse a code cache made under other V8 flags? (native-notes/bundle-code-cache.md)
//   node native-notes/scripts/code-cache-flags.js
// Makes a cache with no flags, then loads it in child processes started with various options and
// prints whether V8 rejected it. Node-only options (--require, -e, --cpu-prof) do not change V8's
// flags; options Node hands to V8 (--stack-size, --max-old-space-size, --no-opt) do.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');

const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cc-flags-')), 'cache.bin');
const source = 'function f(a) { return a * 2; } f(3);\n'.repeat(50);
if (process.argv[2] === 'load') {
  const script = new vm.Script(source, { cachedData: fs.readFileSync(process.argv[3]) });
  process.stdout.write(`${script.cachedDataRejected ? 'rejected' : 'accepted'}\n`);
} else {
  const script = new vm.Script(source);
  script.runInThisContext();
  fs.writeFileSync(file, script.createCachedData());
  const variants = [[], ['--require', 'node:path'], ['--cpu-prof', `--cpu-prof-dir=${path.dirname(file)}`], ['--stack-size=2000'], ['--max-old-space-size=300'], ['--no-opt']];
  for (const flags of variants) {
    const out = execFileSync(process.execPath, [...flags, __filename, 'load', file], { encoding: 'utf8' }).trim();
    process.stdout.write(`${process.version} ${flags.join(' ') || '(no options)'}: ${out}\n`);
  }
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
}
