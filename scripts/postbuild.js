// After tsc (.mts sources are emitted as .mjs already):
// 1. unless --no-bundle: bundles what runs inside the user's process into two files, the preload
//    behind `smartcache/register` (dist/runtime-preload.js) and the cache layer behind `smartcache`
//    (dist/runtime.js, loaded on the first cached call), and turns each compiled module they hold
//    into a one-line door to its copy there, through dist/runtime-loader.js (src/runtime-loader.ts:
//    compiles each bundle from a V8 code cache);
// 2. writes the build's identity (dist/preload/build-id.json, scripts/build-id.js);
// 3. makes the CLI entry executable (npm links `bin` targets but tsc does not set the mode bit).
//
//   node scripts/postbuild.js [--no-bundle]
//
// The bundles keep the fingerprint's view of smartcache's own code: a function of a bundle
// counts as the smartcache package, and only the closures inside its module's body are read (each
// module body declares a marker binding the walk stops at; src/fingerprint/graph/foreign.ts), as
// for the separate modules. Without the marker a walk reached every bundled module's state.
//
// Why a bundle: Node 20 has no compile cache, and resolving, reading and compiling ~140 small
// files cost a cached re-run more than everything else it did (CPU profile of a fib(32) disk hit:
// ~45 ms of the CJS loader's own time). Why doors: every module keeps one instance per process
// whichever way it is reached (the public entries, the CLI, a worker thread, the ESM hooks
// module, a test requiring dist/store/index.js), so state held per module (registry, warnings,
// memory layers, stats, fs hooks) stays single. Code required lazily stays lazy inside the bundle:
// each module's body still runs on its first require.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { writeBuildId } = require('./build-id');

const dist = path.join(__dirname, '..', 'dist');

/** What the user's process loads: the bundle holds these and everything they reach in dist/. */
const ENTRIES = ['index.js', 'preload/install.js', 'preload/esm-load.js'];

/**
 * Packages left out of the bundle: loaded from node_modules on first need (acorn: parsing only
 * on a miss or a rewrite; the team cache's client only with a remote configured). A subpath
 * (`acorn/package.json`) is external with its package. pirates (the require hook, 6 KB, no
 * dependencies) runs in every process started with the preload: it is bundled, which saves
 * resolving, reading and compiling a package at every start.
 */
const EXTERNAL = ['acorn', '@redis/client', 'chrome-remote-interface', 'commander'];

/**
 * cbor-x's full build stays outside (it loads an optional native addon by a computed path, and
 * is needed only to store); its decode-only build (cbor-x/decode-no-eval, self-contained, on
 * every disk hit) is bundled, so the code cache covers it too.
 */
function cborEncoderOutside() {
  return {
    name: 'cbor-encoder-outside',
    setup(build) {
      build.onResolve({ filter: /^cbor-x$/ }, (args) => ({ path: args.path, external: true }));
    },
  };
}

/** Marks the first line of a door, so a second run of this script on a bundled dist/ stops. */
const DOOR_MARK = '// smartcache door:';

const posix = (p) => p.split(path.sep).join('/');

/**
 * Module by module: `__dirname`/`__filename` keep meaning the module's own place in dist/ (worker
 * files, the ESM hooks module, the package root are found relative to them), and the bundle
 * records which modules ran (tests ask what a disk hit loaded: `loaded()`).
 */
function ownPaths() {
  return {
    name: 'own-paths',
    setup(build) {
      build.onLoad({ filter: /\.js$/ }, (args) => {
        if (!args.path.startsWith(dist + path.sep)) return undefined;
        const rel = posix(path.relative(dist, args.path));
        const text = fs.readFileSync(args.path, 'utf8');
        if (text.startsWith(DOOR_MARK)) throw new Error(`postbuild: ${rel} is already a door; run \`npm run build\` (it compiles afresh)`);
        // The marker binding is read by an inner function, so V8 keeps it in the module body's
        // context: the fingerprint finds that scope in a bundled function's scope chain and
        // counts what lies outside it as smartcache's own module state, as it does for a
        // separate module (src/fingerprint/graph/foreign.ts, BUNDLED_MODULE_MARKER).
        const contents = `var __smartcacheModule = ${JSON.stringify(rel)};\n__smartcacheRan.push(() => __smartcacheModule);\n${text
          .replace(/\b__dirname\b/g, `__smartcacheDist(${JSON.stringify(path.posix.dirname(rel))})`)
          .replace(/\b__filename\b/g, `__smartcacheDist(${JSON.stringify(rel)})`)}`;
        return { contents, loader: 'js', resolveDir: path.dirname(args.path) };
      });
    },
  };
}

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: EXTERNAL,
  logLevel: 'warning',
};

