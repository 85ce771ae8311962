import { types } from 'node:util';
import { SmartCacheError, SmartCacheTypeError } from '../errors';
import { analyzeFunction, explain, fingerprint, type Explanation } from '../fingerprint';
import type { ResolvedOptions } from '../options';
import { registerWrapper, unwrap } from '../registry';
import { readEnv, resolveRoot, storeFor } from './process';
import { cacheFailure, ioCause } from './fail-open';
import { claimName, definitionOf, type DefinitionOrigin } from './names';
import { openCachedFunction } from './call';
import type { SelfMode } from './inputs';
import type { IgnoredArgs } from '../key';

/** Per-entry control on every cached function. */
export interface CachedMethods<A extends readonly unknown[], R = unknown> {
  /** Removes every stored entry of this function (all fingerprints), on disk and in memory. */
  clear(): void;
  /** Hex fingerprint of the function's code and everything it reaches. */
  fingerprint(): string;
  /** The dependency tree behind the fingerprint. */
  explain(): Explanation;
  /** Whether a valid entry exists for these arguments, without computing. For a method whose
   * instance is an input, call it with the instance: `obj.m.has.call(obj, ...args)`. */
  has(...args: A): boolean;
  /** Removes the entry for these arguments; true if there was one. */
  delete(...args: A): boolean;
  /** Recomputes and overwrites the entry for these arguments; returns the fresh result. */
  refresh(...args: A): R;
}

/** What `cache(fn)` returns: `fn`'s own signature plus the control methods. */
export type Cached<F extends (...args: never[]) => unknown> = F & CachedMethods<Parameters<F>, ReturnType<F>>;

export interface BuildPlan {
  readonly name: string;
  readonly file: string | undefined;
  readonly self: SelfMode;
  /** Where the function was wrapped (file:line:column...): the same definition wrapped again shares its name. */
  readonly site: string;
  /** The absolute file and its compile generation where the definition was evaluated (names.ts: a watch mode's reload). */
  readonly origin?: DefinitionOrigin;
  /** Annotated through the preload: see WrapPlan.lenient (call/parts.ts). */
  readonly lenient?: boolean;
}

const toSource = Function.prototype.toString;
const toTag = Object.prototype.toString;

/**
 * Refuses what cannot be cached faithfully. Generators: collecting a sequence to store it would
 * run an infinite or lazy one forever, and replaying it would run none of its side effects
 * between yields, so they are refused rather than half-supported. Classes: an instance is never
 * a storable result.
 */
export function checkCacheable(fn: unknown): asserts fn is Function {
  if (typeof fn !== 'function') {
    throw new SmartCacheTypeError(`smartcache: cache(fn) needs a function (got ${fn === null ? 'null' : typeof fn})`, {}, 'ERR_UNSUPPORTED_FUNCTION');
  }
  const tag = toTag.call(fn);
  if (tag === '[object GeneratorFunction]' || tag === '[object AsyncGeneratorFunction]') {
    throw new SmartCacheError(
      'ERR_UNSUPPORTED_FUNCTION',
      `smartcache: ${fn.name || 'anonymous'} is a generator function; generators are not cached (a sequence may be infinite or lazy). Cache a function that returns an array instead.`,
      { functionName: fn.name },
    );
  }
  if (/^class\b/.test(toSource.call(fn))) {
    throw new SmartCacheError('ERR_UNSUPPORTED_FUNCTION', `smartcache: ${fn.name || 'anonymous'} is a class; cache a function or a method instead.`, { functionName: fn.name });
  }
}

/**
 * `ignore` names and positions as positions; an unknown name is a TypeError at wrap time. A rest
 * parameter named (`ignore: ['rest']` or `['...rest']`) leaves out every argument it gathers.
 */
export function ignoredPositions(fn: Function, ignore: ReadonlyArray<string | number>): IgnoredArgs | undefined {
  if (ignore.length === 0) return undefined;
  const positions = new Set<number>();
  let from: number | undefined;
  let params: ReadonlyArray<string | undefined> | undefined;
  for (const item of ignore) {
    if (typeof item === 'number') {
      positions.add(item);
      continue;
    }
    params ??= paramsOf(fn);
    // A rest parameter is listed with its dots (`...parts`): named either way, it covers every
    // argument it gathers, never only the first.
    const rest = params.indexOf(item.startsWith('...') ? item : `...${item}`);
    const plain = rest < 0 ? params.indexOf(item) : -1;
    if (plain < 0 && rest < 0) {
      const shown = params.map((p) => p ?? '{…}').join(', ');
      throw new SmartCacheTypeError(`smartcache: option "ignore" names "${item}", which is not a parameter of ${fn.name || 'anonymous'}(${shown})`, { option: 'ignore' });
    }
    if (plain >= 0) positions.add(plain);
    else from = Math.min(from ?? rest, rest);
  }
  return { positions, from };
}

