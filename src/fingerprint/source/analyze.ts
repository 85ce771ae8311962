/**
 * Static analysis of one function's text: its canonical code hash and the names it reaches.
 * Pure: no inspector, no values. The resolver (index.ts) looks the names up in the function's
 * [[Scopes]] and folds their values into the fingerprint.
 *
 * Decisions worth knowing:
 * - The function's own name is part of its code: `function fib` and `function fob` with the same
 *   body hash differently. The name is what a recursive body calls and what `.name` shows, so a
 *   rename is a change (at worst a needless miss). For a named function expression or a class,
 *   the name inside the body is bound to the function itself and is therefore not a reference.
 *   Text cannot tell a declaration from an expression, so a declaration is treated the same; the
 *   one case that differs (the outer binding later reassigned to another function) is ignored.
 * - Identity is content: the same text anywhere, in any file, gets the same analysis.
 * - Strictness inherited from the surrounding file is invisible in a function's text; a class
 *   method and an object method with the same text hash alike.
 */
import { SmartCacheError } from '../../errors';
import type * as Normalize from './normalize';
import { recordAnalysis, restoreAnalysis, type StoredAnalysis } from './analysis-cache';
import type * as ParseFunction from './parse-function';
import type { ParsedFunction } from './parse-function';
import type * as ParseParams from './parse-params';
import type * as FreeNames from './free-names';
import type { Reference } from './free-names';
import type * as ClockState from './clock-state';
import type { ClockWrite } from './clock-state';

export type { Reference } from './free-names';

/*
 * Analysing text (normalizing, walking scopes, finding clock writes) is loaded on the first text
 * not found in the analysis cache: a run whose functions were all analysed before only reads
 * stored analyses (issue 11, the lean hit path).
 */
const normalize = (): typeof Normalize => require('./normalize') as typeof Normalize;
/**
 * The parser side (acorn's wrapper and the AST helpers it needs), loaded on the first parse: an
 * analysis restored from the analysis cache, the common case of a disk hit, parses nothing.
 */
const parser = (): typeof ParseFunction => require('./parse-function') as typeof ParseFunction;

