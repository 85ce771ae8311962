/**
 * Loads smartcache's bundled runtime (dist/runtime.js, written by scripts/postbuild.js) with a V8
 * code cache, so a cached re-run does not parse and compile ~850 KB of JavaScript again
 * (native-notes/bundle-code-cache.md measures it). Every door of the bundle (dist/index.js,
 * dist/preload/register.js, …) comes through here; this file imports nothing of smartcache.
 *
 * - The bundle is compiled as a `vm.Script` with the cache V8 made in an earlier process
 *   (`createCachedData` at exit, after the code ran: it holds the functions compiled lazily too),
 *   and runs as the CommonJS module `dist/runtime.js` (same file name, same wrapper arguments, in
 *   `require.cache`), so nothing else can tell how it was loaded.
 * - V8 checks its version, its flags and the source *length* against the cache. Length is not
 *   content, so the cache file is named by the bundle file's identity (device, inode, size,
 *   modification and change times): any rewrite of dist/runtime.js names another file.
 * - A code cache is code this process runs, so it is read only from a folder of this user's that
 *   no one else may write (`<os.tmpdir()>/smartcache-code-<uid>`, mode 0700) and only when the file
 *   itself is a regular file of this user that no one else may write (checked on the opened
 *   descriptor, without following a link): then its bytes were written by this user's processes,
 *   which is the rule src/trust applies to stored rewrites. A checksum in the header catches a
 *   damaged file (V8 release builds do not verify one). Written whole or not at all (temporary
 *   file, then rename).
 * - Written at exit only when it is better than the one stored: a cache made by a common run beats
 *   one made by a rare run (for the cache layer, a run that served its calls from disk beats one
 *   that computed and stored; for the preload, a run that found its rewrites stored beats one that
 *   rewrote a file: each holds code the common run never runs, and a storing run's loading code
 *   V8 may have flushed by exit after the walk's garbage collections); between two of a kind, the
 *   one whose process ran more of the bundle's modules. Most runs only read.
 * - Off where it cannot be made safe or is not wanted: no `process.getuid` (Windows), or
 *   `NODE_DISABLE_COMPILE_CACHE=1` (Node's own switch for compile caches), or `SMARTCACHE=off` (nothing
 *   read or written). Any failure only means compiling as usual, silently: nothing is cached wrong.
 */
import fs = require('node:fs');
import Module = require('node:module');
import path = require('node:path');
import vm = require('node:vm');

/** What the bundle exports: each module by its path under dist/, and the modules that ran. */
interface BundleExports {
  load(name: string): unknown;
  has(name: string): boolean;
  loaded(): string[];
}

/**
 * The runtime's parts, each one bundle file (scripts/postbuild.js): the preload (hooks, rewriter,
 * the stand-ins of annotated functions) and the cache layer, loaded on the first cached call.
 */
export type Part = 'preload' | 'runtime';

const BUNDLES: Readonly<Record<Part, string>> = {
  preload: path.join(__dirname, 'runtime-preload.js'),
  runtime: path.join(__dirname, 'runtime.js'),
};
const MAGIC = 'smartcache-code 1\n';
/**
 * Header: magic; checksum of the V8 data (kind letter + 8 hex); what the writing process did:
 * `s` when it was a rare run (it stored a result, or rewrote a file: RARE_MODULE), `r` when it only read, and how many of the
 * bundle's modules ran; newline.
 */
const HEADER = /^smartcache-code 1\n([cf][0-9a-f]{8}) ([rs])(\d+)\n/;

/** The module that runs only to store a result (the encoder half of the codec). */
/**
 * Per part, the module that runs only in a rare run (see Made): storing a result (the encoder half
 * of the codec), rewriting a file (the rewriter, when no stored rewrite was found).
 */
const RARE_MODULE: Readonly<Record<Part, string>> = { runtime: 'store/codec/encode.js', preload: 'preload/rewrite.js' };

/** What the process that made a cache did: it is the better source the less it stored and the more it ran. */
interface Made {
  readonly stored: boolean;
  readonly modules: number;
}

function better(now: Made, than: Made | undefined): boolean {
  if (than === undefined) return true;
  if (now.stored !== than.stored) return !now.stored;
  return now.modules > than.modules;
}

