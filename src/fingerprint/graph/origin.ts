/**
 * Where a function's code comes from (project, npm package, Node itself), from its script id,
 * and the side job that makes most inspector calls unnecessary: a top-level function of a project
 * module (CommonJS or ES) records its scopes, the module's, for its siblings to borrow (graph-builder.ts).
 */
import type { FunctionDetails, ScopeSnapshot } from '../runtime';
import { nameOf } from './entity';
import type { Builder } from './builder';
import { compiledBeforePreload, nodeFunctionName, scriptInfo, type ScriptInfo } from '../runtime';
import { isTopLevelFunction, siblingBody } from '../source';

/**
 * Where the code comes from. Code with no scope but the global ones (`new Function`, a classic
 * script's top level) has no module to come from: it is walked without learning its url. A
 * top-level function of a project module lends its scopes to its siblings.
 */
export function originOf(b: Builder, fn: Function, details: FunctionDetails): ScriptInfo | undefined {
  if (details.borrowedFrom !== undefined) return { origin: 'project', file: details.borrowedFrom };
  const scoped = details.scopes.filter((s) => s.type !== 'global' && s.type !== 'script');
  if (details.site === undefined || scoped.length === 0) return undefined;
  const esModule = scoped.some((s) => s.type === 'module');
  // Node's own function under a public name (lodash keeps `require('util').types.isTypedArray`),
  // compiled before smartcache's preload, itself the first code Node ran for the program: only
  // Node compiles scripts that early. Asking the Debugger for its script's url instead cost every
  // such process 25-40 ms (native-notes/script-urls.md).
  if (!esModule && compiledBeforePreload(details.site.scriptId) && nodeFunctionName(fn) !== undefined) return { origin: 'node' };
  const info = scriptInfo(details.site.scriptId, esModule, { text: Function.prototype.toString.call(fn), line: details.site.line });
  const first = scoped[0] as ScopeSnapshot;
  const name = nameOf(fn);
  if (
    info.origin === 'project' &&
    info.file !== undefined &&
    scoped.length === 1 &&
    details.scopes[0] === first &&
    // A CommonJS module's scope is the wrapper's closure; an ES module's is its `Module` scope
    // (issue 11: top-level ES module functions share their module's description too).
    ((!esModule && first.type === 'closure' && require.cache[info.file] !== undefined) || (esModule && first.type === 'module')) &&
    // The script id already ties the function to this file; its text, found once and at top
    // level there, says it is that declaration, whose one scope is the module's.
    isTopLevelFunction(info.file, name, Function.prototype.toString.call(fn))
  ) {
    b.noteModuleScopes(info.file, details.scopes);
  } else if (info.origin === 'project' && info.file !== undefined && details.bound === undefined && details.scopes[0] === first && first.type === 'closure') {
    // Declared directly in a function's body: its first scope is that activation's, which the
    // other declarations of the body share (../source/siblings.ts proves when).
    const body = siblingBody(info.file, name, Function.prototype.toString.call(fn), details.site.line);
    if (body !== undefined) b.noteSiblingScopes(info.file, body, details.scopes);
  }
  return info;
}

