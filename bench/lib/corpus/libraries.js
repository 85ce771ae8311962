'use strict';
// The real-code corpus: popular, dependency-free libraries of different styles, each copied out
// of node_modules into a temporary project (so smartcache walks it as the program's own code),
// with one cached function that calls it. Every app prints one JSON line: the result and the
// process time at which the first call returned (performance.now(): module loading included).
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..', '..');
const pkgDir = (name) => path.join(root, 'node_modules', name);

function copy(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}

/** Copies every file of `dir` (recursively) whose name matches `keep` into `dest`. */
function copyTree(dir, dest, keep, folder = () => true) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const from = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (folder(from)) copyTree(from, path.join(dest, entry.name), keep, folder);
    } else if (keep(entry.name, from)) copy(from, path.join(dest, entry.name));
  }
}

/** date-fns without its 100 other locales and the `fp` build: only en-US, the default. */
function dateFns(dir, ext) {
  const base = pkgDir('date-fns');
  const folder = (f) => {
    const rel = path.relative(base, f).split(path.sep);
    if (rel[0] === 'fp') return false;
    return rel[0] !== 'locale' || rel.length === 1 || rel[1] === '_lib' || rel[1] === 'en-US';
  };
  const keep = (name, from) => {
    if (!name.endsWith(ext)) return false;
    const rel = path.relative(base, from).split(path.sep);
    return rel[0] !== 'locale' || rel.length > 2 || name === `en-US${ext}`;
  };
  copyTree(base, path.join(dir, 'date-fns'), keep, folder);
}

// CORPUS_CALL_COVERAGE=<file>: V8 precise block coverage of the call alone (started right before
// it, taken right after), so that mutants land in code that ran for the call, not at load time.
const FOOTER = (call) => `
const coverageFile = process.env.CORPUS_CALL_COVERAGE;
let coverage;
if (coverageFile) {
  coverage = new (process.getBuiltinModule('node:inspector').Session)();
  coverage.connect();
  coverage.post('Profiler.enable');
  coverage.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
}
const first = ${call};
const used = process.cpuUsage();
if (coverage) {
  coverage.post('Profiler.takePreciseCoverage', (error, taken) => {
    if (error) throw error;
    process.getBuiltinModule('node:fs').writeFileSync(coverageFile, JSON.stringify(taken));
  });
}
console.log(JSON.stringify({ out: first, ms: performance.now(), cpu: (used.user + used.system) / 1000 }));
`;

