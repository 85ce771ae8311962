// Class instances are keyed by all of their state: non-enumerable own properties and, once a
// reader is installed (the cache layer installs the inspector's), #private fields.
import test from 'ava';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
const key = require('../dist/key/index.js');
const { privateFields } = require('../dist/fingerprint/runtime/describe.js');

class Hidden {
  constructor(m) {
    Object.defineProperty(this, 'm', { value: m });
  }
}

class Private {
  #m;
  constructor(m) {
    this.#m = m;
  }
}

class Sub extends Private {
  #n = 1;
}

test.serial('non-enumerable own properties of an instance are part of its key', (t) => {
  t.not(key.hashArguments([new Hidden(2)]), key.hashArguments([new Hidden(3)]));
  t.is(key.hashArguments([new Hidden(2)]), key.hashArguments([new Hidden(2)]));
});

test('#private fields count when the key context has the inspector reader, superclass fields too', (t) => {
  const context = { ...key.SOURCE_KEYS, readPrivateState: privateFields };
  const args = (...values) => key.hashArguments(values, undefined, context);
  t.not(args(new Private(2)), args(new Private(3)));
  t.is(args(new Private(2)), args(new Private(2)));
  t.not(args(new Sub(2)), args(new Sub(3)));
  t.is(key.hashValue(new Private(4), 'this', context), key.hashValue(new Private(4), 'this', context));
  t.is(key.hashArguments([new Private(2)]), key.hashArguments([new Private(3)]), 'the key module alone does not read them');
});

test('a reader that fails makes the argument unhashable, naming it', (t) => {
  const context = { ...key.SOURCE_KEYS, readPrivateState: () => { throw new Error('no inspector'); } };
  const error = t.throws(() => key.hashArguments([1, new Private(2)], undefined, context));
  t.is(error.code, 'ERR_UNHASHABLE_ARGUMENT');
  t.regex(error.message, /args\[1\]/);
});

test('an instance whose #private fields were hashed stays collectable (the inspector keeps nothing)', (t) => {
  const script = `
    const { cache } = require(${JSON.stringify(new URL('../dist/index.js', import.meta.url).pathname)});
    class P { #m; constructor(m) { this.#m = m; } }
    const f = cache(function f(p) { return 1; }, { memory: false });
    const refs = [];
    for (let i = 0; i < 50; i++) { const p = new P(i); refs.push(new WeakRef(p)); f(p); }
    setTimeout(() => {
      globalThis.gc();
      setTimeout(() => {
        globalThis.gc();
        process.stdout.write(String(refs.filter((r) => r.deref() !== undefined).length));
      }, 20);
    }, 20);
  `;
  const r = spawnSync(process.execPath, ['--expose-gc', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, SMARTCACHE_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'sc-priv-')) },
  });
  t.is(r.status, 0, r.stderr);
  t.is(r.stdout, '0', 'instances still referenced after hashing');
});
