export { envelope, openEnvelope } from './envelope';
export type { Opened } from './envelope';
export { NO_SELF, callInputs, composeKey, identityDigest, memoryKey } from './key-compose';
export type { CallInputs, InputPlan, KeyIdentity } from './key-compose';
export { selfInput, selfModeOf } from './self-mode';
export type { SelfMode } from './self-mode';
export { Slot, slotFor } from './slot';
export type { SlotPlan } from './slot';
