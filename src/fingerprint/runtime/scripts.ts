/**
 * Script id -> where the code comes from: the project, an npm package, Node itself, or code built
 * at run time. Script ids are per process and never enter a fingerprint; this only decides how a
 * function counts (source walk, `name@version`, built-in identity) and where `explain` says it is.
 *
 * The inspector has no cheap "url of script N" without `Debugger.enable`, which costs 2-35 ms
 * (native-notes/script-urls.md). So the common case is learnt from the CommonJS registry: a
 * project module's exported function is inspected once, and its script id is tied to the module
 * file after checking that the file's text holds that function at that line. Only a script no
 * CommonJS module explains (ES modules, vm, Node internals reached indirectly) pays for one
 * Debugger.enable/disable, which maps every script loaded so far.
 */
import fs = require('node:fs');
import path = require('node:path');
import { fileURLToPath } from 'node:url';
import { types } from 'node:util';
import { functionSite, type FunctionSite } from './describe';
import { allScriptUrls } from './inspector';
import { isPackageFile, packageIdentity } from './packages';
import { preloadMarkerFunction } from '../../registry';

export type ScriptOrigin = 'project' | 'package' | 'node' | 'eval';

export interface ScriptInfo {
  readonly origin: ScriptOrigin;
  /** Absolute file for file scripts (display only). */
  readonly file?: string;
  /** `node:fs`-style id for Node's own scripts. */
  readonly builtin?: string;
  /** `name@version` for package scripts. */
  readonly pkg?: string;
}

const known = new Map<string, ScriptInfo>();
const probed = new Set<string>();
/** How many CommonJS modules a lookup may probe before the Debugger fallback is cheaper. */
const PROBE_BUDGET = 150;

export function infoFromUrl(url: string): ScriptInfo {
  if (url.startsWith('node:')) return { origin: 'node', builtin: url };
  let file: string | undefined;
  if (url.startsWith('file://')) {
    try {
      file = fileURLToPath(url);
    } catch {
      file = undefined;
    }
  } else if (path.isAbsolute(url)) {
    file = url;
  }
  if (file === undefined) return { origin: 'eval' };
  if (isPackageFile(file)) {
    const pkg = packageIdentity(file);
    if (pkg !== undefined) return { origin: 'package', file, pkg };
  }
  return { origin: 'project', file };
}

function lineOf(text: string, offset: number): number {
  let line = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** True when `file` holds `source` so that it spans `site.line` (the probe is really from there). */
function fileHolds(file: string, source: string, site: FunctionSite): boolean {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return false;
  }
  for (let at = text.indexOf(source); at !== -1; at = text.indexOf(source, at + 1)) {
    const first = lineOf(text, at);
    const last = first + (source.match(/\n/g)?.length ?? 0);
    if (site.line >= first && site.line <= last) return true;
  }
  return false;
}

/** A function defined by the module itself, to learn the module's script id from. */
function probeFunction(exports: unknown): Function | undefined {
  if (typeof exports === 'function') return exports;
  if (typeof exports !== 'object' || exports === null) return undefined;
  let looked = 0;
  for (const key of Object.keys(exports)) {
    if (++looked > 20) break;
    const d = Object.getOwnPropertyDescriptor(exports, key);
    if (d !== undefined && 'value' in d && typeof d.value === 'function') return d.value as Function;
  }
  return undefined;
}

/** Own keys past which a function is costly to describe (the inspector lists them all: lodash's `_`, 313 members, 22 ms). */
const LIGHT_KEYS = 8;

/**
 * A function member of `fn` with few own keys, or undefined: described first, as its script is
 * usually `fn`'s (`fileHolds` checks it is this module's before anything is learnt).
 */
function lightMember(fn: Function): Function | undefined {
  let looked = 0;
  for (const key of Object.keys(fn)) {
    if (++looked > 20) break;
    const d = Object.getOwnPropertyDescriptor(fn, key);
    if (d !== undefined && 'value' in d && typeof d.value === 'function' && !types.isProxy(d.value) && Reflect.ownKeys(d.value as Function).length <= LIGHT_KEYS) return d.value as Function;
  }
  return undefined;
}

