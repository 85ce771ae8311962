/**
 * Node's module loaders as values. `require('./x')` by that name counts by the module it names
 * (requires.ts, references.ts); any other way to load a module (`const r = require`,
 * `module.require`, `createRequire(…)`) hides which one.
 */
import { addDynamic, leaf, ownData, PROCESS_SALT, type Entity } from './entity';
import { warnOnce } from '../../warn';

/** A module's `require` function (or one made by `createRequire`). */
export function isRequireFunction(value: unknown): boolean {
  return typeof value === 'function' && typeof ownData(value, 'resolve') === 'function' && ownData(value, 'cache') !== undefined;
}

let moduleApi: { prototype: { require?: unknown }; createRequire?: unknown } | undefined;

/**
 * `require` reached other than through a binding of its own name (references.ts counts
 * `require('./x')` by the module it names and never gets here), `Module.prototype.require` or
 * `createRequire`.
 */
export function isOtherLoader(fn: Function): boolean {
  moduleApi ??= require('node:module') as typeof moduleApi;
  return fn === moduleApi?.prototype.require || fn === moduleApi?.createRequire || isRequireFunction(fn);
}

/**
 * What such a loader returns is not known from the code, and a module already loaded is read
 * from memory (no file read to record): counted as always changed, never a wrong hit, with one
 * warning saying how to make it count.
 */
export function loaderByAnotherName(name: string): Entity {
  const why = `a module loader is used under another name than \`require\` (${name || 'anonymous'}: an alias of require, module.require or createRequire(…)): which modules it loads is unknown, so every call of a cached function reaching it misses; call require('…') by that name`;
  const e = leaf('dynamic', name || 'require', `loader:${PROCESS_SALT}`);
  addDynamic(e, why);
  warnOnce('smartcache', why, undefined, 'ERR_FINGERPRINT');
  return e;
}

