import { SmartCacheTypeError } from '../errors';
import { type CacheOptions, resolveOptions } from '../options';
import { buildCached, checkCacheable } from './build';
import { type CallSite, callerSite } from './site';
import type { SelfMode } from './wrapper';

/** Options of `@cached(...)`: those of `cache()`, plus `watch`. */
export interface CachedDecoratorOptions extends CacheOptions {
  /**
   * The parts of the instance that are inputs, instead of all its own enumerable state. The
   * class's fingerprint stays in the key, so editing any of its methods still invalidates.
   * (`self` is `any`: a decorator's options cannot be typed from the class it is applied to.)
   * @example @cached({ watch: (self) => [self.config, self.items] })
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly watch?: (self: any) => readonly unknown[];
}

type Method = (this: never, ...args: never[]) => unknown;

/** Works as a TC39 (TypeScript 5+ standard) method decorator and as a legacy `experimentalDecorators` one. */
export interface CachedDecorator {
  <M extends Method>(value: M, context: ClassMethodDecoratorContext): M;
  <T>(target: object, propertyKey: string | symbol, descriptor: TypedPropertyDescriptor<T>): TypedPropertyDescriptor<T>;
}

function isMethodContext(value: unknown): value is ClassMethodDecoratorContext {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string' && 'name' in value;
}

function isDescriptor(value: unknown): value is PropertyDescriptor {
  return typeof value === 'object' && value !== null && ('value' in value || 'get' in value);
}

function methodName(key: string | symbol): string {
  return typeof key === 'symbol' ? `[${key.description ?? ''}]` : key;
}

function decoratedName(site: CallSite | undefined, owner: string | undefined, key: string | symbol): string {
  const member = owner === undefined || owner === '' ? methodName(key) : `${owner}.${methodName(key)}`;
  return site === undefined ? member : `${site.file}#${member}`;
}

/**
 * `@cached(options)` on a class method. By default the instance's own enumerable state and its
 * class are inputs of the key (as for any `this`); `watch` narrows the state to what it returns.
 * The two decorator protocols are told apart by their arguments: `(method, context)` for the
 * standard one, `(prototype, key, descriptor)` for the legacy one.
 */
export function cached(options?: CachedDecoratorOptions): CachedDecorator {
  const { watch, ...rest } = options ?? {};
  if (watch !== undefined && typeof watch !== 'function') {
    throw new SmartCacheTypeError(`smartcache: option "watch" must be a function (got ${typeof watch})`, { option: 'watch' });
  }
  const resolved = resolveOptions(rest);
  const site = callerSite(cached);
  const self: SelfMode = watch === undefined ? { kind: 'call' } : { kind: 'watch', watch };
  const wrapMethod = (method: unknown, owner: string | undefined, key: string | symbol): Function => {
    checkCacheable(method);
    const name = resolved.name ?? decoratedName(site, owner, key);
    return buildCached(method, resolved, { name, file: site?.file, self });
  };
  function decorate(value: unknown, contextOrKey: unknown, descriptor?: unknown): unknown {
    if (isMethodContext(contextOrKey)) {
      if (contextOrKey.kind !== 'method') throw notAMethod(contextOrKey.kind);
      return wrapMethod(value, undefined, contextOrKey.name);
    }
    if ((typeof contextOrKey === 'string' || typeof contextOrKey === 'symbol') && isDescriptor(descriptor)) {
      if (typeof descriptor.value !== 'function') throw notAMethod('accessor');
      // Legacy: `value` is the prototype (or the class itself, for a static method).
      const owner = typeof value === 'function' ? value.name : (value as { constructor?: { name?: string } }).constructor?.name;
      return { ...descriptor, value: wrapMethod(descriptor.value, owner, contextOrKey) };
    }
    throw notAMethod(typeof contextOrKey);
  }
  return decorate as CachedDecorator;
}

function notAMethod(kind: string): SmartCacheTypeError {
  return new SmartCacheTypeError(`smartcache: @cached() decorates class methods (got ${kind})`, { option: 'decorator' });
}
