/**
 * The environment switches of the contract, read when a function is wrapped (not on every call:
 * `process.env` reads cost ~0.1 µs each, which is most of a warm hit's budget).
 */
export type LogMode = 'off' | 'calls' | 'summary';

export interface CacheEnv {
  /** `SMARTCACHE=off`: run every cached function uncached, read and write nothing. */
  readonly off: boolean;
  readonly log: LogMode;
}

function logMode(value: string | undefined): LogMode {
  if (value === undefined || value === '' || value === '0' || value.toLowerCase() === 'off') return 'off';
  return value.toLowerCase() === 'summary' ? 'summary' : 'calls';
}

export function readEnv(env: NodeJS.ProcessEnv = process.env): CacheEnv {
  const switchValue = (env['SMARTCACHE'] ?? '').toLowerCase();
  return {
    off: switchValue === 'off' || switchValue === '0' || switchValue === 'false',
    log: logMode(env['SMARTCACHE_LOG']),
  };
}
