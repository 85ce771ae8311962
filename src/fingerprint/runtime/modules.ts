/**
 * Module objects reached by reference: `const utils = require('./utils')`, JSON files, packages.
 * A CommonJS module's exports object is recognised by identity in `require.cache`; an ES module
 * namespace by `util.types.isModuleNamespaceObject` (ES modules are in no public registry, so a
 * namespace never knows its file; its members still count one by one).
 */
import path = require('node:path');
import { types } from 'node:util';
import { isPackageFile, packageIdentity } from './packages';

export interface ModuleInfo {
  readonly kind: 'module' | 'json' | 'package';
  /** Absolute file (display only). */
  readonly file: string;
  readonly pkg?: string;
}

let byExports = new WeakMap<object, ModuleInfo>();
let indexedSize = -1;

function infoFor(file: string): ModuleInfo {
  if (isPackageFile(file)) {
    const pkg = packageIdentity(file);
    if (pkg !== undefined) return { kind: 'package', file, pkg };
  }
  return { kind: path.extname(file) === '.json' ? 'json' : 'module', file };
}

function index(): void {
  const registry = require.cache;
  const files = Object.keys(registry);
  if (files.length === indexedSize) return;
  indexedSize = files.length;
  byExports = new WeakMap();
  for (const file of files) {
    const exports: unknown = registry[file]?.exports;
    if ((typeof exports !== 'object' && typeof exports !== 'function') || exports === null) continue;
    const info = infoFor(file);
    if (!byExports.has(exports)) byExports.set(exports, info);
    // A package's functions are its identity too (`const { debounce } = require('lodash')`). A
    // project module's members are walked as the values they are, so they are not listed.
    if (info.kind === 'package') indexMembers(exports, info);
  }
}

function indexMembers(exports: object, info: ModuleInfo): void {
  for (const key of Object.keys(exports)) {
    const d = Object.getOwnPropertyDescriptor(exports, key);
    if (d === undefined || !('value' in d)) continue;
    const v: unknown = d.value;
    // Functions and classes only: an exported object may be a container the program fills.
    if (typeof v === 'function' && !byExports.has(v)) byExports.set(v, info);
  }
}

/** Forget the index (the package policy changed). */
export function resetModules(): void {
  byExports = new WeakMap();
  indexedSize = -1;
}

/**
 * The CommonJS module whose exports (or, for a package, one of whose exported members) `value`
 * is. `fresh` re-reads `require.cache` when it grew (callers ask once per walk).
 */
export function moduleOf(value: object, fresh: boolean): ModuleInfo | undefined {
  if (fresh) index();
  else if (indexedSize < 0) index();
  return byExports.get(value);
}

export function isNamespace(value: object): boolean {
  return types.isModuleNamespaceObject(value);
}
