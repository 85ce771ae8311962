/**
 * Phase 3, the dependency graph: one entity per function, class, object or value reached from
 * the function being fingerprinted, built from a work queue by the expanders (expand-*.ts,
 * references.ts, ...) through the `Builder` interface (builder.ts). digest.ts folds it into
 * fingerprints, explain-tree.ts into a tree.
 */
export { PROCESS_SALT, encodePrimitive, isUniqueSymbol, nameOf, sha256 } from './entity';
export type { BindingReads, Entity, EntityReads, NodeKind } from './entity';
export { GraphBuilder, GraphTooLarge, expansionClock, relativize, resetGraph } from './graph-builder';
export { COUNTED, onlyCounted } from './references';
export { missingModuleAppeared } from './requires';
export { hiddenStateDigest } from './node-state';
