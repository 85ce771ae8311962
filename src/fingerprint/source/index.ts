/**
 * Phase 1 of a fingerprint, pure text: a function's source parsed (acorn), normalized (comments
 * and layout gone, semantics kept) and hashed, its free names and member paths found by one scope
 * walk, and the results kept in a per-project analysis cache. Nothing here reads a live value.
 */
export { ANALYSIS_FORMAT, openAnalysisCache, saveAnalysisCache } from './analysis-cache';
export { analyzeFunction, analyzeSource } from './analyze';
export type { FunctionAnalysis, Reference } from './analyze';
export { isTopLevelFunction } from './toplevel';
export { keyIsConstant } from './keyed';
export { moduleSpecifiers } from './module-specifiers';
