export { readEnv } from './env';
export type { LogMode } from './env';
export { firstCallNote, logHit, logMiss } from './log';
export { judge, startSession } from './session';
export { resolveRoot, storeFor, usableStore } from './stores';
export { EXIT_STATS, EXIT_WRITES, atExit } from './exit';
export { noteRemoteRoot, remoteCounters, remoteTier } from './remote';
