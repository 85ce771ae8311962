/**
 * Environment variables as inputs. The fingerprint walk already sees `process.env.NAME` in the
 * code a function reaches (a built-in member path, `process.env.NAME`); with `track` on their
 * values join the function's fingerprint, so a changed value misses and switching back hits the
 * entry made with it. `process.env[k]` (or the object used whole) cannot say which variables
 * matter: listed by `explain` as dynamic and warned about once.
 *
 * Values are read once per fingerprint in a process, when the function is first called, like
 * every other value the fingerprint reads (module constants): a program that assigns
 * `process.env.X` after a function's first call keeps the value read then for that function.
 */
import { sha256 } from '../hash';

export interface EnvReads {
  /** Variable names read by name, sorted. */
  readonly names: readonly string[];
  /** `process.env` read by computed name, or `process.env` or `process` used as a whole. */
  readonly dynamic: boolean;
}

const PREFIX = 'process.env.';

/**
 * From reached built-in names. `process.env.A.length` may be variable `A` or a variable named
 * `A.length` (`process.env['A.length']`): both count, which at worst adds an unset variable.
 */
export function envReads(builtins: readonly string[]): EnvReads {
  const names = new Set<string>();
  let dynamic = false;
  for (const b of builtins) {
    // `process` whole (a helper given it, `({ env: { MODE } } = process)` as a parameter default
    // or an assignment, a loop over `[process]`) may reach any variable: as dynamic as `process.env` whole.
    if (b === 'process.env' || b === 'process') dynamic = true;
    if (!b.startsWith(PREFIX)) continue;
    const parts = b.slice(PREFIX.length).split('.');
    for (let i = 1; i <= parts.length; i++) names.add(parts.slice(0, i).join('.'));
  }
  return { names: [...names].sort(), dynamic };
}

/** The values now: [name, value or null when unset]. */
export function envValues(names: readonly string[]): Array<[string, string | null]> {
  return names.map((n) => [n, process.env[n] ?? null]);
}

/** The fingerprint with the variables' values folded in; the code fingerprint when none are read. */
export function withEnv(codeFingerprint: string, values: ReadonlyArray<readonly [string, string | null]>): string {
  if (values.length === 0) return codeFingerprint;
  return sha256(`smartcache-env/1\n${codeFingerprint}\n${JSON.stringify(values)}`);
}

/** A variable's value as explain trees show it: never the value itself (it may be a secret). */
export function envValueHash(name: string, value: string | null): string {
  return value === null ? 'unset' : sha256(`smartcache-env-value/1\n${name}\n${value}`);
}
