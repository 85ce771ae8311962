/**
 * smartcache: persistent, cross-run memoization keyed by arguments and by a fingerprint of the
 * code a function reaches. This file only re-exports the public surface (README.md describes it).
 */
export { cache, cached } from './cache';
export type { Cached, CachedMethods, CachedDecorator, CachedDecoratorOptions } from './cache';
export type { LiveSnapshot, LiveFunction } from './live-types';
export { SmartCacheError, SmartCacheTypeError } from './errors';
export type { SmartCacheErrorCode, SmartCacheErrorDetails } from './errors';
export type { CacheOptions, MemoryLayerOptions } from './options';
export type { DependencyNode, Explanation } from './fingerprint';
