import { analyzeFunction } from '../../fingerprint';
import { unwrap } from '../../registry';

/** Which `this` is an input of the key. */
export type SelfMode =
  /** Decided on the first call from the code: `call` if it mentions `this` or `super`, else `none`. */
  | { readonly kind: 'auto' }
  /** Never: arrow functions, and code that does not mention `this` or `super`. */
  | { readonly kind: 'none' }
  /** The call's `this` (class fingerprint + own state), unless it is absent or the global object. */
  | { readonly kind: 'call' }
  /** The decorator's `watch(self)` parts, plus the class (so edits to its methods invalidate). */
  | { readonly kind: 'watch'; readonly watch: (self: never) => readonly unknown[] };

const NONE: SelfMode = { kind: 'none' };
const CALL: SelfMode = { kind: 'call' };

/**
 * `this` is an input only for code that can read it: an arrow function's `this` is its
 * definition's (a closure value, covered by the fingerprint), and a function that never says
 * `this` or `super` cannot see it. Without this rule `utils.slow(1)` (a CommonJS export called
 * as a method) would hash the whole exports object on every call. When the code cannot be
 * analysed, `this` counts: a needless miss is better than a stale hit.
 */
export function selfModeOf(fn: Function): SelfMode {
  try {
    const analysis = analyzeFunction(unwrap(fn));
    if (analysis.kind === 'arrow') return NONE;
    return analysis.references.some((r) => r.name === 'this' || r.name === 'super') ? CALL : NONE;
  } catch {
    return CALL;
  }
}
