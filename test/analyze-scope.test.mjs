// The free names found by our own scope walk agree with eslint-scope on a corpus.
import test from 'ava';
import { createRequire } from 'node:module';
import * as acorn from 'acorn';
import { analyze } from 'eslint-scope';
import { analyzeFunction, analyzeSource } from '../dist/fingerprint/source/analyze.js';
import { CORPUS } from './fixtures/analyze/scope-corpus.mjs';

const require = createRequire(import.meta.url);
const { cases } = require('./fixtures/analyze/forms.cjs');

const ACORN = {
  ecmaVersion: 'latest',
  ranges: true, // eslint-scope needs them
  checkPrivateFields: false,
  allowSuperOutsideMethod: true,
  allowImportExportEverywhere: true,
};
const SELF = new Set(['this', 'super', 'new.target']);

function eslintFree(source, kind) {
  const wrappers = kind === 'method' ? [['({', '\n})'], ['(class {', '\n})']] : [['(', '\n)']];
  for (const [open, close] of wrappers) {
    let program;
    try {
      program = acorn.parse(open + source + close, ACORN);
    } catch {
      continue;
    }
    const manager = analyze(program, { ecmaVersion: 2022, sourceType: 'script', childVisitorKeys: { ImportExpression: ['source', 'options'] } });
    return [...new Set(manager.globalScope.through.map((r) => r.identifier.name))].sort();
  }
  return undefined;
}

function ourFree(analysis) {
  return analysis.references.map((r) => r.name).filter((n) => !SELF.has(n)).sort();
}

for (const [i, source] of CORPUS.entries()) {
  test(`scope agrees with eslint-scope: corpus #${i} ${source.slice(0, 50)}`, (t) => {
    const ours = analyzeSource(source);
    const theirs = eslintFree(source, ours.kind);
    if (theirs === undefined) return t.pass('acorn without our lenient context cannot parse this text');
    if (ours.dynamic.includes('eval')) {
      // eslint-scope leaves every name in a scope with direct eval unresolved; we resolve
      // params and declarations (and report 'eval' as dynamic), so ours is a subset.
      return t.true(ourFree(ours).every((n) => theirs.includes(n)), source);
    }
    t.deepEqual(ourFree(ours), theirs, source);
  });
}

for (const [label, [fn, kind]] of Object.entries(cases)) {
  if (kind === 'native') continue;
  test(`scope agrees with eslint-scope: real ${label}`, (t) => {
    const source = Function.prototype.toString.call(fn);
    const theirs = eslintFree(source, kind);
    if (theirs === undefined) return t.pass('acorn without our lenient context cannot parse this text');
    t.deepEqual(ourFree(analyzeFunction(fn)), theirs, source);
  });
}

// The per-text tests above pass without comparing when plain acorn cannot parse a text (a method
// or private-name form that needs our lenient context). That must stay the rare exception, or the
// comparison would silently stop checking anything.
test('eslint-scope really compares almost every text (unparseable ones are the rare exception)', (t) => {
  const texts = [
    ...CORPUS.map((source) => [source, analyzeSource(source).kind]),
    ...Object.values(cases).filter(([, kind]) => kind !== 'native').map(([fn, kind]) => [Function.prototype.toString.call(fn), kind]),
  ];
  const compared = texts.filter(([source, kind]) => eslintFree(source, kind) !== undefined).length;
  t.log(`${compared} of ${texts.length} texts compared with eslint-scope`);
  t.true(texts.length >= 60);
  t.true(compared >= texts.length - 5, `${compared} of ${texts.length}`);
});
