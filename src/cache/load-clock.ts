import { nowMs } from '../elapsed';

/**
 * When the cache layer began loading: the first module cache/index.ts imports, so that the load
 * of everything after it is charged to the first cached call (accounting.ts, "honest accounting").
 */
export const loadStarted = nowMs();