/**
 * A 32-bit checksum of the V8 data: it only has to catch damage, not an adversary (ownership
 * answers that). `zlib.crc32` (Node 20.15+) loads and runs in ~1.5 ms for 0.6 MB; the plain
 * JavaScript fallback (FNV-1a over 32-bit words, plus a running sum) takes 4-10 ms cold
 * (native-notes/bundle-code-cache.md).
 */
function checksum(data: Buffer): string {
  const zlib = require('node:zlib') as { crc32?: (data: Uint8Array) => number };
  if (typeof zlib.crc32 === 'function') return `c${(zlib.crc32(data) >>> 0).toString(16).padStart(8, '0')}`;
  const words = data.length >>> 2;
  const aligned = data.byteOffset % 4 === 0 ? data : Buffer.from(data);
  const view = new Int32Array(aligned.buffer, aligned.byteOffset, words);
  let h = 0x811c9dc5 | 0;
  let sum = 0;
  for (let i = 0; i < words; i++) {
    h = Math.imul(h ^ (view[i] as number), 0x01000193);
    sum = (sum + h) | 0;
  }
  for (let i = words << 2; i < data.length; i++) h = Math.imul(h ^ (data[i] as number), 0x01000193);
  return `f${((h ^ sum) >>> 0).toString(16).padStart(8, '0')}`;
}

/** The bundle's text: a one-byte string when it is all ASCII (as the build writes it), ~2x faster to make. */
function bundleText(bytes: Buffer): string {
  const { isAscii } = require('node:buffer') as { isAscii?: (data: Uint8Array) => boolean };
  return typeof isAscii === 'function' && isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

/**
 * `os.tmpdir()` on POSIX (the loader runs only where `process.getuid` exists), without loading
 * `node:os` at every start: TMPDIR, TMP, TEMP, else /tmp, without a trailing slash.
 */
function tmpdir(): string {
  const env = process.env;
  const dir = env['TMPDIR'] || env['TMP'] || env['TEMP'] || '/tmp';
  return dir.length > 1 && dir.endsWith('/') ? dir.slice(0, -1) : dir;
}

/** The user's private folder for code caches, created if missing; undefined when it is not safe. */
function privateFolder(uid: number): string | undefined {
  const dir = path.join(tmpdir(), `smartcache-code-${uid}`);
  // Looked at before any mkdir: it exists on every run but the first, and a failed mkdir makes an
  // error object with a stack trace (about a millisecond at start-up).
  let st = fs.lstatSync(dir, { throwIfNoEntry: false });
  if (st === undefined) {
    try {
      fs.mkdirSync(dir, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return undefined;
    }
    st = fs.lstatSync(dir);
  }
  if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o077) !== 0) return undefined;
  return dir;
}

/**
 * The cache file for this bundle file and this Node. Not named by the command line: V8 refuses a
 * cache made under other V8 flags itself (native-notes/scripts/code-cache-flags.js), and Node's own
 * options (`-e`, `--require`, `--import`) change nothing in it, so every way of starting a program
 * shares one cache instead of each making its own.
 */
function cacheFile(dir: string, part: Part, bundle: fs.Stats): string {
  const identity = [bundle.dev, bundle.ino, bundle.size, bundle.mtimeMs, bundle.ctimeMs, process.version, process.arch].join('|');
  let h = 0x811c9dc5;
  for (let i = 0; i < identity.length; i++) h = Math.imul(h ^ identity.charCodeAt(i), 0x01000193) >>> 0;
  return path.join(dir, `${part}-${h.toString(16).padStart(8, '0')}-${identity.length}.v8`);
}

interface Cached {
  readonly data: Buffer;
  readonly made: Made;
}

/** The stored cache, when it is this user's alone and whole. */
function readCache(file: string, uid: number): Cached | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0));
  } catch {
    return undefined;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.uid !== uid || (st.mode & 0o022) !== 0 || st.size > 64 * 1024 * 1024) return undefined;
    const bytes = Buffer.allocUnsafe(st.size);
    let got = 0;
    while (got < bytes.length) {
      const n = fs.readSync(fd, bytes, got, bytes.length - got, got);
      if (n === 0) return undefined;
      got += n;
    }
    const head = HEADER.exec(bytes.subarray(0, 64).toString('latin1'));
    if (head === null) return undefined;
    const data = bytes.subarray(head[0].length);
    if (checksum(data) !== head[1]) return undefined;
    return { data, made: { stored: head[2] === 's', modules: Number(head[3]) } };
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/** Caches kept per user: one per bundle file (two per build) and Node in use; the least recent go first. */
const KEEP = 24;