function probeModule(file: string, exports: unknown): void {
  probed.add(file);
  const fn = probeFunction(exports);
  if (fn === undefined) return;
  const light = Reflect.ownKeys(fn).length > LIGHT_KEYS ? lightMember(fn) : undefined;
  for (const candidate of light === undefined ? [fn] : [light, fn]) {
    const site = functionSite(candidate);
    if (site === undefined || known.has(site.scriptId)) return;
    if (fileHolds(file, Function.prototype.toString.call(candidate), site)) {
      known.set(site.scriptId, infoFromUrl(file));
      return;
    }
  }
}

function probeProjectModules(scriptId: string): void {
  const registry = require.cache;
  let budget = PROBE_BUDGET;
  for (const file of Object.keys(registry)) {
    if (known.has(scriptId) || budget <= 0) return;
    if (probed.has(file) || isPackageFile(file) || !file.endsWith('js')) continue;
    budget--;
    probeModule(file, registry[file]?.exports);
  }
}

/** ES module files the program's entry reaches by static relative imports (read once per process). */
let esmFiles: string[] | undefined;
/** Texts of project files read to place a function in its file, once per process (null: unreadable). */
const fileTexts = new Map<string, string | null>();
/** How many ES module files the entry's import graph may list before the Debugger is cheaper. */
const ESM_BUDGET = 300;
const IMPORT = /(?:^|[;\s}])(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?['"]([^'"\n]+)['"]/g;

function fileText(file: string): string | null {
  let text = fileTexts.get(file);
  if (text === undefined) {
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      text = null;
    }
    fileTexts.set(file, text);
  }
  return text;
}