const libraries = [
  {
    name: 'lodash',
    style: 'one big closure (UMD/CommonJS, 17k lines)',
    setup(dir) {
      copy(path.join(pkgDir('lodash'), 'lodash.js'), path.join(dir, 'lodash.js'));
    },
    entry: 'app.js',
    app: `
const { cache } = require('smartcache');
const _ = require('./lodash.js');
const rows = [
  { id: 1, region: 'north', amount: 30, tags: ['a', 'b'] },
  { id: 2, region: 'south', amount: 12, tags: ['b'] },
  { id: 3, region: 'north', amount: 7, tags: [] },
  { id: 4, region: 'east', amount: 50, tags: ['c', 'a'] },
];
const report = cache(function report(tag) {
  const sorted = _.sortBy(rows, ['region', 'amount']);
  const groups = _.groupBy(sorted, 'region');
  return {
    tag,
    totals: _.mapValues(groups, (g) => _.sumBy(g, 'amount')),
    top: _.take(_.orderBy(rows, 'amount', 'desc'), 2).map((r) => _.pick(r, ['id', 'amount'])),
    keys: _.keys(_.merge({}, rows[0], { extra: { deep: 1 } })),
    equal: _.isEqual(rows[0], _.cloneDeep(rows[0])),
    words: [_.camelCase('Hello big World'), _.kebabCase('fooBar baz'), _.capitalize('wORD')],
    uniq: _.uniqBy(rows, 'region').map((r) => r.region),
    deep: _.get({ a: [{ b: { c: 3 } }] }, 'a[0].b.c'),
    chunks: _.chunk(_.range(7), 3),
    flat: _.uniq(_.flatMap(rows, 'tags')).sort(),
    pad: _.padStart(String(_.sum(_.map(rows, 'amount'))), 6, '*'),
    inter: _.intersection([1, 2, 3, 4], [2, 4, 6]),
    count: _.countBy(rows, (r) => r.amount > 20),
    chain: _.chain(rows).filter((r) => r.amount > 10).map('id').reverse().value(),
    debounced: typeof _.debounce(() => 1, 10),
    escaped: _.escape('<a href="x">&</a>'),
  };
}, { name: 'report' });
${FOOTER("report('t')")}`,
  },
  {
    name: 'date-fns (CommonJS)',
    style: 'Babel-compiled CommonJS, getters for exports, ~250 files',
    setup(dir) {
      dateFns(dir, '.cjs');
    },
    entry: 'app.js',
    app: `
const { cache } = require('smartcache');
const d = require('./date-fns/index.cjs');
const schedule = cache(function schedule(iso) {
  const start = d.parseISO(iso);
  return {
    plus: d.format(d.addDays(start, 10), "yyyy-MM-dd EEEE 'week' I"),
    diff: d.differenceInCalendarDays(d.addMonths(start, 2), start),
    week: d.getISOWeek(start),
    days: d.eachDayOfInterval({ start, end: d.addDays(start, 3) }).map((x) => d.format(x, 'd MMM')),
    dist: d.formatDistanceStrict(start, d.addHours(start, 50)),
    weekStart: d.formatISO(d.startOfWeek(start, { weekStartsOn: 1 })),
    leap: d.isLeapYear(start),
    duration: d.formatDuration({ months: 2, days: 3 }),
    rel: d.formatRelative(d.subDays(start, 3), start),
    quarter: d.getQuarter(start),
    end: d.format(d.endOfMonth(start), 'PPpp'),
    valid: d.isValid(d.parse('2024-13-01', 'yyyy-MM-dd', start)),
    parsed: d.format(d.parse('03/04/2024', 'MM/dd/yyyy', start), 'yyyy-MM-dd'),
    business: d.differenceInBusinessDays(d.addDays(start, 20), start),
  };
}, { name: 'schedule' });
${FOOTER("schedule('2024-02-27T10:30:00Z')")}`,
  },
  {
    name: 'date-fns (ES modules)',
    style: 'many tiny ES module files (~250), re-exported by an index',
    setup(dir) {
      dateFns(dir, '.js');
      fs.writeFileSync(path.join(dir, 'date-fns', 'package.json'), '{"type":"module"}\n');
    },
    entry: 'app.mjs',
    app: `
import { cache } from 'smartcache';
import { parseISO, format, addDays, addMonths, differenceInCalendarDays, getISOWeek, eachDayOfInterval,
  formatDistanceStrict, addHours, startOfWeek, formatISO, isLeapYear, formatDuration, subDays, formatRelative,
  getQuarter, endOfMonth, parse, isValid, differenceInBusinessDays } from './date-fns/index.js';
const schedule = cache(function schedule(iso) {
  const start = parseISO(iso);
  return {
    plus: format(addDays(start, 10), "yyyy-MM-dd EEEE 'week' I"),
    diff: differenceInCalendarDays(addMonths(start, 2), start),
    week: getISOWeek(start),
    days: eachDayOfInterval({ start, end: addDays(start, 3) }).map((x) => format(x, 'd MMM')),
    dist: formatDistanceStrict(start, addHours(start, 50)),
    weekStart: formatISO(startOfWeek(start, { weekStartsOn: 1 })),
    leap: isLeapYear(start),
    duration: formatDuration({ months: 2, days: 3 }),
    rel: formatRelative(subDays(start, 3), start),
    quarter: getQuarter(start),
    end: format(endOfMonth(start), 'PPpp'),
    valid: isValid(parse('2024-13-01', 'yyyy-MM-dd', start)),
    parsed: format(parse('03/04/2024', 'MM/dd/yyyy', start), 'yyyy-MM-dd'),
    business: differenceInBusinessDays(addDays(start, 20), start),
  };
}, { name: 'schedule' });
${FOOTER("schedule('2024-02-27T10:30:00Z')")}`,
  },
  {
    name: 'decimal.js',
    style: 'prototype-based constructor (one UMD file)',
    setup(dir) {
      copy(path.join(pkgDir('decimal.js'), 'decimal.js'), path.join(dir, 'decimal.js'));
    },
    entry: 'app.js',
    app: `
const { cache } = require('smartcache');
const Decimal = require('./decimal.js');
const money = cache(function money(x) {
  const a = new Decimal(x);
  return [
    a.plus('0.1').times(3).toFixed(10), a.sqrt().toSignificantDigits(15).toString(), Decimal.pow(a, 5).toString(),
    a.ln().toFixed(20), a.div(7).toDecimalPlaces(12).toString(), a.mod(0.3).toString(), a.toFraction().map(String),
    a.cmp(2), Decimal.max(1, a, 3).toString(), a.toHexadecimal(), a.exp().toPrecision(12), a.cos().toFixed(15),
    a.atan().toFixed(15), a.toExponential(4), a.neg().abs().ceil().toString(), Decimal.sum(a, 2, '3.5').toString(),
  ];
}, { name: 'money' });
${FOOTER("money('2.718281828459045')")}`,
  },
  {
    name: 'semver',
    style: 'classes with module-level instances and caches, ~50 CommonJS files',
    setup(dir) {
      copyTree(pkgDir('semver'), path.join(dir, 'semver'), (n) => n.endsWith('.js'));
      fs.writeFileSync(path.join(dir, 'semver', 'package.json'), '{"name":"semver-copy","version":"0.0.0"}\n');
    },
    entry: 'app.js',
    app: `
const { cache } = require('smartcache');
const semver = require('./semver/index.js');
const plan = cache(function plan(range) {
  return {
    sat: semver.satisfies('1.4.2', range),
    max: semver.maxSatisfying(['1.2.3', '1.4.2', '2.0.0-rc.1', '1.9.9'], range),
    min: semver.minVersion(range).version,
    inc: [semver.inc('1.2.3-beta.1', 'prerelease', 'beta'), semver.inc('1.2.3', 'minor'), semver.inc('1.2.3', 'premajor', 'rc')],
    coerce: semver.coerce('v3.4 final').version,
    sorted: semver.sort(['1.10.0', '1.2.0', '1.2.0-alpha', '0.9.1']),
    diff: semver.diff('1.2.3', '1.3.0'),
    valid: semver.validRange('>=1.2 <2 || 3.x'),
    gt: semver.gt('1.2.3', '1.2.3-rc.1'),
    intersects: semver.intersects('^1.2', '~1.4'),
    subset: semver.subset('~1.4.1', '^1.2'),
    outside: semver.outside('3.0.0', range, '>'),
    clean: semver.clean('  =v1.2.3  '),
    cmp: semver.compareBuild('1.2.3+b2', '1.2.3+b10'),
    simplified: new semver.Range('1.x || >=1.2 <1.3 || 2.0.0').range,
  };
}, { name: 'plan' });
${FOOTER("plan('^1.2.0 || >=2.0.0-rc.0 <2.1.0')")}`,
  },
  {
    name: 'marked',
    style: 'classes and a module-level instance (one ES module file)',
    setup(dir) {
      copy(path.join(pkgDir('marked'), 'lib', 'marked.esm.js'), path.join(dir, 'marked', 'marked.js'));
      fs.writeFileSync(path.join(dir, 'marked', 'package.json'), '{"type":"module"}\n');
    },
    entry: 'app.mjs',
    app: `
import { cache } from 'smartcache';
import { marked } from './marked/marked.js';
const text = [
  '# Title', '', 'Some *emphasis*, **strong**, ~~gone~~ and a [link](http://x.test "t") with \`code\`.', '',
  '- one', '- two', '  - nested', '', '1. first', '2. second', '', '> quote', '> more', '',
  '\`\`\`js', 'const x = 1 < 2;', '\`\`\`', '', '| a | b |', '|---|:-:|', '| 1 | 2 |', '',
  'Setext', '------', '', 'Auto https://auto.test and <b>html</b> &amp; line  ', 'break', '', '---', '',
  '![img](/i.png)', '', '- [x] done', '- [ ] todo',
].join('\\n');
const render = cache(function render(md) { return marked.parse(md, { gfm: true }); }, { name: 'render' });
${FOOTER('render(text)')}`,
  },
];

module.exports = { libraries };
