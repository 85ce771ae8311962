import { Decoder } from 'cbor-x/decode-no-eval';
import { checkCbor } from './guard';
import { revive } from './revive';
import type { EncodedValue } from './encode';

export { tagBlob } from './revive';
export { isBinaryKind, makeBinary, ownedCopy } from './tags';
export type { EncodedValue };

/**
 * Value <-> CBOR payload (+ out-of-band blobs). Only cbor-x Encoder/Decoder instances of our own
 * are used, with no extension registered, so other cbor-x users in the process are unaffected.
 *
 * The read path decodes with cbor-x's decode-only, eval-free build: the same decoder without the
 * encoder and without the native string extractor, whose loader (cbor-extract ->
 * node-gyp-build-optional-packages -> detect-libc) loads child_process, net and dgram into every
 * process that reads one entry. Encoding (encode.ts) is loaded on the first store.
 */

/** copyBuffers: decoded binaries get their own exact ArrayBuffer instead of views into the file. */
const decoder = new Decoder({ copyBuffers: true });

let encoder: typeof import('./encode') | undefined;

export function encodeValue(value: unknown, label = 'result', enveloped = false): EncodedValue {
  encoder ??= require('./encode') as typeof import('./encode');
  return encoder.encodeValue(value, label, enveloped);
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
