/**
 * Deepest container nesting stored. cbor-x encodes and decodes recursively: from a shallow
 * stack Node 20's default stack decodes about 2,200 CBOR levels (a Set is ≈3 levels per JS
 * level, a shared object up to 4), so 256 keeps the worst case under half the reader's stack.
 * In its own file so that the read path (guard.ts) does not load the encoder's planning walk.
 */
export const MAX_DEPTH = 256;
