/**
 * Starts the explain child (`explain --live`): `node --require <dist/preload/register.js>
 * explain-child.js <file>` (or `--import register.mjs` for an ES module, and `--import tsx`
 * first for TypeScript: see explain-loader.ts), in the file's project folder, and reads back what
 * it found. User code runs only there, never in the CLI process.
 */
import { spawnSync } from 'node:child_process';
import fs = require('node:fs');
import os = require('node:os');
import path = require('node:path');
import { findProjectRoot } from '../project';
import { usageError } from './context';
import { childLaunch } from './explain-loader';
import type { ChildResult } from './explain-types';

const CHILD_TIMEOUT_MS = 120_000;

/** The last line of the child's stderr that looks like an error, for a one-line report. */
function lastErrorLine(stderr: string): string | undefined {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return [...lines].reverse().find((l) => /error/i.test(l)) ?? lines[lines.length - 1];
}

function relayWarnings(stderr: string, warn: (line: string) => void): void {
  for (const line of stderr.split('\n')) if (line.startsWith('[smartcache] warning')) warn(line);
}

export function runExplainChild(target: string, filter: string | undefined, warn: (line: string) => void): ChildResult {
  const cwd = findProjectRoot(path.dirname(target)) ?? path.dirname(target);
  const launch = childLaunch(target, cwd);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'smartcache-explain-'));
  const resultFile = path.join(scratch, 'result.json');
  try {
    const args = [...launch.flags, path.join(__dirname, 'explain-child.js'), target, resultFile, ...(filter === undefined ? [] : [filter])];
    const env: NodeJS.ProcessEnv = { ...process.env, SMARTCACHE_DIR: path.join(scratch, 'cache'), SMARTCACHE_LOG: '', SMARTCACHE_REMOTE: '' };
    // The team cache stays out of it too: nothing computed while explaining is uploaded.
    if (launch.nodeOptions === undefined) delete env['NODE_OPTIONS'];
    else env['NODE_OPTIONS'] = launch.nodeOptions;
    const child = spawnSync(process.execPath, args, {
      cwd,
      // Loading the file may call its cached functions: their results go to a scratch root so
      // that explaining never adds to, or reorders, the user's cache.
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
      timeout: CHILD_TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
    });
    relayWarnings(child.stderr ?? '', warn);
    if (fs.existsSync(resultFile)) return JSON.parse(fs.readFileSync(resultFile, 'utf8')) as ChildResult;
    if (child.error !== undefined) throw usageError(`cannot explain ${target}: ${child.error.message}`);
    if (child.status === 0) return { ok: false, error: `cannot explain ${target}: the file ended the process while loading (process.exit at top level?)` };
    if (child.signal === 'SIGTERM') return { ok: false, error: `cannot explain ${target}: loading it did not finish within ${CHILD_TIMEOUT_MS / 1000} s` };
    const why = lastErrorLine(child.stderr ?? '') ?? `exit code ${String(child.status ?? child.signal)}`;
    return { ok: false, error: `cannot load ${target}: ${why}` };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