function paramsOf(fn: Function): ReadonlyArray<string | undefined> {
  try {
    return analyzeFunction(unwrap(fn)).params;
  } catch (error) {
    throw new SmartCacheTypeError(`smartcache: option "ignore" names parameters, but the parameters of ${fn.name || 'anonymous'} cannot be read; use positions`, { option: 'ignore', cause: error });
  }
}

function defineIdentity(wrapper: Function, fn: Function): void {
  Object.defineProperty(wrapper, 'name', { value: fn.name, configurable: true });
  Object.defineProperty(wrapper, 'length', { value: fn.length, configurable: true });
}

/** An `async` function or arrow (not an async generator, whose call returns an iterator). */
function isAsync(fn: Function): boolean {
  return types.isAsyncFunction(fn) && !types.isGeneratorFunction(fn);
}

/** The function users call: same name and length as `fn`, plus the control methods. */
export function buildCached(fn: Function, options: ResolvedOptions, plan: BuildPlan): Function {
  const ignore = ignoredPositions(fn, options.ignore);
  const env = readEnv();
  let wrapper: Function;
  let methods: CachedMethods<unknown[]>;
  let name = plan.name;
  if (env.off) {
    // SMARTCACHE=off: nothing is read or written, not even the root folder is resolved.
    wrapper = function (this: unknown, ...args: unknown[]): unknown {
      return new.target === undefined ? Reflect.apply(fn, this, args) : Reflect.construct(fn, args, new.target);
    };
    methods = {
      clear: () => undefined,
      fingerprint: () => fingerprint(fn),
      explain: () => explain(fn),
      has: () => false,
      delete: () => false,
      refresh(this: unknown, ...args: unknown[]): unknown {
        return Reflect.apply(fn, this === wrapper ? undefined : this, args);
      },
    };
  } else {
    const claim = claimName(plan.name, definitionOf(plan.site, fn), fn, plan.origin);
    name = claim.name;
    const { path, control: core } = openCachedFunction({ fn, name, file: plan.file, options, ignore, self: plan.self, log: env.log, lenient: plan.lenient === true });
    wrapper = isAsync(fn)
      ? function (this: unknown, ...args: unknown[]): unknown {
          // An async function never throws at its caller: an unhashable argument or, with
          // `strict`, a store failure reaches `.catch()` as the function's own errors would.
          if (new.target !== undefined) return Reflect.construct(fn, args, new.target);
          try {
            return path.call(this, args);
          } catch (error) {
            return Promise.reject(error);
          }
        }
      : function (this: unknown, ...args: unknown[]): unknown {
          // `new` on a cached function constructs uncached: an instance is not a storable result.
          if (new.target !== undefined) return Reflect.construct(fn, args, new.target);
          return path.call(this, args);
        };
    const selfOf = (self: unknown): unknown => (self === wrapper ? undefined : self);
    methods = {
      clear: () => core.clear(),
      fingerprint: () => core.fingerprint(),
      explain: () => core.explain(),
      has(this: unknown, ...args: unknown[]): boolean {
        return core.has(selfOf(this), args);
      },
      delete(this: unknown, ...args: unknown[]): boolean {
        return core.delete(selfOf(this), args);
      },
      refresh(this: unknown, ...args: unknown[]): unknown {
        return core.refresh(selfOf(this), args);
      },
    };
    claim.keep(wrapper);
  }
  defineIdentity(wrapper, fn);
  Object.assign(wrapper, methods);
  registerWrapper(wrapper, { original: fn, name, ...(options.remote ? {} : { local: true }) });
  return wrapper;
}

/** Removes the stored entries of every function whose name matches (a decorated method not yet resolved to its class). */
export function clearMatching(dir: string | undefined, pattern: RegExp): void {
  if (readEnv().off) return;
  try {
    storeFor(resolveRoot(dir)).deleteWhere((e) => pattern.test(e.meta.fn));
  } catch (error) {
    cacheFailure(pattern.source, false, ioCause(error), error);
  }
}
