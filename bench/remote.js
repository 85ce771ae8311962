'use strict';
/**
 * Team cache figures (issue 14), one run, loopback redis-server started here (persistence off),
 * medians of several child processes or batches:
 *  - a small result in a NEW process: remote hit vs local disk hit vs computing (the call, and
 *    the whole process)
 *  - 1 MB and 100 MB results in a new process: remote hit vs local hit vs recomputing
 *  - the synchronous bridge's cost per call: a remote hit of a small value through the worker
 *    (Atomics.wait) vs the same lookup awaited on the main thread's own client, and PING
 *  - the cost added to a local miss when the server is down (refused) or stalled (SIGSTOP):
 *    first miss of the process, then each later miss (target: <= the timeout once, then ~0)
 * Usage: node bench/remote.js [--quick]   (exports run({ quick }) for bench/run.js)
 */
const { execFileSync, spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { median } = require('./lib/stats');
const { tempDir } = require('./lib/tmp');

const COMMAND = 'node bench/remote.js';
const DIST = path.join(__dirname, '..', 'dist');
const SECRET = 'bench-secret-0123456789abcdef0123';
const TIMEOUT_MS = 500;

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function startRedis() {
  const dir = tempDir('redis');
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', path.join(dir, 'log')], { stdio: 'ignore' });
  const { createClient } = require('@redis/client');
  for (let i = 0; i < 400; i++) {
    const c = createClient({ socket: { host: '127.0.0.1', port, reconnectStrategy: false }, disableClientInfo: true });
    c.on('error', () => {});
    try {
      await c.connect();
      await c.ping();
      await c.close();
      return { port, url: `redis://127.0.0.1:${port}`, child, stop: () => child.kill('SIGKILL') };
    } catch {
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  child.kill('SIGKILL');
  throw new Error('redis-server did not start');
}

/**
 * The child: one cached function producing `bytes` of result by real work (a loop over a
 * Float64Array), called once (or `calls` times with new arguments); prints the call times.
 */
const CHILD = `
const started = performance.now();
const { cache } = require(${JSON.stringify(path.join(DIST, 'index.js'))});
const produce = cache(function produce(bytes, seed) {
  console.log('BODY');
  const out = new Float64Array(Math.max(1, bytes >> 3));
  for (let i = 0; i < out.length; i++) out[i] = Math.sin(i * 0.001 + seed) * Math.sqrt(i + seed);
  return out;
});
const calls = Number(process.env.CALLS || 1);
const bytes = Number(process.env.BYTES);
const seed = Number(process.env.SEED || 0);
const times = [];
for (let c = 0; c < calls; c++) {
  const t = performance.now();
  produce(bytes, seed + c);
  times.push(performance.now() - t);
}
process.on('exit', () => console.log('OUT ' + JSON.stringify({ times, process: performance.now() - started })));
`;

function childEnv(extra) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('SMARTCACHE')) delete env[k];
  delete env.NODE_OPTIONS;
  return { ...env, ...extra };
}

function runChild(dir, env) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['child.js'], { cwd: dir, env: childEnv(env), encoding: 'utf8', timeout: 600_000 });
  const wall = performance.now() - t0;
  const line = (r.stdout || '').split('\n').find((l) => l.startsWith('OUT '));
  if (r.status !== 0 || line === undefined) throw new Error(`bench child failed: ${r.stderr}`);
  return { ...JSON.parse(line.slice(4)), wall, computed: r.stdout.split('\n').filter((l) => l === 'BODY').length };
}

function pushAll(dir, root, env) {
  const r = spawnSync(process.execPath, [path.join(DIST, 'cli', 'main.js'), 'push', '--dir', root], { cwd: dir, env: childEnv(env), encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`push failed: ${r.stderr}`);
}

function project() {
  const dir = tempDir('remote-project');
  fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"remote-bench","private":true}\n');
  fs.writeFileSync(path.join(dir, 'child.js'), CHILD);
  return dir;
}

/**
 * One result size in new processes, `runs` rounds; each round uses a fresh seed (a new key), so
 * the writer computes it (and uploads), a fresh root then gets a remote hit, and that root's next
 * run a local hit. Returns medians of the first call's time and of the process wall time.
 */
