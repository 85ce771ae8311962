// After tsc (.mts sources are emitted as .mjs already):
// 1. unless --no-bundle: bundles what runs inside the user's process (the cache layer behind
//    `smartcache` and the preload behind `smartcache/register`) into one file, dist/runtime.js,
//    and turns each compiled module it holds into a one-line door to its copy there, through
//    dist/runtime-loader.js (src/runtime-loader.ts: compiles the bundle from a V8 code cache);
// 2. writes the build's identity (dist/preload/build-id.json, scripts/build-id.js);
// 3. makes the CLI entry executable (npm links `bin` targets but tsc does not set the mode bit).
//
//   node scripts/postbuild.js [--no-bundle]
//
// The bundle keeps the fingerprint's view of smartcache's own code: a function of dist/runtime.js
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
 * (`acorn/package.json`) is external with its package.
 */
const EXTERNAL = ['acorn', '@redis/client', 'chrome-remote-interface', 'commander', 'pirates'];

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
function exportNames(modules) {
  const script = `const rt = require(${JSON.stringify(path.join(dist, 'runtime.js'))});
const out = {};
for (const m of ${JSON.stringify(modules)}) out[m] = Object.keys(rt.load(m));
process.stdout.write(JSON.stringify(out));`;
  const env = { ...process.env, SMARTCACHE: 'off' };
  delete env.NODE_OPTIONS;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { env, encoding: 'utf8' }));
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
  // First pass: which compiled modules the entries reach.
  const probe = await esbuild.build({ ...common, entryPoints: ENTRIES.map((e) => path.join(dist, e)), outdir: path.join(dist, '.probe'), write: false, metafile: true, plugins: [cborEncoderOutside()] });
  const root = path.join(dist, '..');
  const modules = Object.keys(probe.metafile.inputs)
    .map((p) => path.resolve(root, p))
    .filter((p) => p.startsWith(dist + path.sep) && p.endsWith('.js'))
    .map((p) => posix(path.relative(dist, p)))
    .sort();
  for (const e of ENTRIES) if (!modules.includes(e)) throw new Error(`postbuild: the bundle would not hold ${e}`);
  // Second pass: one file holding them all, each behind `load(name)`.
  const table = modules.map((m) => `  ${JSON.stringify(m)}: () => require(${JSON.stringify(`./${m}`)}),`).join('\n');
  await esbuild.build({
    ...common,
    stdin: {
      contents: [
        'const modules = {',
        table,
        '};',
        '/** The module `name` (a path under dist/), run on its first load like any CommonJS module. */',
        'exports.load = (name) => modules[name]();',
        '/** The modules of the bundle that ran so far, in the order they started. */',
        'exports.loaded = () => __smartcacheRan.map((name) => name());',
      ].join('\n'),
      resolveDir: dist,
      sourcefile: 'runtime-entry.js',
      loader: 'js',
    },
    outfile: path.join(dist, 'runtime.js'),
    sourcemap: true,
    // No comments or indentation: a third smaller to read and compile, and all ASCII (esbuild
    // escapes the rest), which the loader reads as a one-byte string (src/runtime-loader.ts).
    minifyWhitespace: true,
    // Everything tsc emits is strict: the bundle as a whole is too.
    banner: { js: "'use strict';\nconst __smartcacheDist = (rel) => require('node:path').join(__dirname, rel);\nconst __smartcacheRan = [];" },
    plugins: [ownPaths(), cborEncoderOutside()],
  });
  // The bundle must hold the rewritten paths (a module that moved would silently keep dist/'s).
  const out = fs.readFileSync(path.join(dist, 'runtime.js'), 'utf8');
  if (!out.includes('__smartcacheDist("cache")')) throw new Error('postbuild: the own-paths rewrite did not run');
  if (/\b__dirname\b/.test(out.replace("require('node:path').join(__dirname, rel)", ''))) throw new Error('postbuild: a module of the bundle still reads the bundle\'s __dirname');
  const names = exportNames(modules);
  for (const m of modules) {
    const up = path.posix.relative(path.posix.dirname(m), 'runtime-loader.js');
    // The second line never runs: it lists the names for Node's static scan of a CommonJS module
    // (cjs-module-lexer), so `import { x } from '.../door.js'` still finds `x`.
    const listed = names[m].length === 0 ? '' : `0 && (${names[m].map((n) => `exports${/^[A-Za-z_$][\w$]*$/.test(n) ? `.${n}` : `[${JSON.stringify(n)}]`} = `).join('')}0);\n`;
    const door = `${DOOR_MARK} the module lives in dist/runtime.js, loaded by dist/runtime-loader.js (scripts/postbuild.js): one instance per process.\n'use strict';\nmodule.exports = require(${JSON.stringify(up.startsWith('.') ? up : `./${up}`)}).load(${JSON.stringify(m)});\n${listed}`;
    fs.writeFileSync(path.join(dist, m), door);
    fs.rmSync(path.join(dist, `${m}.map`), { force: true });
  }
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
