// The rewriter in-process: which functions it finds and names, that it adds no line and moves no
// code token for the usual forms, and the small parsers it relies on.
import test from 'ava';
import * as acorn from 'acorn';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { REPO } from './fixtures/preload/harness.mjs';
import { editRewrite } from './fixtures/security/helpers.mjs';

const require = createRequire(import.meta.url);
const { transformSource } = require('../dist/preload/transform.js');
const { rewriteSource } = require('../dist/preload/rewrite.js');
const { parseTagOptions, cacheTagText } = require('../dist/preload/tag-options.js');
const { scanSourceAnnotations } = require('../dist/preload/ts-source.js');
const { decodeMappings, encodeMappings } = require('../dist/preload/sourcemap.js');
const { setWarningSink, resetWarnings } = require('../dist/warn.js');

const FIXTURES = path.join(REPO, 'test', 'fixtures', 'preload');
// transformSource keeps rewritten files under the cache root: a temp one for this test file.
process.env.SMARTCACHE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-preload-rewrite-'));
test.after.always(() => fs.rmSync(process.env.SMARTCACHE_DIR, { recursive: true, force: true }));

/** The rewriter alone (no transform cache): `{ code, warnings }` with warnings as text. */
function rewrite(source, file, format) {
  const { code, warnings } = rewriteSource(source, file, format, undefined);
  return { code, lines: warnings.map(([line, message]) => `${path.basename(file)}:${line}: ${message}`) };
}

function capture(fn) {
  const lines = [];
  resetWarnings();
  const previous = setWarningSink((l) => lines.push(l));
  try {
    return { value: fn(), lines };
  } finally {
    setWarningSink(previous);
  }
}

function sites(output) {
  const m = /\.module\(("(?:[^"\\]|\\.)*"),(\[.*?\])\);/.exec(output);
  return m === null ? undefined : JSON.parse(m[2]).map(([line, name, options]) => ({ line, name, options }));
}

function tokens(code, sourceType) {
  const out = [];
  acorn.parse(code, { ecmaVersion: 'latest', sourceType, locations: true, onToken: (t) => t.type !== acorn.tokTypes.eof && out.push(t) });
  return out;
}

/** Every token of the original is at the same line and column in the output (const → `let  `). */
function assertNothingMoved(t, original, output, sourceType) {
  // An anonymous `export default` is bound to a local of the same width: undo that for the check.
  const outLines = output.split('\n').map((l) => l.replace(/var __sc\$\w*=( *)/, (m) => (m.length === 15 ? 'export default ' : m)));
  t.is(outLines.length, original.split('\n').length, 'no line added');
  for (const tok of tokens(original, sourceType)) {
    const text = original.slice(tok.start, tok.end).split('\n')[0];
    const at = outLines[tok.loc.start.line - 1].slice(tok.loc.start.column, tok.loc.start.column + text.length);
    if (at !== text && !(text === 'const' && at === 'let  ')) {
      t.fail(`token ${JSON.stringify(text)} at ${tok.loc.start.line}:${tok.loc.start.column} moved; found ${JSON.stringify(at)}`);
      return;
    }
  }
  t.pass();
}

test('CommonJS fixture: every form found, named, and nothing moved but the in-place callback', (t) => {
  const file = path.join(FIXTURES, 'cjs', 'forms.js');
  const source = fs.readFileSync(file, 'utf8');
  const { code: out, lines } = rewrite(source, file, 'commonjs');
  t.deepEqual(lines, []);
  t.deepEqual(
    sites(out).map((s) => s.name),
    ['hoisted', 'arrow', 'expression', 'assigned', 'memberAssigned', 'Shape#area', 'Shape#later', 'Shape.unit', 'Shape.unitLater', 'api.load', 'api.parse', 'api.nested.deep', 'directive', 'directiveArrow', 'anonymous:1', 'fib', 'outer~inner'],
  );
  t.is(sites(out).find((s) => s.name === 'fib').line, 108);
  t.true(out.includes('//# sourceMappingURL=data:application/json'), 'the in-place wrap moved code: a map is added');
});

test('ESM fixture: nothing moved at all', (t) => {
  for (const name of ['forms.js', 'default-function.js', 'default-class.js']) {
    const file = path.join(FIXTURES, 'esm', name);
    const source = fs.readFileSync(file, 'utf8').replace(/^const mapped[\s\S]*?\}\);$/m, (m) => m.replace(/'use cache';/, "'no cache';"));
    const { code: out } = rewrite(source, file, 'module');
    t.truthy(out, name);
    t.false(out.includes('sourceMappingURL'), name);
    assertNothingMoved(t, source, out, 'module');
  }
});

test('zero-shift placements for each form', (t) => {
  const source = [
    "'use strict'; const dep = require('node:path'); // inert code after the directive: insert after it",
    '/** @cache */ function f(x) { return x; } const a = f(1);',
    'const g = (x) => x * 2; /** @cache */ const h = (x) => g(x);',
    'class C { /** @cache */ m() { return 1; } }',
    'const o = { /** @cache */ k(x) { return x; } };',
    'exports.e = /** @cache */ function (x) { return x; };',
  ].join('\n');
  const { code: out } = rewrite(source, '/project/x.js', 'commonjs');
  t.deepEqual(sites(out).map((s) => s.name), ['f', 'h', 'C#m', 'o.k', 'e']);
  t.false(out.includes('sourceMappingURL'));
  assertNothingMoved(t, source, out, 'commonjs');
});

