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
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { functionSite, type FunctionSite } from './describe';
import { allScriptUrls } from './inspector';
import { isPackageFile, packageIdentity } from './packages';

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

function probeModule(file: string, exports: unknown): void {
  probed.add(file);
  const fn = probeFunction(exports);
  if (fn === undefined) return;
  const site = functionSite(fn);
  if (site === undefined || known.has(site.scriptId)) return;
  if (fileHolds(file, Function.prototype.toString.call(fn), site)) known.set(site.scriptId, infoFromUrl(file));
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

/**
 * Where script `scriptId` comes from (`esModule`: the function has a `Module` scope). Unknown
 * after every means (cannot happen for a live
 * function) counts as project code: walking its source is the safe default.
 */
export function scriptInfo(scriptId: string, esModule = false): ScriptInfo {
  let info = known.get(scriptId);
  if (info !== undefined) return info;
  // An ES module is in no CommonJS registry: probing would only delay the fallback.
  if (!esModule) {
    probeProjectModules(scriptId);
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

/** Forget what was learnt (tests; a change of package policy). */
export function forgetScripts(): void {
  known.clear();
  probed.clear();
}
