import { isSmartCacheError, SmartCacheError } from '../../errors';
import { fullCbor } from './cbor-full';
import { planValue } from './encode-plan';
import { substitute, type Blob } from './substitute';

/**
 * The encoding half of the codec, loaded on the first store (codec/index.ts requires it lazily):
 * cbor-x's full build pulls in its optional native addon (cbor-extract, whose loader probes the
 * C library through child_process, net and dgram), `stream` and `module`, none of which a disk
 * hit needs. Only cbor-x Encoder instances of our own are used, with no extension registered.
 */

/**
 * cbor-x's structuredClone mode (identity of shared/cyclic parts) costs about 2x on encode,
 * so it is used only when the walk saw an object twice; both forms decode the same way.
 */
const { Encoder } = fullCbor();
const plainEncoder = new Encoder({});
const cloneEncoder = new Encoder({ structuredClone: true });

export interface EncodedValue {
  readonly payload: Uint8Array;
  readonly blobs: readonly Blob[];
  /** The payload holds private tags: revive() must run after decoding. */
  readonly substituted: boolean;
}

export function encodeValue(value: unknown, label = 'result', enveloped = false): EncodedValue {
  try {
    const plan = planValue(value, label, enveloped);
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
