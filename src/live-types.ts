// Types only, kept apart from the cache layer so the public .d.ts files reach nothing that
// needs Node's own types (a consumer without @types/node must compile).
/**
 * What `smartcache attach` reads from a running process through the inspector
 * (`Runtime.evaluate` of `globalThis[Symbol.for('smartcache.live')].snapshot()` with
 * `returnByValue`): plain JSON-able data only.
 */
export interface LiveFunction {
  readonly name: string;
  readonly file?: string;
  readonly fingerprint?: string;
  readonly calls: number;
  readonly hits: number;
  readonly misses: number;
  readonly savedMs: number;
}

export interface LiveSnapshot {
  readonly pid: number;
  readonly root: string;
  readonly functions: LiveFunction[];
}
