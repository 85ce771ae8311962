import { SmartCacheError } from '../../errors';
import {
  classify,
  dateSurvivesCbor,
  hasExtraProperties,
  hasSymbolKeys,
  isNegativeZero,
  isWellFormed,
  isWideBigInt,
  viewPrefix,
} from './classify';
import { formatPath, type Step } from './result-path';
import { MAX_DEPTH } from './limits';
import { constants } from 'node:buffer';

const MAX_STRING_LENGTH = constants.MAX_STRING_LENGTH;

/**
 * The validating walk run before every encode: it proves the value round-trips exactly through
 * cbor-x (or through one of the private tags) and refuses anything else, naming the path of the
 * offending part. It is an explicit-stack emulation of cbor-x's own recursive, in-order
 * traversal (so it sees the same back-references), and cannot overflow at depth 10,000.
 */

export { MAX_DEPTH };

/**
 * cbor-x 1.6 numbers shared references with 16 bits (encode.js insertIds): with more distinct
 * objects referenced twice it silently links the wrong ones. Measured: 65,536 fine, 65,537 not.
 */
export const MAX_SHARED = 65_536;

/** Typed arrays / ArrayBuffers from this size are stored out of band, never copied into CBOR. */
export const BLOB_MIN_BYTES = 64 * 1024;

export interface Plan {
  /** Some object is reached twice (shared or cyclic): needs cbor-x's structuredClone mode. */
  readonly shared: boolean;
  /** Some part needs a private tag, so the value is encoded through a substituted copy. */
  readonly substitute: boolean;
  readonly depth: number;
}

const ARRAY = 0;
const OBJECT = 1;
const MAP = 2;
const SET = 3;

/** One container being walked, with where its walk stands. */
class Frame {
  i = 0;
  keys: string[] | undefined;
  iterator: Iterator<unknown> | undefined;
  /** Map: the entry whose key was just visited (its value is next). */
  pending: [unknown, unknown] | undefined;
  /** Map: the key of the entry whose value was just visited. */
  lastKey: unknown;

  constructor(
    readonly type: number,
    readonly value: object,
    readonly parent: Frame | undefined,
    readonly step: Step | undefined,
    readonly depth: number,
  ) {}

  /** The step to the child visited last. */
  current(): Step {
    switch (this.type) {
      case ARRAY:
        return this.i - 1;
      case OBJECT:
        return this.keys![this.i - 1]!;
      case MAP:
        return this.pending !== undefined ? { mapKey: this.i - 1 } : { mapValue: this.lastKey, index: this.i - 1 };
      default:
        return { setItem: this.i - 1 };
    }
  }
}

/** `enveloped`: `value` is the cache layer's `[result, …]`, and paths name the result as `label`. */
export function planValue(value: unknown, label = 'result', enveloped = false): Plan {
  return new Walk(label, enveloped).run(value);
}

class Walk {
  private shared = false;
  private substitute = false;
  private depth = 0;
  /** Every object met so far (an identity set is the bulk of the walk's cost, so one op each). */
  private readonly visited = new Set<object>();
  /** Maps and Sets whose children are being walked: a reference back to one is a cycle. */
  private readonly open = new Set<object>();
  /** Objects met more than once (each becomes one shared reference id in cbor-x). */
  private readonly repeated = new Set<object>();
  private readonly stack: Frame[] = [];

  constructor(
    private readonly label: string,
    private readonly enveloped: boolean,
  ) {}

