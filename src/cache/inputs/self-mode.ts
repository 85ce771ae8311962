import { analyzeFunction } from '../../fingerprint';
import { unwrap } from '../../registry';
import type { SelfMode } from '../wrapper';

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
