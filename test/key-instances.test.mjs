// Class instances are keyed by all of their state: non-enumerable own properties and, once a
// reader is installed (the cache layer installs the inspector's), #private fields.
import test from 'ava';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const key = require('../dist/key/index.js');
const { privateFields } = require('../dist/fingerprint/describe.js');

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

test.serial('#private fields count once the inspector reader is installed, superclass fields too', (t) => {
  key.setPrivateStateReader(privateFields);
  try {
    t.not(key.hashArguments([new Private(2)]), key.hashArguments([new Private(3)]));
    t.is(key.hashArguments([new Private(2)]), key.hashArguments([new Private(2)]));
    t.not(key.hashArguments([new Sub(2)]), key.hashArguments([new Sub(3)]));
    t.is(key.hashValue(new Private(4), 'this'), key.hashValue(new Private(4), 'this'));
  } finally {
    key.setPrivateStateReader(undefined);
  }
});

test.serial('a reader that fails makes the argument unhashable, naming it', (t) => {
  key.setPrivateStateReader(() => {
    throw new Error('no inspector');
  });
  try {
    const error = t.throws(() => key.hashArguments([1, new Private(2)]));
    t.is(error.code, 'ERR_UNHASHABLE_ARGUMENT');
    t.regex(error.message, /args\[1\]/);
  } finally {
    key.setPrivateStateReader(undefined);
  }
});