/** Drops all but the KEEP most recently written caches, and temporary files an hour old. */
function tidy(dir: string): void {
  const now = Date.now();
  const caches: Array<{ file: string; mtime: number }> = [];
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    const st = fs.lstatSync(file);
    if (!st.isFile()) continue;
    if (name.endsWith('.tmp') && now - st.mtimeMs > 3_600_000) fs.rmSync(file, { force: true });
    else if (name.endsWith('.v8')) caches.push({ file, mtime: st.mtimeMs });
  }
  caches.sort((a, b) => b.mtime - a.mtime);
  for (const old of caches.slice(KEEP)) fs.rmSync(old.file, { force: true });
}

function writeCache(file: string, data: Buffer, made: Made): void {
  const temp = `${file}.${process.pid}.${Date.now().toString(36)}.tmp`;
  try {
    const head = Buffer.from(`${MAGIC}${checksum(data)} ${made.stored ? 's' : 'r'}${made.modules}\n`, 'latin1');
    const fd = fs.openSync(temp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | (fs.constants.O_NOFOLLOW ?? 0), 0o600);
    try {
      fs.writeSync(fd, head);
      fs.writeSync(fd, data);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
    tidy(path.dirname(file));
  } catch {
    try {
      fs.rmSync(temp, { force: true });
    } catch {
      // Only a stray temporary file in the user's own folder.
    }
  }
}

/** Runs a bundle's source as the CommonJS module it is (`dist/runtime.js`, …). */
/**
 * The bundle's `require`. A module of the other part (`require('./errors.js')` from the cache
 * layer: its door, dist/errors.js, would only call `load('errors.js', 'preload')`) is taken from
 * that part directly when it is loaded: the same single instance, without Node's resolution of
 * the door (a package scope lookup, stats and a realpath for each first require from a file:
 * ~10 of them in a disk hit's first call). Anything else goes to Node's `require`.
 */
function siblingRequire(file: string, part: Part): NodeRequire {
  const base = Module.createRequire(file);
  const other: Part = part === 'runtime' ? 'preload' : 'runtime';
  const fast = ((request: string): unknown => {
    if (request.startsWith('./')) {
      const held = loadedParts[other];
      const name = request.slice(2);
      if (held !== undefined && held.has(name)) return held.load(name);
    }
    return base(request);
  }) as NodeRequire;
  return Object.assign(fast, { resolve: base.resolve, cache: base.cache, main: base.main, extensions: base.extensions });
}

function runAsModule(script: vm.Script, file: string, part: Part, parent: NodeModule | undefined): BundleExports {
  const ModuleClass = Module as unknown as {
    new (id: string, parent?: NodeModule): NodeModule & { paths: string[]; loaded: boolean };
    _nodeModulePaths(dir: string): string[];
  };
  const mod = new ModuleClass(file, parent);
  mod.filename = file;
  mod.paths = ModuleClass._nodeModulePaths(__dirname);
  require.cache[file] = mod;
  try {
    const wrapper = script.runInThisContext() as (e: unknown, r: NodeRequire, m: NodeModule, f: string, d: string) => void;
    wrapper.call(mod.exports, mod.exports, siblingRequire(file, part), mod, file, __dirname);
  } catch (error) {
    delete require.cache[file];
    throw error;
  }
  mod.loaded = true;
  return mod.exports as BundleExports;
}

/**
 * How the bundle was compiled in this process: `accepted` (from a stored cache), `rejected` (V8
 * refused the stored cache), `none` (no usable cache: missing, damaged or not the user's alone),
 * `off` (no code cache here: switched off, or no safe way to keep one). Tests read it.
 */
export type CodeCacheState = 'accepted' | 'rejected' | 'none' | 'off';

const states: Record<Part, CodeCacheState> = { preload: 'off', runtime: 'off' };

/**
 * `SMARTCACHE=off`, read as src/switch.ts reads it. Not imported from there: every other module
 * of dist/ is a door into the bundles this file loads (scripts/postbuild.js).
 */
function switchedOff(): boolean {
  const value = process.env['SMARTCACHE'];
  return value !== undefined && ['off', '0', 'false', 'no'].includes(value.trim().toLowerCase());
}

function loadWithCodeCache(part: Part): BundleExports | undefined {
  // SMARTCACHE=off: nothing is read or written, the code cache of smartcache's own bundles included.
  if (process.env.NODE_DISABLE_COMPILE_CACHE === '1' || switchedOff() || typeof process.getuid !== 'function') return undefined;
  // Loaded inside a vm context (jest runs each test file in one, with its own module registry):
  // the bundle must run in that realm, as every module loaded there does, and `runInThisContext`
  // would run it in Node's main one (the test's objects would not be plain data to the codec, and
  // jest's registry would not know the bundle). There it is required as usual.
  if ((vm.runInThisContext('globalThis') as unknown) !== globalThis) return undefined;
  const uid = process.getuid();
  let source: string;
  let file: string;
  let cached: Cached | undefined;
  try {
    const fd = fs.openSync(BUNDLES[part], 'r');
    try {
      const dir = privateFolder(uid);
      if (dir === undefined) return undefined;
      file = cacheFile(dir, part, fs.fstatSync(fd));
      source = bundleText(fs.readFileSync(fd));
    } finally {
      fs.closeSync(fd);
    }
    cached = readCache(file, uid);
  } catch {
    return undefined;
  }
  // The wrapper Node gives every CommonJS module, on one line: line numbers stay the file's.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n})`, {
    filename: BUNDLES[part],
    cachedData: cached?.data,
  });
  const runtime = runAsModule(script, BUNDLES[part], part, module);
  states[part] = cached === undefined ? 'none' : script.cachedDataRejected === true ? 'rejected' : 'accepted';
  const had = cached === undefined || script.cachedDataRejected === true ? undefined : cached.made;
  process.once('exit', () => {
    const ran = runtime.loaded();
    const made: Made = { stored: ran.includes(RARE_MODULE[part]), modules: ran.length };
    if (!better(made, had)) return;
    try {
      writeCache(file, script.createCachedData(), made);
    } catch {
      // Only a slower next start.
    }
  });
  return runtime;
}

