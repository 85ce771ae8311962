/**
 * What an expander may ask of the graph while it expands one entity. Its own file so that the
 * expanders (expand-*.ts, references.ts, ...) and the builder that calls them import it, not
 * each other: graph-builder.ts imports every expander, and none imports it back.
 */
import type { FunctionDetails, ModuleInfo, Patch, ScopeSnapshot } from '../runtime';
import type { Entity } from './entity';

export interface Builder {
  entityOf(value: unknown, holder?: object): Entity;
  functionEntity(fn: Function, holder?: object): Entity;
  builtin(name: string): Entity;
  primitive(value: unknown): Entity;
  moduleInfo(value: object): ModuleInfo | undefined;
  /** Memoized view of a module object restricted to the member paths used. */
  moduleView(value: object, paths: ReadonlyArray<ReadonlyArray<string>>, info: ModuleInfo | undefined): Entity;
  relativize(text: string): string;
  /** Location and scopes of `fn` (from the inspector, or from its module when it is top-level). */
  details(fn: Function): FunctionDetails;
  /** The inspector's own answer for `fn`, never the module shortcut. */
  describeNow(fn: Function): FunctionDetails;
  /** Scopes of a function known to sit at the top level of CommonJS `file`: its module's. */
  noteModuleScopes(file: string, scopes: readonly ScopeSnapshot[]): void;
  /** `scopes` (first a `Closure`) are those of an activation of the function whose body starts at `body` in `file`. */
  noteSiblingScopes(file: string, body: number, scopes: readonly ScopeSnapshot[]): void;
  /** User code on JavaScript's built-in objects (../runtime/patches.ts), scanned once per walk. */
  patches(): readonly Patch[];
  /** The value `e` read for binding `name` when it was expanded before, if it was defined then. */
  earlierBinding(e: Entity, name: string): { readonly value: unknown } | undefined;
  /** Remembers the bindings an unsettled entity read, for its next expansion. */
  keepBindings(e: Entity, reads: Map<string, unknown>): void;
}
