import test from 'ava';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { cacheModule, here, node, tempDir } from './fixtures/cache/helpers.mjs';

const require = createRequire(import.meta.url);
const { cached } = require(cacheModule);

const expectedFirst = {
  sum: { value: [7, 7, 7], runs: 1 },
  watched: { value: [7, 7], runs: 1 },
  later: { value: ['a:5', 'a:5'], runs: 1 },
  'label changed': { value: [7, 7, 'b:5'], runs: 2 },
  'items changed': { value: [11, 11], runs: 2 },
  names: { value: ['sum', 'watched'], runs: 0 },
};

for (const protocol of ['standard', 'legacy']) {
  test(`@cached on TypeScript ${protocol} decorators: instance state, watch, across processes`, (t) => {
    const cwd = path.join(here, 'decorators', protocol);
    const env = { SMARTCACHE_DIR: tempDir() };
    const first = node(['--import', 'tsx', 'totals.ts'], { cwd, env });
    t.is(first.status, 0, first.stderr);
    t.deepEqual(first.out, expectedFirst);
    const second = node(['--import', 'tsx', 'totals.ts'], { cwd, env });
    t.is(second.status, 0, second.stderr);
    for (const phase of Object.values(second.out)) t.is(phase.runs, 0, JSON.stringify(second.out));
  });
}

/** A class decorated by hand, as each protocol calls a decorator. */
function decorate(protocol, options) {
  const counter = { runs: 0 };
  class Box {
    constructor(size, note) {
      this.size = size;
      this.note = note;
    }
    area(scale) {
      counter.runs++;
      return this.size * this.size * scale;
    }
  }
  const method = Box.prototype.area;
  if (protocol === 'standard') {
    const context = { kind: 'method', name: 'area', static: false, private: false, addInitializer() {}, access: { has: () => true, get: (o) => o.area } };
    Box.prototype.area = cached(options)(method, context);
  } else {
    const descriptor = Object.getOwnPropertyDescriptor(Box.prototype, 'area');
    Object.defineProperty(Box.prototype, 'area', cached(options)(Box.prototype, 'area', descriptor));
  }
  return { Box, counter };
}

for (const protocol of ['standard', 'legacy']) {
  test(`@cached by hand (${protocol}): own state is an input; watch narrows it`, (t) => {
    const plain = decorate(protocol, { dir: tempDir() });
    const box = new plain.Box(2, 'x');
    t.is(box.area(3), 12);
    t.is(box.area(3), 12);
    t.is(plain.counter.runs, 1);
    box.note = 'y';
    t.is(box.area(3), 12);
    t.is(plain.counter.runs, 2, 'any own state change is a miss');
    t.is(new plain.Box(2, 'y').area(3), 12);
    t.is(plain.counter.runs, 2, 'another instance with equal state hits');

    const watched = decorate(protocol, { dir: tempDir(), watch: (self) => [self.size] });
    const b = new watched.Box(2, 'x');
    b.area(3);
    b.note = 'y';
    b.area(3);
    t.is(watched.counter.runs, 1, 'unwatched state is not an input');
    b.size = 3;
    t.is(b.area(3), 27);
    t.is(watched.counter.runs, 2);
    t.is(watched.Box.prototype.area.name, 'area');
  });
}

test('@cached refuses what is not a method, and a bad watch', (t) => {
  t.throws(() => cached()(function () {}, { kind: 'field', name: 'x' }), { instanceOf: TypeError });
  t.throws(() => cached()({}, 'x', { get() { return 1; } }), { instanceOf: TypeError });
  const error = t.throws(() => cached({ watch: 'items' }), { instanceOf: TypeError });
  t.is(error.option, 'watch');
});