/**
 * The names each bundled module exports, read by loading it from the new bundle in a child
 * process (module bodies only define things; nothing is installed before a call).
 */
function exportNames(modules, partOf) {
  const file = (m) => path.join(dist, PARTS.find((p) => p.name === partOf.get(m)).file);
  const script = `const out = {};
for (const [m, file] of ${JSON.stringify(modules.map((m) => [m, file(m)]))}) out[m] = Object.keys(require(file).load(m));
process.stdout.write(JSON.stringify(out));`;
  const env = { ...process.env, SMARTCACHE: 'off' };
  delete env.NODE_OPTIONS;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { env, encoding: 'utf8' }));
}

/**
 * The two parts of the runtime, each one bundle file in dist/ with its own code cache. The preload
 * (`smartcache/register`: the require and import hooks, the rewriter, the stand-ins that annotated
 * functions are bound to, the fs and env recording) runs in every process started with it, also
 * in one that calls nothing cached; the cache layer (store, codec, walk, key) loads on the first
 * cached call. Compiling or deserializing the cache layer's code there was most of what the
 * preload cost (issue 11: `--require smartcache/register -e 0`, 200 annotated functions none called).
 */
const PARTS = [
  { name: 'preload', file: 'runtime-preload.js', entries: ['preload/install.js', 'preload/esm-load.js'] },
  { name: 'runtime', file: 'runtime.js', entries: ENTRIES },
];

/**
 * Where the preload part stops: the cache layer's front door, which the stand-ins require on a
 * first call (src/preload/runtime.ts). Everything the preload reaches without passing it is the
 * preload part; the rest is the cache layer's.
 */
const PRELOAD_STOPS = ['cache/index.js'];

/** Modules reached from `entries` over the import graph of the probe, not entering `stops`. */
function reach(graph, entries, stops) {
  const seen = new Set();
  const todo = [...entries];
  while (todo.length > 0) {
    const m = todo.pop();
    if (seen.has(m) || stops.includes(m)) continue;
    seen.add(m);
    for (const next of graph.get(m) ?? []) todo.push(next);
  }
  return seen;
}

/**
 * Modules held by another part are left to their doors: `require('./<module>')` relative to dist/
 * (where every bundle file lives), so the other part's single instance answers.
 */
function otherParts(owner, partOf) {
  return {
    name: 'other-parts',
    setup(build) {
      build.onResolve({ filter: /^\./ }, (args) => {
        const base = path.resolve(args.resolveDir, args.path);
        for (const candidate of [base, `${base}.js`, path.join(base, 'index.js')]) {
          if (!candidate.startsWith(dist + path.sep)) continue;
          const rel = posix(path.relative(dist, candidate));
          const part = partOf.get(rel);
          if (part !== undefined) return part === owner ? undefined : { path: `./${rel}`, external: true };
        }
        return undefined;
      });
    },
  };
}