function newProcessFigures(dir, server, bytes, runs, ns) {
  const remote = { SMARTCACHE_REMOTE: server.url, SMARTCACHE_REMOTE_KEY: SECRET, SMARTCACHE_REMOTE_NAMESPACE: ns, SMARTCACHE_REMOTE_MAX_BYTES: '300M', BYTES: String(bytes) };
  const compute = [];
  const plain = [];
  const remoteHit = [];
  const localHit = [];
  const computeWall = [];
  const remoteWall = [];
  const localWall = [];
  for (let r = 0; r < runs; r++) {
    const seed = String(1000 + r);
    // The same computation in a process with no team cache at all: what a miss costs without it.
    const alone = runChild(dir, { BYTES: String(bytes), SMARTCACHE_DIR: tempDir('p'), SEED: seed });
    const writerRoot = tempDir('w');
    const writer = runChild(dir, { ...remote, SMARTCACHE_DIR: writerRoot, SMARTCACHE_REMOTE_WRITE: '1', SEED: seed });
    // A 100 MB upload may outlast the 2 s the writer's exit allows: push makes sure it is there.
    pushAll(dir, writerRoot, { ...remote, SMARTCACHE_REMOTE_WRITE: '1' });
    const reader = tempDir('r');
    const hit = runChild(dir, { ...remote, SMARTCACHE_DIR: reader, SEED: seed });
    const local = runChild(dir, { ...remote, SMARTCACHE_DIR: reader, SEED: seed });
    if (writer.computed !== 1 || hit.computed !== 0 || local.computed !== 0) throw new Error(`unexpected computations: ${writer.computed}, ${hit.computed}, ${local.computed}`);
    compute.push(writer.times[0]);
    plain.push(alone.times[0]);
    remoteHit.push(hit.times[0]);
    localHit.push(local.times[0]);
    computeWall.push(writer.wall);
    remoteWall.push(hit.wall);
    localWall.push(local.wall);
  }
  return {
    compute: median(compute),
    plain: median(plain),
    remoteHit: median(remoteHit),
    localHit: median(localHit),
    computeWall: median(computeWall),
    remoteWall: median(remoteWall),
    localWall: median(localWall),
  };
}

/** ms per call of `op` over `count` calls, median of `batches` batches. */
async function perCall(batches, count, op) {
  const times = [];
  for (let b = 0; b < batches; b++) {
    const t = performance.now();
    for (let i = 0; i < count; i++) await op();
    times.push((performance.now() - t) / count);
  }
  return median(times);
}

/** The bridge in this process: a remote hit of a small value, sync vs the main thread's own client. */
async function bridgeFigures(server, quick) {
  const { readRemoteConfig, openConnection } = require(path.join(DIST, 'remote', 'index.js'));
  const { Bridge } = require(path.join(DIST, 'remote', 'bridge.js'));
  const { STORE_FORMAT_VERSION, Store } = require(path.join(DIST, 'store', 'index.js'));
  const config = readRemoteConfig({ SMARTCACHE_REMOTE: server.url, SMARTCACHE_REMOTE_KEY: SECRET, SMARTCACHE_REMOTE_NAMESPACE: 'bridge', SMARTCACHE_REMOTE_WRITE: '1' });
  // One small entry on the server, uploaded the way the worker does.
  const store = Store.open(tempDir('bridge'));
  const key = 'b'.repeat(64);
  store.put(key, { fn: 'bench', fingerprint: 'f'.repeat(64), created: Date.now(), computeMs: 1 }, [{ rows: [1, 2, 3], label: 'small' }]);
  const direct = openConnection(config);
  await direct.put(key, store.readBytes(key, Infinity), undefined, 'bench', 'f'.repeat(64));
  const bridge = new Bridge(config, STORE_FORMAT_VERSION, { onReply: () => {}, onOff: (why) => { throw new Error(`bridge off: ${why}`); } });
  if (bridge.getSync(key).kind !== 'hit') throw new Error('bridge warm-up lookup missed');
  const count = quick ? 200 : 1000;
  const batches = quick ? 3 : 7;
  const sync = await perCall(batches, count, () => {
    if (bridge.getSync(key).kind !== 'hit') throw new Error('bridge lookup missed');
  });
  const asyncViaWorker = await perCall(batches, count, async () => {
    if ((await bridge.get(key)).kind !== 'hit') throw new Error('async bridge lookup missed');
  });
  const mainThread = await perCall(batches, count, async () => {
    if ((await direct.fetch(key)).kind !== 'hit') throw new Error('direct lookup missed');
  });
  const ping = await perCall(batches, count, () => direct.ping());
  direct.destroy();
  return { sync, asyncViaWorker, mainThread, ping };
}

/** Misses in a new process with the server refused or stalled, vs no remote. */
function downFigures(dir, url, pause, resume) {
  const base = { BYTES: '1024', CALLS: '21', SEED: String(Date.now() % 100000) };
  const none = runChild(dir, { ...base, SMARTCACHE_DIR: tempDir('n') });
  pause?.();
  let down;
  try {
    down = runChild(dir, { ...base, SMARTCACHE_DIR: tempDir('d'), SMARTCACHE_REMOTE: url, SMARTCACHE_REMOTE_KEY: SECRET, SMARTCACHE_REMOTE_TIMEOUT: String(TIMEOUT_MS) });
  } finally {
    resume?.();
  }
  return {
    first: down.times[0] - none.times[0],
    later: median(down.times.slice(1)) - median(none.times.slice(1)),
  };
}