const loadedParts: Partial<Record<Part, BundleExports>> = {};

function bundle(part: Part): BundleExports {
  const known = loadedParts[part];
  if (known !== undefined) return known;
  const file = BUNDLES[part];
  const existing = require.cache[file];
  let exports: BundleExports | undefined;
  if (existing !== undefined && existing.loaded) exports = existing.exports as BundleExports;
  else {
    try {
      exports = loadWithCodeCache(part);
    } catch {
      exports = undefined;
    }
  }
  if (exports === undefined) {
    if (!fs.existsSync(file)) throw notInstalled(file);
    exports = require(file) as BundleExports;
  }
  loadedParts[part] = exports;
  return exports;
}

/**
 * The runtime is not beside this loader: smartcache's own files were bundled into the program
 * (esbuild, webpack and ncc bundle node_modules by default), and its runtime and worker files,
 * loaded by path, were left behind. One clear line instead of a MODULE_NOT_FOUND for a file the
 * user never named. (A SmartCacheError by name and code: its class lives in the missing runtime.)
 */
function notInstalled(file: string): Error {
  const error = new Error(
    `smartcache cannot find its runtime (${path.basename(file)} beside ${__filename}): it looks bundled into your program. ` +
      'Keep smartcache external to the bundle (esbuild --external:smartcache or --packages=external, webpack externals, ncc -e smartcache) and install it beside the bundle.',
  );
  return Object.assign(error, { name: 'SmartCacheError', code: 'ERR_NOT_INSTALLED' });
}

/** The bundled module `name` (a path under dist/) of `part`, run on its first load. */
export function load(name: string, part: Part = 'runtime'): unknown {
  return bundle(part).load(name);
}

/**
 * The bundled modules that ran so far, the preload's first, each part in the order its modules
 * started (tests: what a disk hit loaded). A part not loaded yet is not loaded to answer.
 */
export function loaded(): string[] {
  return (['preload', 'runtime'] as const).flatMap((part) => loadedParts[part]?.loaded() ?? []);
}

/** How a part's bundle was compiled in this process (see CodeCacheState); `off` when it is not loaded. */
export function codeCacheState(part: Part = 'runtime'): CodeCacheState {
  return states[part];
}
