/** What the explain child process hands back to the CLI (JSON in a temp file). */
import type { Explanation } from '../explanation';

export interface ExplainedFunction {
  /** The cache identity, as stored in entries and FunctionRecords. */
  readonly name: string;
  /** Other names the user may type after `#`: the function's own name, Class.method. */
  readonly aliases: readonly string[];
  /** Project-relative file of the function. */
  readonly file: string;
  readonly fingerprint: string;
  readonly explanation: Explanation;
  /** When the record shown was written (stored mode); absent for a live fingerprint. */
  readonly stored?: number;
  /** Its options say `remote: false` (live mode): nothing of it goes to or comes from the team cache. */
  readonly local?: boolean;
}

export type ChildResult =
  | { readonly ok: true; readonly available: ReadonlyArray<{ readonly name: string; readonly aliases: readonly string[] }>; readonly functions: readonly ExplainedFunction[] }
  | { readonly ok: false; readonly error: string };