async function run({ quick = false } = {}) {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
  } catch {
    return { rows: [], notes: ['redis-server is not installed (apt-get install redis-server): team cache figures skipped'] };
  }
  const server = await startRedis();
  const rows = [];
  const notes = [];
  try {
    const dir = project();
    const runs = quick ? 3 : 5;
    const small = newProcessFigures(dir, server, 64, runs, 'small');
    rows.push(
      { figure: 'small result, new process: remote hit (first call)', command: COMMAND, value: small.remoteHit, unit: 'ms' },
      { figure: 'small result, new process: local disk hit (first call)', command: COMMAND, value: small.localHit, unit: 'ms' },
      { figure: 'small result, new process: computed, no team cache configured (first call)', command: COMMAND, value: small.plain, unit: 'ms' },
      { figure: 'small result, new process: computed after a remote miss (first call, upload queued)', command: COMMAND, value: small.compute, unit: 'ms' },
      { figure: 'small result: whole process with a remote hit', command: COMMAND, value: small.remoteWall, unit: 'ms' },
      { figure: 'small result: whole process with a local hit', command: COMMAND, value: small.localWall, unit: 'ms' },
    );
    for (const [label, bytes, n] of [['1 MB', 1 << 20, runs], ['100 MB', 100 << 20, quick ? 1 : 3]]) {
      const f = newProcessFigures(dir, server, bytes, n, label.replace(' ', ''));
      rows.push(
        { figure: `${label} result, new process: recompute, no team cache`, command: COMMAND, value: f.plain, unit: 'ms' },
        { figure: `${label} result, new process: recompute after a remote miss`, command: COMMAND, value: f.compute, unit: 'ms' },
        { figure: `${label} result, new process: remote hit`, command: COMMAND, value: f.remoteHit, unit: 'ms' },
        { figure: `${label} result, new process: local hit`, command: COMMAND, value: f.localHit, unit: 'ms' },
      );
    }
    const b = await bridgeFigures(server, quick);
    rows.push(
      { figure: 'remote hit, small value, sync bridge (worker + Atomics.wait) per call', command: COMMAND, value: b.sync * 1000, unit: 'µs' },
      { figure: 'remote hit, small value, async through the worker per call', command: COMMAND, value: b.asyncViaWorker * 1000, unit: 'µs' },
      { figure: 'remote hit, small value, main-thread client per call (no bridge)', command: COMMAND, value: b.mainThread * 1000, unit: 'µs' },
      { figure: 'sync bridge cost per call (sync bridge minus main-thread client)', command: COMMAND, value: (b.sync - b.mainThread) * 1000, unit: 'µs' },
      { figure: 'PING round trip (loopback)', command: COMMAND, value: b.ping * 1000, unit: 'µs' },
    );
    const dir2 = project();
    const refused = downFigures(dir2, `redis://127.0.0.1:${await freePort()}`);
    const stalled = downFigures(dir2, server.url, () => process.kill(server.child.pid, 'SIGSTOP'), () => process.kill(server.child.pid, 'SIGCONT'));
    rows.push(
      { figure: 'server refused: added to the first miss of a process', command: COMMAND, value: refused.first, unit: 'ms', target: `≤ ${TIMEOUT_MS} ms` },
      { figure: 'server refused: added to each later miss', command: COMMAND, value: refused.later * 1000, unit: 'µs' },
      { figure: `server stalled (SIGSTOP): added to the first miss (timeout ${TIMEOUT_MS} ms)`, command: COMMAND, value: stalled.first, unit: 'ms', target: `≤ ${TIMEOUT_MS + 300} ms` },
      { figure: 'server stalled: added to each later miss', command: COMMAND, value: stalled.later * 1000, unit: 'µs' },
    );
    notes.push('"first call" times include the process\'s first fingerprint of the function and, with a remote, waiting for the worker thread to load the Redis client (it starts when the function is wrapped).');
  } finally {
    server.stop();
  }
  return { rows, notes };
}

module.exports = { run };

if (require.main === module) {
  run({ quick: process.argv.includes('--quick') }).then(({ rows, notes }) => {
    for (const r of rows) console.log(`${r.figure.padEnd(84)} ${r.value.toFixed(r.value < 10 ? 2 : 0).padStart(9)} ${r.unit}${r.target ? `  (target ${r.target})` : ''}`);
    for (const n of notes) console.log(`note: ${n}`);
  }, (error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
