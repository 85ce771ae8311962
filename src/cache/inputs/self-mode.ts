import { types } from 'node:util';
import { analyzeFunction } from '../../fingerprint';
import { unwrap } from '../../registry';
import { NO_SELF } from './key-compose';

/** Which `this` is an input of the key. */
export type SelfMode =
  /** Decided on the first call from the code: `call` if it mentions `this` or `super`, else `none`. */
  | { readonly kind: 'auto' }
  /** Never: arrow functions, and code that does not mention `this` or `super`. */
  | { readonly kind: 'none' }
  /** The call's `this` (class fingerprint + own state), unless it is absent or the global object. */
  | { readonly kind: 'call' }
  /** The decorator's `watch(self)` parts, plus the class (so edits to its methods invalidate). */
  | { readonly kind: 'watch'; readonly watch: (self: never) => readonly unknown[] }
  /**
   * An arrow function that reads `this`: its definition's, which neither the call nor the
   * inspector shows (a class-field arrow's instance, a `'use cache'` callback's method receiver).
   * The function runs uncached (cache/call/setup.ts).
   */
  | { readonly kind: 'lexical' };

const NONE: SelfMode = { kind: 'none' };
const CALL: SelfMode = { kind: 'call' };
const LEXICAL: SelfMode = { kind: 'lexical' };

/**
 * `this` is an input only for code that can read it: an arrow function's `this` is its
 * definition's (`lexical`: no call shows it, and no scope the inspector lists holds it, so such an
 * arrow is not cached), and a function that never says `this` or `super` cannot see it. Without this rule `utils.slow(1)` (a CommonJS export called
 * as a method) would hash the whole exports object on every call. When the code cannot be
 * analysed, `this` counts: a needless miss is better than a stale hit.
 */
export function selfModeOf(fn: Function): SelfMode {
  try {
    const target = unwrap(fn);
    // Text that never spells `this` or `super` cannot read them (a keyword cannot be written
    // with escapes): no analysis, so the first call of a disk hit reads no analysis cache (whose
    // packs are read, hashed and parsed whole: megabytes in a large project).
    const text = toText.call(target);
    if (!text.includes('this') && !text.includes('super')) return NONE;
    const analysis = analyzeFunction(target);
    const reads = analysis.references.some((r) => r.name === 'this' || r.name === 'super');
    if (analysis.kind === 'arrow') return reads ? LEXICAL : NONE;
    return reads ? CALL : NONE;
  } catch {
    return CALL;
  }
}

const toText = Function.prototype.toString;

/** `this` worth hashing: not absent, not the global object, not an ES module namespace. */
function isSelfInput(self: unknown): boolean {
  if (self === undefined || self === null || self === globalThis) return false;
  if (typeof self !== 'object') return true;
  // An ES module namespace; read without running user code (a Proxy `this` is hashed, or refused).
  return types.isProxy(self) || !types.isModuleNamespaceObject(self);
}

/** What of a call's `this` goes into its key under `mode`: NO_SELF when nothing does. */
export function selfInput(mode: SelfMode, self: unknown): unknown {
  if (mode.kind === 'none' || mode.kind === 'lexical' || !isSelfInput(self)) return NO_SELF;
  if (mode.kind !== 'watch') return self;
  // The class joins the watched parts: its fingerprint covers every method `this.x()` may call.
  return [(self as { constructor?: unknown }).constructor, ...mode.watch(self as never)];
}
