import { SmartCacheTypeError } from '../errors';
import { explain, fingerprint } from '../fingerprint';
import { type CacheOptions, resolveOptions } from '../options';
import { registerWrapper, wrappedInfo } from '../registry';
import { buildCached, type CachedMethods, checkCacheable, clearMatching } from './build';
import { callerSite, siteIdentity } from './site';
import type { SelfMode } from './inputs';

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

/** `Class#method` or `Class.staticMethod`, as the contract names methods. */
function memberName(owner: string | undefined, key: string | symbol, isStatic: boolean): string {
  return `${owner === undefined || owner === '' ? '(anonymous)' : owner}${isStatic ? '.' : '#'}${methodName(key)}`;
}

type Build = (method: Function, member: string) => Function;

/**
 * The class that defines the decorated method, found from a `this`: the object on its prototype
 * chain that holds `standIn` under `key` (for a static method, `this` is the class or a subclass).
 * With another decorator stacked on ours the holder has that one's function, so the first holder
 * of `key` is taken instead. Reading descriptors runs no getters; a Proxy's traps may throw.
 */
function ownerOf(self: unknown, key: string | symbol, standIn: Function): object | undefined {
  if (self === null || (typeof self !== 'object' && typeof self !== 'function')) return undefined;
  let first: object | undefined;
  try {
    for (let o: object | null = self; o !== null; o = Object.getPrototypeOf(o) as object | null) {
      const descriptor = Object.getOwnPropertyDescriptor(o, key);
      if (descriptor === undefined) continue;
      if (descriptor.value === standIn) return o;
      if (o !== self) first ??= o;
    }
  } catch {
    return undefined;
  }
  return first;
}

/**
 * The class's name, read when the function is built rather than when the holder is found: a
 * transpiler may name the class only after its decorators ran (tsx/esbuild with keepNames: a
 * static initializer sees `_A`, the finished class is `A`).
 */