// `function max() { [native code] }`, `function get size() {…}`, `function [Symbol.iterator]() {…}`;
// bound functions and proxies print `function () {…}`. Such a body is never valid JavaScript, and
// the text before it holds no `{`, so user code mentioning "[native code]" does not match.
const NATIVE = /^\s*function\b[^{]*\{\s*\[native code\]\s*\}\s*$/;

/** V8's text for built-ins, bound functions and proxies. */
function isNativeSource(source: string): boolean {
  return NATIVE.test(source);
}

export interface FunctionAnalysis {
  readonly kind: 'function' | 'arrow' | 'method' | 'class' | 'native';
  /** sha256 hex of `normalized`. */
  readonly codeHash: string;
  /** Canonical text of the code (see normalize.ts), for diffs and debugging. */
  readonly normalized: string;
  /** Sorted by name (code-unit order). */
  readonly references: readonly Reference[];
  /** Why the references may be incomplete, sorted: 'eval', 'with', 'new Function',
   * 'globalThis[<computed>]' (also window/global/self), 'this[<computed>]', 'import(<computed>)',
   * 'require(<computed>)', 'new.target', 'import.meta'. */
  readonly dynamic: readonly string[];
  /** Parameter names by position (undefined for patterns); a class gives its constructor's. */
  readonly params: ReadonlyArray<string | undefined>;
  /** Class with `extends`. */
  readonly superClass: boolean;
  /** Literal specifiers of `require('x')` (when `require` is free) and `import('x')`, sorted. The
   * free `require` itself is also in `references`. Additive to the lead's interface. */
  readonly requires: readonly string[];
  /** Captured variables the function overwrites with a clock reading (clock-state.ts), sorted. */
  readonly clockWrites: readonly ClockWrite[];
  /** With `clockWrites`: every captured variable the function writes itself, sorted. */
  readonly stateWrites: readonly string[];
  /**
   * Free names the function hands its own `this` to and does nothing else with it there
   * (`fn.apply(this, arguments)`), sorted: reached as a member, its holder matters only as much
   * as those functions use their own `this` (graph/references.ts `forwardEdges`).
   */
  readonly thisForwards: readonly string[];
}

const bySource = new Map<string, FunctionAnalysis | SmartCacheError>();
const byFunction = new WeakMap<Function, FunctionAnalysis>();

/** Analysis of `fn` from `Function.prototype.toString`; memoized per function and per text. */
export function analyzeFunction(fn: Function): FunctionAnalysis {
  let analysis = byFunction.get(fn);
  if (analysis === undefined) {
    // The prototype's method, not fn.toString: user code may override toString on the function.
    analysis = analyzeSource(Function.prototype.toString.call(fn));
    byFunction.set(fn, analysis);
  }
  return analysis;
}

/**
 * Analysis of function text (any form `Function.prototype.toString` produces). Memoized per text;
 * throws SmartCacheError ERR_FINGERPRINT (also memoized) when the text does not parse.
 */
export function analyzeSource(source: string): FunctionAnalysis {
  let result = bySource.get(source);
  if (result === undefined) {
    result = analyzeUncached(source);
    bySource.set(source, result);
  }
  if (result instanceof SmartCacheError) throw result;
  return result;
}

function analyzeUncached(source: string): FunctionAnalysis | SmartCacheError {
  if (isNativeSource(source)) return nativeAnalysis(source);
  const kept = restoreAnalysis(source);
  if (kept !== undefined) return restored(source, kept);
  let parsed: ParsedFunction;
  try {
    parsed = parser().parseFunctionSource(source);
  } catch (error) {
    if (error instanceof SmartCacheError) return error;
    throw error;
  }
  const refs = (require('./free-names') as typeof FreeNames).collectReferences(parsed);
  const stored: StoredAnalysis = Object.freeze({
    kind: parsed.kind,
    codeHash: normalize().hashNormalized(normalize().normalizeNode(parsed.node)),
    references: Object.freeze(refs.references),
    dynamic: Object.freeze(refs.dynamic),
    params: Object.freeze((require('./parse-params') as typeof ParseParams).paramNames(parser().functionNodeOf(parsed))),
    superClass: parsed.kind === 'class' && parsed.node['superClass'] !== null,
    requires: Object.freeze(refs.requires),
    ...clockState(parsed, refs.references),
    thisForwards: Object.freeze(refs.thisForwards),
  });
  recordAnalysis(source, stored);
  return restored(source, stored);
}

function clockState(parsed: ParsedFunction, references: readonly Reference[]): Pick<StoredAnalysis, 'clockWrites' | 'stateWrites'> {
  const free = (name: string): boolean => references.some((r) => r.name === name);
  const found = (require('./clock-state') as typeof ClockState).findClockWrites(parser().functionNodeOf(parsed));
  const clock = found.clock.filter((w) => free(w.target));
  return {
    clockWrites: Object.freeze(clock),
    stateWrites: Object.freeze(clock.length === 0 ? [] : found.writes.filter(free)),
  };
}

/**
 * `normalized` is only read for diffs and debugging, and is larger than the source; it is not
 * kept but rebuilt from the text (which the memo holds anyway) the first time it is read.
 */
function restored(source: string, stored: StoredAnalysis): FunctionAnalysis {
  let normalized: string | undefined;
  return Object.freeze({
    ...stored,
    get normalized(): string {
      return (normalized ??= normalize().normalizeNode(parser().parseFunctionSource(source).node));
    },
  });
}

/** Built-ins count by identity (the resolver names them); the text is all we have here. */
function nativeAnalysis(source: string): FunctionAnalysis {
  const normalized = `(Native ${JSON.stringify(source.replace(/\s+/g, ' ').trim())})`;
  return Object.freeze({
    kind: 'native',
    codeHash: normalize().hashNormalized(normalized),
    normalized,
    references: Object.freeze([]),
    dynamic: Object.freeze([]),
    params: Object.freeze([]),
    superClass: false,
    requires: Object.freeze([]),
    clockWrites: Object.freeze([]),
    stateWrites: Object.freeze([]),
    thisForwards: Object.freeze([]),
  });
}
