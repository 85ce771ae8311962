/**
 * The environment switches of the contract, read when a function is wrapped (not on every call:
 * `process.env` reads cost ~0.1 µs each, which is most of a warm hit's budget).
 */
import { isSwitchedOff } from '../../switch';

export type LogMode = 'off' | 'calls' | 'summary';

export interface CacheEnv {
  /** `SMARTCACHE=off` (or 0, false, no): run every cached function uncached, read and write nothing. */
  readonly off: boolean;
  readonly log: LogMode;
}

function logMode(value: string | undefined): LogMode {
  if (value === undefined || value === '' || value === '0' || value.toLowerCase() === 'off') return 'off';
  return value.toLowerCase() === 'summary' ? 'summary' : 'calls';
}

/** `env` is a plain record, not `NodeJS.ProcessEnv`: public .d.ts files must not need @types/node. */
export function readEnv(env: Readonly<Record<string, string | undefined>> = process.env): CacheEnv {
  return { off: isSwitchedOff(env['SMARTCACHE']), log: logMode(env['SMARTCACHE_LOG']) };
}