  run(root: unknown): Plan {
    this.visit(root, undefined);
    const stack = this.stack;
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      if (!this.next(frame)) {
        stack.pop();
        if (frame.type >= MAP) this.open.delete(frame.value);
      }
    }
    return { shared: this.shared, substitute: this.substitute, depth: this.depth };
  }

  /** Visits the frame's next child; false once it has none left. */
  private next(frame: Frame): boolean {
    switch (frame.type) {
      case ARRAY: {
        const list = frame.value as unknown[];
        if (frame.i >= list.length) return false;
        const i = frame.i++;
        const item = list[i];
        if (item === undefined && !(i in list)) this.refuse(frame, i, 'a hole in a sparse array');
        this.visit(item, frame);
        return true;
      }
      case OBJECT: {
        const keys = frame.keys!;
        if (frame.i >= keys.length) return false;
        const key = keys[frame.i++]!;
        if (!isWellFormed(key)) this.refuse(frame, key, 'a property name with a lone surrogate');
        this.visit((frame.value as Record<string, unknown>)[key], frame);
        return true;
      }
      case MAP: {
        if (frame.pending !== undefined) {
          const [key, value] = frame.pending;
          frame.pending = undefined;
          frame.lastKey = key;
          this.visit(value, frame);
          return true;
        }
        const entry = frame.iterator!.next();
        if (entry.done === true) return false;
        frame.i++;
        frame.pending = entry.value as [unknown, unknown];
        this.visit(frame.pending[0], frame);
        return true;
      }
      default: {
        const item = frame.iterator!.next();
        if (item.done === true) return false;
        frame.i++;
        this.visit(item.value, frame);
        return true;
      }
    }
  }

  /** Checks one value; primitives here, containers get a frame of their own. */
  private visit(value: unknown, parent: Frame | undefined): void {
    switch (typeof value) {
      case 'undefined':
      case 'boolean':
        return;
      case 'number':
        if (isNegativeZero(value)) this.substitute = true;
        return;
      case 'string':
        if (!isWellFormed(value)) this.substitute = true;
        // Read back through Buffer#toString, which refuses more bytes than V8's longest string:
        // '€'.repeat(2e8) is 2e8 characters but 6e8 bytes of UTF-8, written and never readable.
        if (value.length * 3 > MAX_STRING_LENGTH && Buffer.byteLength(value) > MAX_STRING_LENGTH) {
          return this.refuse(parent, parent?.current(), `a string of more than ${MAX_STRING_LENGTH} bytes as UTF-8 (it could not be read back)`);
        }
        return;
      case 'bigint':
        if (isWideBigInt(value)) this.substitute = true;
        return;
      case 'symbol':
        return this.refuse(parent, parent?.current(), 'a symbol');
      case 'function':
        return this.refuse(parent, parent?.current(), 'a function');
      case 'object':
        if (value !== null) this.object(value, parent);
        return;
    }
  }

  private object(value: object, parent: Frame | undefined): void {
    const visited = this.visited;
    const before = visited.size;
    if (visited.add(value).size === before) {
      this.shared = true;
      // cbor-x 1.6 decodes a back-reference into a Map or Set (while it is being read) as {}.
      if (this.open.has(value)) this.refuse(parent, parent?.current(), 'a cycle through a Map or Set');
      if (this.repeated.add(value).size > MAX_SHARED) {
        this.refuse(parent, parent?.current(), `one of more than ${MAX_SHARED} objects referenced more than once (cbor-x numbers shared references with 16 bits)`);
      }
      return;
    }
    const kind = classify(value);
    switch (kind.type) {
      case 'refused':
        return this.refuse(parent, parent?.current(), kind.reason);
      case 'plain':
        return this.enter(OBJECT, value, parent);
      case 'nullProto':
        this.substitute = true;
        return this.enter(OBJECT, value, parent);
      case 'array':
        return this.enter(ARRAY, value, parent);
      case 'map':
        return this.enter(MAP, value, parent);
      case 'set':
        return this.enter(SET, value, parent);
      case 'date':
        this.noOwnProperties(value, parent);
        if (!dateSurvivesCbor(value as Date)) this.substitute = true;
        return;
      case 'regexp':
        this.noOwnProperties(value, parent);
        return this.regexp(value as RegExp, parent);
      case 'arrayBuffer':
        this.noOwnProperties(value, parent);
        return this.arrayBuffer(value as ArrayBuffer, parent);
      case 'view':
        return this.view(value as ArrayBufferView, kind.view.native, parent);
    }
  }

  private enter(type: number, value: object, parent: Frame | undefined): void {
    const depth = (parent?.depth ?? 0) + 1;
    const frame = new Frame(type, value, parent, parent?.current(), depth);
    if (depth > this.depth) {
      this.depth = depth;
      if (depth > MAX_DEPTH) this.refuse(parent, frame.step, `nested deeper than ${MAX_DEPTH} levels`);
    }
    if (type >= MAP) this.open.add(value);
    if (type === OBJECT) {
      if (hasSymbolKeys(value)) this.refuse(parent, frame.step, 'an object with symbol keys');
      // cbor-x renames "__proto__" on decode (its prototype-pollution guard).
      if (Object.prototype.hasOwnProperty.call(value, '__proto__')) this.refuse(frame, '__proto__', 'an own "__proto__" property');
      const keys = Object.keys(value);
      this.plainShape(value, keys, keys.length, parent, frame);
      frame.keys = keys;
    } else if (type === ARRAY) {
      if (hasSymbolKeys(value)) this.refuse(parent, frame.step, 'an array with symbol keys');
      if (hasExtraProperties(value as unknown[], '')) this.refuse(parent, frame.step, 'an array with extra named properties');
      // `length` is the one non-enumerable own property an array has.
      this.plainShape(value, undefined, (value as unknown[]).length + 1, parent, frame);
    } else {
      this.noOwnProperties(value, parent);
      frame.iterator = type === MAP ? (value as Map<unknown, unknown>).entries() : (value as Set<unknown>).values();
    }
    this.stack.push(frame);
  }

  /** Map, Set, Date, RegExp, ArrayBuffer, DataView: own properties are something cbor-x drops. */
  private noOwnProperties(value: object, parent: Frame | undefined): void {
    if (hasSymbolKeys(value) || Object.keys(value).length > 0) {
      this.refuse(parent, parent?.current(), 'an object with extra own properties');
    }
    if (!Object.isExtensible(value)) this.refuse(parent, parent?.current(), 'a frozen, sealed or non-extensible object');
  }

  /**
   * What CBOR cannot carry about a plain object or array, so a hit would return something
   * different from what the function returned: sealed or non-extensible state, non-enumerable
   * properties and accessors (a getter would come back as a plain value). Such results are
   * refused (returned uncached with one warning), never stored altered. A frozen one is stored
   * with a private tag and frozen again on decode (immer freezes what `produce` returns).
   * `keys` (objects only) are checked for accessors; `expectedNames` is how many own names a
   * plain value of this shape has.
   */
  private plainShape(value: object, keys: readonly string[] | undefined, expectedNames: number, parent: Frame | undefined, frame: Frame): void {
    if (!Object.isExtensible(value)) {
      if (!Object.isFrozen(value)) this.refuse(parent, frame.step, 'a sealed or non-extensible (but not frozen) object');
      this.substitute = true;
    }
    if (Object.getOwnPropertyNames(value).length > expectedNames) this.refuse(parent, frame.step, 'an object with non-enumerable properties');
    if (keys === undefined) return;
    for (const key of keys) {
      const d = Object.getOwnPropertyDescriptor(value, key);
      if (d !== undefined && !('value' in d)) this.refuse(frame, key, 'a getter or setter (it would come back as a plain value)');
    }
  }

  private regexp(value: RegExp, parent: Frame | undefined): void {
    const lastIndex = value.lastIndex as unknown;
    if (lastIndex === 0) return;
    if (typeof lastIndex !== 'number' || !Number.isInteger(lastIndex) || lastIndex < 0) {
      this.refuse(parent, parent?.current(), 'a RegExp whose lastIndex is not an index');
    }
    this.substitute = true;
  }

  private arrayBuffer(value: ArrayBuffer, parent: Frame | undefined): void {
    if ((value as { resizable?: boolean }).resizable === true) this.refuse(parent, parent?.current(), 'a resizable ArrayBuffer');
    this.noOwnProperties(value, parent);
    this.substitute = true;
  }

  private view(value: ArrayBufferView, native: boolean, parent: Frame | undefined): void {
    // A frozen (empty) or non-extensible view would come back extensible.
    if (!Object.isExtensible(value)) this.refuse(parent, parent?.current(), 'a frozen, sealed or non-extensible typed array or Buffer');
    const buffer = value.buffer as ArrayBuffer | SharedArrayBuffer;
    if (!(buffer instanceof ArrayBuffer)) this.refuse(parent, parent?.current(), 'a view of a SharedArrayBuffer');
    if ((buffer as { resizable?: boolean }).resizable === true) this.refuse(parent, parent?.current(), 'a view of a resizable ArrayBuffer');
    if (value instanceof DataView) this.noOwnProperties(value, parent);
    else {
      const list = value as ArrayBufferView & { length: number };
      if (hasSymbolKeys(list) || hasExtraProperties(list as unknown as ArrayLike<unknown>, viewPrefix(list))) {
        this.refuse(parent, parent?.current(), 'a typed array with extra named properties');
      }
    }
    if (!native || value.byteLength >= BLOB_MIN_BYTES) this.substitute = true;
  }

  private refuse(parent: Frame | undefined, step: Step | undefined, what: string): never {
    const where = formatPath(this.label, parent, step, this.enveloped);
    throw new SmartCacheError('ERR_UNSERIALIZABLE_RESULT', `${where} is ${what}, which cannot be stored exactly`, { path: where });
  }
}
