'use strict';
// Timing of child processes: whole-process wall time (spawn to exit, hrtime: monotonic, ns) and
// children that print one JSON result. In-process per-call timing lives in each measuring child
// (bench/peers/child.js), next to the loop it times.
const { spawn, spawnSync } = require('node:child_process');
const path = require('node:path');

const now = () => process.hrtime.bigint();

/**
 * The environment children get by default: the caller's, minus what would change what is
 * measured (SMARTCACHE=off, logging, a cache root, a preload injected through NODE_OPTIONS).
 */
function benchEnv(extra = {}) {
  const env = { ...process.env };
  for (const name of ['SMARTCACHE', 'SMARTCACHE_LOG', 'SMARTCACHE_DIR', 'NODE_OPTIONS']) delete env[name];
  return { ...env, ...extra };
}

/**
 * Runs a command and returns its wall time in ms (spawn to exit, as a user at a shell sees it) and
 * its output. Throws with stderr when it exits non-zero, so a broken figure is never a fast one.
 */
function runProcess(command, args, { env, cwd, timeoutMs = 180_000 } = {}) {
  const t0 = now();
  const r = spawnSync(command, args, { env: env ?? benchEnv(), cwd, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 });
  const ms = Number(now() - t0) / 1e6;
  if (r.error?.code === 'ETIMEDOUT') {
    throw new Error(`timed out after ${timeoutMs / 1000} s (${path.basename(command)} ${args.map((a) => path.basename(a)).join(' ')})`);
  }
  if (r.error) throw r.error;
  if (r.status !== 0) {
    const lines = (r.stderr || r.stdout || '').trim().split('\n');
    const reason = lines.find((l) => /^\w*Error\b|^Error:|Error: /.test(l)) ?? lines.at(-1) ?? '';
    const error = new Error(`${reason.trim()} (${path.basename(command)} ${args.map((a) => path.basename(a)).join(' ')} exited with ${r.status ?? r.signal})`);
    error.output = lines.slice(-12).join('\n');
    throw error;
  }
  return { ms, stdout: r.stdout, stderr: r.stderr };
}

/** Like runJson, without blocking: several children may run at once (e.g. to fill a store). */
function runJsonAsync(command, args, { env, cwd } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = now();
    const child = spawn(command, args, { env: env ?? benchEnv(), cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(now() - t0) / 1e6;
      if (code !== 0) return reject(new Error(`${path.basename(command)} ${args.map((a) => path.basename(a)).join(' ')} exited with ${code}: ${stderr.trim().split('\n').find((l) => /Error/.test(l)) ?? stderr.trim().split('\n').pop()}`));
      try {
        resolve({ ms, data: JSON.parse(stdout.trim().split('\n').pop() ?? '') });
      } catch {
        reject(new Error(`${path.basename(command)} printed no JSON result`));
      }
    });
  });
}

/** Runs a child that prints one JSON object as its last stdout line; returns it parsed. */
function runJson(command, args, options) {
  const { stdout, ms } = runProcess(command, args, options);
  const last = stdout.trim().split('\n').pop() ?? '';
  try {
    return { ms, data: JSON.parse(last) };
  } catch {
    throw new Error(`${command} ${args.join(' ')} printed no JSON result: ${JSON.stringify(stdout.slice(-300))}`);
  }
}

/**
 * Whole-process wall times of several commands, interleaved run by run (A B C A B C ...) so that
 * the machine's noise lands on every command alike. Returns `{ [label]: ms[] }`.
 */
function interleavedProcesses(specs, runs, { warmup = 1, onRun } = {}) {
  const out = Object.fromEntries(specs.map((s) => [s.label, []]));
  for (let r = -warmup; r < runs; r++) {
    for (const s of specs) {
      const { ms } = runProcess(s.command, s.args, s);
      if (r >= 0) out[s.label].push(ms);
    }
    if (onRun && r >= 0) onRun(r + 1, runs);
  }
  return out;
}

module.exports = { benchEnv, now, runProcess, runJson, runJsonAsync, interleavedProcesses };
