// Clock state is not an input: a captured variable that a function overwrites with a clock
// reading (lodash's `shortOut`: `lastCalled = nativeNow()`) counts as "a time", so functions
// reaching it hit on the next run. Variables written with anything else still count by value.
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { projectsRemovedAfter, run, write, hits, misses } from './fixtures/contract/project.mjs';

const require = createRequire(import.meta.url);
const project = projectsRemovedAfter(test);

test('lodash as user code: sortBy, groupBy, pick, merge, isEqual hit on the second run', (t) => {
  const dir = project();
  fs.copyFileSync(require.resolve('lodash/lodash.js'), path.join(dir, 'lodash.js'));
  write(dir, 'app.js', `
    const { cache } = require('smartcache');
    const _ = require('./lodash');
    const rows = [{ k: 'b', n: 2 }, { k: 'a', n: 1 }, { k: 'b', n: 3 }];
    const f = cache(function report(tag) {
      return [tag, _.sortBy(rows, 'n').map((r) => r.n), _.groupBy(rows, 'k'), _.pick(rows[0], ['k']),
        _.merge({}, rows[0], { z: 1 }), _.isEqual(rows[0], { k: 'b', n: 2 })];
    }, { name: 'report' });
    console.log(JSON.stringify(f('t')));
  `);
  const first = run(dir, ['app.js']);
  t.deepEqual(first.json[1], [1, 2, 3]);
  const second = run(dir, ['app.js'], { SMARTCACHE_LOG: '1' });
  t.deepEqual(second.json, first.json);
  t.is(hits(second), 1, second.stderr.slice(0, 2000));
});

const factory = (writeLine, version) => `
  const { cache } = require('smartcache');
  function throttle(fn) {
    let last = 0;
    return function (x) { ${writeLine} return fn(x); };
  }
  let seq = 0;
  const counter = () => ++seq;
  const double = throttle((x) => x * ${version});
  double(1);
  const f = cache(function f(x) { return double(x); }, { name: 'f' });
  console.log(JSON.stringify(f(5)));
`;

test('a throttle stamp (last = Date.now()) counts as a time: hits, and the wrapped code still counts', (t) => {
  // Without the rule, \`last\` held this run's time: every run missed.
  const dir = project();
  write(dir, 'app.js', factory('const now = Date.now(); last = now;', 2));
  t.is(run(dir, ['app.js']).json, 10);
  const again = run(dir, ['app.js'], { SMARTCACHE_LOG: '1' });
  t.is(hits(again), 1, again.stderr);
  write(dir, 'app.js', factory('const now = Date.now(); last = now;', 3));
  const edited = run(dir, ['app.js'], { SMARTCACHE_LOG: '1' });
  t.is(edited.json, 15);
  t.is(misses(edited), 1, edited.stderr);
});

test('a variable written from anything but a clock still counts by its value', (t) => {
  const dir = project();
  // `last = counter()` looks the same but the callee is not a clock: counted by value. Its value
  // is 1 after the first call; the explain tree shows it, not "(a time)".
  write(dir, 'app.js', factory('last = counter();', 2) + `
    const node = f.explain().root.children[0].children.find((c) => c.name === 'last');
    console.error('LAST ' + JSON.stringify(node && node.preview));
  `);
  const r = run(dir, ['app.js']);
  t.regex(r.stderr, /LAST "1"/);
});
