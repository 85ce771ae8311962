/**
 * Two of Node's functions that read inputs in C++ or from `process.argv` directly, past the
 * hooks on `node:fs` and `process.env`:
 * - `process.loadEnvFile(path)` reads a `.env` file and sets the variables it holds: the file is
 *   an input of the call (recorded like a read through `node:fs`), and the variables it set are
 *   the call's own output (a later read of one reads what the call wrote). Recorded as reads, they
 *   were unset again when the next run checked the entry: it never hit.
 * - `util.parseArgs()` without `args` reads `process.argv`: the command line is then an input of
 *   the call (`ARGUMENTS`), like an environment variable.
 */
import { ARGUMENTS, currentEnv, recordAmbient, recordPrior, recordWrite } from './env-watch';
import { trackingActive } from './frames';
import { installMachineHooks } from './machine-inputs';
import { real } from './originals';
import { before, fileRead, readFailed, target } from './record';
import { registerPatch } from '../registry';

type Loader = (path?: unknown) => void;

/** `util.parseEnv` (Node 20.12+, as `process.loadEnvFile` itself); without it, every variable counts. */
function parseEnv(text: string): Record<string, string> {
  const util = require('node:util') as { parseEnv?: (text: string) => Record<string, string> };
  if (typeof util.parseEnv === 'function') return util.parseEnv(text);
  return { ...currentEnv() } as Record<string, string>;
}

function hookLoadEnvFile(): void {
  const p = process as unknown as { loadEnvFile?: Loader };
  const original = p.loadEnvFile;
  if (typeof original !== 'function') return;
  const hook = function loadEnvFile(this: unknown, ...args: unknown[]): void {
    if (!trackingActive()) return Reflect.apply(original, this, args) as void;
    const file = args[0] === undefined ? '.env' : args[0];
    const t = target(file);
    if (t !== undefined) {
      const s = before(t);
      try {
        const bytes = real.readFileSync(t.abs);
        fileRead(t, s, bytes);
        // Node keeps a variable the environment already has: what the call gets depends on
        // which of the file's variables were set before (a shell's `API_URL=… node app.js`).
        recordPrior(Object.keys(parseEnv(bytes.toString('utf8'))));
      } catch (error) {
        readFailed(t, error);
      }
    }
    // Read past the Proxy: comparing is not the call listing the environment.
    const was = new Map(Object.entries({ ...currentEnv() }));
    Reflect.apply(original, this, args);
    for (const [name, value] of Object.entries({ ...currentEnv() })) if (was.get(name) !== value) recordWrite(name);
  };
  Object.defineProperty(hook, 'length', { value: original.length });
  registerPatch(hook, original);
  p.loadEnvFile = hook;
}

let argvHooked = false;

/**
 * At start-up, before the program can take it (`const { parseArgs } = require('node:util')`).
 * Node 24 defines `util.parseArgs` lazily and reading it loads its module: ~0.1 ms, measured.
 */
function hookParseArgs(): void {
  if (argvHooked) return;
  argvHooked = true;
  try {
    patchParseArgs();
  } catch {
    // Not patchable: `parseArgs()` inside a call is not seen (README).
  }
}

function patchParseArgs(): void {
  const util = require('node:util') as { parseArgs?: (config?: { args?: unknown }) => unknown };
  const original = util.parseArgs;
  if (typeof original !== 'function') return;
  const hook = function parseArgs(this: unknown, ...args: unknown[]): unknown {
    const config = args[0] as { args?: unknown } | undefined;
    if (trackingActive() && (config === undefined || config === null || config.args === undefined)) recordAmbient(ARGUMENTS, hook);
    return Reflect.apply(original, this, args);
  };
  Object.defineProperty(hook, 'length', { value: original.length });
  registerPatch(hook, original);
  util.parseArgs = hook;
}

let installed = false;

/** Once per process, with the fs hooks (which then sync ES modules' named imports of `node:util`). */
export function installProcessInputHooks(): void {
  if (installed) return;
  installed = true;
  hookParseArgs();
  installMachineHooks();
  try {
    hookLoadEnvFile();
  } catch {
    // A process whose `util` or `process` cannot be patched: those reads stay unseen (README).
  }
}
