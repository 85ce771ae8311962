/**
 * Phase 1 of a fingerprint, pure text: a function's source parsed (acorn), normalized (comments
 * and layout gone, semantics kept) and hashed, its free names and member paths found by one scope
 * walk, and the results kept in a per-project analysis cache. Nothing here reads a live value.
 */
export { ANALYSIS_FORMAT, openAnalysisCache, saveAnalysisCache } from './analysis-cache';
export { analyzeFunction, analyzeSource } from './analyze';
export { REQUIRE_AS_VALUE } from './free-names';
export type { FunctionAnalysis, Reference } from './analyze';
import type * as TopLevel from './toplevel';
import type * as Keyed from './keyed';
import type * as ModuleSpecifiers from './module-specifiers';
import type * as Siblings from './siblings';
import type * as Written from './written';

/*
 * The walk's text helpers (used by ../graph only), loaded on first use with the parser they need:
 * a disk hit whose fingerprint comes from a stored proof runs none of them (issue 11).
 */

/** True when `text` (named `name`) is a top-level function of `file` (./toplevel.ts). */
export function isTopLevelFunction(file: string, name: string, text: string): boolean {
  return (require('./toplevel') as typeof TopLevel).isTopLevelFunction(file, name, text);
}

/** True when `key`, free in the function `source` compiled at (`line`, `column`) of `file`, can never change after it was read (./keyed.ts). */
export function keyIsConstant(file: string, line: number, column: number, source: string, key: string): boolean {
  return (require('./keyed') as typeof Keyed).keyIsConstant(file, line, column, source, key);
}

/** Start of the function body declaring `text` directly, when the file proves its siblings share its scopes (./siblings.ts). */
export function siblingBody(file: string, name: string, text: string, line?: number): number | undefined {
  return (require('./siblings') as typeof Siblings).siblingBody(file, name, text, line);
}

/** The names `file`'s text ever writes, undefined when it proves nothing (./written.ts). */
export function namesWrittenIn(file: string): ReadonlySet<string> | undefined {
  return (require('./written') as typeof Written).namesWrittenIn(file);
}

/** The literal specifiers the module's text loads, sorted and unique (./module-specifiers.ts). */
export function moduleSpecifiers(text: string): readonly string[] {
  return (require('./module-specifiers') as typeof ModuleSpecifiers).moduleSpecifiers(text);
}