function esmCandidates(): readonly string[] {
  if (esmFiles !== undefined) return esmFiles;
  const out: string[] = [];
  const seen = new Set<string>();
  const main = process.argv[1];
  const queue = main === undefined || main === '' ? [] : [path.resolve(main)];
  for (let file = queue.shift(); file !== undefined && out.length < ESM_BUDGET; file = queue.shift()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const text = fileText(file);
    if (text === null || isPackageFile(file)) continue;
    out.push(file);
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] as string;
      if (spec.startsWith('./') || spec.startsWith('../')) queue.push(path.resolve(path.dirname(file), spec.split(/[?#]/)[0] as string));
      else if (spec.startsWith('file://')) {
        try {
          queue.push(fileURLToPath(spec));
        } catch {
          // Not a file: nothing to read.
        }
      }
    }
  }
  esmFiles = out;
  return out;
}

/**
 * An ES module function's script, without `Debugger.enable` (issue 11): the one file of the
 * entry's static import graph whose text holds the function's text spanning its line. Two or
 * more such files, or none, leave the question to the Debugger fallback.
 */
function probeEsModules(scriptId: string, probe: { readonly text: string; readonly line: number }): void {
  let found: string | undefined;
  for (const file of esmCandidates()) {
    const text = fileText(file);
    if (text === null || !textHolds(text, probe.text, probe.line)) continue;
    if (found !== undefined) return;
    found = file;
  }
  if (found !== undefined) known.set(scriptId, infoFromUrl(found));
}

/**
 * A CommonJS function's script when no module's exports lead to it: the entry script (its
 * `module.exports` is usually empty, and it holds most `cache(fn)` calls) or a module exporting
 * no function. The one loaded project file whose text holds the function's text spanning its
 * line, as for ES modules; two or more such files, or none (a file compiled to other text, as
 * TypeScript is), leave the question to the Debugger fallback, which cost every first call of a
 * process 2-35 ms on Node 20 (native-notes/script-urls.md).
 */
function probeLoadedTexts(scriptId: string, probe: { readonly text: string; readonly line: number }): void {
  let found: string | undefined;
  let budget = PROBE_BUDGET;
  for (const file of Object.keys(require.cache)) {
    if (isPackageFile(file) || !path.isAbsolute(file)) continue;
    if (--budget < 0) return;
    const text = fileText(file);
    if (text === null || !textHolds(text, probe.text, probe.line)) continue;
    if (found !== undefined) return;
    found = file;
  }
  if (found !== undefined) known.set(scriptId, infoFromUrl(found));
}

function textHolds(text: string, source: string, line: number): boolean {
  for (let at = text.indexOf(source); at !== -1; at = text.indexOf(source, at + 1)) {
    const first = lineOf(text, at);
    const last = first + (source.match(/\n/g)?.length ?? 0);
    if (line >= first && line <= last) return true;
  }
  return false;
}

/**
 * Where script `scriptId` comes from (`esModule`: the function has a `Module` scope; `probe`:
 * the function's text and line, to find an ES module's file without the Debugger). Unknown
 * after every means (cannot happen for a live
 * function) counts as project code: walking its source is the safe default.
 */
export function scriptInfo(scriptId: string, esModule = false, probe?: { readonly text: string; readonly line: number }): ScriptInfo {
  let info = known.get(scriptId);
  if (info !== undefined) return info;
  // An ES module is in no CommonJS registry: probing would only delay the fallback.
  if (!esModule) {
    probeProjectModules(scriptId);
    info = known.get(scriptId);
    if (info !== undefined) return info;
    if (probe !== undefined) {
      probeLoadedTexts(scriptId, probe);
      info = known.get(scriptId);
      if (info !== undefined) return info;
    }
  } else if (probe !== undefined) {
    probeEsModules(scriptId, probe);
    info = known.get(scriptId);
    if (info !== undefined) return info;
  }
  for (const [id, url] of allScriptUrls()) if (!known.has(id)) known.set(id, infoFromUrl(url));
  info = known.get(scriptId);
  if (info !== undefined) return info;
  info = { origin: 'eval' };
  known.set(scriptId, info);
  return info;
}

/** The script id of the preload's entry file; null when unknown (no preload, or not the only one). */
let preloadScript: number | null | undefined;

/**
 * True when script `scriptId` was compiled before smartcache's preload entry, itself the only
 * code run before the program (registry.ts `notePreloadMarker`): V8 numbers scripts in the order
 * it compiles them, so such a script is one of Node's (measured: node:internal/util/types 18,
 * node:fs 45, the preload 81, the program 82; Node's modules loaded later get larger ids and
 * take the usual way). native-notes/script-urls.md.
 */
export function compiledBeforePreload(scriptId: string): boolean {
  if (preloadScript === undefined) {
    const marker = preloadMarkerFunction();
    let id: number | null = null;
    try {
      const site = marker === undefined ? undefined : functionSite(marker);
      if (site !== undefined && /^\d+$/.test(site.scriptId)) id = Number(site.scriptId);
    } catch {
      id = null;
    }
    preloadScript = id;
  }
  return preloadScript !== null && /^\d+$/.test(scriptId) && Number(scriptId) < preloadScript;
}

/** Forget what was learnt (tests; a change of package policy). */
export function forgetScripts(): void {
  known.clear();
  probed.clear();
  esmFiles = undefined;
  fileTexts.clear();
}



/**
 * True unless a loaded project CommonJS file other than `file` holds `text` spanning `line`: then
 * a function with that text at that line may be that file's (a module whose `module.exports` is
 * replaced by another's, a copy loaded beside it) and is not known to be `file`'s. Files are read
 * once per process; package files are not searched (they count by name and version).
 */
export function onlyLoadedFileHolding(file: string, text: string, line: number): boolean {
  for (const other of Object.keys(require.cache)) {
    if (other === file || isPackageFile(other)) continue;
    const content = fileText(other);
    // Unreadable: it cannot be ruled out.
    if (content === null || textHolds(content, text, line)) return false;
  }
  return true;
}
