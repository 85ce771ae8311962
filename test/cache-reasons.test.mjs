// SMARTCACHE_LOG=1: every miss says its true reason: a method's helper changed, dependsOn()
// changed (across runs and within one), the cache is unavailable, the result cannot be stored.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { node, project, tempDir, writeFile } from './fixtures/cache/helpers.mjs';

/** `[name, reason]` of each miss line, `[name, 'hit']` of each hit line. */
function calls(stderr) {
  return stderr.split('\n').flatMap((line) => {
    const miss = /^\[smartcache\] miss (\S+) \S+ \S+ \S+ \((.*)\)$/.exec(line);
    // The first miss of a process also says what loading and fingerprinting cost; the reason is the rest.
    if (miss) return [[miss[1], miss[2].replace(/; first call: \S+ (?:µs|ms|s) of it loading and fingerprinting$/, '')]];
    const hit = /^\[smartcache\] hit (\S+) /.exec(line);
    return hit ? [[hit[1], 'hit']] : [];
  });
}

const scaleV1 = `exports.scale = function scale(x) { return x * 2; };\n`;
const scaleV2 = `exports.scale = function scale(x) { return x * 3; };\n`;

test("a method whose helper changed says which helper, not 'new arguments'", (t) => {
  const dir = project({
    'scale.js': scaleV1,
    'main.js': (mod) => `const { cached } = require(${mod});
const { scale } = require('./scale');
class Report {
  constructor(base) { this.base = base; }
  total(x) { return scale(this.base + x); }
}
const descriptor = Object.getOwnPropertyDescriptor(Report.prototype, 'total');
Object.defineProperty(Report.prototype, 'total', cached()(Report.prototype, 'total', descriptor));
console.log('OUT ' + JSON.stringify([new Report(1).total(1), new Report(1).total(1)]));
`,
  });
  const env = { SMARTCACHE_DIR: tempDir(), SMARTCACHE_LOG: '1' };
  const first = node(['main.js'], { cwd: dir, env });
  t.deepEqual(first.out, [4, 4]);
  t.deepEqual(calls(first.stderr), [['main.js#Report#total', 'new arguments'], ['main.js#Report#total', 'hit']]);
  writeFile(dir, 'scale.js', scaleV2);
  const second = node(['main.js'], { cwd: dir, env });
  t.deepEqual(second.out, [6, 6]);
  const [[name, reason], next] = calls(second.stderr);
  t.is(name, 'main.js#Report#total');
  t.regex(reason, /scale/, second.stderr);
  t.notRegex(reason, /new arguments/);
  t.deepEqual(next, ['main.js#Report#total', 'hit']);
});

test("a dependsOn() change is told as such, across runs and within one; new arguments stay 'new arguments'", (t) => {
  const dir = project({
    'config.json': '{"rate":2}',
    'main.js': (mod) => `const fs = require('node:fs');
const { cache } = require(${mod});
const readConfig = () => fs.readFileSync('config.json', 'utf8');
const price = cache(function price(n) { return n * JSON.parse(readConfig()).rate; }, { dependsOn: readConfig });
const out = [price(10), price(10)];
if (process.argv[2] === 'edit') {
  fs.writeFileSync('config.json', '{"rate":5}');
  out.push(price(10), price(11));
}
console.log('OUT ' + JSON.stringify(out));
`,
  });
  const env = { SMARTCACHE_DIR: tempDir(), SMARTCACHE_LOG: '1' };
  const first = node(['main.js'], { cwd: dir, env });
  t.deepEqual(first.out, [20, 20]);
  t.deepEqual(calls(first.stderr).map((c) => c[1]), ['new arguments', 'hit']);
  fs.writeFileSync(path.join(dir, 'config.json'), '{"rate":3}');
  const second = node(['main.js', 'edit'], { cwd: dir, env });
  t.deepEqual(second.out, [30, 30, 50, 55]);
  t.deepEqual(calls(second.stderr).map((c) => c[1]), ['dependsOn() changed', 'hit', 'dependsOn() changed', 'new arguments'], second.stderr);
});

test("an unavailable cache is told as such, not 'new arguments'", (t) => {
  const file = path.join(tempDir(), 'a-file');
  fs.writeFileSync(file, 'not a folder');
  const dir = project({
    'main.js': (mod) => `const { cache } = require(${mod});
const add = cache(function add(a, b) { return a + b; }, { memory: false });
console.log('OUT ' + JSON.stringify([add(1, 2), add(1, 2)]));
`,
  });
  const r = node(['main.js'], { cwd: dir, env: { SMARTCACHE_DIR: path.join(file, 'cache'), SMARTCACHE_LOG: '1' } });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.out, [3, 3]);
  const reasons = calls(r.stderr).map((c) => c[1]);
  t.is(reasons.length, 2, r.stderr);
  for (const reason of reasons) t.regex(reason, /^cache unavailable \(ENOTDIR\)/);
});

test('a result that cannot be stored says so on every call, not "new arguments"', (t) => {
  const dir = project({
    'main.js': (mod) => `const { cache } = require(${mod});
const make = cache(function make(n) { return { n, get: () => n }; });
console.log('OUT ' + JSON.stringify([make(1).get(), make(1).get(), make(1).get()]));
`,
  });
  const r = node(['main.js'], { cwd: dir, env: { SMARTCACHE_DIR: tempDir(), SMARTCACHE_LOG: '1' } });
  t.is(r.status, 0, r.stderr);
  t.deepEqual(r.out, [1, 1, 1]);
  t.deepEqual(calls(r.stderr).map((c) => c[1]), [
    'new arguments; not stored: its result cannot be stored exactly',
    'not stored last time: its result cannot be stored exactly',
    'not stored last time: its result cannot be stored exactly',
  ]);
});

test("a version bump is told as such ('version \"1\" → \"2\"'), and going back hits; new arguments stay 'new arguments'", (t) => {
  const dir = project({
    'main.js': (mod) => `const { cache } = require(${mod});
const v = process.env.V === '' ? undefined : process.env.V;
const price = cache(function price(n) { return n * 2; }, { name: 'price', ...(v === undefined ? {} : { version: v }) });
console.log('OUT ' + JSON.stringify([price(10), price(11)]));
`,
  });
  const env = { SMARTCACHE_DIR: tempDir(), SMARTCACHE_LOG: '1' };
  const run = (V) => {
    const r = node(['main.js'], { cwd: dir, env: { ...env, V } });
    t.is(r.status, 0, r.stderr);
    return calls(r.stderr).map((c) => c[1]);
  };
  t.deepEqual(run('1'), ['new arguments', 'new arguments']);
  t.deepEqual(run('2'), ['version "1" → "2"', 'version "1" → "2"']);
  t.deepEqual(run('1'), ['hit', 'hit']);
  // Told against the version of the last run that computed (2; the run under 1 only hit).
  t.deepEqual(run(''), ['version "2" → null', 'version "2" → null']);
});