async function bundle() {
  let esbuild;
  try {
    esbuild = require('esbuild');
  } catch {
    // Without esbuild the compiled modules work as they are, only slower to load.
    process.stderr.write('postbuild: esbuild not found; dist/ is left unbundled\n');
    return false;
  }
  // First pass: which compiled modules the entries reach, and what each requires.
  const probe = await esbuild.build({ ...common, entryPoints: ENTRIES.map((e) => path.join(dist, e)), outdir: path.join(dist, '.probe'), write: false, metafile: true, plugins: [cborEncoderOutside()] });
  const root = path.join(dist, '..');
  const own = (p) => {
    const abs = path.resolve(root, p);
    return abs.startsWith(dist + path.sep) && abs.endsWith('.js') ? posix(path.relative(dist, abs)) : undefined;
  };
  const graph = new Map();
  for (const [input, info] of Object.entries(probe.metafile.inputs)) {
    const from = own(input);
    if (from !== undefined) graph.set(from, info.imports.map((i) => own(i.path)).filter((m) => m !== undefined));
  }
  const modules = [...graph.keys()].sort();
  for (const e of ENTRIES) if (!modules.includes(e)) throw new Error(`postbuild: the bundle would not hold ${e}`);
  const preload = reach(graph, PARTS[0].entries, PRELOAD_STOPS);
  const partOf = new Map(modules.map((m) => [m, preload.has(m) ? 'preload' : 'runtime']));
  for (const stop of PRELOAD_STOPS) if (partOf.get(stop) !== 'runtime') throw new Error(`postbuild: ${stop} is not in the cache layer`);
  // Second pass: one file per part, each module behind `load(name)`.
  for (const part of PARTS) {
    const held = modules.filter((m) => partOf.get(m) === part.name);
    const table = held.map((m) => `  ${JSON.stringify(m)}: () => require(${JSON.stringify(`./${m}`)}),`).join('\n');
    await esbuild.build({
      ...common,
      stdin: {
        contents: [
          'const modules = {',
          table,
          '};',
          '/** The module `name` (a path under dist/), run on its first load like any CommonJS module. */',
          'exports.load = (name) => modules[name]();',
          '/** Whether this bundle holds the module `name`. */',
          'exports.has = (name) => Object.prototype.hasOwnProperty.call(modules, name);',
          '/** The modules of this bundle that ran so far, in the order they started. */',
          'exports.loaded = () => __smartcacheRan.map((name) => name());',
        ].join('\n'),
        resolveDir: dist,
        sourcefile: `${part.name}-entry.js`,
        loader: 'js',
      },
      outfile: path.join(dist, part.file),
      sourcemap: true,
      // No comments or indentation: a third smaller to read and compile, and all ASCII (esbuild
      // escapes the rest), which the loader reads as a one-byte string (src/runtime-loader.ts).
      minifyWhitespace: true,
      // Short lines all the same: an uncaught error (a SmartCacheError for a bad option) makes Node
      // print the source line it was thrown from, which was the whole bundle (~190 KB on stderr).
      lineLimit: 160,
      // Everything tsc emits is strict: the bundle as a whole is too.
      banner: { js: "'use strict';\nconst __smartcacheDist = (rel) => require('node:path').join(__dirname, rel);\nconst __smartcacheRan = [];" },
      plugins: [otherParts(part.name, partOf), ownPaths(), cborEncoderOutside()],
    });
    // The bundle must hold the rewritten paths (a module that moved would silently keep dist/'s).
    const out = fs.readFileSync(path.join(dist, part.file), 'utf8');
    if (/\b__dirname\b/.test(out.replace("require('node:path').join(__dirname, rel)", ''))) throw new Error(`postbuild: a module of ${part.file} still reads the bundle's __dirname`);
    // `lineLimit` may continue a string on the next line (a backslash before the line break).
    const bodies = new Set([...out.matchAll(/var __smartcacheModule ?= ?("[^"]+")/g)].map((b) => JSON.parse(b[1].replace(/\\\n/g, ''))));
    for (const m of held) if (!bodies.has(m)) throw new Error(`postbuild: ${part.file} does not hold ${m}`);
    for (const m of bodies) if (partOf.get(m) !== part.name) throw new Error(`postbuild: ${part.file} holds a copy of ${m}, a module of another part`);
  }
  const runtimeText = fs.readFileSync(path.join(dist, 'runtime.js'), 'utf8');
  if (!runtimeText.includes('__smartcacheDist("cache")')) throw new Error('postbuild: the own-paths rewrite did not run');
  const names = exportNames(modules, partOf);
  for (const m of modules) {
    const up = path.posix.relative(path.posix.dirname(m), 'runtime-loader.js');
    const part = PARTS.find((p) => p.name === partOf.get(m));
    // The second line never runs: it lists the names for Node's static scan of a CommonJS module
    // (cjs-module-lexer), so `import { x } from '.../door.js'` still finds `x`.
    const listed = names[m].length === 0 ? '' : `0 && (${names[m].map((n) => `exports${/^[A-Za-z_$][\w$]*$/.test(n) ? `.${n}` : `[${JSON.stringify(n)}]`} = `).join('')}0);\n`;
    const door = `${DOOR_MARK} the module lives in dist/${part.file}, loaded by dist/runtime-loader.js (scripts/postbuild.js): one instance per process.\n'use strict';\nmodule.exports = require(${JSON.stringify(up.startsWith('.') ? up : `./${up}`)}).load(${JSON.stringify(m)}, ${JSON.stringify(part.name)});\n${listed}`;
    fs.writeFileSync(path.join(dist, m), door);
    fs.rmSync(path.join(dist, `${m}.map`), { force: true });
  }
  process.stdout.write(`postbuild: ${modules.length} modules bundled: ${[...preload].length} in dist/runtime-preload.js, the rest in dist/runtime.js\n`);
  return true;
}

(async () => {
  if (!process.argv.includes('--no-bundle')) await bundle();
  writeBuildId(dist);
  const cli = path.join(dist, 'cli', 'main.js');
  if (fs.existsSync(cli)) fs.chmodSync(cli, 0o755);
})().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exitCode = 1;
});
