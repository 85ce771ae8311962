/**
 * Phase 2, the live process: the only code that talks to `node:inspector` (a function's location
 * and `[[Scopes]]`, bound and proxy parts, private fields), plus what else is read from the
 * running program: script origins, npm package identities, built-in names, user patches on
 * built-ins, module objects in `require.cache`.
 */
export { GLOBAL_OBJECT_NAMES, builtinName, globalAccessorName, isBuiltinGlobal, isNodesOwn, nodeFunctionName } from './builtin-names';
export { describeFunction, describeFunctions, functionSite, scopeOwner, namedOwnKeys, privateFields, promiseParts, proxyParts, sameBindings, scopesProblem } from './describe';
export type { FunctionDetails, FunctionSite, ScopeSnapshot } from './describe';
export { InspectorUnavailable, inspectorProblem, prefetchRemoteIds, releaseObjects } from './inspector';
export { isNamespace, moduleOf, resetModules } from './modules';
export { isSloppyFunction } from './strictness';
export type { ModuleInfo } from './modules';
export { BUNDLED_MODULE_MARKER, isOwnBundleFile, isPackageFile, packageIdentity, packageOwn, setPackagePolicy } from './packages';
export { heldByPackage, heldInModuleScope, isPackageMade } from './package-members';
export type { HeldFunction } from './package-members';
export { builtinPatches, namesMember } from './patches';
export type { Patch } from './patches';
export { compiledBeforePreload, forgetScripts, onlyLoadedFileHolding, scriptInfo } from './scripts';
export type { ScriptInfo } from './scripts';
