// What the machine says of itself is an input of a call that asks: `node:os`'s machine functions
// (hostname, processors, memory, platform, user…) are recorded with the entry and asked again
// before a hit, and `process.platform` / `process.arch` / `process.version` count by value. Before,
// through the team cache or a copied root, a result computed on one machine was served on another.
import test from 'ava';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { CLI, REGISTER } from './fixtures/remote/helpers.mjs';
import { cleanEnv, tempDir } from './fixtures/cli/helpers.mjs';

function project(t, files) {
  const dir = tempDir('smartcache-machine-');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"machine","private":true}\n');
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

/** Runs `node <args>` (prefixed by `prefix`, e.g. taskset) in `dir`; stdout, stderr and the log lines. */
function run(dir, args, prefix = []) {
  const command = prefix.length > 0 ? prefix[0] : process.execPath;
  const all = prefix.length > 0 ? [...prefix.slice(1), process.execPath, ...args] : args;
  const r = spawnSync(command, all, { cwd: dir, env: cleanEnv({ SMARTCACHE_DIR: path.join(dir, 'cache'), SMARTCACHE_LOG: '1' }), encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}`);
  return { out: r.stdout.trim(), log: r.stderr.split('\n').filter((l) => l.startsWith('[smartcache] ')) };
}

const taskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0 ? ['taskset', '-c', '0'] : undefined;
const severalCpus = os.availableParallelism() > 1;
const affinityTest = taskset !== undefined && severalCpus ? test : test.skip;

const APP = `const os = require('node:os');
const { availableParallelism } = require('node:os');
/** @cache */
function plan(jobs) { return jobs + ' jobs on ' + availableParallelism() + ' workers'; }
/** @cache */
function total(jobs) { return jobs * 2; }
console.log(plan(8), total(8));
`;

// The CPU affinity changes what os.availableParallelism() answers, as another machine would.
affinityTest('a call that asked os.availableParallelism() misses when the answer differs, and says why', (t) => {
  const dir = project(t, { 'app.js': APP });
  const all = os.availableParallelism();
  t.is(run(dir, ['--require', REGISTER, 'app.js']).out, `8 jobs on ${all} workers 16`);
  const hit = run(dir, ['--require', REGISTER, 'app.js']);
  t.true(hit.log.every((l) => l.startsWith('[smartcache] hit ')), hit.log.join('\n'));

  const one = run(dir, ['--require', REGISTER, 'app.js'], taskset);
  t.is(one.out, '8 jobs on 1 workers 16');
  t.true(one.log.some((l) => /^\[smartcache\] miss app\.js#plan .*availableParallelism/.test(l)), one.log.join('\n'));
  // A function that never asked is not affected.
  t.true(one.log.some((l) => l.startsWith('[smartcache] hit app.js#total ')), one.log.join('\n'));
  t.is(run(dir, ['--require', REGISTER, 'app.js'], taskset).log.filter((l) => l.includes(' miss ')).length, 0);

  const explained = spawnSync(process.execPath, [CLI, 'explain', 'app.js#plan', '--dir', path.join(dir, 'cache')], { cwd: dir, env: cleanEnv(), encoding: 'utf8' });
  t.is(explained.status, 0, explained.stderr);
  t.regex(explained.stdout, /os\.availableParallelism\(\)/);
});

affinityTest('ES modules: a named import from node:os is recorded too', (t) => {
  const dir = project(t, {
    'app.mjs': `import { availableParallelism } from 'node:os';
/** @cache */
function width(n) { return n * availableParallelism(); }
console.log(width(3));
`,
  });
  const all = os.availableParallelism();
  t.is(run(dir, ['--import', REGISTER, 'app.mjs']).out, String(3 * all));
  const one = run(dir, ['--import', REGISTER, 'app.mjs'], taskset);
  t.is(one.out, '3');
  t.true(one.log.some((l) => /miss app\.mjs#width .*availableParallelism/.test(l)), one.log.join('\n'));
});

test('process.platform counts by value: a result computed on another system is not served', (t) => {
  const dir = project(t, {
    'app.js': `/** @cache */
function sep(x) { return process.platform === 'win32' ? x + '\\\\' : x + '/'; }
console.log(sep('dir'));
`,
    // Stands for another machine: the same code, another platform.
    'other-system.js': "Object.defineProperty(process, 'platform', { value: 'win32' });\n",
  });
  t.is(run(dir, ['--require', REGISTER, 'app.js']).out, 'dir/');
  const other = run(dir, ['--require', './other-system.js', '--require', REGISTER, 'app.js']);
  t.is(other.out, 'dir\\');
  t.true(other.log.some((l) => /miss app\.js#sep .*process\.platform/.test(l)), other.log.join('\n'));
  t.true(run(dir, ['--require', REGISTER, 'app.js']).log.some((l) => l.startsWith('[smartcache] hit app.js#sep ')));
});

test("smartcache's own use of node:os is not recorded as the call's", (t) => {
  const dir = project(t, { 'app.js': 'const { cache } = require(' + JSON.stringify(path.join(path.dirname(REGISTER), '..', 'index.js')) + ");\nconst f = cache(function f(x) { return x + 1; });\nconsole.log(f(1));\n" });
  t.is(run(dir, ['app.js']).out, '2');
  const explained = spawnSync(process.execPath, [CLI, 'explain', 'app.js', '--dir', path.join(dir, 'cache')], { cwd: dir, env: cleanEnv(), encoding: 'utf8' });
  t.is(explained.status, 0, explained.stderr);
  t.notRegex(explained.stdout, /os\.\w+\(\)/);
});

// Without the preload, a binding taken from node:os before smartcache loaded holds Node's own
// function, not the recording hook: the walk counts its answer instead.
affinityTest('cache(): a node:os function taken before smartcache loaded counts with its answer', (t) => {
  const index = JSON.stringify(path.join(path.dirname(REGISTER), '..', 'index.js'));
  const dir = project(t, {
    'app.js': `const { availableParallelism } = require('node:os');
const { cache } = require(${index});
const plan = cache(function plan(jobs) { return jobs + ' on ' + availableParallelism(); });
console.log(plan(4));
`,
  });
  t.is(run(dir, ['app.js']).out, `4 on ${os.availableParallelism()}`);
  t.true(run(dir, ['app.js']).log.some((l) => l.startsWith('[smartcache] hit app.js#plan ')));
  const one = run(dir, ['app.js'], taskset);
  t.is(one.out, '4 on 1');
  t.true(one.log.some((l) => /miss app\.js#plan .*availableParallelism/.test(l)), one.log.join('\n'));
});

// A package's code counts by name and version, never read: what it asks of node:os during the
// call is recorded by the hooks and asked again before a hit.
affinityTest('a package asking node:os during the call: the answer is recorded and checked', (t) => {
  const dir = project(t, {
    'app.js': `const { workers } = require('pool-size');
/** @cache */
function plan(jobs) { return jobs + ' on ' + workers(); }
console.log(plan(5));
`,
  });
  fs.mkdirSync(path.join(dir, 'node_modules', 'pool-size'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'node_modules', 'pool-size', 'package.json'), '{"name":"pool-size","version":"1.0.0","main":"index.js"}\n');
  fs.writeFileSync(path.join(dir, 'node_modules', 'pool-size', 'index.js'), "const os = require('node:os');\nexports.workers = () => os.availableParallelism();\n");
  t.is(run(dir, ['--require', REGISTER, 'app.js']).out, `5 on ${os.availableParallelism()}`);
  t.true(run(dir, ['--require', REGISTER, 'app.js']).log.some((l) => l.startsWith('[smartcache] hit app.js#plan ')));
  const one = run(dir, ['--require', REGISTER, 'app.js'], taskset);
  t.is(one.out, '5 on 1');
  t.true(one.log.some((l) => /^\[smartcache\] miss app\.js#plan .*os\.availableParallelism\(\) changed/.test(l)), one.log.join('\n'));
  const explained = spawnSync(process.execPath, [CLI, 'explain', 'app.js#plan', '--dir', path.join(dir, 'cache')], { cwd: dir, env: cleanEnv(), encoding: 'utf8' });
  t.regex(explained.stdout, /\(machine\) os\.availableParallelism\(\)|os\.availableParallelism\(\)/);
});

// Node 21+: `navigator.hardwareConcurrency` asks the processor count the browser way.
const navigatorTest = taskset !== undefined && severalCpus && typeof globalThis.navigator === 'object' ? test : test.skip;
navigatorTest('navigator.hardwareConcurrency read during a call is recorded and checked', (t) => {
  const dir = project(t, {
    'app.js': "/** @cache */\nfunction plan(n) { return n + ' on ' + navigator.hardwareConcurrency; }\nconsole.log(plan(3));\n",
  });
  t.is(run(dir, ['--require', REGISTER, 'app.js']).out, `3 on ${navigator.hardwareConcurrency}`);
  t.true(run(dir, ['--require', REGISTER, 'app.js']).log.some((l) => l.startsWith('[smartcache] hit app.js#plan ')));
  const one = run(dir, ['--require', REGISTER, 'app.js'], taskset);
  t.is(one.out, '3 on 1');
  t.true(one.log.some((l) => /miss app\.js#plan .*navigator\.hardwareConcurrency changed/.test(l)), one.log.join('\n'));
});

test("the hooks keep node:os's own behaviour: names, arity, `${os.hostname}`", (t) => {
  const dir = project(t, {
    'probe.js': "const os = require('node:os');\nconsole.log(JSON.stringify([`${os.hostname}`, `${os.arch}`, os.hostname.name, os.cpus.length, os.userInfo.length, typeof os.freemem()]));\n",
  });
  const plain = spawnSync(process.execPath, ['probe.js'], { cwd: dir, env: cleanEnv(), encoding: 'utf8' });
  const hooked = spawnSync(process.execPath, ['--require', REGISTER, 'probe.js'], { cwd: dir, env: cleanEnv(), encoding: 'utf8' });
  t.is(hooked.status, 0, hooked.stderr);
  t.is(hooked.stdout, plain.stdout);
});
