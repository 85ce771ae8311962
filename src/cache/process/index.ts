export { readEnv } from './env';
export type { LogMode } from './env';
export { logHit, logMiss } from './log';
export { judge, startSession } from './session';
export { resolveRoot, storeFor } from './stores';