test('files without a marker, in node_modules, or already rewritten are left alone', (t) => {
  t.is(transformSource('function f() {}', '/p/a.js', 'commonjs'), undefined);
  t.is(transformSource('/** @cache */ function f() {}', '/p/node_modules/x/a.js', 'commonjs'), undefined);
  t.is(transformSource('/** @cache */ function f() {}', 'relative.js', 'commonjs'), undefined);
  const once = transformSource('/** @cache */ function f() {}', '/p/a.js', 'commonjs');
  t.truthy(once);
  t.is(transformSource(once, '/p/a.js', 'commonjs'), undefined, 'a second hook in the chain does not rewrite twice');
  t.is(transformSource('/** not a tag: uses @cached and @cache-like */ function f() {}', '/p/a.js', 'commonjs'), undefined);
});

test('a parse failure is one warning and no rewrite, also when it comes from the transform cache', (t) => {
  const file = path.join(process.env.SMARTCACHE_DIR, 'bad.js');
  const first = capture(() => transformSource('/** @cache */ function f( {', file, 'commonjs'));
  t.is(first.value, undefined);
  t.is(first.lines.length, 1);
  t.regex(first.lines[0], /bad\.js: could not be parsed for @cache annotations; loaded unchanged: Unexpected token/);
  // Mark the stored entry: the second load must come from it, without parsing again.
  const folder = path.join(process.env.SMARTCACHE_DIR, 'preload-v3');
  const entry = fs.readdirSync(folder).map((n) => path.join(folder, n)).find((p) => fs.readFileSync(p, 'utf8').includes('could not be parsed'));
  editRewrite(entry, (stored) => {
    stored.warnings[0][1] += ' (from the transform cache)';
    return stored;
  });
  const second = capture(() => transformSource('/** @cache */ function f( {', file, 'commonjs'));
  t.is(second.value, undefined);
  t.deepEqual(second.lines, [`${first.lines[0]} (from the transform cache)`]);
});

test('unsupported annotated functions warn with their line', (t) => {
  const source = 'class A {\n  /** @cache */\n  get x() { return 1; }\n  /** @cache */\n  #p() {}\n}\n/** @cache */\nfunction* gen() {}\n/** @cache */\nconst n = 1;\n';
  const { code: value, lines } = rewrite(source, '/p/u.js', 'commonjs');
  t.is(value, undefined);
  t.is(lines.length, 4, lines.join('\n'));
  t.true(lines.some((l) => l.includes(':3:') && l.includes('getters')), lines.join('\n'));
  t.true(lines.some((l) => l.includes(':5:') && l.includes('private')));
  t.true(lines.some((l) => l.includes(':8:') && l.includes('generator')));
  t.true(lines.some((l) => l.includes(':9:') && l.includes('not directly above a function')));
});

test('tag text and settings', (t) => {
  t.is(cacheTagText('* @cache ttl=1h '), 'ttl=1h');
  t.is(cacheTagText('*\n * Does things.\n * @cache version=2\n '), 'version=2');
  t.is(cacheTagText('* @cached '), undefined);
  t.is(cacheTagText(' @cache '), undefined, 'only /** */ blocks');
  t.is(cacheTagText('*\n * mentions @cache mid-sentence\n'), undefined);
  const p = parseTagOptions('ttl=1h ignore=log,2 version=2 name="a b" memory=false strict=true');
  t.deepEqual(p.options, { ttl: '1h', ignore: ['log', 2], version: '2', name: 'a b', memory: false, strict: true });
  t.deepEqual(p.warnings, []);
  t.false(p.invalid);
  const bad = parseTagOptions('ttl=soon colour=blue');
  t.true(bad.invalid);
  t.is(bad.warnings.length, 2);
});

test('TypeScript source scan: names and lines of annotated heads', (t) => {
  const ts = [
    '/** @cache */',
    'export async function load<T>(x: T): Promise<T> { return x; }',
    'class A {',
    '  /** @cache ttl=1h */',
    '  public static async area(this: void, r: number): number { return r; }',
    '  /** @cache */',
    '  @decorated()',
    '  private other = (x: number): number => x;',
    '}',
    "const s = '/** @cache */ not a comment';",
    '/** @cache */',
    'export default function (a: number) { return a; }',
    '/** @cache */',
    'export const f = <T,>(x: T) => x;',
  ].join('\n');
  t.deepEqual(
    scanSourceAnnotations(ts).map((a) => [a.name, a.firstLine, a.nameLine, a.tagText]),
    [['load', 2, 2, ''], ['area', 5, 5, 'ttl=1h'], ['other', 7, 8, ''], ['default', 12, 12, ''], ['f', 14, 14, '']],
  );
});

test('source map mappings round-trip', (t) => {
  const mappings = 'AAAA,SAASA;AACA,IAAI,CAAC;;AAEE';
  t.is(encodeMappings(decodeMappings(mappings)), mappings);
});

// Red team round 12: a named inner function was `make~anonymous@1` (its line), so a comment added
// above it renamed it and lost its entries; `const alias = function realName` was `alias`.
test('names: a function expression\'s own name comes first; anonymous ones are numbered in their scope, not by line', (t) => {
  const source = `function make() { return function inner(x) { 'use cache'; return x; }; }
/** @cache */ const alias = function realName(y) { return y; };
const list = [(a) => { 'use cache'; return a; }, (b) => { 'use cache'; return b; }];
function outer() { return [() => { 'use cache'; return 1; }]; }
/** @cache */ const f1 = function impl(x) { return x; };
/** @cache */ const f2 = function impl(x) { return x + 1; };
`;
  const names = (text) => sites(rewrite(text, path.join(os.tmpdir(), 'names.js'), 'commonjs').code).map((s) => s.name);
  const expected = ['make~inner', 'realName', 'anonymous:1', 'anonymous:2', 'outer~anonymous:1', 'impl', 'impl:2'];
  t.deepEqual(names(source), expected);
  t.deepEqual(names(`// a comment\n\n/* and another */\n${source.replace('function make', '// here\nfunction make')}`), expected);
});