function holderName(holder: object, isStatic: boolean): string {
  try {
    const owner = isStatic ? (holder as Function).name : (holder as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof owner === 'string' ? owner : '';
  } catch {
    return '';
  }
}

const escapeRegExp = (text: string): string => text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');

/**
 * A standard (TC39) method decorator is not told its class: the name, which must include the
 * class (`A#run` and `B#run` of one file are two functions), is resolved from the first `this`
 * seen. `addInitializer` supplies one when an instance is constructed (for a static method, when
 * the class is defined), so calls and control methods normally find the class. Until then a
 * call runs uncached, and `clear()` removes the entries of every class's method of that name in
 * this file (more than needed, never a stale entry left behind).
 */
function lateNamed(method: Function, context: ClassMethodDecoratorContext, build: Build, file: string | undefined, dir: string | undefined): Function {
  const key = context.name;
  const isStatic = context.static;
  type Built = Function & Partial<Record<string, Function>>;
  let real: Built | undefined;
  let holder: object | undefined;
  const find = (self: unknown): void => {
    holder ??= ownerOf(self, key, standIn);
  };
  const resolve = (self: unknown): Built | undefined => {
    if (real !== undefined) return real;
    find(self);
    if (holder === undefined) return undefined;
    const built = build(method, memberName(holderName(holder, isStatic), key, isStatic)) as Built;
    real = built;
    const info = wrappedInfo(built);
    if (info !== undefined) registerWrapper(standIn, { original: method, name: info.name });
    return built;
  };
  const standIn = function (this: unknown, ...args: unknown[]): unknown {
    const target = resolve(this);
    return target === undefined ? Reflect.apply(method, this, args) : Reflect.apply(target, this, args);
  };
  const control = (name: 'has' | 'delete' | 'refresh', unresolved: (self: unknown, args: unknown[]) => unknown) =>
    function (this: unknown, ...args: unknown[]): unknown {
      const target = resolve(this);
      const impl = target?.[name];
      return impl === undefined ? unresolved(this, args) : Reflect.apply(impl, this, args);
    };
  const methods: CachedMethods<unknown[]> = {
    clear(this: unknown): void {
      const target = resolve(this);
      if (target?.['clear'] !== undefined) return void Reflect.apply(target['clear'], target, []);
      const prefix = file === undefined ? '' : `${escapeRegExp(file)}#`;
      const pattern = new RegExp(`^${prefix}[^#]*${isStatic ? '\\.' : '#'}${escapeRegExp(methodName(key))}(?:\\(\\d+\\))?$`);
      clearMatching(dir, pattern);
    },
    fingerprint: () => fingerprint(method),
    explain: () => explain(method),
    has: control('has', () => false) as CachedMethods<unknown[]>['has'],
    delete: control('delete', () => false) as CachedMethods<unknown[]>['delete'],
    refresh: control('refresh', (self, args) => Reflect.apply(method, self, args)),
  };
  Object.defineProperty(standIn, 'name', { value: method.name, configurable: true });
  Object.defineProperty(standIn, 'length', { value: method.length, configurable: true });
  Object.assign(standIn, methods);
  registerWrapper(standIn, { original: method, name: file === undefined ? methodName(key) : `${file}#${methodName(key)}` });
  context.addInitializer(function (this: unknown) {
    find(this);
  });
  return standIn;
}

/**
 * `@cached(options)` on a class method. By default the instance's own enumerable state and its
 * class are inputs of the key (as for any `this`); `watch` narrows the state to what it returns.
 * The two decorator protocols are told apart by their arguments: `(method, context)` for the
 * standard one, `(prototype, key, descriptor)` for the legacy one. Default names are
 * `file#Class#method` and `file#Class.staticMethod`.
 */
export function cached(options?: CachedDecoratorOptions): CachedDecorator {
  const { watch, ...rest } = options ?? {};
  if (watch !== undefined && typeof watch !== 'function') {
    throw new SmartCacheTypeError(`smartcache: option "watch" must be a function (got ${typeof watch})`, { option: 'watch' });
  }
  const resolved = resolveOptions(rest);
  const site = callerSite(cached);
  const self: SelfMode = watch === undefined ? { kind: 'call' } : { kind: 'watch', watch };
  const build: Build = (method, member) => {
    const name = resolved.name ?? (site === undefined ? member : `${site.file}#${member}`);
    return buildCached(method, resolved, { name, file: site?.file, self, site: `${siteIdentity(site)}:${member}` });
  };
  function decorate(value: unknown, contextOrKey: unknown, descriptor?: unknown): unknown {
    if (isMethodContext(contextOrKey)) {
      if (contextOrKey.kind !== 'method') throw notAMethod(contextOrKey.kind);
      checkCacheable(value);
      if (resolved.name !== undefined) return build(value, memberName(undefined, contextOrKey.name, contextOrKey.static));
      // A `#private` method is on no prototype to find its class by: named without it (two such
      // methods of one name in one file are then kept apart by names.ts, with a warning).
      if (contextOrKey.private) return build(value, methodName(contextOrKey.name));
      return lateNamed(value, contextOrKey, build, site?.file, resolved.dir);
    }
    if ((typeof contextOrKey === 'string' || typeof contextOrKey === 'symbol') && isDescriptor(descriptor)) {
      if (typeof descriptor.value !== 'function') throw notAMethod('accessor');
      // Legacy: `value` is the prototype, or the class itself for a static method.
      const isStatic = typeof value === 'function';
      const owner = isStatic ? value.name : (value as { constructor?: { name?: string } }).constructor?.name;
      checkCacheable(descriptor.value);
      return { ...descriptor, value: build(descriptor.value, memberName(owner, contextOrKey, isStatic)) };
    }
    throw notAMethod(typeof contextOrKey);
  }
  return decorate as CachedDecorator;
}

function notAMethod(kind: string): SmartCacheTypeError {
  return new SmartCacheTypeError(`smartcache: @cached() decorates class methods (got ${kind})`, { option: 'decorator' });
}
