export { readEnv } from './switches';
export type { LogMode } from './switches';
export { firstCallNote, logHit, logMiss, logUncached } from './log';
export { judge, startSession } from './session';
export { resolveRoot, storeFor, usableStore } from './stores';
export { EXIT_STATS, EXIT_WRITES, atExit } from './exit';
export { noteRemoteRoot, remoteCounters, remoteTier } from './team-tier';
