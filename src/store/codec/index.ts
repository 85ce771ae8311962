import { Decoder, Encoder } from 'cbor-x';
import { isSmartCacheError, SmartCacheError } from '../../errors';
import { checkCbor } from './guard';
import { planValue } from './encode-plan';
import { revive } from './revive';
import { substitute, type Blob } from './substitute';

export { tagBlob } from './revive';
export { isBinaryKind, makeBinary, ownedCopy } from './tags';

/**
 * Value <-> CBOR payload (+ out-of-band blobs). Only cbor-x Encoder/Decoder instances of our own
 * are used, with no extension registered, so other cbor-x users in the process are unaffected.
 */

/**
 * cbor-x's structuredClone mode (identity of shared/cyclic parts) costs about 2x on encode,
 * so it is used only when the walk saw an object twice; both forms decode the same way.
 */
const plainEncoder = new Encoder({});
const cloneEncoder = new Encoder({ structuredClone: true });
/** copyBuffers: decoded binaries get their own exact ArrayBuffer instead of views into the file. */
const decoder = new Decoder({ copyBuffers: true });

export interface EncodedValue {
  readonly payload: Uint8Array;
  readonly blobs: readonly Blob[];
  /** The payload holds private tags: revive() must run after decoding. */
  readonly substituted: boolean;
}

export function encodeValue(value: unknown, label = 'result'): EncodedValue {
  try {
    const plan = planValue(value, label);
    const { root, blobs } = plan.substitute ? substitute(value) : { root: value, blobs: [] };
    const encoder = plan.shared ? cloneEncoder : plainEncoder;
    return { payload: encoder.encode(root), blobs, substituted: plan.substitute };
  } catch (error) {
    if (isSmartCacheError(error)) throw error;
    // A getter that throws, or a stack too shallow at this call depth for cbor-x's recursion.
    const reason = error instanceof Error ? error.message : String(error);
    throw new SmartCacheError('ERR_UNSERIALIZABLE_RESULT', `${label} could not be encoded: ${reason}`, { cause: error, path: label });
  }
}

/** Thrown when a payload cannot be decoded here (the file is not corrupt, our stack is deep). */
export class StackTooDeepError extends Error {}

/** Thrown when a payload is not one we wrote. */
export class BadPayloadError extends Error {}

/**
 * `trusted`: the bytes were produced by `encodeValue` in this process, or already passed the
 * check when read from disk (the memory layer's copies): the linear pre-check guards against
 * hostile files only, and skipping it halves the cost of a warm hit that returns an object.
 */
export function decodeValue(payload: Uint8Array, blobs: ReadonlyArray<ArrayBuffer | ArrayBufferView>, substituted: boolean, trusted = false): unknown {
  const problem = trusted ? undefined : checkCbor(payload, substituted);
  if (problem !== undefined) throw new BadPayloadError(`payload contains ${problem}`);
  let value: unknown;
  try {
    value = decoder.decode(payload);
  } catch (error) {
    if (error instanceof RangeError && /call stack/i.test(error.message)) throw new StackTooDeepError(error.message);
    throw new BadPayloadError(`payload does not decode: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!substituted) {
    if (blobs.length > 0) throw new BadPayloadError('blobs without references');
    return value;
  }
  try {
    return revive(value, blobs);
  } catch (error) {
    throw new BadPayloadError(`payload does not revive: ${error instanceof Error ? error.message : String(error)}`);
  }
}
